"""More bad input, each case a real crawl of the demo site on 127.0.0.1 into a real database: one malformed link
must not cost the rest of its feed, listing or sitemap; a page that is not a feed or sitemap fails the run; an
oversized body without Content-Length says it hit the size cap; damaged encodings are read, not garbled; an item
the database refused is fetched again next run."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler

import pytest
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap
from sqlalchemy import select, text
from twisted.python.failure import Failure

from crawler.extract import decode_html, repair_utf8
from crawler.spiders.base import describe_failure
from crawler.spiders.sitemap import _cut_entries
from review.config import ConfigError, parse_config
from review.models import Item, Source
from tests.crawler.badsite import GOOD_ARTICLE, _redirect, encode_cp1258

OTHER_ARTICLE = "/tin-tuc/le-hoi-den-cuong-2026.html"
LIST_ARTICLE = "/tin-tuc/cong-nhan-di-tich-cap-tinh.html"
CUT_ARTICLE, CUT_AT = "/tin-tuc/ngay-sach-va-van-hoa-doc.html", "/tin-tuc/phat-trien-du-lich-cong-dong.html"
TEXT_XML_ARTICLE = "/tin-tuc/giai-chay-vi-hoa-binh-2026.html"
VI = "Ủy ban nhân dân phường Hưng Dũng tổ chức hội nghị đối thoại với nhân dân về chỉnh trang đô thị"
NON_ASCII_PATH = "/tin-tuc/%C4%91oi-thoai-nhan-dan.html"  # /tin-tuc/đoi-thoai-nhan-dan.html, as requested


def _chunked_huge(handler: BaseHTTPRequestHandler) -> None:
    """3.8 MB without Content-Length (chunked): Scrapy can only stop once it has read past the 2 MB cap."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    chunk = b"<p>" + b"a" * 65536 + b"</p>"
    try:
        for _ in range(60):
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        handler.wfile.write(b"0\r\n\r\n")
    except OSError:
        pass


def _article(title: str, body: str) -> str:
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<div class='noi-dung'><p>{body}</p><p>{body}</p></div></article></body></html>")


def _rss(items: list[tuple[str, str]]) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin</title>'
            + "".join(f"<item><title>{t}</title><link>{u}</link><description>{t}</description></item>" for t, u in items)
            + "</channel></rss>")


def _install(site) -> str:  # type: ignore[no-untyped-def]
    b = site.base_url
    # one malformed link (a port out of range, a broken IPv6 literal) among good ones
    site.set("/m/feed.xml", _rss([("Tin lỗi", "http://tin.example.vn:99999/a.html"),
                                  ("Dân ca Ví, Giặm", b + GOOD_ARTICLE)]), "application/rss+xml")
    site.set("/m/list.html", "<a class='bai' href='http://[tin-loi/a.html'>x</a>"
             f"<a class='bai' href='{LIST_ARTICLE}'>y</a><a class='bai' href='/m/huge.html'>z</a>"
             "<a class='bai' href='/m/to-file.html'>f</a><a class='bai' href='mailto:vhtt@example.vn'>m</a>")
    site.set("/m/sitemap.xml", "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
             f"<url><loc>http://[tin-loi/</loc></url><url><loc>{b}{OTHER_ARTICLE}</loc></url></urlset>",
             "application/xml")
    site.set_handler("/m/huge.html", _chunked_huge)
    site.set_handler("/m/to-file.html", _redirect("file:///etc/passwd"))
    # not what was configured: an HTML page as the sitemap, an empty feed, a sitemap cut off mid-entry
    site.set("/m/html-sitemap.xml", "<html><body><h1>Trang chủ</h1></body></html>", "text/html; charset=utf-8")
    site.set("/m/empty.xml", b"", "application/rss+xml")
    whole = ("<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
             f"<url><loc>{b}{CUT_ARTICLE}</loc></url><url><loc>{b}{CUT_AT}</loc></url></urlset>")
    site.set("/m/cut-sitemap.xml", whole[:whole.index(CUT_AT)], "application/xml")
    # a UTF-8 feed with one stray byte, listing an article whose URL is not ASCII; a healthy feed as text/xml
    site.set("/m/bad-byte.xml", _rss([(VI, b + "/tin-tuc/đoi-thoai-nhan-dan.html")]).encode().replace(
        b"<channel>", b"<channel>\xff"), "application/rss+xml")
    site.set(NON_ASCII_PATH, _article(VI, VI + "."))
    site.set("/m/text-xml.xml", _rss([("Giải chạy", b + TEXT_XML_ARTICLE)]), "text/xml")
    return f'''
[[sources]]
name = "m-feed"
kind = "rss"
urls = ["{b}/m/feed.xml"]

[[sources]]
name = "m-list"
kind = "html"
urls = ["{b}/m/list.html"]
selectors = {{ link = "a.bai", text = "div.noi-dung" }}

[[sources]]
name = "m-sitemap"
kind = "sitemap"
urls = ["{b}/m/sitemap.xml"]

[[sources]]
name = "m-html-sitemap"
kind = "sitemap"
urls = ["{b}/m/html-sitemap.xml"]

[[sources]]
name = "m-empty-feed"
kind = "rss"
urls = ["{b}/m/empty.xml"]

[[sources]]
name = "m-cut-sitemap"
kind = "sitemap"
urls = ["{b}/m/cut-sitemap.xml"]

[[sources]]
name = "m-bad-byte"
kind = "rss"
urls = ["{b}/m/bad-byte.xml"]

[[sources]]
name = "m-text-xml"
kind = "rss"
urls = ["{b}/m/text-xml.xml"]
'''


