"""The year-end workbook (`canhgac export summary`) writes a text spelled like an Excel error value ("#N/A", what
officers write for "not applicable", "#REF!") as a text cell, as the exports do, not as that error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook

from review.store import Store
from tests.review.factory import flagged

ERRORS = ("#N/A", "#REF!", "#DIV/0!", "#NULL!", "#VALUE!", "#NAME?", "#NUM!")


def test_yearly_text_spelled_like_an_error_stays_text(store: Store, cli: Callable[..., tuple[int, str, str]],
                                                      tmp_path: Path) -> None:
    for n, text in enumerate(ERRORS):
        e = flagged(store, f"Lừa đảo chuyển khoản số {n}", "scam", 0.95, title=text)
        code, _, err = cli("--as", "lan", "decide", str(e), "--verdict", "violation", "--note", text)
        assert code == 0, err
    out = tmp_path / "y.xlsx"
    code, _, err = cli("export", "summary", "-o", str(out))
    assert code == 0, err
    for read_only in (False, True):
        wb = load_workbook(out, read_only=read_only)
        found = {c.value: c.data_type for ws in wb.worksheets for row in ws.iter_rows() for c in row
                 if c.value in ERRORS}
        wb.close()
        assert found == dict.fromkeys(ERRORS, "s")
