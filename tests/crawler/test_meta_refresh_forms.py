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


@pytest.mark.parametrize("equiv", ["&#82;efresh", "&#x72;efresh", "re&#102;resh", "REFRESH", "&#X52;EFRESH"])
def test_a_refresh_spelled_with_character_references_is_one(equiv: str) -> None:
    """Browsers decode `&#82;efresh` in the attribute's value: the cheap look before parsing must not miss it."""
    html = f'<html><head><meta http-equiv="{equiv}" content="0; url=https://casino.example/"></head></html>'
    assert meta_refresh(html, PAGE) == (0.0, "https://casino.example/")
    assert meta_refresh(html.replace("http-equiv", "HTTP-EQUIV"), PAGE) == (0.0, "https://casino.example/")


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


# ------------------------------------------------------------------------------- hostile and malformed pages
def test_the_prefilter_is_not_a_backtracking_pattern() -> None:
    """Many "<meta " and no ">" made `<meta\\b[^>]*refresh` quadratic (117 KB: 51 s). A 5 MB hostile page is read
    here in the test's normal run; with the old pattern it would not finish."""
    import crawler.extract as extract

    assert not hasattr(extract, "_REFRESH_META")
    html = "<html><head>" + "<meta " * 800_000  # ~5 MB
    assert meta_refresh(html, PAGE) == (None, None)
    assert meta_refresh(html + "refresh", PAGE) == (None, None)


def test_a_gt_inside_an_attribute_before_http_equiv_does_not_hide_the_refresh() -> None:
    html = ("<html><head><meta content=\"0; url=https://casino.example/?r=>vn\" http-equiv=\"refresh\">"
            "</head><body>x</body></html>")
    assert meta_refresh(html, PAGE) == (0.0, "https://casino.example/?r=%3Evn")


@pytest.mark.parametrize("content", ["0; http://[::1", "0; url=http://[::1", "0; http://a:99999999/",
                                     "0; http://[vv]/", "0; http://a]b/"])
def test_a_malformed_target_is_ignored_as_browsers_do(content: str) -> None:
    assert meta_refresh(_page(content, quote="'"), PAGE) == (None, None)


@pytest.mark.parametrize(("content", "host"), [
    ("0; url=\\\\casino.example\\", "casino.example"),
    ("0; url=https:\\\\casino.example/", "casino.example"),
    ("30; \\\\casino.example\\", "casino.example"),
])
def test_backslashes_in_an_http_target_are_slashes_as_for_browsers(content: str, host: str) -> None:
    from urllib.parse import urlsplit

    delay, target = meta_refresh(_page(content), PAGE)
    assert target is not None and urlsplit(target).hostname == host, target


def test_each_target_host_is_named_with_its_count_and_the_note_stays_last() -> None:
    from crawler.context import CrawlContext

    ctx = CrawlContext(config=None, store=None)  # type: ignore[arg-type]  (no source: no store call)
    kept = "không đi theo: lưu nội dung của chính trang này"
    ctx.error(f"https://xa.gov.vn/gioi-thieu: {REFRESH_ELSEWHERE}: 'https://tinh.gov.vn/', {kept}")
    ctx.error("https://xa.gov.vn/tin/x.html: máy chủ trả về HTTP 404")
    for n in range(40):
        ctx.error(f"https://xa.gov.vn/tin/{n}.html: {REFRESH_ELSEWHERE}: 'https://nohu-casino.example/', {kept}")
    assert len(ctx.errors) == 2 and ctx.errors[0].endswith("HTTP 404"), ctx.errors
    note = ctx.errors[-1]
    assert note.startswith(f"41 {REFRESH_ELSEWHERE}"), note
    assert "40 trang tới nohu-casino.example" in note and "1 trang tới tinh.gov.vn" in note, note
    assert "https://xa.gov.vn/tin/0.html" in note and "https://xa.gov.vn/gioi-thieu" in note, note