NAMES = ["m-feed", "m-list", "m-sitemap", "m-html-sitemap", "m-empty-feed", "m-cut-sitemap", "m-bad-byte",
         "m-text-xml"]


def test_malformed_input_is_recorded_and_loses_nothing_else(crawl_env) -> None:  # type: ignore[no-untyped-def]
    crawl_env.configure(_install(crawl_env.site), demo=False)
    with ThreadPoolExecutor(max_workers=len(NAMES)) as pool:
        out = dict(zip(NAMES, pool.map(crawl_env.run, NAMES), strict=True))
    with crawl_env.store.session() as s:
        health = {src.name: src for src in s.scalars(select(Source))}
        stored = {(i.source.name, i.url.rsplit("/", 1)[-1]): i for i in s.scalars(select(Item))}

    def log(name: str) -> str:
        return (crawl_env.tmp / f"crawl-{name}.log").read_text(encoding="utf-8")

    # one malformed link does not cost the good entries listed beside it, and is named
    for name, page in (("m-feed", GOOD_ARTICLE), ("m-list", LIST_ARTICLE), ("m-sitemap", OTHER_ARTICLE)):
        assert out[name].ok and out[name].items_new == 1, (name, out[name])
        assert (name, page.rsplit("/", 1)[-1]) in stored, name
    assert "bỏ qua 1 mục không có liên kết http(s) dùng được (đầu tiên: 'http://tin.example.vn:99999/a.html')" in log(
        "m-feed")
    assert "bỏ qua 1 liên kết sai định dạng (đầu tiên: 'http://[tin-loi/a.html')" in log("m-list")  # mailto: is quiet
    assert "bỏ qua 1 <loc> không có địa chỉ http(s) dùng được (đầu tiên: 'http://[tin-loi/')" in log("m-sitemap")
    for name in ("m-feed", "m-list", "m-sitemap"):
        assert "Traceback" not in log(name), name

    # a body over the cap without Content-Length, a redirect to file://: each says what happened
    assert "trang lớn hơn giới hạn tải về (2 MB, [crawler] download_maxsize_mb): không tải" in log("m-list")
    assert "máy chủ trả về HTTP 302: không đi theo chuyển hướng tới 'file:///etc/passwd'" in log("m-list")
    assert out["m-list"].errors == 3, out["m-list"].message

    # not a sitemap, not a feed: the run fails and says why
    assert not out["m-html-sitemap"].ok
    assert "không phải sitemap (phần tử gốc là <html>)" in out["m-html-sitemap"].message
    assert not out["m-empty-feed"].ok and "không phải kênh RSS/Atom (phản hồi rỗng)" in out["m-empty-feed"].message
    assert health["m-html-sitemap"].consecutive_failures == 1 and health["m-empty-feed"].consecutive_failures == 1

    # a sitemap cut off: what it listed before the cut is collected, the damage is on the source's health
    cut = out["m-cut-sitemap"]
    assert cut.ok and ("m-cut-sitemap", CUT_ARTICLE.rsplit("/", 1)[-1]) in stored
    assert "sitemap sai cấu trúc" in (health["m-cut-sitemap"].last_error or ""), health["m-cut-sitemap"].last_error

    # one stray byte in a UTF-8 feed: the feed is still read as UTF-8, so the non-ASCII link is right
    bad_byte = out["m-bad-byte"]
    assert bad_byte.ok and bad_byte.items_new == 1, bad_byte
    item = stored[("m-bad-byte", "%C4%91oi-thoai-nhan-dan.html")]
    assert item.title == VI and "extra" not in item.text and not (item.extra or {}).get("from_feed_only")
    assert "1 chuỗi byte không phải UTF-8, đã đọc theo Windows-1258" in (health["m-bad-byte"].last_error or "")

    # a healthy UTF-8 feed served as text/xml is not an error on every run
    assert out["m-text-xml"].ok and out["m-text-xml"].items_new == 1 and out["m-text-xml"].errors == 0


