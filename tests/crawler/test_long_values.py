"""Values longer than a column was once sized for: a long article URL (a percent-encoded Vietnamese slug)
and a long feed ETag. SQLite and PostgreSQL must behave the same, and nothing may be lost without a word."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import select

from crawler.demo_site.server import LAST_MODIFIED
from review.models import MAX_URL_LENGTH, FeedState, Item, Source
from tests.crawler.badsite import GOOD_ARTICLE

SLUG = quote("cảnh-báo-thủ-đoạn-lừa-đảo-qua-mạng-xã-hội-")  # ~150 characters once percent-encoded


def _rss(links: list[str]) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin</title>'
            + "".join(f"<item><title>Bài {n}</title><link>{u}</link><description>Tóm tắt {n}</description></item>"
                      for n, u in enumerate(links)) + "</channel></rss>")


def _long_path(length: int, base: str) -> str:
    path = "/dai/" + SLUG * (length // len(SLUG) + 1)
    return path[:length - len(base) - len(".html")] + ".html"


def test_long_urls_are_stored_or_reported_alike_on_both_databases(crawl_env, db_url: str) -> None:  # type: ignore[no-untyped-def]
    b = crawl_env.site.base_url
    page = crawl_env.site.lookup(GOOD_ARTICLE)
    long_ok = _long_path(2062, b)  # over the old 2048 columns, under the limit
    too_long = _long_path(MAX_URL_LENGTH + 500, b)
    assert len(b + long_ok) == 2062 and len(b + too_long) > MAX_URL_LENGTH > 2083
    for path in (long_ok, too_long):
        crawl_env.site.set(path, page.body)
    crawl_env.site.set("/dai/feed.xml", _rss([b + long_ok, b + too_long]), "application/rss+xml")
    crawl_env.configure(f'\n[[sources]]\nname = "dai"\nkind = "rss"\nurls = ["{b}/dai/feed.xml"]\n', demo=False)

    out = crawl_env.run("dai")
    with crawl_env.store.session() as s:
        urls = list(s.scalars(select(Item.url)))
        last_error = s.scalar(select(Source.last_error).where(Source.name == "dai")) or ""
    assert urls == [b + long_ok], (out, last_error)
    assert out.ok and out.items_new == 1 and out.errors == 1, out
    # the too-long one is said in Vietnamese, without the database's SQL, and was not even fetched
    assert f"quá giới hạn {MAX_URL_LENGTH} ký tự" in last_error and "SQL" not in last_error, last_error
    assert crawl_env.site.requests_for(too_long) == []
    assert len(crawl_env.site.requests_for(long_ok)) == 1

    again = crawl_env.run("dai")  # the stored entry is marked seen: not fetched again
    assert again.ok and again.items_new == 0, again
    assert len(crawl_env.site.requests_for(long_ok)) == 1


def _feed_with_etag(etag: str, body: str):  # type: ignore[no-untyped-def]
    def handler(request) -> None:  # type: ignore[no-untyped-def]
        data = body.encode("utf-8")
        if request.headers.get("If-None-Match") == etag:
            request.send_response(304)
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        request.send_response(200)
        request.send_header("Content-Type", "application/rss+xml")
        request.send_header("ETag", etag)
        request.send_header("Last-Modified", LAST_MODIFIED)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)
    return handler


def test_an_oversized_etag_is_not_stored_and_the_other_feeds_still_are(crawl_env, db_url: str) -> None:  # type: ignore[no-untyped-def]
    b = crawl_env.site.base_url
    huge = '"' + "e" * 600 + '"'
    crawl_env.site.set_handler("/v/huge.xml", _feed_with_etag(huge, _rss([b + GOOD_ARTICLE])))
    crawl_env.site.set_handler("/v/small.xml", _feed_with_etag('"small-1"', _rss([b + "/tin-tuc/le-hoi-den-cuong-2026.html"])))
    crawl_env.configure(f'\n[[sources]]\nname = "v"\nkind = "rss"\nurls = ["{b}/v/huge.xml", "{b}/v/small.xml"]\n',
                        demo=False)
    out = crawl_env.run("v")
    assert out.ok and out.items_new == 2, out
    with crawl_env.store.session() as s:
        states = {row.url: (row.etag, row.last_modified) for row in s.scalars(select(FeedState))
                  if not row.url.startswith("entry:")}
    # the oversized ETag is left out (its Last-Modified is kept); the next feed of the loop is saved
    assert states == {f"{b}/v/huge.xml": (None, LAST_MODIFIED), f"{b}/v/small.xml": ('"small-1"', LAST_MODIFIED)}

    again = crawl_env.run("v")
    assert again.ok and again.items_new == 0, again
    assert crawl_env.site.requests_for("/v/small.xml")[-1].headers.get("if-none-match") == '"small-1"'
    assert "if-none-match" not in crawl_env.site.requests_for("/v/huge.xml")[-1].headers
