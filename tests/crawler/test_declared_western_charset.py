"""Windows-1258 Vietnamese served with a Western charset declared (Apache's ISO-8859-1 default, a template's
<meta charset=windows-1252>) is read as Windows-1258, with a note; genuine Western pages stay as declared."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crawler.extract import decode_html
from review.models import Item, Source
from tests.crawler.badsite import encode_cp1258

VI = "Sở Văn hóa tổ chức hội nghị về lừa đảo trực tuyến, người dân cần cảnh giác"
NOTE = "nhưng nội dung là tiếng Việt Windows-1258, đã đọc theo Windows-1258"
# Western text, including the letters Windows-1252 and Windows-1258 give different bytes to (ã õ ì ò Ý ð þ Š)
WESTERN = [
    "Café, naïve, Müller, Ñandú, façade: le café de la façade est fermé à Noël.",
    "Però la città è più bella così; ciò può cambiare, perché no? Sì, è così.",
    "São Paulo não tem informações; a irmã e a mãe põem as opções na mão.",
    "Þórður og Guðrún búa á Íslandi; Škoda und Ýmir, Ìsola, Òrgano.",
]


def _page(text: str, meta: str = "") -> str:
    return f"<html><head>{meta}<title>{text[:20]}</title></head><body><p>{text}</p></body></html>"


def _paragraph(html: str) -> str:
    return html.split("<p>")[1].split("</p>")[0]


@pytest.mark.parametrize(("content_type", "meta"), [
    ("text/html; charset=iso-8859-1", ""),
    ("text/html; charset=ISO-8859-1", ""),
    ("text/html; charset=windows-1252", ""),
    ("text/html; charset=iso-8859-15", ""),
    ("text/html", "<meta charset='windows-1252'>"),
    ("text/html", "<meta http-equiv='Content-Type' content='text/html; charset=iso-8859-1'>"),
])
def test_windows_1258_declared_western_is_read_as_windows_1258(content_type: str, meta: str) -> None:
    html, note = decode_html(encode_cp1258(_page(VI, meta)), content_type)
    assert _paragraph(html) == VI
    assert note is not None and NOTE in note, note


def test_windows_1258_with_western_words_is_still_windows_1258() -> None:
    body = encode_cp1258(_page(f"{VI}. Khách sạn Müller, café Noël. {VI}"))
    html, note = decode_html(body, "text/html; charset=iso-8859-1")
    assert _paragraph(html) == f"{VI}. Khách sạn Müller, café Noël. {VI}" and note


@pytest.mark.parametrize("text", WESTERN)
@pytest.mark.parametrize("charset", ["iso-8859-1", "windows-1252"])
def test_western_pages_keep_their_declared_charset(text: str, charset: str) -> None:
    encoding = "cp1252" if "Š" in text else "latin-1"
    body = _page(text).encode(encoding)
    assert decode_html(body, f"text/html; charset={charset}") == (_page(text), None)
    meta = f"<meta charset='{charset}'>"
    assert decode_html(_page(text, meta).encode(encoding), "text/html") == (_page(text, meta), None)


def test_undeclared_windows_1258_is_unchanged() -> None:
    assert decode_html(encode_cp1258(_page(VI)), "text/html") == (_page(VI), None)


def test_crawl_reads_windows_1258_served_as_latin1(crawl_env) -> None:  # type: ignore[no-untyped-def]
    site, b = crawl_env.site, crawl_env.site.base_url
    title = "Cảnh giác lừa đảo trực tuyến"
    body = f"<p>{VI}.</p><p>Người dân cần báo ngay cho công an phường khi bị lừa.</p>"
    page = f"<html><head>{{meta}}<title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>"
    # Apache's default Latin-1 header over old Windows-1258 content
    site.set("/cu/header.html", encode_cp1258(page.format(meta="")), content_type="text/html; charset=ISO-8859-1")
    # a template's <meta charset=windows-1252>, no charset in the header
    site.set("/cu/meta.html", encode_cp1258(page.format(meta="<meta charset='windows-1252'>")),
             content_type="text/html")
    # a genuine Latin-1 page
    french = "<p>" + " ".join(WESTERN[:3]) + "</p>"
    site.set("/cu/latin1.html", ("<html><head><title>Café Müller</title></head><body><article><h1>Café Müller</h1>"
                                 f"{french}</article></body></html>").encode("latin-1"),
             content_type="text/html; charset=iso-8859-1")
    links = ["/cu/header.html", "/cu/meta.html", "/cu/latin1.html"]
    site.set("/cu/list.html", "<html><body><ul>" + "".join(f"<li><a class='bai' href='{u}'>bài</a></li>"
                                                          for u in links) + "</ul></body></html>")
    crawl_env.configure(f'''
[[sources]]
name = "latin1-header"
kind = "html"
urls = ["{b}/cu/list.html"]
selectors = {{ link = "a.bai" }}
''', demo=False)
    out = crawl_env.run("latin1-header")
    assert out.ok, out.message
    with crawl_env.store.session() as s:
        items = {i.url.rsplit("/", 1)[-1]: i for i in s.scalars(select(Item))}
        last_error = s.scalar(select(Source.last_error).where(Source.name == "latin1-header")) or ""
    log = (crawl_env.tmp / "crawl-latin1-header.log").read_text(encoding="utf-8")
    for name in ("header.html", "meta.html"):
        assert items[name].title == title, (name, items[name].title)
        assert VI in items[name].text, (name, items[name].text)
        assert f"{b}/cu/{name}: khai báo ISO-8859-1/Windows-1252 {NOTE}" in log, name
    assert NOTE in last_error and out.errors == 2, (last_error, out)  # noted on the source's health too
    assert items["latin1.html"].title == "Café Müller"
    assert all(t in items["latin1.html"].text for t in WESTERN[:3]), items["latin1.html"].text
    assert "latin1.html:" not in log
