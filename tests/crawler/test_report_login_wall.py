"""A social network's login wall is refused, its public posts are not: Facebook shows a post to a visitor without
an account with a login bar (a password field) above it, and a short scam post ("Tuyển CTV việc nhẹ lương
cao…") under that bar is exactly what citizens report. Only a page whose text is little beyond the login form's
words, or a login address (LinkedIn's /authwall included), is a login wall. The real extractor reads each page;
the check is called directly because a local server cannot pose as facebook.com."""

from __future__ import annotations

import pytest

from crawler.extract import extract_article
from crawler.report_fetch import FetchError, check_not_login_wall

POST = "https://www.facebook.com/groups/123/posts/456"
LOGIN_BAR = ("<div role=banner><form method=post action='/login/device-based/regular/login/?login_attempt=1'>"
             "<label>Email hoặc điện thoại<input type=email name=email></label>"
             "<label>Mật khẩu<input type=password name=pass></label><button>Đăng nhập</button>"
             "<a href='/recover/initiate/'>Quên tài khoản?</a></form></div>")
PUBLIC_POST = ("<html><head><title>Việc làm thêm tại nhà | Facebook</title></head><body>" + LOGIN_BAR +
               "<div role=main><div role=article><h2>Việc làm thêm tại nhà</h2>"
               "<p>Tuyển CTV việc nhẹ lương cao, chỉ cần điện thoại, làm tại nhà 2 giờ mỗi ngày, nhận 500k/ngày. "
               "Inbox Zalo 0912 345 678, đóng 200k phí giữ chỗ.</p></div></div></body></html>")
LOGIN_WALLS = [
    ("<html><head><title>Facebook</title></head><body><p>Bạn phải đăng nhập để tiếp tục.</p>"
     "<form method=post><input name=email><input type='password' name=pass><button>Đăng nhập</button></form>"
     "</body></html>"),
    ("<html><head><title>Log in to Facebook</title></head><body><div><h2>Log in to Facebook</h2>"
     "<form method=post action='/login/'><input name=email placeholder='Email address or phone number'>"
     "<input type=password name=pass placeholder=Password><button>Log in</button></form>"
     "<p><a href='/recover/'>Forgotten account?</a></p><p>or</p><p><a href='/r.php'>Create new account</a></p>"
     "</div></body></html>"),
    ("<html><head><title>Facebook</title></head><body>" + LOGIN_BAR +
     "<div role=main><p>Xem thêm nội dung trên Facebook</p><p>Đăng nhập hoặc đăng ký để xem.</p></div>"
     "</body></html>"),
]


def _check(url: str, final: str, html: str) -> None:
    check_not_login_wall(url, final, html.encode(), extract_article(html, final).text)


def test_a_short_public_post_under_the_login_bar_is_kept() -> None:
    assert "Tuyển CTV việc nhẹ lương cao" in extract_article(PUBLIC_POST, POST).text
    _check(POST, POST, PUBLIC_POST)


@pytest.mark.parametrize("html", LOGIN_WALLS)
def test_a_page_that_is_only_a_login_form_is_refused(html: str) -> None:
    with pytest.raises(FetchError, match="yêu cầu đăng nhập"):
        _check(POST, POST, html)


def test_linkedin_s_authwall_is_a_login_address() -> None:
    with pytest.raises(FetchError, match="yêu cầu đăng nhập"):
        _check("https://www.linkedin.com/posts/nguoi-dung_activity-1", "https://www.linkedin.com/authwall?trk=ripf",
               "<html><body></body></html>")


def test_a_group_named_auth_is_not_a_login_address() -> None:
    url = "https://www.facebook.com/groups/auth/posts/789"
    _check(url, url, PUBLIC_POST.replace(LOGIN_BAR, ""))