def test_an_item_the_database_refused_is_fetched_again(crawl_env, db_url: str) -> None:  # type: ignore[no-untyped-def]
    if not db_url.startswith("sqlite"):
        pytest.skip("the refusal is a SQLite trigger")
    b = crawl_env.site.base_url
    crawl_env.site.set("/m/two.xml", _rss([("Dân ca Ví, Giặm", b + GOOD_ARTICLE),
                                           ("Lễ hội đền Cuông", b + OTHER_ARTICLE)]), "application/rss+xml")
    crawl_env.configure(f'\n[[sources]]\nname = "m-two"\nkind = "rss"\nurls = ["{b}/m/two.xml"]\n', demo=False)
    refuse = ("CREATE TRIGGER refuse BEFORE INSERT ON items WHEN NEW.url LIKE '%le-hoi-den-cuong%' "
              "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END")
    with crawl_env.store.engine.begin() as conn:  # the database fails to write one item (disk, lock, ...)
        conn.execute(text(refuse))
    first = crawl_env.run("m-two")
    assert first.items_new == 1 and first.errors == 1, first
    with crawl_env.store.session() as s:
        last_error = s.scalar(select(Source.last_error).where(Source.name == "m-two")) or ""
    assert "le-hoi-den-cuong-2026.html: không lưu được" in last_error and "disk I/O error" in last_error

    with crawl_env.store.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER refuse"))
    second = crawl_env.run("m-two")  # the feed is not answered 304: the refused entry is listed and stored
    assert second.ok and second.items_new == 1, second
    assert crawl_env.store.item_count() == 2



