"""Listing pages and ad boards whose body is JSON served as text/html (a site's API answer behind a listing URL):
parsel reads such a body as JSON, and every CSS selector on it raised in the spider callback. Read as HTML, it is a
page on which the configured selectors find nothing — said as such, the rest of the source collected. A real
crawl of a local web server."""

from __future__ import annotations

from sqlalchemy import select

from review.models import Item

API_ANSWER = '{"bai": 1, "tieu_de": "Tin mới", "noi_dung": "Lừa đảo qua Zalo"}'


def _log(crawl_env, name: str) -> str:  # type: ignore[no-untyped-def]
    return (crawl_env.tmp / f"crawl-{name}.log").read_text(encoding="utf-8")


def test_a_listing_page_holding_json_is_read_as_a_page_without_links(crawl_env) -> None:  # type: ignore[no-untyped-def]
    site, b = crawl_env.site, crawl_env.site.base_url
    site.set("/ds/api.html", API_ANSWER, "text/html; charset=utf-8")
    site.set("/ds/index.html", "<html><body><a class='bai' href='/ds/tin-1.html'>Lễ hội đền Cuông</a></body></html>")
    site.set("/ds/tin-1.html", "<html><head><title>Lễ hội đền Cuông</title></head><body><article><h1>Lễ hội đền "
             "Cuông</h1><p>" + "Lễ hội đền Cuông năm nay có thêm phần thi thuyền truyền thống trên sông Lam. " * 5
             + "</p></article></body></html>")
    crawl_env.configure(f'\n[[sources]]\nname = "ds-api"\nkind = "html"\nurls = ["{b}/ds/api.html", '
                        f'"{b}/ds/index.html"]\nselectors = {{ link = "a.bai" }}\n', demo=False)
    out = crawl_env.run("ds-api")
    log = _log(crawl_env, "ds-api")
    assert "Traceback" not in log and "Selector of type 'json'" not in log, log[-3000:]
    assert out.items_new == 1, out
    # the JSON page is one where the link selector matched nothing, told like any other such page
    assert out.errors == 1 and f"{b}/ds/api.html: bộ chọn selectors.link" in out.message, out
    with crawl_env.store.session() as s:
        assert [i.url.removeprefix(b) for i in s.scalars(select(Item))] == ["/ds/tin-1.html"]


def test_an_ad_page_holding_json_is_read_without_a_traceback(crawl_env) -> None:  # type: ignore[no-untyped-def]
    site, b = crawl_env.site, crawl_env.site.base_url
    site.set("/rao/index.html", "<html><body><a class='tin' href='/rao/api.html'>Tin 1</a>"
             "<a class='tin' href='/rao/2.html'>Tin 2</a></body></html>")
    site.set("/rao/api.html", API_ANSWER, "text/html; charset=utf-8")
    site.set("/rao/2.html", "<html><body><h1>Cho thuê nhà</h1><p class='nd'>Cho thuê nhà nguyên căn 3 tầng gần chợ, "
             "giá 8 triệu một tháng</p></body></html>")
    crawl_env.configure(f'\n[[sources]]\nname = "rao-api"\nkind = "ads"\nurls = ["{b}/rao/index.html"]\n'
                        'selectors = { link = "a.tin", title = "h1", text = "p.nd" }\n', demo=False)
    out = crawl_env.run("rao-api")
    log = _log(crawl_env, "rao-api")
    assert "Traceback" not in log and "Selector of type 'json'" not in log, log[-3000:]
    with crawl_env.store.session() as s:
        stored = {i.url.removeprefix(b): i.title for i in s.scalars(select(Item))}
    # the JSON page has no title or text where the selectors look: no ad in it, and the error says so
    assert stored == {"/rao/2.html": "Cho thuê nhà"}, stored
    assert out.errors == 1 and f"{b}/rao/api.html: trang tin rao không có nội dung" in out.message, out
