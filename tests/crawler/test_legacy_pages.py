"""Pages typed in legacy font encodings (TCVN3 ".VnTime", VNI "VNI-Times") are stored as Unicode Vietnamese.

Served by the real demo site and crawled for real; the item the crawl stored is read back from the database.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import select

from review.models import Item
from tests.classifier.test_legacy_encoding import encode_tcvn3, encode_vni

TITLE = "Quyết định về việc thành lập Ban chỉ đạo phòng chống thiên tai"
BODY = ("Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc. Ủy ban nhân dân huyện quyết định thành "
        "lập Ban chỉ đạo phòng chống thiên tai và tìm kiếm cứu nạn, gồm các đồng chí lãnh đạo các phòng, ban.")
PLAIN = "Giá vé 1½ triệu đồng; © 2024 Trung tâm Văn hóa tỉnh, liều 500 µg. Café crème à la française."


def _page(title: str, body: str, font: str = "") -> str:
    style = f" style=\"font-family: '{font}'\"" if font else ""
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<div class='noi-dung'{style}><p>{body}</p><p>{body}</p></div></article></body></html>")


def test_legacy_encoded_pages_are_stored_as_unicode(crawl_env) -> None:  # type: ignore[no-untyped-def]
    site, b = crawl_env.site, crawl_env.site.base_url
    # a Word file saved as HTML: TCVN3 bytes, no charset declared (read as Windows-1258 before), a .VnTime font
    site.set("/cu/tcvn3.html", _page(encode_tcvn3(TITLE), encode_tcvn3(BODY), ".VnTime").encode("cp1252"),
             content_type="text/html")
    # VNI text pasted into a UTF-8 page, no font named
    site.set("/cu/vni.html", _page(encode_vni(TITLE), encode_vni(BODY)))
    # TCVN3 declared as Windows-1252, a character written as a reference
    tcvn3_ref = _page(encode_tcvn3(TITLE), encode_tcvn3(BODY)).replace("µ", "&#181;").encode("cp1252")
    site.set("/cu/tcvn3-ref.html", tcvn3_ref, content_type="text/html; charset=windows-1252")
    # ordinary Unicode with symbols legacy encodings use: stored exactly as written
    site.set("/cu/unicode.html", _page("Bảng giá vé tham quan", PLAIN))
    links = ["/cu/tcvn3.html", "/cu/vni.html", "/cu/tcvn3-ref.html", "/cu/unicode.html"]
    site.set("/cu/list.html", "<html><body><ul>" + "".join(f"<li><a class='bai' href='{u}'>bài</a></li>"
                                                          for u in links) + "</ul></body></html>")
    crawl_env.configure(f'''
[[sources]]
name = "legacy-pages"
kind = "html"
urls = ["{b}/cu/list.html"]
selectors = {{ link = "a.bai", text = "div.noi-dung" }}
''')
    out = crawl_env.run("legacy-pages")
    assert out.ok, out.message
    with crawl_env.store.session() as s:
        items = {i.url.rsplit("/", 1)[-1]: i for i in s.scalars(select(Item))}

    for name in ("tcvn3.html", "vni.html", "tcvn3-ref.html"):
        item = items[name]
        assert item.title == TITLE, (name, item.title)
        assert BODY in item.text, (name, item.text)
        assert unicodedata.is_normalized("NFC", item.text)
    assert items["unicode.html"].title == "Bảng giá vé tham quan"
    assert PLAIN in items["unicode.html"].text
