"""Sitemaps as publishers really write them: a bare "&" in a <loc>'s query, a file cut off just after a whole
<loc>. Real crawls of the demo site on 127.0.0.1 into a real database; the repair must lose nothing and say
nothing, the truncation must lose nothing but the cut date and still be noted."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler

import pytest
from scrapy.utils.sitemap import Sitemap
from sqlalchemy import select

from crawler.spiders.sitemap import _xml_damage, repair_ampersands
from review.models import FeedState, Item, Source

NS = "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
CUT_ARTICLE, CUT_AT = "/tin-tuc/ngay-sach-va-van-hoa-doc.html", "/tin-tuc/phat-trien-du-lich-cong-dong.html"
OTHER_ARTICLE = "/tin-tuc/le-hoi-den-cuong-2026.html"
VI = "Ủy ban nhân dân phường Hưng Dũng tổ chức hội nghị đối thoại với nhân dân về chỉnh trang đô thị"


def _query_page(seen: list[str]):  # type: ignore[no-untyped-def]
    """An article per query string, recording the path and query each request asked for, as sent."""
    def handle(handler: BaseHTTPRequestHandler) -> None:
        seen.append(handler.path)
        title = f"Thông báo số {handler.path.partition('?')[2]}"
        body = (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1><div class='noi-dung'>"
                f"<p>{VI} ({handler.path}).</p><p>{VI}.</p></div></article></body></html>").encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    return handle


def test_bare_ampersands_are_read_as_meant_and_a_cut_after_loc_keeps_the_entry(crawl_env) -> None:  # type: ignore[no-untyped-def]
    site, b = crawl_env.site, crawl_env.site.base_url
    seen: list[str] = []
    site.set_handler("/tin", _query_page(seen))
    # well-formed but for the bare "&"s (in a <loc> with a <lastmod>, and in a plain one)
    site.set("/s/amp.xml", f"<?xml version='1.0' encoding='UTF-8'?>{NS}"
             f"<url><loc>{b}/tin?id=5&cat=2</loc><lastmod>2026-01-02</lastmod></url>"
             f"<url><loc>{b}/tin?id=6&amp;cat=2&page=1</loc></url>"
             f"<url><loc>{b}{OTHER_ARTICLE}</loc></url></urlset>", "application/xml")
    # cut in the last entry's date, after its whole <loc>; with a bare "&" too: the cut is still noted
    site.set("/s/cut.xml", f"<?xml version='1.0'?>{NS}<url><loc>{b}/tin?id=7&cat=3</loc></url>"
             f"<url><loc>{b}{CUT_ARTICLE}</loc><lastmod>2026-01-02</lastmod></url>"
             f"<url><loc>{b}{CUT_AT}</loc><lastmod>2026-", "application/xml")
    crawl_env.configure(f'''
[[sources]]
name = "s-amp"
kind = "sitemap"
urls = ["{b}/s/amp.xml"]

[[sources]]
name = "s-cut"
kind = "sitemap"
urls = ["{b}/s/cut.xml"]
''', demo=False)
    with ThreadPoolExecutor(max_workers=2) as pool:
        amp, cut = pool.map(crawl_env.run, ["s-amp", "s-cut"])
    with crawl_env.store.session() as s:
        health = {src.name: src.last_error or "" for src in s.scalars(select(Source))}
        stored = {(i.source.name, i.url.removeprefix(b)) for i in s.scalars(select(Item))}
        hashes = {row.url.rpartition("|")[2].removeprefix(b): row.entry_hash for row in s.scalars(select(FeedState))}

    # the URLs are fetched exactly as the publisher meant them, and a repair is no error on the source
    assert sorted(seen) == ["/tin?id=5&cat=2", "/tin?id=6&cat=2&page=1", "/tin?id=7&cat=3"], seen
    assert amp.ok and amp.items_new == 3 and amp.errors == 0, amp
    assert health["s-amp"] == "", health["s-amp"]
    assert {u for n, u in stored if n == "s-amp" and u.startswith("/tin?")} == {"/tin?id=5&cat=2",
                                                                                 "/tin?id=6&cat=2&page=1"}, stored
    # cut after the last <loc>: that entry is fetched too, the truncation is on the source's health, and
    # the half date ("2026-") is neither a fingerprint nor a date
    assert cut.ok and cut.items_new == 3, cut
    assert ("s-cut", CUT_AT) in stored and site.requests_for(CUT_AT), stored
    assert "sitemap sai cấu trúc" in health["s-cut"] and "giữ 3 mục" in health["s-cut"], health["s-cut"]
    assert "bỏ mục" not in health["s-cut"], health["s-cut"]
    assert hashes.get(CUT_ARTICLE) == "2026-01-02" and "2026-" not in hashes.values(), hashes


# ------------------------------------------------------------------------------------------ no network
@pytest.mark.parametrize(("raw", "repaired", "count"), [
    (b"<loc>https://a.vn/tin?id=5&cat=2</loc>", b"<loc>https://a.vn/tin?id=5&amp;cat=2</loc>", 1),
    (b"<loc>https://a.vn/?a=1&b=2&c=3&</loc>", b"<loc>https://a.vn/?a=1&amp;b=2&amp;c=3&amp;</loc>", 3),
    (b"<loc>https://a.vn/a&b</loc>", b"<loc>https://a.vn/a&amp;b</loc>", 1),
    (b"<loc>https://a.vn/a&#;</loc>", b"<loc>https://a.vn/a&amp;#;</loc>", 1),
    # XML's predefined entities and character references are the parser's
    (b"<loc>https://a.vn/?a=1&amp;b=2&#38;c=3&#x26;d&lt;&gt;&quot;&apos;</loc>", None, 0),
    # any other name is undefined in a sitemap (no DTD): text, not a reference that cuts the URL
    (b"<loc>https://a.vn/?a=1&copy;b=2</loc>", b"<loc>https://a.vn/?a=1&amp;copy;b=2</loc>", 1),
    (b"<loc>https://a.vn/?q=1&nbsp;</loc>", b"<loc>https://a.vn/?q=1&amp;nbsp;</loc>", 1),
    (b"<title>&lol9;</title>", b"<title>&amp;lol9;</title>", 1),
    # "&" is text in CDATA sections and comments, also where the file ends in one
    (b"<loc><![CDATA[https://a.vn/?a=1&b=2]]></loc><!-- a & b -->", None, 0),
    (b"<loc><![CDATA[https://a.vn/?a=1&b", None, 0),
    (b"<loc>https://a.vn/?a=1&b=2</loc><!-- a & b", b"<loc>https://a.vn/?a=1&amp;b=2</loc><!-- a & b", 1),
    # not an encoding in which "&" is one byte: left alone
    ("<loc>https://a.vn/?a=1&b=2</loc>".encode("utf-16"), None, 0),
])
def test_bare_ampersands_are_repaired_and_nothing_else(raw: bytes, repaired: bytes | None, count: int) -> None:
    assert repair_ampersands(raw) == (raw if repaired is None else repaired, count)


def test_lxml_alone_loses_the_text_after_a_bare_ampersand() -> None:
    """Why the repair: lxml's recovery drops "&cat" and fetches another page ("?id=5=2")."""
    body = f"{NS}<url><loc>https://a.vn/tin?id=5&cat=2</loc></url></urlset>".encode()
    assert [e["loc"] for e in Sitemap(body)] == ["https://a.vn/tin?id=5=2"] and _xml_damage(body)
    fixed, _ = repair_ampersands(body)
    assert [e["loc"] for e in Sitemap(fixed)] == ["https://a.vn/tin?id=5&cat=2"] and not _xml_damage(fixed)


def test_an_undefined_entity_name_in_a_url_is_read_as_text() -> None:
    """"&copy;" in a query has no meaning in a sitemap: lxml alone cuts the URL there ("?a=1")."""
    body = f"{NS}<url><loc>https://a.vn/?a=1&copy;b=2</loc></url></urlset>".encode()
    assert [e["loc"] for e in Sitemap(body)] == ["https://a.vn/?a=1"] and _xml_damage(body)
    fixed, _ = repair_ampersands(body)
    assert [e["loc"] for e in Sitemap(fixed)] == ["https://a.vn/?a=1&copy;b=2"] and not _xml_damage(fixed)
