"""Real public posts on a social network are not login walls: a QR-code scam, a post written with "|", a post that
only shares a link, a phishing post saying "bạn cần đăng nhập", a post on a page whose scripts hold the wall's
sentence. Each is a public post a citizen would report, shown under a login bar or on Zalo; refused, the report
would be lost, so only a page that is nothing but a login form is refused. The real extractor reads each page; the
check is called directly because a local server cannot pose as facebook.com."""

from __future__ import annotations

import pytest

from crawler.extract import extract_article
from crawler.report_fetch import FetchError, check_not_login_wall

POST = "https://www.facebook.com/groups/123/posts/456"
ZALO = "https://zalo.me/g/abcdef"
LOGIN_BAR = ("<div role=banner><form method=post action='/login/'><label>Email hoặc điện thoại"
             "<input type=email name=email></label><label>Mật khẩu<input type=password name=pass></label>"
             "<button>Đăng nhập</button></form></div>")


def _page(title: str, post: str, *, bar: str = LOGIN_BAR) -> str:
    return (f"<html><head><title>{title}</title></head><body>{bar}<div role=main><div role=article>"
            f"{post}</div></div><div class=foot><p>Meta © 2026</p></div></body></html>")


def _check(url: str, html: str) -> None:
    text = extract_article(html, url).text
    assert text.strip(), html
    check_not_login_wall(url, url, html.encode(), text)  # FetchError "yêu cầu đăng nhập" = refused


def test_a_qr_code_scam_post_under_the_login_bar_is_kept() -> None:
    # Zalo's wall asks to scan a QR code: those words are a wall's only on a line that says it logs in
    _check(POST, _page("Nhận quà | Facebook", "<p>Quét mã QR bằng ứng dụng ngân hàng nhận ngay 2 triệu</p>"))


def test_a_post_written_with_separators_is_kept() -> None:
    # a post's own line "A | B | C" is no footer's link list
    _check(POST, _page("Việc làm thêm | Facebook",
                       "<p>Tuyển CTV online | Việc nhẹ lương cao | Inbox Zalo 0912345678</p>"))


def test_a_short_phishing_post_on_zalo_is_kept() -> None:
    # no password field: only the post's own words "bạn cần đăng nhập" match the wall sentence
    _check(ZALO, _page("Thông báo", "<p>Tài khoản Zalo của bạn bị khóa, bạn cần đăng nhập tại zalo-vn.top</p>",
                       bar=""))


def test_a_shared_link_post_is_kept() -> None:
    # a post that only shares a link: its text is the link card's headline, a long link off the site
    _check(POST, _page("Hỗ trợ | Facebook",
                       "<a href='https://ho-tro-vay.top/nhan'><h3>Nhận ngay 5 triệu đồng hỗ trợ từ Ngân hàng Nhà "
                       "nước, đăng ký trước 30/12</h3></a>"))


def test_a_very_short_post_under_the_login_bar_is_kept() -> None:
    # four words of its own: any word beyond the login form's makes the page a post
    _check(POST, _page("Facebook", "<p>Nạp thẻ nhận x5 ngay!</p>"))


def test_a_wall_sentence_inside_a_script_does_not_make_a_wall() -> None:
    # a public page's translation bundle ({"login_tip": "Đăng nhập để tiếp tục"}) is not shown: not a wall's sign
    bundle = '<script>window.__I18N__={"login_tip":"Đăng nhập để tiếp tục","qr":"Quét mã QR"};</script>'
    _check(ZALO, _page("Ưu đãi", "<p>Nạp thẻ nhận x5 ngay!</p>", bar=bundle))


def test_a_password_field_inside_a_script_template_does_not_make_a_wall() -> None:
    hidden = "<script type=text/template><form><input type=password name=pass></form></script>"
    _check(POST, _page("Facebook", "<p>Đăng nhập</p>", bar=hidden))


def test_zalo_s_qr_wall_is_still_refused() -> None:
    html = ("<html><head><title>Zalo</title></head><body><div><h1>Đăng nhập để tiếp tục</h1>"
            "<p>Quét mã QR bằng ứng dụng Zalo trên điện thoại để đăng nhập</p></div></body></html>")
    with pytest.raises(FetchError, match="yêu cầu đăng nhập"):
        _check(ZALO, html)
