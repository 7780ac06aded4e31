"""Facebook's link wrapper (`l.facebook.com/l.php?u=<the real address>&h=<a per-click token>`, also on
lm.facebook.com, m.facebook.com/l.php, www.facebook.com/l.php) is read as the address it wraps: a citizen's report
of such a link fetches and stores the real page (the wrapper's host is never asked: it would show "Bạn đang rời
khỏi Facebook"), a pasted report's link is stored unwrapped, and on a Facebook page a post's shared link that goes
through the wrapper is a link off the site (the post's content), not one of Facebook's own footer links. A real
HTTP server on 127.0.0.1 for the wrapped pages, the real CLI, the real extractor, a real database."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from crawler.cli import main
from crawler.extract import extract_article
from crawler.report_fetch import FetchError, check_not_login_wall
from crawler.report_links import reported_link, unwrap_link
from review.models import Item, ReviewEntry

TARGET = "https://qua-tet.top/nhan?ma=123"
WRAPPED = [f"https://l.facebook.com/l.php?u={quote(TARGET, safe='')}&h=AT0xYz",
           f"https://lm.facebook.com/l.php?u={quote(TARGET, safe='')}&h=AT1abc&s=1",
           f"https://m.facebook.com/l.php?u={quote(TARGET, safe='')}",
           f"https://www.facebook.com/l.php?h=AT2&u={quote(TARGET, safe='')}",
           # the wrapper's warning page, for a link Facebook thinks may be unsafe: on every host of facebook.com
           f"https://l.facebook.com/flx/warn/?u={quote(TARGET, safe='')}&h=AT3",
           f"https://www.facebook.com/flx/warn/?u={quote(TARGET, safe='')}&h=AT4",
           f"https://m.facebook.com/flx/warn?u={quote(TARGET, safe='')}",
           f"https://web.facebook.com/flx/warn/?h=AT5&u={quote(TARGET, safe='')}&s=1",
           # wrapped twice (a link shared from Messenger into a group)
           "https://l.facebook.com/l.php?u=" + quote(f"https://lm.facebook.com/l.php?u={quote(TARGET, safe='')}",
                                                     safe="")]


@pytest.mark.parametrize("link", WRAPPED)
def test_the_wrapper_is_read_as_the_address_it_wraps(link: str) -> None:
    assert unwrap_link(link) == TARGET


@pytest.mark.parametrize("link", [
    "https://www.facebook.com/groups/123/posts/456",  # a post, not a wrapper
    "https://l.facebook.com/l.php?u=javascript%3Aalert(1)",  # wraps no web address: left as it is
    "https://l.facebook.com/l.php?h=AT0",  # wraps nothing
    "https://example.vn/l.php?u=https%3A%2F%2Fqua-tet.top%2F",  # someone else's l.php
    "https://example.vn/flx/warn/?u=https%3A%2F%2Fqua-tet.top%2F",  # and someone else's /flx/warn/
    "https://www.facebook.com/flx/warn/other?u=https%3A%2F%2Fqua-tet.top%2F",  # not the warning page
])
def test_other_links_are_left_as_they_are(link: str) -> None:
    assert unwrap_link(link) == link


def test_a_wrapper_leading_to_its_target_is_no_short_link() -> None:
    # the wrapper is not "facebook.com": the report is of qua-tet.top, kept with the link as sent
    kept = reported_link(WRAPPED[0], TARGET)
    assert kept == {"reported_url": WRAPPED[0]}, kept
    # the wrapped address itself a shortener's: that one is the short link, not the per-click wrapper
    kept = reported_link("https://l.facebook.com/l.php?u=https%3A%2F%2Fbit.ly%2Fqua&h=AT9", TARGET)
    assert kept["short_link"] == "https://bit.ly/qua", kept


NO_MODEL = '\n[classifier]\nmodel = "no-model-here.skops"\n'
ARTICLE = ("<html><head><title>Nhận quà Tết</title></head><body><article><h1>Nhận quà Tết</h1><p>Chúc mừng quý "
           "khách trúng thưởng quà Tết trị giá 5 triệu đồng, chuyển phí vận chuyển 300 nghìn đồng qua Zalo "
           "0987654321 để nhận quà.</p></article></body></html>")


def _items(crawl_env) -> list[tuple[str, dict]]:  # type: ignore[no-untyped-def]
    with crawl_env.store.session() as s:
        return [(u, dict(e or {})) for u, e in s.execute(select(Item.url, Item.extra).where(Item.kind == "report"))]


def test_a_reported_wrapper_fetches_the_page_it_wraps(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure())
    crawl_env.site.set("/qua-tet", ARTICLE)
    target = crawl_env.site.base_url + "/qua-tet"
    for n, reporter in enumerate(("Chị Hoa", "Anh Nam")):  # each click has its own token
        link = f"https://l.facebook.com/l.php?u={quote(target, safe='')}&h=AT{n}xyz"
        assert main(["--config", cfg, "report", link, "--reporter", reporter]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "gộp vào mục #1" in out, out
    [(url, extra)] = _items(crawl_env)
    assert url == target and extra["reported_url"].startswith("https://l.facebook.com/l.php?u="), (url, extra)
    assert "short_link" not in extra, extra
    with crawl_env.store.session() as s:
        assert s.scalar(select(func.count()).select_from(ReviewEntry)) == 1


def test_a_reported_warning_page_fetches_the_page_it_wraps(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    """Facebook's warning page before a suspect link (www.facebook.com/flx/warn/?u=…) is the same wrapper: the page
    fetched is the one it wraps, and the same page reported through l.php joins it."""
    cfg = str(crawl_env.configure())
    crawl_env.site.set("/qua-tet", ARTICLE)
    target = crawl_env.site.base_url + "/qua-tet"
    for link, reporter in ((f"https://www.facebook.com/flx/warn/?u={quote(target, safe='')}&h=AT7xyz", "Chị Hoa"),
                           (f"https://l.facebook.com/l.php?u={quote(target, safe='')}&h=AT8xyz", "Anh Nam")):
        assert main(["--config", cfg, "report", link, "--reporter", reporter]) == 0, capsys.readouterr().err
    assert "gộp vào mục #1" in capsys.readouterr().out
    [(url, extra)] = _items(crawl_env)
    assert url == target and extra["reported_url"].startswith("https://www.facebook.com/flx/warn/?u="), extra
    assert "short_link" not in extra, extra


def test_a_pasted_reports_wrapped_link_is_stored_unwrapped(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure(NO_MODEL))
    crawl_env.site.set("/qua-tet", ARTICLE)
    target = crawl_env.site.base_url + "/qua-tet"
    link = f"https://lm.facebook.com/l.php?u={quote(target, safe='')}&h=AT0xyz"
    assert main(["--config", cfg, "report", link, "--text", "Nhận quà Tết miễn phí, chỉ trả phí ship"]) == 0, \
        capsys.readouterr().err
    [(url, extra)] = _items(crawl_env)
    assert url == target and extra["reported_url"] == link, (url, extra)


LOGIN_BAR = ("<div role=banner><form method=post action='/login/'><label>Email hoặc điện thoại<input name=email>"
             "</label><label>Mật khẩu<input type=password name=pass></label><button>Đăng nhập</button>"
             "<a href='/recover/initiate/'>Quên tài khoản?</a></form></div>")


@pytest.mark.parametrize("href", [f"https://l.facebook.com/l.php?u={quote(TARGET, safe='')}&amp;h=AT0",
                                  f"/l.php?u={quote(TARGET, safe='')}&amp;h=AT0",
                                  f"/flx/warn/?u={quote(TARGET, safe='')}&amp;h=AT0",
                                  f"https://www.facebook.com/flx/warn/?u={quote(TARGET, safe='')}&amp;h=AT0"],
                         ids=["absolute", "relative", "warn-relative", "warn-absolute"])
def test_a_post_that_is_only_a_wrapped_link_is_not_a_login_wall(href: str) -> None:
    # a scam post under the login bar: nothing but a shared link of four words, through Facebook's wrapper
    post = "https://m.facebook.com/groups/123/posts/456"
    html = (f"<html><head><title>Facebook</title></head><body>{LOGIN_BAR}<div role=main><div role=article>"
            f"<p><a href=\"{href}\">Nhận quà Tết ngay</a></p></div></div></body></html>")
    text = extract_article(html, post).text
    assert "Nhận quà Tết ngay" in text, text
    check_not_login_wall(post, post, html.encode(), text)  # kept: no FetchError


def test_facebook_s_own_short_links_on_a_wall_still_are_its_footer() -> None:
    post = "https://www.facebook.com/groups/123/posts/456"
    html = (f"<html><head><title>Facebook</title></head><body>{LOGIN_BAR}<p>Bạn phải đăng nhập để tiếp tục.</p>"
            "<p><a href='/help/'>Trợ giúp</a></p><p><a href='https://vi-vn.facebook.com/'>Tiếng Việt</a></p>"
            "</body></html>")
    with pytest.raises(FetchError, match="yêu cầu đăng nhập"):
        check_not_login_wall(post, post, html.encode(), extract_article(html, post).text)
