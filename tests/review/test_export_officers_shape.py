"""An export in the officers' shape (XLSX by default, CSV with `--headers vi`), walked through as a ward officer
reads it: nothing left in English codes or JSON, and who decided, when and why on every sheet.

* `audit`: actions by their Vietnamese names ("quyết định", "hoàn tác quyết định" …), details as "Nhãn: giá trị"
  lines (not JSON), canhgac's own processes named as such; it used to write `decide` and
  `{"category": "scam", "decision_id": 1, …}`.
* `items`: kinds by name ("bài báo", "phản ánh của người dân" …), and the moderator and note of the standing
  decision — the sheet had the verdict and its time but not who decided nor why.
* A pasted report's internal address (`report:text/…`) and a report's missing source are said in words.
* `read_export` maps all of it back to what the machine format of the same file format holds.

Real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set), real files read back with openpyxl
and the csv module."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from review.export import COLUMNS, read_export
from review.export_details import TIME_KEYS, details_read, details_vi
from review.export_headers import TIME_COLUMNS
from review.export_values import ACTION_VI, KIND_VI
from review.store import Store
from tests.review.export_sample import MULTILINE, SCAM_NOTE, UNDO_REASON, fill_sample

CLI = Callable[..., tuple[int, str, str]]


@pytest.fixture
def sample(store: Store) -> dict[str, int]:
    return fill_sample(store)


def _sheet(path: Path) -> list[dict[str, Any]]:
    wb = load_workbook(path, read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, (*r, *(None,) * (len(header) - len(r))), strict=True)) for r in rows[1:]]


def _export(cli: CLI, path: Path, *args: str) -> None:
    code, _, err = cli("export", *args, "-o", str(path))
    assert code == 0, err


def test_audit_reads_in_vietnamese(sample: dict[str, int], cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "nhat-ky.xlsx"
    _export(cli, path, "audit")
    rows = _sheet(path)
    actions = [r["Thao tác"] for r in rows]
    assert set(actions) == set(ACTION_VI.values())  # the sample has a row of every action, each named
    assert not set(actions) & set(ACTION_VI)
    for row in rows:
        details = row["Chi tiết"]
        assert details is None or not details.startswith("{") and '": ' not in details, details
    by_action = {r["Thao tác"]: r for r in rows}
    undo = by_action["hoàn tác quyết định"]["Chi tiết"].split("\n")
    assert undo[:3] == ["Quyết định: bỏ qua", "Nhóm: Lộ lọt thông tin cá nhân", f"Lý do: {UNDO_REASON}"], undo
    decide = [r["Chi tiết"] for r in rows if r["Thao tác"] == "quyết định" and r["Người thực hiện"] == "lan"][0]
    assert decide.startswith(f"Quyết định: vi phạm\nNhóm: Lừa đảo, chiếm đoạt tài sản\nGhi chú: {SCAM_NOTE}")
    report = [r["Chi tiết"] for r in rows if r["Thao tác"] == "ghi nhận phản ánh của người dân"
              and r["Mã mục"] == sample["pasted"]][0]
    assert "Người phản ánh: (đã ẩn khi xuất)" in report and "Cách khớp: gần trùng nội dung" in report
    assert "Địa chỉ: (dán nội dung, không có đường dẫn)" in report and "report:text/" not in report
    assert "Thời điểm nhận: 02/03/2026 08:36" in report  # Vietnam time, as the time columns
    bulk = by_action["quyết định hàng loạt"]["Chi tiết"]
    assert "Các mục: #7, #8" in bulk and "Điều kiện chọn:\n  • Nhóm: Lừa đảo" in bulk, bulk
    assert by_action["trả mục về hàng chờ"]["Chi tiết"] is None  # no details: an empty cell, not "{}"
    assert by_action["hết hạn giữ mục"]["Người thực hiện"] == "hệ thống (tiến trình nền)"
    assert by_action["trang thu thập trùng nội dung phản ánh"]["Người thực hiện"] == "hệ thống (thu thập tin)"
    assert by_action["đổi ngưỡng gắn cờ"]["Người thực hiện"] == "hệ thống (theo tệp cấu hình)"  # actor "config"


def test_items_say_what_they_are_and_who_decided(sample: dict[str, int], cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "muc.xlsx"
    _export(cli, path, "items")
    rows = {r["Mã mục"]: r for r in _sheet(path)}
    assert {r["Loại tin"] for r in rows.values()} == set(KIND_VI.values())
    decided = rows[sample["violation"]]
    assert decided["Cán bộ duyệt"] == "lan" and decided["Ghi chú của cán bộ"] == SCAM_NOTE
    assert rows[sample["commend"]]["Cán bộ duyệt"] == "Nguyễn Thu Hà"
    warned = rows[sample["warn"]]  # string cells, never formulas: no apostrophe before what the officer wrote
    assert warned["Ghi chú của cán bộ"] == "-đã nhắc admin gỡ bài"
    assert warned["Nội dung"] == "=Uống nước chanh nóng mỗi sáng"
    undone = rows[sample["open"]]  # its only decision was undone: nobody's decision stands
    assert undone["Trạng thái"] == "chờ duyệt" and undone["Cán bộ duyệt"] is None
    pasted = rows[sample["pasted"]]
    assert pasted["Địa chỉ"] == pasted["Địa chỉ chuẩn"] == "(dán nội dung, không có đường dẫn)"
    assert pasted["Nguồn"] == "(phản ánh của người dân)" and pasted["Nội dung"] == MULTILINE
    assert rows[sample["short_link"]]["Liên kết người dân phản ánh"] == "https://bit.ly/qua-tri-an"


def test_csv_times_read_the_same_in_every_excel(sample: dict[str, int], cli: CLI, tmp_path: Path) -> None:
    """Read as Excel reads a CSV: every time cell is yyyy-mm-dd HH:MM, never dd/mm/yyyy, which an en-US Excel
    takes for mm/dd."""
    for kind in ("decisions", "items", "audit"):
        path = tmp_path / f"{kind}.csv"
        _export(cli, path, kind, "--headers", "vi")
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        times = [v for r in rows for h, v in r.items() if "(giờ Việt Nam (UTC+7))" in h and v]
        assert times and all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", v) for v in times), times


CASES = {"decisions": ["decisions", "--include-undone"], "items": ["items"], "audit": ["audit"],
         "audit-reporters": ["audit", "--include-reporters"]}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("case", list(CASES))
def test_read_export_maps_the_officers_shape_back(sample: dict[str, int], cli: CLI, tmp_path: Path, case: str,
                                                  fmt: str) -> None:
    """Every column but the times (local, to the minute) reads back to what the machine format holds; an audit
    row's details to the same JSON (its times as written); a pasted report's address is not in the officers'
    shape."""
    vi, en = tmp_path / f"vi.{fmt}", tmp_path / f"en.{fmt}"
    _export(cli, vi, *CASES[case], "--headers", "vi")
    _export(cli, en, *CASES[case], "--headers", "en")
    back, machine = read_export(vi), read_export(en)
    assert len(back) == len(machine) > 0
    kind = CASES[case][0]
    for got, want in zip(back, machine, strict=True):
        for column in set(want) - TIME_COLUMNS:
            if column in ("url", "canonical_url") and str(want[column]).startswith("report:text/"):
                assert got[column] == "(dán nội dung, không có đường dẫn)"
            elif column == "details":
                assert _timeless(got[column]) == _timeless(want[column]), (got[column], want[column])
            else:
                assert got[column] == want[column], (column, got[column], want[column])
        assert set(got) - set(want) == ({"moderator", "note"} if kind == "items" else set())
    assert list(machine[0]) == list(COLUMNS[kind]) or kind == "decisions"


def _timeless(details: str) -> dict[str, Any]:
    """Details without their times, a pasted report's address as the officers' shape writes it."""
    return {k: "(dán nội dung, không có đường dẫn)" if str(v).startswith("report:text/") else v
            for k, v in json.loads(details).items() if k not in TIME_KEYS}


def test_pasted_text_starting_with_a_bracket_reads_as_lines() -> None:
    """An SMS a citizen pasted ("[VNeID] …", kept in a report's details) is its lines, not one JSON string with
    \\n and \\" escapes; a first line that is JSON is still quoted, so both read back exactly."""
    sms = "[VNeID] Tài khoản định danh của bạn sắp bị khóa.\nBấm \"xác thực\" tại: http://vneid-gov.top"
    details = {"text": sms, "title": "[VNeID] Thông báo", "note": "[1, 2]"}
    lines = details_vi(json.dumps(details, ensure_ascii=False), "Asia/Ho_Chi_Minh")
    assert lines is not None
    assert lines.split("\n") == ["Ghi chú: \"[1, 2]\"", "Tiêu đề: [VNeID] Thông báo",
                                 "Nội dung: [VNeID] Tài khoản định danh của bạn sắp bị khóa.",
                                 "    Bấm \"xác thực\" tại: http://vneid-gov.top"], lines
    assert json.loads(details_read(lines)) == details


@pytest.mark.parametrize("details", [
    {"note": "5", "reason": "có", "text": "", "title": "#5, #6", "reporter": "(không có)", "url": "[x]"},
    {"note": "dòng một\n  dòng hai thụt vào\nGhi chú: không phải khóa", "count": 0, "similarity": 1e-05},
    {"note": "12\nvà dòng sau", "verdict": "vi phạm", "category": "new_category", "match": "same_link"},
    {"filter": {"category": "scam", "since": "2026-03-01T00:00:00+00:00", "is_report": False,
                "source": "dien-dan"}, "entry_ids": [], "below_threshold_ids": [3], "old": None, "new": 0.65},
    {"future_key": {"nested": {"deeper": [1, "a"]}}, "list": ["a", "b"], "flag": True, "filter": {}},
    {"note": "Thông báo \u0301NFD và «ngoặc» \"kép\" – @=+"},
    {"text": "[VNeID] Tài khoản sắp bị khóa.\nBấm \"xác thực\"\n    thụt vào", "title": "[VNeID] Thông báo",
     "note": "\"trích\" lời", "reason": "{chưa đóng"},
    {"text": "[1, 2]\ndòng sau", "title": "{}", "note": "\"x\"", "reason": "[\"a\"]", "url": "null",
     "filter": {"note": "[VNeID] a\nb", "reason": "[2]"}},
    {"text": "\n".join(f"dòng {i}" for i in range(5000)) + "\n", "note": "\ncó dòng trống đầu"},
])
def test_details_lines_read_back_exactly(details: dict[str, Any]) -> None:
    """Whatever a detail holds (texts that look like numbers, yes/no, ids, a label; several lines; nesting;
    keys canhgac does not know), the lines read back to the same JSON."""
    lines = details_vi(json.dumps(details, ensure_ascii=False), "Asia/Ho_Chi_Minh")
    assert lines is not None and not lines.startswith("{")
    want = {k: v for k, v in details.items() if k not in TIME_KEYS}
    got = json.loads(details_read(lines))
    got["filter"] = {k: v for k, v in got.get("filter", {}).items() if k not in TIME_KEYS}
    want["filter"] = {k: v for k, v in want.get("filter", {}).items() if k not in TIME_KEYS}
    assert got == want, lines
