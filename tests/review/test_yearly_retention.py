"""Retention deletes unflagged pages and crawl runs older than `[review] retention_days`. A year-end report whose
period reaches back past that point counts fewer pages and sources than were reviewed; the workbook must say so
in Ghi chú (from when, and the setting) instead of letting the smaller numbers pass for the year's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook

from review.housekeeping import purge_retention
from review.models import Item
from review.store import Store
from review.yearly import summarize, write_summary
from review.yearly_period import year_window
from tests.operate.seed import add_flagged

CLI = Callable[..., tuple[int, str, str]]
NOTE = "Dữ liệu đã xóa theo chính sách lưu trữ"


def _pages(store: Store) -> None:
    """Unflagged pages collected through 2025 and one flagged entry (kept by every purge)."""
    with store.session() as s:
        for month in range(1, 13):
            url = f"https://bao-tinh.example.vn/trang-{month}"
            s.add(Item(url=url, canonical_url=url, kind="article", title=f"trang {month}", text="bài thường",
                       fetched_at=datetime(2025, month, 15, tzinfo=UTC), content_hash=f"p{month}"))
    add_flagged(store, title="Lừa đảo trúng thưởng", category="scam", at=datetime(2025, 2, 1, tzinfo=UTC))


def _notes(path: Path) -> dict[str, object]:
    wb = load_workbook(path, read_only=True)
    notes = {r[0]: r[1] for r in wb["Ghi chú"].iter_rows(min_row=2, values_only=True)}
    wb.close()
    return notes


def test_a_purge_reaching_into_the_period_is_said(store: Store, tmp_path: Path) -> None:
    _pages(store)
    # 730 days before 03:30 on 01/07/2027 UTC: 10:30 on 01/07/2025 Vietnam time
    purge_retention(store, 730, datetime(2027, 7, 1, 3, 30, tzinfo=UTC))
    summary = summarize(store, *year_window(2025), year=2025, retention_days=730)
    write_summary(summary, tmp_path / "2025.xlsx")
    notes = _notes(tmp_path / "2025.xlsx")
    assert notes["Số tin, bài đã thu thập để rà soát trong kỳ"] == 7  # 15/07 to 15/12 and the flagged one
    assert notes["Tổng số mục gắn cờ"] == 1
    text = str(notes[NOTE])
    assert text.startswith("Dữ liệu trước 10:30 ngày 01/07/2025 đã được xóa theo chính sách lưu trữ "
                           "(retention_days = 730)")
    assert "có thể thiếu" in text

    later = summarize(store, datetime(2025, 8, 1, tzinfo=UTC), datetime(2025, 9, 1, tzinfo=UTC), retention_days=730)
    write_summary(later, tmp_path / "thang-8.xlsx")
    assert NOTE not in _notes(tmp_path / "thang-8.xlsx")  # after the cutoff: nothing of it was deleted


def test_no_purge_no_note(store: Store, tmp_path: Path) -> None:
    _pages(store)
    purge_retention(store, 730, datetime(2026, 12, 5, tzinfo=UTC))  # nothing that old: deletes nothing
    write_summary(summarize(store, *year_window(2025), year=2025, retention_days=730), tmp_path / "2025.xlsx")
    notes = _notes(tmp_path / "2025.xlsx")
    assert NOTE not in notes and notes["Số tin, bài đã thu thập để rà soát trong kỳ"] == 13


def test_the_command_names_the_configured_retention(store: Store, tmp_path: Path, cli: CLI) -> None:
    _pages(store)
    purge_retention(store, 730, datetime(2027, 7, 1, 3, 30, tzinfo=UTC))
    code, _, err = cli("export", "summary", "--year", "2025", "-o", str(tmp_path / "2025.xlsx"))
    assert code == 0, err
    assert "(retention_days = 730)" in str(_notes(tmp_path / "2025.xlsx")[NOTE])
