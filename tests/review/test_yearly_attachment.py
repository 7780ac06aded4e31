"""The year-end workbook is sent as an attachment to the office's official report: each printed sheet must say
what it is (the report, its period) and for which area, not only the Ghi chú sheet a reader may never print."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook

from review.store import Store
from review.types import utcnow
from review.vi import VN_TZ
from review.yearly import summarize, write_summary
from review.yearly_period import year_window
from tests.operate.seed import add_flagged

CLI = Callable[..., tuple[int, str, str]]


def test_every_sheet_prints_the_report_its_period_and_area(store: Store, cli: CLI, tmp_path: Path) -> None:
    now = utcnow()
    year = now.astimezone(VN_TZ).year
    add_flagged(store, title="Lừa đảo trúng thưởng", category="scam", at=now)
    path = tmp_path / "tong-ket.xlsx"
    code, _, err = cli("export", "summary", "--year", str(year), "-o", str(path))  # config: locality = "Hà Nội"
    assert code == 0, err
    wb = load_workbook(path)
    notes = {r[0]: r[1] for r in wb["Ghi chú"].iter_rows(min_row=2, values_only=True)}
    assert notes["Địa bàn"] == "Hà Nội"
    for ws in wb:
        header = ws.oddHeader.center.text or ""
        assert f"Báo cáo tổng kết năm {year}" in header and f"01/01/{year} – 31/12/{year}" in header, ws.title
        assert "Hà Nội" in header, ws.title
        assert ws.print_title_rows == "$1:$1", ws.title  # the column headings on every printed page
    wb.close()


def test_a_long_area_name_keeps_the_header_within_excel_limits(store: Store, tmp_path: Path) -> None:
    summary = summarize(store, *year_window(2025), year=2025, locality="Sở Văn hóa & Thể thao " * 20)
    write_summary(summary, tmp_path / "2025.xlsx")
    wb = load_workbook(tmp_path / "2025.xlsx")
    for ws in wb:
        header = ws.oddHeader.center.text or ""
        assert header.startswith("Báo cáo tổng kết năm 2025 (kỳ 01/01/2025 – 31/12/2025) – Sở Văn hóa && Thể thao")
        assert len(header) <= 255 and "&&" in header and "& " not in header.replace("&&", "")
    wb.close()
