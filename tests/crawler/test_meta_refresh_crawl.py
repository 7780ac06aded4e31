"""A crawl notes the bare refresh form (`content="0; https://…"`, no `url=`) and folds a hijacked site's refresh on
every page into one note of the run that counts the pages. Real crawl of the demo site on 127.0.0.1."""

from __future__ import annotations

from sqlalchemy import select

from review.models import Source, SourceRun
from tests.crawler.test_hostile_pages import SPAM, _feed, _items

PAGES = 6


def test_a_site_refreshing_every_page_elsewhere_makes_one_note(crawl_env) -> None:  # type: ignore[no-untyped-def]
    site, b = crawl_env.site, crawl_env.site.base_url
    casino = b.replace("127.0.0.1", "localhost") + "/casino.html"
    entries = []
    for n in range(PAGES):
        site.set(f"/hj/{n}.html", f"<html><head><title>Tin {n}</title><meta http-equiv='refresh' content='0; {casino}'>"
                 f"</head><body><article><p>{SPAM * 3}</p></article></body></html>")
        entries.append((f"Tin {n}", f"{b}/hj/{n}.html", f"tóm tắt {n}"))
    site.set("/hj/feed.xml", _feed(entries), "application/rss+xml")
    crawl_env.configure(f'\n[[sources]]\nname = "hj"\nkind = "rss"\nurls = ["{b}/hj/feed.xml"]\n', demo=False)
    out = crawl_env.run("hj")
    assert out.ok, out.message
    assert len(_items(crawl_env)) == PAGES and not site.requests_for("/casino.html")
    assert out.errors == 1, out  # one note for all the refreshes
    with crawl_env.store.session() as s:
        run = s.scalars(select(SourceRun)).one()
        last_error = s.scalars(select(Source.last_error)).one()
    text = f"{run.message}\n{last_error}"
    assert f"{PAGES} trang chuyển hướng (meta refresh) sang máy chủ khác; trang đầu tiên: {b}/hj/" in text, text
    assert f"'{casino}', không đi theo: lưu nội dung của chính trang này" in text, text


def test_malformed_and_hostile_refresh_pages_are_stored(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """A refresh browsers ignore ('0; http://[::1') raised in ExtractStage and the page was lost; a page of "<meta "
    without ">" kept the worker in a quadratic search past the crawl's timeout. Both are stored as any page."""
    site, b = crawl_env.site, crawl_env.site.base_url
    text = "<article><p>" + "Ủy ban nhân dân phường thông báo lịch tiếp công dân tháng 12. " * 10 + "</p></article>"
    site.set("/g/1.html", "<html><head><title>Thông báo lịch tiếp dân</title>"
             f"<meta http-equiv='refresh' content='0; http://[::1'></head><body>{text}</body></html>")
    site.set("/g/2.html", "<html><head><title>Lịch làm việc</title>"
             f"<meta http-equiv='refresh' content='0; http://a:99999999/'></head><body>{text}</body></html>")
    site.set("/g/3.html", f"<html><head><title>Tin ba</title></head><body>{text}<script>var x='"
             + "<meta " * 30000 + "';</script></body></html>")
    site.set("/g/feed.xml", _feed([(f"Tin {n}", f"{b}/g/{n}.html", "tóm tắt") for n in (1, 2, 3)]),
             "application/rss+xml")
    crawl_env.configure(f'\n[[sources]]\nname = "g"\nkind = "rss"\nurls = ["{b}/g/feed.xml"]\n', demo=False)
    out = crawl_env.run("g")
    assert out.ok, out
    assert set(_items(crawl_env)) == {"1.html", "2.html", "3.html"}, (out, sorted(_items(crawl_env)))