def test_json_served_as_a_web_page_is_crawled_without_a_traceback(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """A site's API answer served as text/html: parsel reads a body that parses as JSON as JSON, and CSS on it
    raised. It is a page without an article now: the rest of the feed is collected, nothing fails."""
    b = crawl_env.site.base_url
    crawl_env.site.set("/m/api.html", '{"bai": 1, "tieu_de": "Tin mới", "noi_dung": "Lừa đảo qua Zalo"}',
                       "text/html; charset=utf-8")
    crawl_env.site.set("/m/with-api.xml", _rss([("Tin API", b + "/m/api.html"), ("Dân ca Ví, Giặm", b + GOOD_ARTICLE)]),
                       "application/rss+xml")
    crawl_env.configure(f'\n[[sources]]\nname = "m-api"\nkind = "rss"\nurls = ["{b}/m/with-api.xml"]\n',
                        demo=False)
    out = crawl_env.run("m-api")
    log = (crawl_env.tmp / "crawl-m-api.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and "Selector of type 'json'" not in log, log[-3000:]
    assert out.ok and out.errors == 0, out
    with crawl_env.store.session() as s:
        stored = {i.url.removeprefix(b): i for i in s.scalars(select(Item))}
    assert GOOD_ARTICLE in stored, stored
    # like any page whose article cannot be extracted: the feed's own title and summary stand for it
    assert stored["/m/api.html"].title == "Tin API" and "bai" not in stored["/m/api.html"].text


def test_the_entry_a_sitemap_was_cut_in_is_not_followed(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """A sitemap cut off inside a <loc>: lxml recovers the cut text as if it were a whole URL. Followed, it
    fetches another page (here the news index) and stores it as an article; the cut entry must be dropped."""
    b = crawl_env.site.base_url
    index = "/tin-tuc/"  # what is left of CUT_AT where the file ends
    urlset = ("<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
              f"<url><loc>{b}{CUT_ARTICLE}</loc><lastmod>2026-01-02</lastmod></url><url><loc>{b}{CUT_AT}</loc></url>")
    crawl_env.site.set("/m/cut-in-loc.xml", urlset[:urlset.index(CUT_AT) + len(index)], "application/xml")
    # a sitemap index cut the same way: the cut sub-sitemap URL is not requested either
    sub = f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><url><loc>{b}{OTHER_ARTICLE}</loc></url></urlset>"
    crawl_env.site.set("/m/sub-one.xml", sub, "application/xml")
    sitemaps = ("<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                f"<sitemap><loc>{b}/m/sub-one.xml</loc></sitemap><sitemap><loc>{b}/m/sub-two.xml</loc></sitemap>")
    crawl_env.site.set("/m/cut-index.xml", sitemaps[:sitemaps.index("/m/sub-two.xml") + len("/m/sub")],
                       "application/xml")
    crawl_env.configure(f'''
[[sources]]
name = "m-cut-loc"
kind = "sitemap"
urls = ["{b}/m/cut-in-loc.xml"]

[[sources]]
name = "m-cut-index"
kind = "sitemap"
urls = ["{b}/m/cut-index.xml"]
''', demo=False)
    with ThreadPoolExecutor(max_workers=2) as pool:
        cut, cut_index = pool.map(crawl_env.run, ["m-cut-loc", "m-cut-index"])
    with crawl_env.store.session() as s:
        stored = sorted(i.url.removeprefix(b) for i in s.scalars(select(Item)))
        health = {src.name: src.last_error or "" for src in s.scalars(select(Source))}

    assert cut.ok and cut.items_new == 1 and cut_index.ok and cut_index.items_new == 1, (cut, cut_index)
    assert stored == sorted([CUT_ARTICLE, OTHER_ARTICLE]), stored  # not the news index, not the cut page
    assert not crawl_env.site.requests_for(index) and not crawl_env.site.requests_for("/m/sub")
    # the note says what was kept and which cut entry was left out
    assert f"giữ 1 mục, bỏ mục bị cắt dở ở cuối tệp: '{b}{index}'" in health["m-cut-loc"], health["m-cut-loc"]
    assert f"bỏ mục bị cắt dở ở cuối tệp: '{b}/m/sub'" in health["m-cut-index"], health["m-cut-index"]


# ------------------------------------------------------------------------------------------ no network
def test_a_byte_order_mark_beats_the_declared_charset() -> None:
    assert decode_html(b"\xef\xbb\xbf" + VI.encode(), "text/html; charset=iso-8859-1") == (VI, None)
    assert decode_html(VI.encode("utf-16"), "text/html") == (VI, None)


def test_utf8_served_with_a_western_charset_is_read_as_utf8() -> None:
    # Apache's default ISO-8859-1, a template's <meta charset=windows-1252>: the page is UTF-8 all the same
    assert decode_html(VI.encode(), "text/html; charset=iso-8859-1") == (VI, None)
    page = f"<meta charset='windows-1252'><p>{VI}</p>"
    assert decode_html(page.encode(), "text/html")[0] == page


def test_windows_1258_declared_as_utf8_is_read_and_noted() -> None:
    text, note = decode_html(encode_cp1258(VI), "text/html; charset=utf-8")
    assert text == VI and note == "khai báo UTF-8 nhưng không phải UTF-8, đã đọc theo Windows-1258"


def test_stray_bytes_in_a_utf8_page_do_not_garble_the_page() -> None:
    # a UTF-8 page with one piece of old Windows-1258 content: the UTF-8 stays UTF-8, the old piece is read too
    body = (VI + ". " + VI + ". ").encode() + encode_cp1258("Phường") + b" \xff"
    text, note = decode_html(body, "text/html")
    assert text == f"{VI}. {VI}. Phường ÿ" and note == "4 chuỗi byte không phải UTF-8, đã đọc theo Windows-1258"


def test_a_feed_with_a_stray_byte_is_repaired_to_utf8() -> None:
    feed = _rss([(VI, "http://tin.example.vn/đoi-thoai.html")]).encode()
    assert repair_utf8(feed) == (feed, None)
    repaired, note = repair_utf8(feed.replace(b"<channel>", b"<channel>\xff"))
    assert repaired.decode("utf-8") == feed.decode().replace("<channel>", "<channel>ÿ") and note
    cp1258 = encode_cp1258(feed.decode().replace("utf-8", "windows-1258"))
    assert repair_utf8(cp1258) == (cp1258, None)  # declares its own charset: left to feedparser


@pytest.mark.parametrize("charset,text", [("windows-1251", "Новости дня"), ("iso-8859-2", "Zażółć gęślą"),
                                          ("windows-1258", "Tin tức")])
def test_a_feed_whose_charset_is_only_in_the_http_header_is_left_to_feedparser(charset: str, text: str) -> None:
    import unicodedata

    import feedparser


    body = _rss([(text, "http://tin.example.vn/a.html")]).replace(' encoding="utf-8"', "")
    raw = encode_cp1258(body) if charset == "windows-1258" else body.encode(charset)
    ctype = f"application/rss+xml; charset={charset}"
    assert repair_utf8(raw, ctype) == (raw, None)  # no false "not UTF-8" note, bytes untouched
    parsed = feedparser.parse(raw, response_headers={"content-type": ctype})
    assert unicodedata.normalize("NFC", parsed.entries[0].title) == text  # Windows-1258 decodes to NFD; we NFC it


@pytest.mark.parametrize(("url", "reason"), [
    ("http://tin.example.vn:99999/rss", "Port out of range"),
    ("http://[tin-loi/rss", "Invalid IPv6 URL"),
    ("http://:8080/rss", "chỉ nhận địa chỉ đầy đủ http:// hoặc https://"),
])
def test_a_malformed_source_url_is_a_config_error_with_its_line(url: str, reason: str) -> None:
    body = f'[crawler]\nobey_robots = true\n\n[[sources]]\nname = "a"\nkind = "rss"\nurls = ["{url}"]\n'
    with pytest.raises(ConfigError) as err:
        parse_config(body, "canhgac.toml")
    assert (err.value.file, err.value.key, err.value.line) == ("canhgac.toml", "sources[0].urls", 7)
    assert reason in str(err.value)


def test_negative_max_redirects_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"canhgac.toml:2, khoá 'crawler.max_redirects': phải từ 0 trở lên"):
        parse_config("[crawler]\nmax_redirects = -1\n", "canhgac.toml")
    assert parse_config("[crawler]\nmax_redirects = 0\n").crawler.max_redirects == 0


URLSET = "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><url><loc>http://a.vn/1.html</loc></url>"


@pytest.mark.parametrize(("tail", "cut", "undated"), [
    ("<url><loc>http://a.vn/tin-tuc/bai-viet-123.ht", 1, None),  # in the <loc> text: the case that fetched a wrong page
    ("<url><loc>http://a.vn/2.html", 1, None),  # at the end of its text: "<" not read, the URL may go on
    # after its <loc>'s text ended (its end tag begun): the URL is whole, the entry is kept ...
    ("<url><loc>http://a.vn/2.html</lo", 0, {"lastmod", "publication_date"}),
    ("<url><loc>http://a.vn/2.html</loc>", 0, {"lastmod", "publication_date"}),
    # ... but a date it was cut in is not used ("2026-" is no date, and no fingerprint to compare next run)
    ("<url><loc>http://a.vn/2.html</loc><lastmod>2026-", 0, {"lastmod", "publication_date"}),
    ("<url><loc>http://a.vn/2.html</loc><lastmod>2026-01-0", 0, {"lastmod", "publication_date"}),
    ("<url><loc>http://a.vn/2.html</loc><lastmod>2026-01-02</lastmod>", 0, {"publication_date"}),  # whole date
    ("<url><loc>http://a.vn/2.html</loc><lastmod>2026-01-02</lastmod><news:news><news:publication_date>2026-01",
     0, {"publication_date"}),
    ("<url><loc>http://a.vn/2.html</loc></u", 0, None),  # its end tag begun: whole
    ("<url><lastmod>2026-01-02", 0, None),  # no <loc> yet: `Sitemap` does not list it, nothing to drop
    ("<url><loc>http://a.vn/2.html</loc></url>", 0, None),  # cut between entries
    ("<url><loc>http://a.vn/2.html</loc></url></urlset>", 0, None),  # whole
])
def test_the_entry_a_sitemap_was_cut_in_is_counted(tail: str, cut: int, undated: set[str] | None) -> None:
    body = (URLSET.replace("<urlset ", "<urlset xmlns:news='http://www.google.com/schemas/sitemap-news/0.9' ")
            + tail).encode()
    entries = list(Sitemap(body))
    assert _cut_entries(entries, body) == (cut, {} if undated is None else {1: undated})
    assert entries[0] == {"loc": "http://a.vn/1.html"}  # what comes before the cut is never dropped


def _failure(exc: Exception) -> Failure:
    try:
        raise exc
    except Exception:  # noqa: BLE001 - a Failure of what was just raised
        return Failure()


def test_download_failures_are_described_in_vietnamese_with_their_technical_detail() -> None:
    not_found = Response("http://a.vn/x", status=404, request=Request("http://a.vn/x"))
    moved = Response("http://a.vn/x", status=302, headers={"Location": "file:///etc/passwd"},
                     request=Request("http://a.vn/x"))
    cases = [
        (HttpError(not_found, "Ignoring non-200 response"), "máy chủ trả về HTTP 404"),
        (HttpError(moved, "Ignoring non-200 response"),
         "máy chủ trả về HTTP 302: không đi theo chuyển hướng tới 'file:///etc/passwd'"),
        (CannotResolveHostError("DNS lookup failed: tin.invalid"),
         "không tìm thấy tên miền (DNS) (CannotResolveHostError: DNS lookup failed: tin.invalid)"),
        (DownloadTimeoutError("Getting http://a.vn/x took longer than 3 seconds."),
         "quá thời gian chờ ([crawler] download_timeout_s) (DownloadTimeoutError: Getting http://a.vn/x took "
         "longer than 3 seconds.)"),
        (DownloadCancelledError(), "trang lớn hơn giới hạn tải về (2 MB, [crawler] download_maxsize_mb): không tải "
                                   "(DownloadCancelledError)"),
        (IgnoreRequest("Forbidden by robots.txt"),
         "robots.txt của trang không cho phép tải (IgnoreRequest: Forbidden by robots.txt)"),
        (IgnoreRequest("max redirections reached"),
         "chuyển hướng quá số lần cho phép ([crawler] max_redirects) (IgnoreRequest: max redirections reached)"),
        (ValueError("something new"), "không tải được trang (ValueError: something new)"),
    ]
    for exc, said in cases:
        assert describe_failure(_failure(exc), maxsize=2 * 1024 * 1024) == said
        # what comes before the technical detail reads as Vietnamese: no English word outside the parentheses
        lead = re.sub(r"\(.*?\)|'.*?'", "", said)
        assert not re.search(r"\b(the|not|page|than|larger|redirect|failed|lookup|of|to)\b", lead), said
