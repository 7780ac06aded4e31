"""What a reported link returns must be a page the office can review: a JSON document, a PDF or an image is
refused with one Vietnamese line (no traceback), and so is a social network's login form shown instead of the
reported post, which would otherwise be stored as a "Facebook" entry saying nothing of what the citizen saw
(another site's login form is kept: a phishing page is what citizens report).
A dead link, a redirect loop and a refused connection are told in Vietnamese too. A real HTTP server on
127.0.0.1, the real CLI, a real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crawler.cli import main
from crawler.report import FetchError, submit_report
from crawler.report_fetch import check_not_login_wall
from review.config import load_config
from review.models import Item
from tests.crawler.badsite import _redirect

NO_MODEL = '\n[classifier]\nmodel = "no-model-here.skops"\n'
LOGIN_FORM = ("<html><head><title>Facebook</title></head><body><p>Bạn phải đăng nhập để tiếp tục.</p>"
              "<form method=post><input name=email><input type='password' name=pass>"
              "<button>Đăng nhập</button></form></body></html>")
ARTICLE = ("<html><head><title>Cảnh báo lừa đảo</title></head><body><article><h1>Cảnh báo lừa đảo</h1>"
           "<p>Người dân phản ánh tài khoản giả danh ngân hàng nhắn tin báo trúng thưởng, yêu cầu chuyển phí "
           "hồ sơ 500 nghìn đồng qua Zalo để nhận quà. Cơ quan chức năng khuyến cáo không chuyển tiền.</p>"
           "<p>Đăng nhập để bình luận: <input type=password name=p></p>" + "<p>Nội dung bài viết. </p>" * 40
           + "</article></body></html>")


def _reports(crawl_env) -> int:  # type: ignore[no-untyped-def]
    with crawl_env.store.session() as s:
        return s.scalar(select(func.count()).select_from(Item).where(Item.kind == "report")) or 0


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize(("body", "ctype", "what"), [
    (b'{"bai": 1, "noi_dung": "lua dao"}', "application/json", "dữ liệu JSON"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "application/pdf", "tệp PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png", "ảnh"),
])
def test_a_link_to_something_that_is_not_a_page_is_refused_in_one_line(crawl_env, capsys, body: bytes,  # type: ignore[no-untyped-def]
                                                                       ctype: str, what: str) -> None:
    cfg = str(crawl_env.configure(NO_MODEL))
    crawl_env.site.set("/tep", body, ctype)
    assert main(["--config", cfg, "report", crawl_env.site.base_url + "/tep", "--reporter", "Chị Hoa"]) == 1
    err = _one_line_error(capsys)
    assert what in err and "không phải trang web" in err and "--text" in err, err
    assert _reports(crawl_env) == 0


@pytest.mark.parametrize(("url", "final", "body"), [
    # a post seen without an account: redirected to the login page
    ("https://www.facebook.com/groups/123/posts/456", "https://www.facebook.com/login/?next=%2Fgroups%2F123",
     LOGIN_FORM.encode()),
    ("https://m.facebook.com/story.php?id=1", "https://m.facebook.com/checkpoint/block/", b"<html></html>"),
    # the login form served at the post's own address
    ("https://www.instagram.com/p/abc/", "https://www.instagram.com/p/abc/", LOGIN_FORM.encode()),
])
def test_a_social_network_login_wall_is_refused(url: str, final: str, body: bytes) -> None:
    with pytest.raises(FetchError, match="yêu cầu đăng nhập") as caught:
        check_not_login_wall(url, final, body, "Bạn phải đăng nhập để tiếp tục.")
    assert "--text" in str(caught.value)


def test_a_social_network_post_that_shows_is_kept() -> None:
    check_not_login_wall("https://www.facebook.com/groups/1/posts/2", "https://www.facebook.com/groups/1/posts/2",
                         ARTICLE.encode(), "Người dân phản ánh tài khoản giả danh ngân hàng. " * 20)


def test_a_phishing_login_page_is_reported_not_refused(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    # a page imitating a bank's login (reached through a short link, to its own /dang-nhap) is the very content a
    # citizen reports: only a social network's login wall is refused
    cfg = str(crawl_env.configure(NO_MODEL))
    site = crawl_env.site
    site.set_handler("/ngan", _redirect(site.base_url + "/dang-nhap/"))
    site.set("/dang-nhap/", LOGIN_FORM.replace("Facebook", "Ngân hàng Vietcombank - Đăng nhập"))
    assert main(["--config", cfg, "report", site.base_url + "/ngan"]) == 0, capsys.readouterr().err
    assert _reports(crawl_env) == 1


def test_an_article_with_a_login_box_is_still_a_page(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure(NO_MODEL))
    crawl_env.site.set("/canh-bao", ARTICLE)
    assert main(["--config", cfg, "report", crawl_env.site.base_url + "/canh-bao"]) == 0, capsys.readouterr().err
    assert _reports(crawl_env) == 1


@pytest.mark.parametrize(("path", "sign"), [("/vong", "chuyển hướng quá số lần cho phép"),
                                            ("/khong-co-trang-nay.html", "trang không còn hoặc đã bị gỡ (máy chủ trả về HTTP 404)")])
def test_dead_links_and_redirect_loops_are_told_in_vietnamese(crawl_env, capsys, path: str,  # type: ignore[no-untyped-def]
                                                              sign: str) -> None:
    cfg = str(crawl_env.configure(NO_MODEL))
    crawl_env.site.set_handler("/vong", _redirect(crawl_env.site.base_url + "/vong"))
    assert main(["--config", cfg, "report", crawl_env.site.base_url + path]) == 1
    err = _one_line_error(capsys)
    assert sign in err and "--text" in err, err
    assert _reports(crawl_env) == 0


def test_a_page_with_damaged_bytes_says_so(crawl_env) -> None:  # type: ignore[no-untyped-def]
    # declared UTF-8, with bytes that are not: read as Windows-1258, and the officer must be told the stored
    # text may have wrong letters (`ReportResult.page_note`, for the command to print)
    cfg = load_config(str(crawl_env.configure(NO_MODEL)))
    body = ("<html><head><meta charset='utf-8'><title>Phản ánh</title></head><body><article><p>Người dân "
            "phản ánh lừa đảo qua mạng xã hội rất nhiều lần, đề nghị xử lý.</p></article></body></html>")
    crawl_env.site.set("/hong", body.encode("utf-8").replace("Người".encode(), b"Ng\xff\xfei"), "text/html")
    result = submit_report(cfg, crawl_env.store, crawl_env.site.base_url + "/hong", reporter="Chị Hoa")
    assert result.page_note is not None and "không phải UTF-8" in result.page_note
    clean = submit_report(cfg, crawl_env.store, crawl_env.site.base_url + "/canh-bao-2", text="Lừa đảo qua Zalo")
    assert clean.page_note is None


def test_the_report_command_tells_the_officer_the_page_was_damaged(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure(NO_MODEL))
    body = ("<html><head><meta charset='utf-8'><title>Phản ánh</title></head><body><article><p>Người dân "
            "phản ánh lừa đảo qua mạng xã hội rất nhiều lần, đề nghị cơ quan chức năng xử lý.</p></article>"
            "</body></html>")
    crawl_env.site.set("/hong-2", body.encode("utf-8").replace("Người".encode(), b"Ng\xff\xfei"), "text/html")
    assert main(["--config", cfg, "report", crawl_env.site.base_url + "/hong-2", "--reporter", "Chị Hoa"]) == 0
    out = capsys.readouterr().out
    assert "Lưu ý: trang có lỗi mã hoá (" in out and "không phải UTF-8" in out and "có thể sai chữ" in out, out
    assert _reports(crawl_env) == 1
    # a clean page says nothing of the kind
    assert main(["--config", cfg, "report", crawl_env.site.base_url + "/canh-bao-3", "--text", "Lừa đảo qua Zalo"]) == 0
    assert "Lưu ý" not in capsys.readouterr().out


def test_json_served_as_a_web_page_is_refused_in_one_line(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    # a site's API answer sent as text/html passes the type check; parsel would read it as JSON and fail on CSS
    cfg = str(crawl_env.configure(NO_MODEL))
    crawl_env.site.set("/api", '{"bai": 1, "noi_dung": "lừa đảo qua Zalo"}', "text/html; charset=utf-8")
    assert main(["--config", cfg, "report", crawl_env.site.base_url + "/api"]) == 1
    err = _one_line_error(capsys)
    assert "không trích được nội dung nào" in err and "--text" in err, err
    assert _reports(crawl_env) == 0
