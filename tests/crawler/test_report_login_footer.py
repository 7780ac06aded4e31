"""A login wall with the site's footer under it is still a login wall: Facebook and Zalo put a list of languages
and links ("Tiếng Việt · English (UK) · Giới thiệu · Trợ giúp · Điều khoản · Meta © 2024") under the form, not
always inside a <footer> the extractor drops, and those words are not the reported post. Zalo's wall has no
password field at all (it asks to scan a QR code) but says "Đăng nhập để tiếp tục". A short public post under the
same login bar and footer is still kept. The real extractor reads each page; the check is called directly because
a local server cannot pose as facebook.com."""

from __future__ import annotations

import pytest

from crawler.extract import extract_article
from crawler.report_fetch import FetchError, check_not_login_wall

POST = "https://www.facebook.com/groups/123/posts/456"
ZALO = "https://zalo.me/g/abcdef"
FOOTER = ("<div class=foot><p>Tiếng Việt · English (UK) · Français (France) · Español · 中文(台灣) · 한국어</p>"
          "<p>Giới thiệu · Trợ giúp · Quyền riêng tư · Điều khoản · Cookie · Lựa chọn quảng cáo · Tuyển dụng</p>"
          "<p>Meta © 2026</p></div>")
LINKED_FOOTER = ("<div class=foot>" + "".join(f"<a href='/l/{i}'>{name}</a> " for i, name in enumerate(
    ["Tiếng Việt", "English (UK)", "Français (France)", "Español", "Messenger", "Marketplace", "Giới thiệu",
     "Trợ giúp", "Tạo quảng cáo", "Tạo Trang", "Nhà phát triển", "Tuyển dụng"])) + "<span>Meta © 2026</span></div>")
FB_WALL = ("<html><head><title>Facebook</title></head><body><p>Bạn phải đăng nhập để tiếp tục.</p>"
           "<form method=post><input name=email><input type='password' name=pass><button>Đăng nhập</button></form>"
           "{footer}</body></html>")
ZALO_WALL = ("<html><head><title>Zalo</title></head><body><div><h1>Đăng nhập để tiếp tục</h1>"
             "<p>Quét mã QR bằng ứng dụng Zalo trên điện thoại để đăng nhập</p><img src=qr.png alt='Mã QR'></div>"
             "{footer}</body></html>")
LOGIN_BAR = ("<div role=banner><form method=post action='/login/'><label>Email hoặc điện thoại"
             "<input type=email name=email></label><label>Mật khẩu<input type=password name=pass></label>"
             "<button>Đăng nhập</button></form></div>")
SHORT_POST = ("<html><head><title>Việc làm thêm | Facebook</title></head><body>" + LOGIN_BAR +
              "<div role=main><div role=article><p>Tuyển CTV việc nhẹ lương cao, inbox Zalo 0912 345 678.</p>"
              "</div></div>{footer}</body></html>")


def _check(url: str, html: str) -> None:
    check_not_login_wall(url, url, html.encode(), extract_article(html, url).text)


@pytest.mark.parametrize("footer", [FOOTER, LINKED_FOOTER], ids=["text-footer", "link-footer"])
@pytest.mark.parametrize(("url", "page"), [(POST, FB_WALL), (ZALO, ZALO_WALL)], ids=["facebook", "zalo"])
def test_a_login_wall_with_a_footer_is_refused(url: str, page: str, footer: str) -> None:
    html = page.format(footer=footer)
    with pytest.raises(FetchError, match="yêu cầu đăng nhập") as caught:
        _check(url, html)
    assert "--text" in str(caught.value)


@pytest.mark.parametrize("footer", [FOOTER, LINKED_FOOTER, ""], ids=["text-footer", "link-footer", "no-footer"])
def test_a_short_public_post_with_the_same_footer_is_kept(footer: str) -> None:
    html = SHORT_POST.format(footer=footer)
    assert "Tuyển CTV việc nhẹ lương cao" in extract_article(html, POST).text
    _check(POST, html)


def test_a_short_post_telling_people_to_log_in_somewhere_is_kept() -> None:
    # the very phishing a citizen reports: it says "đăng nhập để tiếp tục", and more
    html = ("<html><head><title>Nhận quà</title></head><body><div role=main><p>Chúc mừng bạn trúng iPhone 15, "
            "bấm vào link bit.ly/qua-tang rồi đăng nhập để tiếp tục nhận quà trong hôm nay.</p></div>"
            + FOOTER + "</body></html>")
    _check(POST, html)
