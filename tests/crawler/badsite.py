"""Bad input for the crawler, served by the demo site: each route breaks one thing a real site breaks."""

from __future__ import annotations

import gzip
import unicodedata
from http.server import BaseHTTPRequestHandler

from crawler.demo_site.server import DemoSite

GOOD_ARTICLE = "/tin-tuc/bao-ton-dan-ca-vi-giam.html"
CP1258_TEXT = "Ủy ban nhân dân phường tổ chức lễ phát động phong trào đền ơn đáp nghĩa, thăm hỏi gia đình chính sách."
NFD_TEXT = "Hội Liên hiệp Phụ nữ phường trao tặng sổ tiết kiệm cho hội viên có hoàn cảnh khó khăn."
SLOW_S = 300  # far beyond any download timeout the tests set


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 keeps tone marks as combining characters: decompose only what it lacks."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", ch)
            head = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in "\u0302\u0306\u031b"))
            out += head.encode("cp1258") + "".join(m for m in marks if m not in "\u0302\u0306\u031b").encode("cp1258")
    return bytes(out)


def _article(title: str, body: str) -> str:
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<div class='noi-dung'><p>{body}</p><p>{body}</p></div></article></body></html>")


def _slow(handler: BaseHTTPRequestHandler) -> None:
    """Answers only once the client gave up (its download timeout) and hung up, or after SLOW_S: a page that
    times out whatever the tests' download timeout, however loaded the machine, without a fixed sleep."""
    handler.connection.settimeout(SLOW_S)
    try:
        handler.rfile.read(1)  # a GET has nothing more to send: this returns when the client closes
        handler.send_response(200)
        handler.end_headers()
    except OSError:
        pass


def _huge(handler: BaseHTTPRequestHandler) -> None:
    """A 50 MB page, written lazily: the crawler must stop reading, not buffer it."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(50 * 1024 * 1024))
    handler.end_headers()
    chunk = b"<p>" + b"a" * 65536 + b"</p>"
    try:
        for _ in range(50 * 1024 * 1024 // len(chunk)):
            handler.wfile.write(chunk)
    except OSError:
        pass


def _gzip_bomb(handler: BaseHTTPRequestHandler) -> None:
    body = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)  # ~64 KB that inflates to 64 MB
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    try:
        handler.wfile.write(body)
    except OSError:
        pass


def _redirect(to: str):  # type: ignore[no-untyped-def]
    def handle(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", to)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return handle


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""


def install(site: DemoSite) -> str:
    """Add the bad routes; returns the `[[sources]]` TOML that crawls them."""
    b = site.base_url
    links = ["/bad/empty.html", "/bad/missing.html", "/bad/500.html", "/bad/slow.html", "/bad/loop-a.html",
             "http://tin-xa.invalid/bai.html", "/bad/huge.html", "/bad/gzip-bomb.html", "/bad/cp1258.html",
             "/bad/nfd.html", GOOD_ARTICLE]
    site.set("/bad/list.html", "<html><body><ul>" + "".join(f"<li><a class='bai' href='{u}'>bài</a></li>"
                                                          for u in links) + "</ul></body></html>")
    site.set("/bad/empty.html", b"")
    site.set("/bad/500.html", "<h1>Internal Server Error</h1>", status=500)
    site.set_handler("/bad/slow.html", _slow)
    site.set_handler("/bad/loop-a.html", _redirect("/bad/loop-b.html"))
    site.set_handler("/bad/loop-b.html", _redirect("/bad/loop-a.html"))
    site.set_handler("/bad/huge.html", _huge)
    site.set_handler("/bad/gzip-bomb.html", _gzip_bomb)
    site.set("/bad/cp1258.html", encode_cp1258(_article("Phát động phong trào đền ơn đáp nghĩa", CP1258_TEXT)),
             content_type="text/html")
    site.set("/bad/nfd.html", unicodedata.normalize("NFD", _article("Trao sổ tiết kiệm cho hội viên", NFD_TEXT)))
    rss = site.lookup("/tin-tuc/rss.xml")
    assert rss is not None
    feed = rss.body.decode()
    cut = feed.index("<item>", feed.index("<item>", feed.index("<item>") + 1) + 1)  # two whole items, then garbage
    site.set("/bad/truncated.xml", feed[:cut] + "<item><title>Tin bị cắt", "application/rss+xml")
    site.set("/bad/bomb.xml", BOMB + "<rss version='2.0'><channel><title>&lol9;</title><item><title>&lol9;</title>"
             f"<link>{b}{GOOD_ARTICLE}</link><description>&lol9;</description></item></channel></rss>",
             "application/rss+xml")
    site.set("/bad/sitemap-bomb.xml", BOMB + "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
             f"<url><loc>{b}/tin-tuc/ngay-sach-va-van-hoa-doc.html</loc><lastmod>&lol9;</lastmod></url></urlset>",
             "application/xml")
    site.set("/bad/500.xml", "<h1>500</h1>", status=500)
    return f'''
[[sources]]
name = "bad-articles"
kind = "html"
urls = ["{b}/bad/list.html"]
selectors = {{ link = "a.bai", text = "div.noi-dung" }}

[[sources]]
name = "bad-truncated"
kind = "rss"
urls = ["{b}/bad/truncated.xml"]

[[sources]]
name = "bad-bomb"
kind = "rss"
urls = ["{b}/bad/bomb.xml"]

[[sources]]
name = "bad-sitemap-bomb"
kind = "sitemap"
urls = ["{b}/bad/sitemap-bomb.xml"]

[[sources]]
name = "bad-dns"
kind = "rss"
urls = ["http://cong-thong-tin.invalid/rss.xml"]

[[sources]]
name = "bad-500"
kind = "sitemap"
urls = ["{b}/bad/500.xml"]
'''