def test_notes_folded_from_two_threads_lose_nothing() -> None:
    """Two batch threads (CANHGAC_WORKERS=0) note refreshes at once: the first thread's fold is held until the
    second has folded too (or, with the fold locked, until a short wait ends), the interleaving that lost notes."""
    import threading

    from crawler.context import CrawlContext

    ctx = CrawlContext(config=None, store=None)  # type: ignore[arg-type]
    ctx.error(_note(0))
    folded = [threading.Event(), threading.Event()]
    real = RefreshNotes.fold

    def fold(self: RefreshNotes, message: str) -> object:
        result = real(self, message)
        me = int(threading.current_thread().name)
        folded[me].set()
        if me == 0:
            folded[1].wait(2)
        return result

    failures: list[BaseException] = []

    def work(n: int) -> None:
        try:
            ctx.error(_note(n + 1))
        except BaseException as exc:  # noqa: BLE001
            failures.append(exc)

    import unittest.mock

    with unittest.mock.patch.object(RefreshNotes, "fold", fold):
        first = threading.Thread(target=work, args=(0,), name="0")
        first.start()
        folded[0].wait(60)
        second = threading.Thread(target=work, args=(1,), name="1")
        second.start()
        first.join()
        second.join()
    assert not failures, failures
    assert len(ctx.errors) == 1 and ctx.errors[0].startswith(f"3 {REFRESH_ELSEWHERE}"), ctx.errors


def test_the_note_s_host_of_a_malformed_address_is_no_error() -> None:
    from crawler.pipelines.extract import _host

    assert _host("http://[::1") == "" and _host("http://a:99999999/") == "a"
    assert _host("https://www.Xa.gov.vn/tin") == "xa.gov.vn"


def test_a_note_folded_over_many_hosts_stays_well_under_what_a_source_keeps() -> None:
    """The source's last error keeps 2,000 characters (`review.sources`): 14 hosts with long page and target
    addresses made a 4,248-character note, cut off mid-host. Each host is named with its count and one page."""
    from crawler.context import CrawlContext

    ctx = CrawlContext(config=None, store=None)  # type: ignore[arg-type]
    kept = "không đi theo: lưu nội dung trang"
    pages = [f"https://ubnd-phuong-{i}.hanoi.gov.vn/tin-tuc/hoat-dong-cua-phuong/2026/12/thong-bao-lich-tiep-"
             f"cong-dan-{i}-" + "z" * 300 + ".html" for i in range(14)]
    for i, page in enumerate(pages):
        for _ in range(14 - i):  # host i: 14 - i pages, so the order of the note is known
            target = f"https://nha-cai-{i}." + "y" * 150 + ".example/?utm_source=seo&ref=" + "x" * 120
            ctx.error(f"{page}: {REFRESH_ELSEWHERE}: {target[:200]!r}, {kept}")
    note = ctx.errors[-1]
    assert len(ctx.errors) == 1 and note.startswith(f"105 {REFRESH_ELSEWHERE}, tới 14 máy chủ: "), note[:200]
    assert len(note) <= 1500, len(note)
    named = [i for i in range(14) if f"{14 - i} trang tới nha-cai-{i}." in note]
    assert named == list(range(len(named))) and len(named) >= 3, (named, note)
    for i in named:
        assert pages[i][:80] in note, (i, note)  # its example page, shortened
    rest = 14 - len(named)
    assert note.endswith(f"{sum(range(1, rest + 1))} trang tới {rest} máy chủ khác"), note[-200:]


def test_the_source_s_last_error_is_the_run_s_newest_note() -> None:
    """Two batch threads fold refresh notes; each also records the note as the source's last error (a database
    write). The first thread's write is held until the second has written (or a short wait ends): written outside
    the lock, the older fold ("2 …") landed last and the source showed a count the run had passed."""
    import threading
    from types import SimpleNamespace

    from crawler.context import CrawlContext

    recorded: list[str] = []
    in_store, second_wrote = threading.Event(), threading.Event()

    class Store:
        def record_source_error(self, name: str, message: str) -> None:
            if threading.current_thread().name == "0":
                in_store.set()
                second_wrote.wait(2)
            recorded.append(message)
            if threading.current_thread().name == "1":
                second_wrote.set()

    ctx = CrawlContext(config=None, store=Store(), source=SimpleNamespace(name="px"))  # type: ignore[arg-type]
    ctx.source = None
    ctx.error(_note(0))
    ctx.source = SimpleNamespace(name="px")  # type: ignore[assignment]
    first = threading.Thread(target=ctx.error, args=(_note(1),), name="0")
    first.start()
    in_store.wait(60)
    second = threading.Thread(target=ctx.error, args=(_note(2),), name="1")
    second.start()
    first.join()
    second.join()
    assert ctx.errors[-1].startswith(f"3 {REFRESH_ELSEWHERE}"), ctx.errors
    assert recorded[-1] == ctx.errors[-1], recorded
