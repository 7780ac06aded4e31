"""The officer checks the year-end workbook the way a superior will: every count sheet ends with a bold
"Tổng cộng" row, and the year adds up the same whichever way it is cut — by category (Tổng hợp), by source
(Theo nguồn), by month (Theo tháng) — with the period's edges in Vietnam time (23:30 on 31/12 is still that
year) and decisions counted in the year they were made (a 2025 entry decided in 2026 is handled in 2026)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from review.store import Store
from review.yearly import summarize, write_summary
from review.yearly_period import year_window
from review.yearly_rows import HARM_GROUP_VI
from tests.operate.seed import add_flagged

TOTAL_VI = "Tổng cộng"
COUNT_SHEETS = ("Tổng hợp", "Theo nguồn", "Theo tháng", "Xử lý trong kỳ")


def _year(store: Store) -> None:
    """A small year 2025 (Vietnam time) with entries just outside it on both sides."""
    plan = [  # (UTC time flagged, category, source, verdict, decided at)
        (datetime(2024, 12, 31, 16, 30, tzinfo=UTC), "scam", "bao-tinh", None, None),  # 23:30 31/12/2024: not 2025
        (datetime(2024, 12, 31, 17, 5, tzinfo=UTC), "scam", "bao-tinh", "violation",  # 00:05 01/01/2025
         datetime(2025, 1, 3, tzinfo=UTC)),
        (datetime(2025, 3, 10, tzinfo=UTC), "misinformation", "fb-nhom-cho", "escalate", datetime(2025, 3, 11, tzinfo=UTC)),
        (datetime(2025, 3, 12, tzinfo=UTC), "illegal_ad", "rao-vat", "dismiss", datetime(2025, 3, 13, tzinfo=UTC)),
        (datetime(2025, 7, 1, tzinfo=UTC), "positive", "bao-tinh", "commend", datetime(2025, 7, 2, tzinfo=UTC)),
        (datetime(2025, 7, 2, tzinfo=UTC), "offensive", "fb-nhom-cho", None, None),
        # 23:30 on 31/12/2025: still 2025 (12/2025), decided on 02/01/2026: handled in 2026
        (datetime(2025, 12, 31, 16, 30, tzinfo=UTC), "scam", "rao-vat", "violation", datetime(2026, 1, 2, 2, tzinfo=UTC)),
        (datetime(2025, 12, 31, 17, 0, tzinfo=UTC), "scam", "rao-vat", None, None),  # 00:00 01/01/2026: not 2025
    ]
    for n, (at, cat, source, verdict, decided) in enumerate(plan):
        add_flagged(store, title=f"Tin {n}", category=cat, at=at, source=source, verdict=verdict, decided_at=decided)


def _workbook(store: Store, tmp_path: Path, year: int) -> dict[str, list[tuple[list[Any], bool]]]:
    """Each sheet's rows, each with whether its first cell is bold."""
    path = tmp_path / f"{year}.xlsx"
    write_summary(summarize(store, *year_window(year), year=year), path)
    wb = load_workbook(path)
    out = {ws.title: [([c.value for c in row], bool(row[0].font.b)) for row in ws.iter_rows()] for ws in wb}
    wb.close()
    return out


def _total(sheet: list[tuple[list[Any], bool]]) -> list[Any]:
    """The sheet's last row, after checking it is a bold "Tổng cộng" with each column's sum."""
    (head, _), *rows, (total, bold) = sheet
    rows = [(r, b) for r, b in rows if r[0] != HARM_GROUP_VI]  # the subtotal of the harm rows below it
    assert total[0] == TOTAL_VI and bold, total
    assert TOTAL_VI not in [r[0] for r, _ in rows]
    assert total[1:] == [sum(r[i] for r, _ in rows) for i in range(1, len(head))]
    return total


def test_every_count_sheet_ends_with_a_bold_total(store: Store, tmp_path: Path) -> None:
    _year(store)
    sheets = _workbook(store, tmp_path, 2025)
    for name in COUNT_SHEETS:
        _total(sheets[name])


def test_the_year_adds_up_the_same_by_category_source_and_month(store: Store, tmp_path: Path) -> None:
    _year(store)
    sheets = _workbook(store, tmp_path, 2025)
    notes = {r[0]: r[1] for r, _ in sheets["Ghi chú"][1:]}
    head = sheets["Tổng hợp"][0][0]
    by_category, by_source, by_month = (_total(sheets[n]) for n in ("Tổng hợp", "Theo nguồn", "Theo tháng"))
    columns = head[1:head.index("Chưa quyết định") + 1]  # flagged, unflagged, each verdict, undecided
    assert sheets["Theo nguồn"][0][0][1:len(columns) + 1] == columns == sheets["Theo tháng"][0][0][1:len(columns) + 1]
    n = len(columns) + 1
    assert by_category[1:n] == by_source[1:n] == by_month[1:n]
    assert by_category[1] == notes["Tổng số mục gắn cờ"] == 6  # 00:05 01/01/2025 to 23:30 31/12/2025, Vietnam time
    months = {r[0]: r[1] for r, _ in sheets["Theo tháng"][1:-1]}
    assert (months["01/2025"], months["03/2025"], months["07/2025"], months["12/2025"]) == (1, 2, 2, 1)
    assert len(months) == 12


def test_a_decision_counts_in_the_year_it_was_made(store: Store, tmp_path: Path) -> None:
    _year(store)
    handled_2025 = _total(_workbook(store, tmp_path, 2025)["Xử lý trong kỳ"])
    handled_2026 = _total(_workbook(store, tmp_path, 2026)["Xử lý trong kỳ"])
    # 2025: violation 01/2025, escalate, dismiss, commend; the New Year's Eve violation was decided on 02/01/2026
    assert handled_2025[1:] == [1, 0, 1, 1, 1, 4, 0]
    assert handled_2026[1:] == [1, 0, 0, 0, 0, 1, 1]  # flagged before 2026


def test_the_note_on_totals_names_every_sheet_with_one(store: Store, tmp_path: Path) -> None:
    _year(store)
    notes = {r[0]: r[1] for r, _ in _workbook(store, tmp_path, 2025)["Ghi chú"][1:]}
    assert all(f"«{name}»" in notes["Dòng tổng cộng"] for name in COUNT_SHEETS), notes["Dòng tổng cộng"]


def test_an_empty_year_totals_zeros_not_blanks(store: Store, tmp_path: Path) -> None:
    sheets = _workbook(store, tmp_path, 2024)  # nothing at all: no source has a row
    assert len(sheets["Theo nguồn"]) == 2
    for name in COUNT_SHEETS:
        assert _total(sheets[name])[1:] == [0] * (len(sheets[name][0][0]) - 1), name
