"""Facebook's logged-out wall links its footer languages to locale subdomains (vi-vn.facebook.com,
en-gb.facebook.com): those lines are the site's own footer, not the page's content, so the wall is refused."""

from __future__ import annotations

import pytest

from crawler.extract import extract_article
from crawler.report_fetch import FetchError, check_not_login_wall

POST = "https://www.facebook.com/groups/123/posts/456"
LANGS = [("vi-vn", "Tiếng Việt"), ("en-gb", "English (UK)"), ("fr-fr", "Français (France)"), ("es-la", "Español"),
         ("zh-tw", "中文(台灣)"), ("ko-kr", "한국어")]


def _wall(lang_href: str) -> str:
    langs = "".join(f"<li><a href='{lang_href.format(s)}' dir=ltr>{n}</a></li>" for s, n in LANGS)
    return ("<html><head><title>Facebook</title></head><body><p>Bạn phải đăng nhập để tiếp tục.</p>"
            "<form method=post><input name=email><input type='password' name=pass><button>Đăng nhập</button></form>"
            f"<div class=foot><ul>{langs}</ul><ul><li><a href='/reg'>Đăng ký</a></li><li><a href='/help'>Trợ giúp"
            "</a></li></ul><span>Meta © 2026</span></div></body></html>")


@pytest.mark.parametrize("lang_href", ["https://{}.facebook.com/", "/?locale={}"], ids=["locale-host", "same-host"])
def test_a_facebook_wall_with_locale_language_links_is_refused(lang_href: str) -> None:
    html = _wall(lang_href)
    with pytest.raises(FetchError, match="yêu cầu đăng nhập"):
        check_not_login_wall(POST, POST, html.encode(), extract_article(html, POST).text)


def test_a_wall_whose_language_links_lead_to_another_site_is_kept() -> None:
    html = _wall("https://{}.example.org/")
    check_not_login_wall(POST, POST, html.encode(), extract_article(html, POST).text)
