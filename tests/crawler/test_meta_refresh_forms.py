"""<meta http-equiv="refresh"> as browsers read it (`crawler.extract.meta_refresh`), and one note per run for a site
whose every page refreshes to another host (`crawler.extract.RefreshNotes`).

w3lib's `get_meta_refresh` requires `url=`: a hijacked page's `content="0; https://casino.example/"`, which every
browser follows, went unnoticed. Real pages' markup, parsed by lxml; no network needed.
"""

from __future__ import annotations

import pytest
from w3lib.html import get_meta_refresh

from crawler.extract import REFRESH_ELSEWHERE, RefreshNotes, is_auto_reload, meta_refresh

PAGE = "https://ubnd-xa.gov.vn/tin-tuc/bai-1.html"


def _page(content: str, *, head: str = "", quote: str = '"') -> str:
    return (f"<html><head><meta charset='utf-8'>{head}<meta http-equiv={quote}refresh{quote} content={quote}"
            f"{content}{quote}><title>Tin tức</title></head><body><p>Nổ hũ đổi thưởng</p></body></html>")


@pytest.mark.parametrize(("content", "expected"), [
    ("0; https://other.example/", (0.0, "https://other.example/")),  # no url=: browsers follow it
    ("0;https://other.example/", (0.0, "https://other.example/")),
    ("0, https://other.example/", (0.0, "https://other.example/")),
    ("0 https://other.example/", (0.0, "https://other.example/")),
    ("  3 ;  https://other.example/ ", (3.0, "https://other.example/")),
    ("0; 'https://other.example/a'", (0.0, "https://other.example/a")),
    ("0; url=https://other.example/", (0.0, "https://other.example/")),
    ("0;URL = 'https://other.example/b' rác", (0.0, "https://other.example/b")),
    ("1.5; url=/trang-chu", (1.0, "https://ubnd-xa.gov.vn/trang-chu")),  # whole seconds, as browsers wait
    (".5; https://other.example/", (0.0, "https://other.example/")),
    ("0; tin-moi.html", (0.0, "https://ubnd-xa.gov.vn/tin-tuc/tin-moi.html")),
    ("0; https://other.example/tìm kiếm", (0.0, "https://other.example/t%C3%ACm%20ki%E1%BA%BFm")),
    ("30", (30.0, PAGE)),  # reloads the page itself
    ("0; url=", (0.0, PAGE)),
])
def test_every_form_browsers_follow(content: str, expected: tuple[float, str]) -> None:
    assert meta_refresh(_page(content), PAGE) == expected
    if "'" not in content:
        assert meta_refresh(_page(content, quote="'"), PAGE) == expected


def test_the_bare_url_form_is_what_w3lib_misses() -> None:
    html = _page("0; https://other.example/")
    assert get_meta_refresh(html, PAGE) == (None, None)  # why crawler.extract reads it itself
    assert meta_refresh(html, PAGE) == (0.0, "https://other.example/")


@pytest.mark.parametrize("content", ["", "abc", "; https://other.example/", "x0; https://other.example/",
                                     "0x https://other.example/"])
def test_contents_browsers_ignore(content: str) -> None:
    assert meta_refresh(_page(content), PAGE) == (None, None)


def test_only_a_real_refresh_element_counts() -> None:
    assert meta_refresh("<html><body><p>http-equiv=refresh content=0; https://o.example/</p></body></html>",
                        PAGE) == (None, None)
    assert meta_refresh("<html><head><noscript><meta http-equiv='refresh' content='0; https://o.example/'>"
                        "</noscript></head></html>", PAGE) == (None, None)
    assert meta_refresh("<html><head><meta name='refresh' content='0; https://o.example/'></head></html>",
                        PAGE) == (None, None)
    # the first one a browser acts on: a malformed first refresh does not hide the second
    two = ("<html><head><meta http-equiv='refresh' content='soon'><meta http-equiv=' REFRESH ' "
           "content='0; https://o.example/'></head></html>")
    assert meta_refresh(two, PAGE) == (0.0, "https://o.example/")


def test_relative_targets_follow_base_href() -> None:
    html = _page("0; tin.html", head="<base href='https://cdn.example/thu-muc/'>")
    assert meta_refresh(html, PAGE) == (0.0, "https://cdn.example/thu-muc/tin.html")


def test_a_refresh_deep_in_a_long_head_is_found() -> None:
    head = "<meta name='x' content='" + "y" * 20000 + "'>"  # past Scrapy's 4 KB look
    assert meta_refresh(_page("0; https://other.example/", head=head), PAGE) == (0.0, "https://other.example/")


def test_the_bare_form_keeps_the_auto_reload_rule() -> None:
    delay, target = meta_refresh(_page("300; https://ubnd-xa.gov.vn/"), PAGE)  # home after 5 minutes
    assert delay is not None and target is not None and is_auto_reload(PAGE, target, delay)
    delay, target = meta_refresh(_page("0; https://ubnd-xa.gov.vn/"), PAGE)  # home at once: a redirect
    assert delay is not None and target is not None and not is_auto_reload(PAGE, target, delay)
    delay, target = meta_refresh(_page("300; https://other.example/"), PAGE)  # elsewhere, even later
    assert delay is not None and target is not None and not is_auto_reload(PAGE, target, delay)


# ------------------------------------------------------------------------------------- one note per run
def _note(n: int) -> str:
    return (f"https://ubnd-xa.gov.vn/tin/{n}.html: {REFRESH_ELSEWHERE}: 'https://casino.example/', không đi theo: "
            "lưu nội dung của chính trang này")


def test_refreshes_to_another_host_make_one_note_counting_the_pages() -> None:
    notes = RefreshNotes()
    errors: list[str] = []
    for message in ["https://ubnd-xa.gov.vn/tin/0.html: máy chủ trả về HTTP 404", *map(_note, range(1, 201))]:
        if (folded := notes.fold(message)) is None:
            errors.append(message)
        else:
            before, after = folded
            errors[errors.index(before)] = after
    assert len(errors) == 2 and errors[0].endswith("HTTP 404")
    assert errors[1].startswith(f"200 {REFRESH_ELSEWHERE}; trang đầu tiên: https://ubnd-xa.gov.vn/tin/1.html: "), \
        errors[1]
    assert "'https://casino.example/'" in errors[1]


def test_one_refresh_elsewhere_is_noted_as_it_is() -> None:
    notes = RefreshNotes()
    assert notes.fold(_note(1)) is None and notes.pages == 1
    assert notes.fold("https://ubnd-xa.gov.vn/tin/2.html: trang chuyển hướng (meta refresh) tới: "
                      "'https://ubnd-xa.gov.vn/khac'") is None  # same host: not folded
