"""Ad boards and listing pages as operators configure them: links relative to the page's <base href>."""

from __future__ import annotations

from sqlalchemy import select

from review.models import Item
from tests.crawler.badsite import _redirect


def test_ads_read_on_the_board_follow_its_base_href(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """A board at /cho/trang/2/ whose <base href="/cho/"> makes "tin/1.html" /cho/tin/1.html, as a browser opens
    it: the ad's URL (what moderators open, and what tells two ads apart) is that page, not /cho/trang/2/tin/1.html,
    which does not exist."""
    site, b = crawl_env.site, crawl_env.site.base_url
    site.set("/cho/trang/2/index.html",
             "<html><head><title>Chợ rao vặt</title><base href='/cho/'></head><body>"
             "<div class='ad'><a href='tin/1.html'>Bán xe máy</a><p>Bán xe máy cũ giá rẻ 5 triệu, xe chính chủ</p></div>"
             "<div class='ad'><a href='tin/2.html'>Cho thuê nhà</a><p>Cho thuê nhà nguyên căn 3 tầng gần chợ</p></div>"
             "</body></html>")
    crawl_env.configure(f'\n[[sources]]\nname = "cho"\nkind = "ads"\nurls = ["{b}/cho/trang/2/index.html"]\n'
                        'selectors = { item = "div.ad", link = "a", title = "a", text = "p" }\n', demo=False)
    out = crawl_env.run("cho")
    assert out.ok and out.items_new == 2, out
    with crawl_env.store.session() as s:
        urls = sorted(i.url.removeprefix(b) for i in s.scalars(select(Item)))
    assert urls == ["/cho/tin/1.html", "/cho/tin/2.html"], urls


_MENU = ("<nav><ul>" + "".join(f"<li><a href='/chuyen-muc/{n}'>{t}</a></li>" for n, t in enumerate(
    ["Trang chủ", "Tin tức - Sự kiện", "Văn hóa - Thể thao", "Du lịch", "Thông báo", "Văn bản chỉ đạo điều hành",
     "Thủ tục hành chính", "Hỏi đáp", "Liên hệ"])) + "</ul></nav>")
_LATEST = ("<aside><h3>Tin mới</h3><ul>" + "".join(f"<li><a href='/tin/{n}.html'>{t}</a></li>" for n, t in enumerate(
    ["Khai mạc hội chợ thương mại tỉnh năm 2026 với hơn 200 gian hàng", "Ra quân tổng vệ sinh môi trường khu dân cư",
     "Lịch tiêm chủng mở rộng tháng 12 tại trạm y tế phường", "Hội nghị tổng kết công tác văn hóa, thông tin năm 2026"]))
           + "</ul></aside>")
_SUMMARIES = ["Lễ hội đền Cuông năm nay có thêm phần thi thuyền truyền thống trên sông Lam.",
              "Giải chạy vì hòa bình thu hút hơn ba nghìn vận động viên tham gia quyên góp cho trẻ em.",
              "Ngày sách và văn hóa đọc được tổ chức tại thư viện tỉnh với nhiều hoạt động cho học sinh.",
              ""]  # the last entry has no summary


def test_pages_whose_text_is_only_menus_keep_the_feed_summary(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """A portal that draws its articles with JavaScript: the HTML holds only the menu and the "Tin mới" list, which
    trafilatura returned as each article's text. Every article then read alike (one story, spread 4) and the
    feed's own summary was thrown away for the menu."""
    site, b = crawl_env.site, crawl_env.site.base_url
    for n in range(len(_SUMMARIES)):
        site.set(f"/js/bai-{n}.html", f"<html><head><title>Bài {n} - Cổng thông tin phường</title></head><body>"
                 f"{_MENU}<div id='app'>Đang tải...</div>{_LATEST}<footer><a href='/lien-he'>Liên hệ</a></footer>"
                 "<script src='/app.js'></script></body></html>")
    site.set("/js/rss.xml", '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin</title>'
             + "".join(f"<item><title>Tin số {n}</title><link>{b}/js/bai-{n}.html</link>"
                       + (f"<description>{d}</description>" if d else "") + "</item>"
                       for n, d in enumerate(_SUMMARIES)) + "</channel></rss>", "application/rss+xml")
    crawl_env.configure(f'\n[[sources]]\nname = "cong-js"\nkind = "rss"\nurls = ["{b}/js/rss.xml"]\n', demo=False)
    out = crawl_env.run("cong-js")
    assert out.ok and out.items_new == 4, out
    with crawl_env.store.session() as s:
        rows = {i.url.removeprefix(b): (i.text, i.cluster_id) for i in s.scalars(select(Item))}
    texts = {url: text for url, (text, _) in rows.items()}
    assert texts == {f"/js/bai-{n}.html": d for n, d in enumerate(_SUMMARIES)}, texts
    assert len({cluster for _, cluster in rows.values()}) == 4, rows  # four stories, not one
    assert out.errors == 1 and "/js/bai-3.html: trang chỉ có trình đơn và liên kết" in out.message, out


def test_links_that_redirect_are_not_fetched_again_each_run(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """A listing page's links, and a sitemap's <loc>s without <lastmod>, that redirect (http to https, /?p=123 to
    its slug, here /r/N.html to /tin/N.html): the item has the target's URL, so "already stored" never matched the
    link and every run fetched every such article again (3 of 3 here)."""
    site, b = crawl_env.site, crawl_env.site.base_url
    topics = ["lễ hội đền Cuông", "giải chạy vì hòa bình", "ngày sách và văn hóa đọc", "bảo tồn dân ca Ví, Giặm"]
    for n, topic in enumerate(topics):
        site.set(f"/tin/{n}.html", f"<html><head><title>Tin về {topic}</title></head><body><article><h1>Tin về {topic}"
                 f"</h1><p>{f'Bài viết về {topic} của phóng viên tỉnh. ' * 5}</p></article></body></html>")
        site.set_handler(f"/r/{n}.html", _redirect(f"{b}/tin/{n}.html"))
    site.set("/r/list.html", "<html><body>" + "".join(f"<a class='bai' href='/r/{n}.html'>Tin {n}</a>" for n in (0, 1))
             + "</body></html>")
    site.set("/r/sitemap.xml", '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             + "".join(f"<url><loc>{b}/r/{n}.html</loc></url>" for n in (2, 3)) + "</urlset>", "application/xml")
    crawl_env.configure(f'\n[[sources]]\nname = "ds"\nkind = "html"\nurls = ["{b}/r/list.html"]\n'
                        'selectors = { link = "a.bai" }\n'
                        f'\n[[sources]]\nname = "sm"\nkind = "sitemap"\nurls = ["{b}/r/sitemap.xml"]\n', demo=False)

    def redirects() -> int:
        return sum(len(site.requests_for(f"/r/{n}.html")) for n in range(len(topics)))

    first = [crawl_env.run("ds"), crawl_env.run("sm")]
    assert [(o.ok, o.items_new) for o in first] == [(True, 2), (True, 2)], first
    assert redirects() == 4
    again = [crawl_env.run("ds"), crawl_env.run("sm")]
    assert [(o.ok, o.items_new, o.pages) for o in again] == [(True, 0, 1), (True, 0, 1)], again  # the list alone
    assert redirects() == 4
    with crawl_env.store.session() as s:
        assert sorted(i.url.removeprefix(b) for i in s.scalars(select(Item))) == [f"/tin/{n}.html" for n in range(4)]


def test_an_article_with_menus_and_related_links_keeps_its_text() -> None:
    """Only text that is nearly all link text is navigation: an article's own paragraphs are kept, however many
    links surround them; a page that holds nothing else (a JavaScript shell) gives no text."""
    from crawler.extract import extract_article

    para = ("Sáng nay, Ủy ban nhân dân phường tổ chức lễ ra quân tổng vệ sinh môi trường khu dân cư, thu hút hơn "
            "năm trăm đoàn viên, hội viên và bà con nhân dân tham gia dọn dẹp đường làng, ngõ xóm. ")
    related = "<ul>" + "".join(f"<li><a href='/tin/{n}.html'>Tin liên quan số {n}</a></li>" for n in range(8)) + "</ul>"
    article = (f"<html><head><title>Ra quân</title></head><body>{_MENU}<article><h1>Ra quân tổng vệ sinh</h1>"
               f"<p>{para}</p><p>{para}</p></article>{related}</body></html>")
    assert "tổng vệ sinh môi trường" in extract_article(article, "http://x.vn/a").text
    shell = (f"<html><head><title>Bài</title></head><body>{_MENU}<div id='app'>Đang tải...</div>{_LATEST}"
             "</body></html>")
    ex = extract_article(shell, "http://x.vn/b")
    assert (ex.title, ex.text, ex.navigation_only) == ("Bài", "", True), ex
