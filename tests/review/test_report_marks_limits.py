"""`queue`, `show` and the year-end workbook on the citizen reports behind an entry, at the edges: a report on an
entry already decided (it joins without making the entry a report again) is marked in `queue` as `show` lists it; a
pasted message whose first line is longer than a headline keeps (200 characters), sent decomposed (NFD) as some
phones send it, shows its words once, not its cut headline and then itself; a link many citizens pasted does not
flood `queue` with their texts; the workbook, which goes to the officer's superior and names no reporter, does not
write out what a citizen sent (it may carry their name or phone number) but says where the officer reads it. The
real CLI, a real HTTP server on 127.0.0.1, a real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is
set)."""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from crawler.demo_site.server import DemoSite
from review.vi import VN_TZ
from tests.review import test_report_marks_in_lists as lists
from tests.review import test_yearly_reports as yearly
from tests.review.test_report_marks_in_lists import CLI, MARK, _run

# the fixtures: a test server with the short link, its config, the entries of `test_yearly_reports`
site, cfg, reported = lists.site, lists.cfg, yearly.reported

# one forwarded Zalo message, no line break, longer than the 200 characters a pasted report's headline keeps
LONG = ("Ngân hàng tri ân khách hàng thân thiết, quý khách đã được chọn nhận quà 50 triệu đồng, bấm vào đường dẫn "
        "để xác nhận thông tin, nhập số tài khoản và mã OTP để nhận tiền ngay trong hôm nay, số lượng quà có hạn, "
        "hết hạn lúc 17 giờ")
HEAD = "Ngân hàng tri ân khách hàng thân thiết"


def _short(site: DemoSite) -> str:
    return site.base_url.replace("127.0.0.1", "localhost") + "/s/qua"


def _report(cli: CLI, site: DemoSite, text: str) -> None:
    """#1: the short link's page read (Anh Nam), joined by `text` pasted with the same link (Chị Hoa)."""
    _run(cli, "report", _short(site), "--reporter", "Anh Nam")
    assert "gộp vào mục #1" in _run(cli, "report", _short(site), "--text", text, "--reporter", "Chị Hoa")


def _sent_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if "↳" in line]


def test_queue_marks_a_decided_entry_a_citizen_reported_afterwards(cli: CLI, reported: dict[str, object]) -> None:
    ids = reported["ids"]
    assert isinstance(ids, dict)
    a = ids["a"]
    assert [r["pasted"] for r in json.loads(_run(cli, "show", str(a), "--json"))["reporters"]] == [True]
    rows = {r["id"]: r for r in json.loads(_run(cli, "queue", "--status", "decided", "--json"))}
    assert [r["pasted"] for r in rows[a]["reporters"]] == [True], rows[a]
    assert rows[ids["d"]]["reporters"] == []  # decided, never reported
    out = _run(cli, "queue", "--status", "decided")
    [line] = [x for x in out.splitlines() if x.startswith(f"{a} ")]
    assert "[PA dán]" in line, out
    [other] = [x for x in out.splitlines() if x.startswith(f"{ids['d']} ")]
    assert "[PA" not in other, out


def test_queue_shows_a_long_nfd_message_once(cli: CLI, site: DemoSite) -> None:
    _report(cli, site, unicodedata.normalize("NFD", LONG))
    [line] = _sent_lines(_run(cli, "queue"))
    shown = line.split("chưa đối chiếu: ", 1)[1].removesuffix("…")
    assert LONG.startswith(shown) and len(shown) > 100, line  # its own words, not its cut headline, then them


def test_queue_shows_a_long_nfc_message_once(cli: CLI, site: DemoSite) -> None:
    _report(cli, site, LONG)
    [line] = _sent_lines(_run(cli, "queue"))
    assert LONG.startswith(line.split("chưa đối chiếu: ", 1)[1].removesuffix("…")), line


def test_show_prints_a_long_nfd_message_once(cli: CLI, site: DemoSite) -> None:
    _report(cli, site, unicodedata.normalize("NFD", LONG))
    out = _run(cli, "show", "1")
    assert out.count(HEAD) == 1 and LONG in out, out


def test_queue_is_not_flooded_by_many_pasted_copies_of_one_link(cli: CLI, site: DemoSite) -> None:
    """A viral scam link: 25 citizens paste it, each with their own words (joined by its link's page)."""
    _run(cli, "report", _short(site), "--reporter", "Anh Nam")
    for n in range(25):
        _run(cli, "report", _short(site), "--text", f"Người dân thứ {n}: tôi nhận được tin nhắn này, có phải lừa đảo "
             "không?", "--reporter", f"Người {n}")
    out = _run(cli, "queue")
    sent = _sent_lines(out)
    assert len(sent) == 3, out
    assert "Người dân thứ 0:" in sent[0] and "Người dân thứ 1:" in sent[1], out
    assert sent[2] == "    ↳ … và 23 nội dung khác: canhgac show 1", out
    assert "[PA dán 25/26]" in out and "[PA dán 1/2] = 1 trong 2 phản ánh là dán nội dung" in out, out
    assert len(json.loads(_run(cli, "queue", "--json"))[0]["reporters"]) == 26  # scripts still get every one


def test_the_workbook_does_not_write_out_what_a_citizen_sent(cli: CLI, site: DemoSite, tmp_path: Path) -> None:
    _report(cli, site, "Tôi là Trần Văn Bình, 0912345678, nhận được tin này: " + LONG)
    _run(cli, "decide", "1", "--verdict", "violation", "--category", "scam")
    path = tmp_path / "tong-ket.xlsx"
    _run(cli, "export", "summary", "--year", str(datetime.now(VN_TZ).year), "-o", str(path))
    wb = load_workbook(path, read_only=True)
    cells = [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    head, *rows = list(wb["Vụ việc nổi bật"].iter_rows(values_only=True))
    wb.close()
    assert not [c for c in cells if "0912345678" in c or "Trần Văn Bình" in c or MARK in c]
    case = {r[0]: dict(zip(head, r, strict=True)) for r in rows}[1]
    assert case["Người dân phản ánh"] == ("có — 2 phản ánh: 1 dán nội dung, 1 gửi đường dẫn, đã đọc trang; kèm 1 "
                                          "nội dung người dân gửi chưa đối chiếu (chỉ trùng đường dẫn): xem bằng "
                                          "canhgac show 1")
