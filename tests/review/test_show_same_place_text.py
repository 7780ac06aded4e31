"""A citizen report that joined an entry only because its link leads to the same page (audit `match` = `same_place`)
was never compared with the entry's text: `canhgac show` prints what that citizen sent (kept in the audit row),
marked "nội dung người dân gửi (chỉ trùng đường dẫn)" and cut when long (all of it in `show --json`), and marks every
reporter whose report was pasted as text. The real CLI, a real HTTP server on 127.0.0.1 (the short link served as
"localhost", another host), the bundled model, a real database (SQLite, and PostgreSQL when
CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from crawler.demo_site.server import DemoSite, serve
from review.audit import append_audit
from review.store import Store
from tests.review.factory import config_file

CLI = Callable[..., tuple[int, str, str]]
LANDING = ("<html><head><title>Nhận quà tri ân khách hàng</title></head><body><article><h1>Nhận quà tri ân khách "
           "hàng</h1><p>Chúc mừng quý khách đã trúng thưởng 50 triệu đồng trong chương trình tri ân của ngân hàng. "
           "Kết bạn Zalo 0987654321 và chuyển phí hồ sơ 500 nghìn đồng để nhận quà trong hôm nay, số lượng có hạn. "
           "Quý khách không chuyển phí trước 17 giờ sẽ mất quyền nhận quà.</p></article></body></html>")
# what a citizen pasted: the Zalo message that carried the link, not the page it leads to
MESSAGE = "Ngân hàng tri ân khách hàng, bấm vào link để nhận quà 50 triệu ngay hôm nay, số lượng có hạn"
MARK = "nội dung người dân gửi (chỉ trùng đường dẫn)"


@pytest.fixture
def site() -> Iterator[DemoSite]:
    s = serve()
    s.set("/nhan-qua", LANDING)
    s.set_handler("/s/qua", _redirect(f"{s.base_url}/nhan-qua?utm_source=zalo"))
    yield s
    s.close()


@pytest.fixture
def cfg(tmp_path: Path, db_url: str, store: Store) -> Path:
    """The review tests' config, fetching from the test server on 127.0.0.1."""
    path = config_file(tmp_path, db_url)
    path.write_text(path.read_text(encoding="utf-8") + "\n[crawler]\nallow_private_hosts = true\n", encoding="utf-8")
    return path


