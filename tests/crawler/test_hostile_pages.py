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


def _plain(title: str, paragraphs: list[str]) -> str:
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article></body></html>")


def test_a_javascript_notice_among_real_text_or_an_article_about_javascript_keeps_the_text() -> None:
    from crawler.extract import extract_article

    html = ("<html><head><title>Cảnh báo</title></head><body><article><h1>Cảnh báo</h1><p>" + BODY + "</p>"
            "<noscript>Vui lòng bật JavaScript</noscript></article></body></html>")
    assert BODY in extract_article(html, "http://a.vn/b.html").text
    about = "Tỉnh tập huấn lập trình JavaScript cho 40 giáo viên tin học các trường trung học cơ sở."
    assert extract_article(_plain("Tập huấn JavaScript", [about]), "http://a.vn/d.html").text == about
    long = ["Sở Thông tin và Truyền thông tỉnh khuyến cáo các đơn vị cập nhật ngay thư viện JavaScript jQuery.",
            "Lỗ hổng cho phép kẻ gian chèn mã JavaScript độc hại, đánh cắp thông tin đăng nhập của cán bộ.",
            "Các đơn vị chưa cập nhật thư viện JavaScript trước ngày 15/12 sẽ bị tạm ngừng kết nối."]
    assert extract_article(_plain("Cảnh báo lỗ hổng JavaScript", long), "http://a.vn/e.html").text == "\n".join(long)
    # a notice asking for JavaScript, not inside <noscript>, also typed without marks
    notice = _plain("Tin một", ["Vui long bat JavaScript de xem noi dung"])
    assert extract_article(notice, "http://a.vn/f.html").text == ""
    shell = JS_SHELL.format(title="Lừa đảo", notice="Bật JavaScript để nhận quà tại quatang-vn.xyz")
    assert "quatang-vn.xyz" in extract_article(shell, "http://a.vn/c.html").text  # a lure is what we monitor


SPAM = ("Nhà cái uy tín số một Việt Nam, đăng ký tài khoản nhận ngay khuyến mãi, cá cược bóng đá, xổ số, tài xỉu "
        "trực tuyến với tỷ lệ thắng cao nhất thị trường, rút tiền nhanh chóng trong năm phút. ")


