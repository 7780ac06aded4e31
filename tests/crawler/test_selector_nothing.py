"""A listing source whose selectors match nothing on any listing page (a typo, a redesigned portal) is a failed run,
counted toward `[review] failure_alert`, not a quiet day; a run whose links were all seen before stays ok."""

from __future__ import annotations

import pytest

from crawler.cli import main

_ARTICLE = ("<html><head><title>Khai mạc lễ hội đền Cuông năm 2026</title></head><body><article><h1>Khai mạc lễ hội "
            "đền Cuông năm 2026</h1><p>" + "Lễ hội đền Cuông năm nay có thêm phần thi thuyền trên sông Lam. " * 5
            + "</p></article></body></html>")


def test_a_selector_matching_nothing_fails_the_run_and_status_warns(  # type: ignore[no-untyped-def]
        crawl_env, capsys: pytest.CaptureFixture[str]) -> None:
    site, b = crawl_env.site, crawl_env.site.base_url
    site.set("/ds/trang-1.html", "<html><body><div class='tin-moi'><a href='/ds/bai-1.html'>Lễ hội đền Cuông</a>"
             "</div><a class='tiep' href='/ds/trang-2.html'>Trang sau</a></body></html>")
    site.set("/ds/trang-2.html", "<html><body><p>Chưa có tin cũ hơn.</p></body></html>")  # no list: not every page
    site.set("/ds/bai-1.html", _ARTICLE)
    site.set("/moi/index.html", "<html><body><ul class='danh-sach'><li><a href='/ds/bai-1.html'>Lễ hội đền Cuông</a>"
             "</li></ul></body></html>")  # the portal redesigned: no div.tin-moi any more
    cfg = crawl_env.configure(
        f'\n[[sources]]\nname = "dung-selector"\nkind = "html"\nurls = ["{b}/ds/trang-1.html"]\nmax_pages = 2\n'
        'selectors = { link = "div.tin-moi a::attr(href)", next_page = "a.tiep::attr(href)" }\n'
        f'\n[[sources]]\nname = "sai-selector"\nkind = "html"\nurls = ["{b}/moi/index.html"]\n'
        'selectors = { link = "div.tin-moi a::attr(href)" }\n'
        '\n[review]\nfailure_alert = 1\n', demo=False)

    first = crawl_env.run("dung-selector")
    assert first.ok and first.items_new == 1, first  # page 2 matched nothing, page 1 did: the run is fine
    again = crawl_env.run("dung-selector")
    assert again.ok and again.items_new == 0, again  # every link already seen: a quiet day, still healthy

    wrong = crawl_env.run("sai-selector")
    assert not wrong.ok and wrong.items_new == 0, wrong
    assert "không tìm được liên kết nào trên trang danh sách nào (1 trang)" in wrong.message, wrong
    assert "selectors.link = 'div.tin-moi a::attr(href)' không khớp liên kết nào" in wrong.message, wrong

    capsys.readouterr()
    assert main(["--config", str(cfg), "status"]) == 1
    out = capsys.readouterr().out
    assert "CẢNH BÁO: nguồn lỗi 1 lần liên tiếp trở lên: sai-selector" in out, out
    assert "dung-selector" not in out.split("CẢNH BÁO: nguồn lỗi", 1)[1], out
