"""A year with nothing flagged (or a category with nothing in it) still has its line in the report: the
superior's form asks for fake news, scams, … and commended content, and a missing line reads as "not
reported", not as zero. Likewise every month of a year's report, up to the day it was made."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook

from classifier.categories import CATEGORIES, VI_LABELS
from review.store import Store
from review.yearly import summarize, write_summary
from review.yearly_period import year_window
from review.yearly_rows import HARM_GROUP_VI
from tests.operate.seed import add_flagged

CLI = Callable[..., tuple[int, str, str]]


def test_every_category_has_a_row_even_in_an_empty_year(store: Store, cli: CLI, tmp_path: Path) -> None:
    add_flagged(store, title="Lừa đảo trúng thưởng", category="scam", at=datetime(2025, 5, 5, tzinfo=UTC),
                verdict="violation", decided_at=datetime(2025, 5, 6, tzinfo=UTC))
    expected = [HARM_GROUP_VI, *(VI_LABELS[c] for c in CATEGORIES)]  # the harms under their subtotal
    for year, scams in (("2024", 0), ("2025", 1)):
        path = tmp_path / f"{year}.xlsx"
        code, _, err = cli("export", "summary", "--year", year, "-o", str(path))
        assert code == 0, err
        wb = load_workbook(path, read_only=True)
        for sheet in ("Tổng hợp", "Xử lý trong kỳ"):
            *rows, total = wb[sheet].iter_rows(min_row=2, values_only=True)
            assert [r[0] for r in rows] == expected, sheet
            assert all(isinstance(v, int) for r in (*rows, total) for v in r[1:]), sheet  # zeros, not empty cells
            [scam] = [r for r in rows if r[0] == "Lừa đảo, chiếm đoạt tài sản"]
            assert scam[1] == scams and total[:2] == ("Tổng cộng", scams), sheet
        wb.close()


def _months(store: Store, tmp_path: Path, since: datetime, until: datetime,
            counted_at: datetime | None = None) -> list[tuple[object, ...]]:
    summary = summarize(store, since, until)
    if counted_at is not None:
        summary.counted_at = counted_at
    path = tmp_path / "thang.xlsx"
    write_summary(summary, path)
    wb = load_workbook(path, read_only=True)
    *rows, total = wb["Theo tháng"].iter_rows(min_row=2, values_only=True)
    wb.close()
    assert total[0] == "Tổng cộng"  # the column sums, not a month
    return rows


def test_every_month_of_the_period_has_a_row(store: Store, tmp_path: Path) -> None:
    add_flagged(store, title="Lừa đảo trúng thưởng", category="scam", at=datetime(2025, 5, 5, tzinfo=UTC))
    rows = _months(store, tmp_path, *year_window(2025))
    assert [r[0] for r in rows] == [f"{m:02d}/2025" for m in range(1, 13)]
    assert [r[1] for r in rows] == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    # a report made on 15/03 of its year: the months to come are not yet zero, they are not shown
    rows = _months(store, tmp_path, *year_window(2026), counted_at=datetime(2026, 3, 15, tzinfo=UTC))
    assert [r[0] for r in rows] == ["01/2026", "02/2026", "03/2026"]
    # a period of many years lists only the months with something in them
    rows = _months(store, tmp_path, datetime(2000, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
    assert [r[0] for r in rows] == ["05/2025"]
