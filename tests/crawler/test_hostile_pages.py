"""What real provincial sites and hostile pages do to a feed crawl (T8's walk-through): each case served by a real
HTTP server on 127.0.0.1, crawled by a real `scrapy crawl` process."""

from __future__ import annotations

from sqlalchemy import select

from review.models import Item
from tests.crawler.badsite import _article

BODY = ("Ủy ban nhân dân tỉnh vừa tổ chức hội nghị tổng kết công tác văn hóa thông tin năm 2026, đánh giá kết quả "
        "thực hiện Bộ quy tắc ứng xử văn hóa trên môi trường số tại các xã, phường.")


def _feed(entries: list[tuple[str, str, str]]) -> str:
    items = "".join(f"<item><title>{t}</title><link>{link}</link><description>{d}</description></item>"
                    for t, link, d in entries)
    return f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Sở</title>{items}</channel></rss>"


def _items(crawl_env) -> dict[str, Item]:  # type: ignore[no-untyped-def]
    with crawl_env.store.session() as s:
        return {i.url.rsplit("/", 1)[-1]: i for i in s.scalars(select(Item))}


def test_a_story_shared_through_zalo_and_facebook_is_stored_once(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """Zalo appends zarsrc/gidzl (with utm_*) to every link shared in a chat, Facebook fbclid or mibextid: one
    story listed with each is one item, not one per app it went through."""
    site, b = crawl_env.site, crawl_env.site.base_url
    site.set("/t8/tin.html", _article("Hội nghị văn hóa cơ sở", BODY))
    site.set("/t8/zalo.xml", _feed([
        ("Hội nghị", f"{b}/t8/tin.html?utm_source=facebook&amp;fbclid=IwAR0abc", "tóm tắt"),
        ("Hội nghị", f"{b}/t8/tin.html?zarsrc=30&amp;utm_source=zalo&amp;utm_medium=zalo&amp;utm_campaign=zalo"
                     "&amp;gidzl=tT9kIbGTaLzS", "tóm tắt"),
        ("Hội nghị", f"{b}/t8/tin.html?mibextid=Zxz2cZ", "tóm tắt"),
    ]), "application/rss+xml")
    crawl_env.configure(f'\n[[sources]]\nname = "zalo"\nkind = "rss"\nurls = ["{b}/t8/zalo.xml"]\n', demo=False)
    out = crawl_env.run("zalo")
    assert out.ok, out.message
    stored = [i for name, i in _items(crawl_env).items() if name.startswith("tin.html")]
    assert len(stored) == 1, [i.canonical_url for i in stored]
    assert stored[0].canonical_url == f"{b}/t8/tin.html"


JS_SHELL = ("<html><head><title>{title}</title><script src='/static/app.js'></script></head><body><div id='root'></div>"
            "<noscript>{notice}</noscript></body></html>")


def test_a_page_drawn_by_javascript_does_not_store_its_noscript_notice(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """A portal rebuilt as a JavaScript app serves every article as the same empty shell whose only text is its
    <noscript> notice: stored, every article of the site would read "Vui lòng bật JavaScript", be grouped as
    copies of one story and be scored for it. The feed's summary stands in; without one the title, noted."""
    site, b = crawl_env.site, crawl_env.site.base_url
    site.set("/t8/js-1.html", JS_SHELL.format(title="Tin một", notice="Vui lòng bật JavaScript để xem nội dung."))
    site.set("/t8/js-2.html", JS_SHELL.format(title="Tin hai", notice="You need to enable JavaScript to run this app."))
    site.set("/t8/js.xml", _feed([("Tin một", f"{b}/t8/js-1.html", "Lễ hội đèn lồng phố cổ Hội An tháng 12"),
                                  ("Tin hai", f"{b}/t8/js-2.html", "")]), "application/rss+xml")
    crawl_env.configure(f'\n[[sources]]\nname = "js"\nkind = "rss"\nurls = ["{b}/t8/js.xml"]\n', demo=False)
    out = crawl_env.run("js")
    assert out.ok, out.message
    items = _items(crawl_env)
    assert items["js-1.html"].text == "Lễ hội đèn lồng phố cổ Hội An tháng 12"
    assert items["js-2.html"].text == "" and items["js-2.html"].title == "Tin hai"
    log = (crawl_env.tmp / "crawl-js.log").read_text(encoding="utf-8")
    assert "js-2.html: trang chỉ có trình đơn và liên kết, không có nội dung chính" in log


def test_a_javascript_notice_among_real_text_keeps_the_text() -> None:
    from crawler.extract import extract_article

    html = ("<html><head><title>Cảnh báo</title></head><body><article><h1>Cảnh báo</h1><p>" + BODY + "</p>"
            "<noscript>Vui lòng bật JavaScript</noscript></article></body></html>")
    assert BODY in extract_article(html, "http://a.vn/b.html").text
    shell = JS_SHELL.format(title="Lừa đảo", notice="Bật JavaScript để nhận quà tại quatang-vn.xyz")
    assert "quatang-vn.xyz" in extract_article(shell, "http://a.vn/c.html").text  # a lure is what we monitor


def test_a_page_that_only_refreshes_elsewhere_is_noted_with_its_target(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """Old portals move pages with <meta http-equiv="refresh">. An immediate refresh to a web address is followed
    like a redirect (through the same guards); one to file:// (or after a delay) is not, and the run says where
    it pointed instead of quietly storing the feed's summary."""
    site, b = crawl_env.site, crawl_env.site.base_url
    site.set("/t8/moi.html", _article("Bài đã chuyển chỗ", BODY))
    site.set("/t8/cu.html", "<html><head><meta http-equiv='refresh' content='0; url=/t8/moi.html'></head><body></body></html>")
    site.set("/t8/file.html", "<html><head><meta http-equiv='refresh' content='0;url=file:///etc/passwd'></head>"
                              "<body></body></html>")
    site.set("/t8/mr.xml", _feed([("Cũ", f"{b}/t8/cu.html", "tóm tắt cũ"), ("Tệp", f"{b}/t8/file.html", "tóm tắt tệp")]),
             "application/rss+xml")
    crawl_env.configure(f'\n[[sources]]\nname = "mr"\nkind = "rss"\nurls = ["{b}/t8/mr.xml"]\n', demo=False)
    out = crawl_env.run("mr")
    assert out.ok, out.message
    items = _items(crawl_env)
    assert BODY in items["moi.html"].text  # followed
    assert items["file.html"].text == "tóm tắt tệp"
    log = (crawl_env.tmp / "crawl-mr.log").read_text(encoding="utf-8")
    assert "file.html: trang chỉ chuyển hướng (thẻ meta refresh) tới 'file:///etc/passwd'" in log


def _urlset(locs: list[str]) -> bytes:
    return ("<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            + "".join(f"<url><loc>{loc}</loc></url>" for loc in locs) + "</urlset>").encode()


def test_a_sitemap_index_says_what_it_did_not_follow(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """A sitemap index listing itself, a file:// address, a gzip that inflates past the size cap and more
    sub-sitemaps than are followed: the good sub-sitemaps are read, and each thing left out is named."""
    import gzip

    site, b = crawl_env.site, crawl_env.site.base_url
    site.set("/t8/tin.html", _article("Hội nghị văn hóa cơ sở", BODY))
    site.set("/t8/sm-1.xml.gz", gzip.compress(_urlset([f"{b}/t8/tin.html"])), "application/x-gzip")
    bomb = gzip.compress(b"<urlset>" + b" " * (3 * 1024 * 1024) + b"</urlset>", 9)  # the test cap is 2 MB
    site.set("/t8/sm-bomb.xml.gz", bomb, "application/x-gzip")
    subs = [f"{b}/t8/index.xml", f"{b}/t8/sm-1.xml.gz", "file:///etc/passwd", f"{b}/t8/sm-bomb.xml.gz"]
    subs += [f"{b}/t8/sm-1.xml.gz?p={i}" for i in range(100)]
    site.set("/t8/index.xml", "<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
             + "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in subs) + "</sitemapindex>", "application/xml")
    crawl_env.configure(f'\n[[sources]]\nname = "idx"\nkind = "sitemap"\nurls = ["{b}/t8/index.xml"]\n', demo=False)
    out = crawl_env.run("idx")
    assert out.ok, out.message
    assert "tin.html" in _items(crawl_env)
    log = (crawl_env.tmp / "crawl-idx.log").read_text(encoding="utf-8")
    assert "index.xml: bỏ qua 1 <loc> không có địa chỉ http(s) dùng được (đầu tiên: 'file:///etc/passwd')" in log
    assert ("sm-bomb.xml.gz: sitemap giải nén lớn hơn giới hạn tải về (2 MB, [crawler] download_maxsize_mb): "
            "không đọc") in log
    assert "index.xml: chỉ đọc 100 sitemap con đầu tiên, bỏ qua 2 sitemap con còn lại" in log


# "Thông báo hôm nay về việc tổ chức lễ hội" typed with a TCVN3 (.VnTime) font, as old district portals' feeds are
TCVN3_TITLE = "Th\xabng b\xb8o h\xabm nay v\xd2 vi\xd6c t\xe6 ch\xf8c l\xd4 h\xe9i"


def test_a_legacy_font_feed_entry_standing_in_for_its_page_is_converted(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """An entry whose page cannot be fetched keeps the feed's title and summary: typed in TCVN3 they are converted
    to Unicode like a page's text, not stored as "Th«ng b¸o"."""
    site, b = crawl_env.site, crawl_env.site.base_url
    feed = _feed([(TCVN3_TITLE, f"{b}/t8/mat-trang.html", TCVN3_TITLE)]).replace("utf-8", "iso-8859-1", 1).replace("Sở", "So")
    site.set("/t8/tcvn3.xml", feed.encode("latin-1"), "application/rss+xml")
    crawl_env.configure(f'\n[[sources]]\nname = "tcvn3"\nkind = "rss"\nurls = ["{b}/t8/tcvn3.xml"]\n', demo=False)
    out = crawl_env.run("tcvn3")
    assert out.ok, out.message
    item = _items(crawl_env)["mat-trang.html"]  # 404: the feed stands in
    assert item.title == "Thông báo hôm nay về việc tổ chức lễ hội", item.title
    assert item.text == item.title
