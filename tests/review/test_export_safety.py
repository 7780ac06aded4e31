"""Exports are opened in spreadsheet apps: crawled text must never become a formula (CSV and XLSX). CSV escapes it
with an apostrophe, undone on read so a file re-imports to the same values; XLSX writes string-typed cells, which
no spreadsheet runs, so the text is stored as written (it used to carry the apostrophe too, shown to officers)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from review.export import read_export, sheet_safe
from review.export_headers import columns_read
from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]
FORMULAS = ("=HYPERLINK(\"http://x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1",
            "'=already quoted", "''-two")


@pytest.mark.parametrize("value", [*FORMULAS, "bình thường", "'không phải công thức", ""])
def test_sheet_safe_round_trips(value: str) -> None:
    from review.export import _unescape_cell

    safe = sheet_safe(value)
    assert _unescape_cell(safe) == value
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        assert safe == "'" + value


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_items_escapes_formulas(store: Store, cli: CLI, tmp_path: Path, fmt: str) -> None:
    for i, title in enumerate(FORMULAS):
        flagged(store, f"Nội dung số {i}", "scam", 0.9, title=title)
    path = tmp_path / f"items.{fmt}"
    code, _, err = cli("export", "items", "--format", fmt, "--output", str(path))
    assert code == 0 and f"{len(FORMULAS)} dòng" in err
    if fmt == "csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            raw = [r["title"] for r in csv.DictReader(f)]
        assert sorted(raw) == sorted("'" + t for t in FORMULAS)
    else:  # string-typed cells: never a formula, shown as written (no apostrophe in the officer's cell)
        wb = load_workbook(path)
        cells = list(wb.worksheets[0].iter_rows())
        assert not [c for row in cells for c in row if c.data_type == "f"]
        title = columns_read([str(c.value) for c in cells[0]]).index("title")  # the header is Vietnamese
        raw = [str(r[title].value) for r in cells[1:]]
        assert sorted(raw) == sorted(FORMULAS)
    assert sorted(r["title"] for r in read_export(path)) == sorted(FORMULAS)


def test_export_items_csv_to_stdout_is_escaped(store: Store, cli: CLI) -> None:
    flagged(store, "Nội dung", "scam", 0.9, title="=1+1")
    code, out, _ = cli("export", "items", "--format", "csv")
    assert code == 0 and "'=1+1" in out and ",=1+1" not in out


def test_yearly_summary_never_holds_formulas(store: Store, cli: CLI, tmp_path: Path) -> None:
    from datetime import datetime

    from review.vi import VN_TZ

    entry = flagged(store, "Nội dung", "scam", 0.9, title="=HYPERLINK(\"http://x\",\"bấm\")")
    store.decide(entry, "lan", "violation")
    path = tmp_path / "y.xlsx"
    code, _, _ = cli("export", "summary", "--year", str(datetime.now(VN_TZ).year), "--output", str(path))
    assert code == 0
    wb = load_workbook(path)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert any(c.value == "'=HYPERLINK(\"http://x\",\"bấm\")" for c in cells)