def _redirect(to: str):  # type: ignore[no-untyped-def]
    def handle(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", to)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return handle


def _short(site: DemoSite) -> str:
    return site.base_url.replace("127.0.0.1", "localhost") + "/s/qua"


def _report(cli: CLI, *args: str) -> str:
    code, out, err = cli("--as", "lan", "report", *args)
    assert code == 0, err
    return out


def _show(cli: CLI, *args: str) -> str:
    code, out, err = cli("show", "1", *args)
    assert code == 0, err
    return out


def _reporter_line(out: str, name: str) -> str:
    lines = [line for line in out.splitlines() if line.startswith("  • ") and name in line]
    assert len(lines) == 1, out
    return lines[0]


def test_a_pasted_text_joined_by_its_link_is_shown_and_marked(cli: CLI, site: DemoSite) -> None:
    _report(cli, _short(site), "--reporter", "Anh Nam")
    out = _report(cli, _short(site), "--text", MESSAGE, "--reporter", "Chị Hoa", "--note", "qua Zalo")
    assert "gộp vào mục #1" in out, out
    out = _show(cli)
    assert MESSAGE not in out.split("Người dân phản ánh")[0]  # the entry's text is the landing page, not the message
    block = out.split("Người dân phản ánh (2):")[1]
    assert MARK in block and MESSAGE in block, out
    assert block.index(MARK) > block.index("Chị Hoa") and block.index(MESSAGE) > block.index(MARK), out
    # the message is said to be pasted; the link it came with and where that led are named
    hoa = _reporter_line(out, "Chị Hoa")
    assert "qua Zalo" in hoa and "dán nội dung" in hoa and _short(site) in hoa and "/nhan-qua" in hoa, hoa
    # the short link fetched by the other citizen is no pasted text
    nam = _reporter_line(out, "Anh Nam")
    assert "dán nội dung" not in nam and _short(site) in nam, nam
    assert out.count(MARK) == 1, out

    reporters = json.loads(_show(cli, "--json"))["reporters"]
    assert [(r["reporter"], r["pasted"], r["match"]) for r in reporters] == [
        ("Anh Nam", False, None), ("Chị Hoa", True, "same_place")], reporters
    assert reporters[1]["text"] == MESSAGE and reporters[0]["text"] is None, reporters


def test_a_short_link_joining_a_pasted_text_shows_the_page_it_led_to(cli: CLI, site: DemoSite) -> None:
    # the other way round: the entry is the pasted message, the page behind the link was read for the later report
    _report(cli, _short(site), "--text", MESSAGE, "--reporter", "Chị Hoa")
    out = _report(cli, _short(site) + "?fbclid=IwAR0abc", "--reporter", "Anh Nam")
    assert "gộp vào mục #1" in out, out
    out = _show(cli)
    block = out.split("Người dân phản ánh (2):")[1]
    assert MARK in block and "Chúc mừng quý khách đã trúng thưởng 50 triệu đồng" in block, out
    assert "NHẬN QUÀ TRI ÂN KHÁCH HÀNG" not in block and "Nhận quà tri ân khách hàng" in block, out  # its headline
    assert "dán nội dung" in _reporter_line(out, "Chị Hoa"), out  # the entry's own report, pasted
    assert "dán nội dung" not in _reporter_line(out, "Anh Nam"), out
    reporters = json.loads(_show(cli, "--json"))["reporters"]
    assert [(r["reporter"], r["pasted"]) for r in reporters] == [("Chị Hoa", True), ("Anh Nam", False)], reporters


def test_two_texts_pasted_with_one_link_both_read_as_pasted(cli: CLI, site: DemoSite) -> None:
    # no redirect: nothing but the audit row says whether the second report was pasted or fetched
    link = site.base_url + "/nhan-qua"
    _report(cli, link, "--text", MESSAGE, "--reporter", "Chị Hoa")
    other = "Có người gửi link này trong nhóm Zalo của khu phố, bảo vào nhận quà ngân hàng"
    out = _report(cli, link, "--text", other, "--reporter", "Bà Tư")
    assert "gộp vào mục #1" in out, out
    out = _show(cli)
    assert "dán nội dung" in _reporter_line(out, "Chị Hoa") and "dán nội dung" in _reporter_line(out, "Bà Tư"), out
    assert other in out.split(MARK)[1], out


def test_a_long_pasted_text_is_cut_saying_where_to_read_all_of_it(cli: CLI, site: DemoSite) -> None:
    _report(cli, _short(site), "--reporter", "Anh Nam")
    long = MESSAGE + ". " + " ".join(f"Tin nhắn thứ {i} nhắc lại: chuyển phí hồ sơ để nhận quà." for i in range(40))
    assert len(long) > 1500
    _report(cli, _short(site), "--text", long, "--reporter", "Chị Hoa")
    out = _show(cli)
    block = out.split(MARK)[1]
    assert MESSAGE in block and "Tin nhắn thứ 39" not in block, out
    assert "đã cắt bớt" in block and "canhgac show 1 --json" in block and "canhgac export audit" in block, out
    reporters = json.loads(_show(cli, "--json"))["reporters"]
    assert reporters[1]["text"] == long, reporters


def test_rows_written_before_pasted_was_recorded_are_read_by_what_they_hold(cli: CLI, store: Store,
                                                                            site: DemoSite) -> None:
    # audit rows of reports joined by place before "pasted" was recorded (rows are never rewritten): a pasted link
    # followed elsewhere (`resolved_url`), and one pasted by place onto an entry whose page was read
    _report(cli, _short(site), "--reporter", "Anh Nam")
    landing = site.base_url + "/nhan-qua"
    with store.session() as s:
        for who, extra in (("Chị Hoa", {"resolved_url": landing}), ("Bà Tư", {})):
            append_audit(s, "lan", "report", 1, {"item_id": 1, "url": _short(site), "reporter": who, "note": None,
                                                 "report_hash": who, "received_at": "2026-12-06T05:00:00+00:00",
                                                 "match": "same_place", "title": MESSAGE, "text": MESSAGE,
                                                 "outcome": "joined", **extra})
    out = _show(cli)
    assert "dán nội dung" in _reporter_line(out, "Chị Hoa") and "dán nội dung" in _reporter_line(out, "Bà Tư"), out
    assert "dán nội dung" not in _reporter_line(out, "Anh Nam") and out.count(MARK) == 2, out


def test_a_row_written_before_the_text_was_kept_shows_no_empty_message(cli: CLI, store: Store,
                                                                        site: DemoSite) -> None:
    # a report joined by place before its title and text were kept in the audit row: what the citizen sent is not
    # known, so `show` must not print it as an empty message ("(trống)") the citizen supposedly sent
    _report(cli, _short(site), "--reporter", "Anh Nam")
    with store.session() as s:
        append_audit(s, "lan", "report", 1, {"item_id": 1, "url": _short(site), "reporter": "Chị Hoa", "note": None,
                                             "report_hash": "x", "received_at": "2026-12-01T05:00:00+00:00",
                                             "match": "same_place", "outcome": "joined",
                                             "resolved_url": site.base_url + "/nhan-qua"})
    out = _show(cli)
    assert "(trống)" not in out and MARK not in out, out
    assert "dán nội dung" in _reporter_line(out, "Chị Hoa"), out
    reporters = json.loads(_show(cli, "--json"))["reporters"]
    assert reporters[1]["text"] is None and reporters[1]["title"] is None, reporters