def test_a_meta_refresh_is_not_followed_and_each_is_noted_with_its_target(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """A hijacked portal page (gambling SEO text + an immediate refresh to the casino on another host) is stored as
    itself, under the portal's source: following the refresh would store the casino's page in its place. No
    refresh is followed, immediate ones included; each is noted with its target, also one after a <head> longer
    than Scrapy's 4 KB look, and one to file://."""
    site, b = crawl_env.site, crawl_env.site.base_url
    other = b.replace("127.0.0.1", "localhost")
    site.set("/t8/casino.html", _article("Nhà cái", SPAM * 2))
    site.set("/t8/xa.html", f"<html><head><title>Tin tức xã</title><meta http-equiv='refresh' content='0; "
             f"url={other}/t8/casino.html'></head><body><article><p>{SPAM * 3}</p></article></body></html>")
    site.set("/t8/moi.html", _article("Bài đã chuyển chỗ", BODY))
    head = "".join(f"<meta name='x{i}' content='{'a' * 80}'>" for i in range(60))  # 6 KB before the refresh
    site.set("/t8/cu.html", f"<html><head><title>Cũ</title>{head}<meta http-equiv='refresh' content='0; "
             "url=/t8/moi.html'></head><body></body></html>")
    site.set("/t8/file.html", "<html><head><meta http-equiv='refresh' content='0;url=file:///etc/passwd'></head>"
                              "<body></body></html>")
    # a news page that reloads itself, or goes to the home page, every few minutes: no redirect, nothing noted
    site.set("/t8/tuoi.html", f"<html><head><title>Tin mới</title><meta http-equiv='refresh' content='300; "
             f"url={b}/t8/tuoi.html'><meta http-equiv='refresh' content='600;url=/'></head><body><article><p>{BODY}"
             "</p></article></body></html>")
    site.set("/t8/mr.xml", _feed([("Tin tức xã", f"{b}/t8/xa.html", "tóm tắt xã"), ("Cũ", f"{b}/t8/cu.html", "tóm tắt cũ"),
                                  ("Tệp", f"{b}/t8/file.html", "tóm tắt tệp"),
                                  ("Tin mới", f"{b}/t8/tuoi.html", "tóm tắt mới")]), "application/rss+xml")
    crawl_env.configure(f'\n[[sources]]\nname = "mr"\nkind = "rss"\nurls = ["{b}/t8/mr.xml"]\n', demo=False)
    out = crawl_env.run("mr")
    assert out.ok, out.message
    items = _items(crawl_env)
    assert sorted(items) == ["cu.html", "file.html", "tuoi.html", "xa.html"]
    assert SPAM.strip() in items["xa.html"].text and items["xa.html"].title == "Tin tức xã"
    assert items["cu.html"].text == "tóm tắt cũ" and items["file.html"].text == "tóm tắt tệp"
    assert not site.requests_for("/t8/casino.html") and not site.requests_for("/t8/moi.html")
    log = (crawl_env.tmp / "crawl-mr.log").read_text(encoding="utf-8")
    assert (f"xa.html: trang chuyển hướng (meta refresh) sang máy chủ khác: '{other}/t8/casino.html', không đi "
            "theo: lưu nội dung của chính trang này") in log
    assert (f"cu.html: trang chuyển hướng (meta refresh) tới: '{b}/t8/moi.html', không đi theo: lưu tiêu đề và tóm "
            "tắt của nguồn tin") in log
    assert "file.html: trang chuyển hướng (meta refresh) sang máy chủ khác: 'file:///etc/passwd'" in log
    assert "tuoi.html" not in log  # reloading itself (or the site's home page after minutes) is no redirect


def test_a_listing_start_page_that_only_refreshes_names_its_target(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """A portal that moved its news list leaves a page that only refreshes to the new one: not followed, and the
    run names where it points instead of blaming the link selector."""
    site, b = crawl_env.site, crawl_env.site.base_url
    site.set("/t8/list.html", "<html><body><a class='bai' href='tin.html'>Bài</a></body></html>")
    site.set("/t8/start.html", "<html><head><meta http-equiv='refresh' content='1;url=/t8/list.html'></head>"
             "<body>Đang chuyển trang...</body></html>")
    crawl_env.configure(f'''
[[sources]]
name = "ds"
kind = "html"
urls = ["{b}/t8/start.html"]
selectors = {{ link = "a.bai" }}
''', demo=False)
    crawl_env.run("ds")
    log = (crawl_env.tmp / "crawl-ds.log").read_text(encoding="utf-8")
    assert (f"start.html: trang danh sách chỉ chuyển hướng (meta refresh) tới '{b}/t8/list.html', không đi theo — "
            "nếu đó là trang danh sách mới, sửa urls của [[sources]] ds trong tệp cấu hình") in log
    assert "không khớp liên kết nào" not in log


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
    assert f"index.xml: bỏ qua 1 sitemap con đã đọc trong lượt này (đầu tiên: '{b}/t8/index.xml')" in log


def test_sub_sitemaps_paged_by_a_parameter_are_each_read(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """A CMS pages its sitemap with ?from=N, a parameter a page's canonical address drops (`crawler.urls`): each
    page of the sitemap is a sitemap of its own, read once."""
    site, b = crawl_env.site, crawl_env.site.base_url
    site.set("/t8/tin.html", _article("Hội nghị văn hóa cơ sở", BODY))
    site.set("/t8/sm.xml", _urlset([f"{b}/t8/tin.html"]), "application/xml")  # the server ignores the query
    site.set("/t8/idx.xml", "<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
             f"<sitemap><loc>{b}/t8/sm.xml?from=0</loc></sitemap><sitemap><loc>{b}/t8/sm.xml?from=1000</loc></sitemap>"
             f"<sitemap><loc>{b}/t8/sm.xml?from=1000</loc></sitemap></sitemapindex>", "application/xml")
    crawl_env.configure(f'\n[[sources]]\nname = "sm"\nkind = "sitemap"\nurls = ["{b}/t8/idx.xml"]\n', demo=False)
    out = crawl_env.run("sm")
    assert out.ok, out.message
    assert len(site.requests_for("/t8/sm.xml")) == 2, [r.path for r in site.requests]
    log = (crawl_env.tmp / "crawl-sm.log").read_text(encoding="utf-8")
    assert f"idx.xml: bỏ qua 1 sitemap con đã đọc trong lượt này (đầu tiên: '{b}/t8/sm.xml?from=1000')" in log


# "Thông báo hôm nay về việc tổ chức lễ hội" typed with a TCVN3 (.VnTime) font, as old district portals' feeds are
TCVN3_TITLE = "Th\xabng b\xb8o h\xabm nay v\xd2 vi\xd6c t\xe6 ch\xf8c l\xd4 h\xe9i"


def test_a_legacy_font_feed_entry_standing_in_for_its_page_is_converted(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """An entry whose page cannot be fetched keeps the feed's title and summary: typed in TCVN3 they are converted
    to Unicode like a page's text, not stored as "Th«ng b¸o"."""
    site, b = crawl_env.site, crawl_env.site.base_url
    # short titles too: alone, "Th«ng b¸o" or "GiÊy mêi häp" is too few words to tell TCVN3 from other text
    feed = _feed([(TCVN3_TITLE, f"{b}/t8/mat-trang.html", TCVN3_TITLE), ("Th\xabng b\xb8o", f"{b}/t8/mat-2.html", ""),
                  ("Gi\xcay m\xeai h\xe4p", f"{b}/t8/mat-3.html", ""), ("Café 30°C", f"{b}/t8/mat-4.html", "")])
    feed = feed.replace("utf-8", "iso-8859-1", 1).replace("Sở", "So")
    site.set("/t8/tcvn3.xml", feed.encode("latin-1"), "application/rss+xml")
    crawl_env.configure(f'\n[[sources]]\nname = "tcvn3"\nkind = "rss"\nurls = ["{b}/t8/tcvn3.xml"]\n', demo=False)
    out = crawl_env.run("tcvn3")
    assert out.ok, out.message
    items = _items(crawl_env)
    item = items["mat-trang.html"]  # 404: the feed stands in
    assert item.title == "Thông báo hôm nay về việc tổ chức lễ hội", item.title
    assert item.text == item.title
    assert [items[f"mat-{k}.html"].title for k in (2, 3, 4)] == ["Thông báo", "Giấy mời họp", "Café 30°C"]


def test_a_listing_page_reloading_itself_with_a_broken_selector_blames_the_selector(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """A news list that reloads itself every 15 minutes and whose layout changed: the run says the selector matched
    nothing (what to fix), not that the page 'only redirects' to its own address."""
    site, b = crawl_env.site, crawl_env.site.base_url
    site.set("/t8/ds.html", f"<html><head><meta http-equiv='refresh' content='900; url={b}/t8/ds.html'></head>"
             "<body><div class='new-layout'><a class='story' href='tin.html'>Bài</a></div></body></html>")
    crawl_env.configure(f'\n[[sources]]\nname = "ds"\nkind = "html"\nurls = ["{b}/t8/ds.html"]\n'
                        'selectors = { link = "a.bai" }\n', demo=False)
    crawl_env.run("ds")
    log = (crawl_env.tmp / "crawl-ds.log").read_text(encoding="utf-8")
    assert "chỉ chuyển hướng (meta refresh)" not in log, log
    assert "không khớp liên kết nào" in log, log
