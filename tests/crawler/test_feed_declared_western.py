"""A feed of Windows-1258 Vietnamese that declares ISO-8859-1/Windows-1252 (in the HTTP header or its XML
declaration) is read as Windows-1258, with a note; a genuine Latin-1 feed keeps its charset."""

from __future__ import annotations

from sqlalchemy import select

from review.models import Item
from tests.crawler.badsite import encode_cp1258

VI_TITLE = "Sở Văn hóa cảnh báo lừa đảo trực tuyến"
VI_SUMMARY = "Người dân cần cảnh giác với các cuộc gọi mạo danh cơ quan nhà nước, báo ngay cho công an phường."
FR_TITLE = "Café Müller: la façade est fermée à Noël"
FR_SUMMARY = "São Paulo não tem informações; però la città è più bella così, perché no?"
NOTE = "khai báo ISO-8859-1/Windows-1252 nhưng nội dung là tiếng Việt Windows-1258, đã đọc theo Windows-1258"


def _rss(encoding: str | None, title: str, summary: str, link: str) -> str:
    decl = f'<?xml version="1.0" encoding="{encoding}"?>' if encoding else '<?xml version="1.0"?>'
    return (f'{decl}\n<rss version="2.0"><channel><title>Tin</title><link>{link}</link>'
            f"<item><title>{title}</title><link>{link}</link><description>{summary}</description></item>"
            "</channel></rss>")


def test_crawl_reads_a_windows_1258_feed_declared_western(crawl_env) -> None:  # type: ignore[no-untyped-def]
    site, b = crawl_env.site, crawl_env.site.base_url
    # the articles are missing (404): the items are the feed's own title and summary
    site.set("/f/header.xml", encode_cp1258(_rss(None, VI_TITLE, VI_SUMMARY, f"{b}/f/mat-1.html")),
             "application/rss+xml; charset=ISO-8859-1")  # Apache's default Latin-1 header
    site.set("/f/decl.xml", encode_cp1258(_rss("windows-1252", VI_TITLE + " (2)", VI_SUMMARY, f"{b}/f/mat-2.html")),
             "application/rss+xml")  # the declaration only
    site.set("/f/both.xml", encode_cp1258(_rss("iso-8859-1", VI_TITLE + " (3)", VI_SUMMARY, f"{b}/f/mat-3.html")),
             "text/xml; charset=iso-8859-1")
    site.set("/f/latin1.xml", _rss("iso-8859-1", FR_TITLE, FR_SUMMARY, f"{b}/f/mat-4.html").encode("latin-1"),
             "application/rss+xml; charset=iso-8859-1")
    urls = ", ".join(f'"{b}/f/{n}.xml"' for n in ("header", "decl", "both", "latin1"))
    crawl_env.configure(f'\n[[sources]]\nname = "feed-western"\nkind = "rss"\nurls = [{urls}]\n', demo=False)
    out = crawl_env.run("feed-western")
    assert out.ok and out.items_new == 4, out.message
    with crawl_env.store.session() as s:
        items = {i.url.rsplit("/", 1)[-1]: i for i in s.scalars(select(Item))}
    log = (crawl_env.tmp / "crawl-feed-western.log").read_text(encoding="utf-8")
    for n, suffix in ((1, ""), (2, " (2)"), (3, " (3)")):
        item = items[f"mat-{n}.html"]
        assert item.title == VI_TITLE + suffix, item.title
        assert VI_SUMMARY in item.text, item.text
    for name in ("header", "decl", "both"):
        assert f"{b}/f/{name}.xml: {NOTE}" in log, name
    assert items["mat-4.html"].title == FR_TITLE and FR_SUMMARY in items["mat-4.html"].text
    assert f"{b}/f/latin1.xml: khai báo" not in log and "Windows-1258" not in items["mat-4.html"].text
