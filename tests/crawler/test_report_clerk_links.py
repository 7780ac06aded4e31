"""Links as a hotline clerk gets them: a page too big to fetch is told with what to do instead (paste it, or raise
the limit), like every other page that cannot be used; the same link sent twice with other tracking parameters
(utm_*, fbclid) is one report. A real HTTP server on 127.0.0.1, the real CLI, a real database."""

from __future__ import annotations

from sqlalchemy import func, select

from crawler.cli import main
from review.models import Item, ReviewEntry

NO_MODEL = '\n[classifier]\nmodel = "no-model-here.skops"\n'
ARTICLE = ("<html><head><title>Cảnh báo lừa đảo</title></head><body><article><h1>Cảnh báo lừa đảo</h1>"
           "<p>Người dân phản ánh tài khoản giả danh ngân hàng nhắn tin báo trúng thưởng, yêu cầu chuyển phí "
           "hồ sơ 500 nghìn đồng qua Zalo để nhận quà. Cơ quan chức năng khuyến cáo không chuyển tiền.</p>"
           "</article></body></html>")


def test_a_page_too_big_says_what_to_do_instead(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure(NO_MODEL))  # download_maxsize_mb = 2
    crawl_env.site.set("/lon", b"<html><body><p>" + "lừa đảo ".encode() * 300_000 + b"</p></body></html>")
    assert main(["--config", cfg, "report", crawl_env.site.base_url + "/lon"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert "lớn hơn giới hạn tải về (2 MB, [crawler] download_maxsize_mb)" in err and "--text" in err, err
    with crawl_env.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Item)) == 0


def test_one_link_with_other_tracking_parameters_is_one_report(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure())
    crawl_env.site.set("/bai", ARTICLE)
    base = crawl_env.site.base_url + "/bai"
    for link, reporter in ((base + "?utm_source=facebook&utm_medium=social", "Chị Hoa"),
                           (base + "?fbclid=IwAR0xyz", "Anh Nam"), (base + "#binh-luan", "Chị Hoa")):
        assert main(["--config", cfg, "report", link, "--reporter", reporter]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert out.count("gộp vào mục #1") == 1 and "đã có từ trước" in out, out
    with crawl_env.store.session() as s:
        assert s.scalar(select(func.count()).select_from(ReviewEntry)) == 1
