"""`export summary` for a period of the officer's choosing (--since/--until without --year, a work year from
15/12 to 14/12 say) is no calendar year's report: its default file is named after the period, never
`canhgac-tong-ket-<this year>.xlsx` (which would silently replace the real year's report), and neither the
message nor the workbook calls it "năm Y". Dates outside an explicit --year are refused naming that year;
without --year, an empty period is explained without naming a year the user never typed. `--year` belongs to
`summary` alone. Real CLI on a real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from review.models import ReviewEntry
from review.store import Store
from review.vi import VN_TZ
from review.yearly import summarize, write_summary
from review.yearly_period import year_window
from tests.operate.seed import add_flagged

CLI = Callable[..., tuple[int, str, str]]


def _notes(path: Path) -> dict[Any, Any]:
    wb = load_workbook(path, read_only=True)
    notes = {r[0]: r[1] for r in wb["Ghi chú"].iter_rows(min_row=2, values_only=True)}
    wb.close()
    return notes


def test_a_chosen_period_is_named_after_its_days_not_this_year(cli: CLI, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    this_year = datetime.now(VN_TZ).year
    year_file = tmp_path / f"canhgac-tong-ket-{this_year}.xlsx"
    code, _, err = cli("export", "summary")  # this year's report, named after the year
    assert code == 0, err
    assert f"báo cáo tổng kết năm {this_year} " in err and year_file.exists()
    assert _notes(year_file)["Báo cáo"] == f"Báo cáo tổng kết năm {this_year}"
    before = year_file.stat().st_mtime_ns, year_file.read_bytes()

    code, _, err = cli("export", "summary", "--since", "01/01/2024", "--until", "01/01/2025")
    assert code == 0, err
    period_file = tmp_path / "canhgac-tong-ket-20240101-20241231.xlsx"
    assert period_file.exists(), sorted(p.name for p in tmp_path.iterdir())
    assert (year_file.stat().st_mtime_ns, year_file.read_bytes()) == before  # the year's report is untouched
    assert "báo cáo tổng kết kỳ 01/01/2024 – 31/12/2024" in err and "năm" not in err, err
    notes = _notes(period_file)
    assert notes["Báo cáo"] == "Báo cáo tổng kết kỳ 01/01/2024 – 31/12/2024"
    assert notes["Kỳ báo cáo"] == "01/01/2024 – 31/12/2024"


def test_a_year_narrowed_by_since_is_that_years_report_in_a_file_of_its_own(cli: CLI, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("export", "summary", "--year", "2025", "--since", "2025-06-01")
    assert code == 0, err
    path = tmp_path / "canhgac-tong-ket-20250601-20251231.xlsx"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx"] == [path.name]
    assert "báo cáo tổng kết năm 2025 (kỳ 01/06/2025 – 31/12/2025)" in err, err
    assert _notes(path)["Báo cáo"] == "Báo cáo tổng kết năm 2025 (kỳ 01/06/2025 – 31/12/2025)"


@pytest.mark.parametrize("args", [("--year", "2025", "--since", "01/01/2026"),
                                  ("--year", "2025", "--since", "2026-03-01"),
                                  ("--year", "2026", "--until", "2025-06-01"),
                                  ("--year", "2026", "--until", "01/01/2026")])
def test_dates_beyond_either_end_of_the_year_are_outside_it(cli: CLI, tmp_path: Path, args: tuple[str, ...]) -> None:
    out_file = tmp_path / "y.xlsx"
    code, out, err = cli("export", "summary", *args, "-o", str(out_file))
    assert code == 2, (out, err)
    assert f"{args[2]} " in err and f"nằm ngoài năm {args[1]}" in err and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1 and not out_file.exists()


def test_without_year_an_empty_period_names_no_year_the_user_did_not_type(cli: CLI, tmp_path: Path) -> None:
    next_year = datetime.now(VN_TZ).year + 1
    out_file = tmp_path / "y.xlsx"
    code, out, err = cli("export", "summary", "--since", f"{next_year}-03-01", "-o", str(out_file))
    assert code == 2, (out, err)
    assert "--since 01/03/" in err and "--until" in err and "Traceback" not in err, err
    assert f"năm {next_year - 1}" not in err and "--year" not in err, err
    assert len(err.strip().splitlines()) == 1 and not out_file.exists()


@pytest.mark.parametrize("kind", ["decisions", "items", "audit"])
def test_year_is_refused_for_anything_but_summary(cli: CLI, tmp_path: Path, kind: str) -> None:
    out_file = tmp_path / "x.csv"
    code, out, err = cli("export", kind, "--year", "2025", "-o", str(out_file))
    assert code == 2, (out, err)
    assert "--year" in err and "summary" in err and "--since" in err and "Traceback" not in err, err
    assert not out_file.exists()


def test_an_entry_without_a_source_has_one_label_on_every_sheet(store: Store, tmp_path: Path) -> None:
    at = datetime(2026, 3, 1, tzinfo=UTC)
    ids = [add_flagged(store, title="Gương người tốt", category="positive", at=at, verdict="commend",
                       decided_at=datetime(2026, 3, 2, tzinfo=UTC)),
           add_flagged(store, title="Lừa đảo", category="scam", at=at)]
    with store.session() as s:  # as a citizen report is stored: no source
        s.execute(update(ReviewEntry).where(ReviewEntry.id.in_(ids)).values(source_name=None))
    path = tmp_path / "2026.xlsx"
    write_summary(summarize(store, *year_window(2026)), path)
    wb = load_workbook(path, read_only=True)
    *sources, total = [r[0] for r in wb["Theo nguồn"].iter_rows(min_row=2, values_only=True)]
    commended = [r[3] for r in wb["Nội dung được tôn vinh"].iter_rows(min_row=2, values_only=True)]
    wb.close()
    assert total == "Tổng cộng"
    assert sources == ["(phản ánh của người dân)"] and commended == ["(phản ánh của người dân)"]


def test_the_handled_sheet_says_queued_before_the_period_as_it_counts(store: Store, tmp_path: Path) -> None:
    """A citizen report under every threshold is no flag: the column counts entries queued before the period."""
    add_flagged(store, title="Tin đồn", category="misinformation", at=datetime(2025, 12, 1, tzinfo=UTC),
                verdict="violation", decided_at=datetime(2026, 1, 5, tzinfo=UTC))
    path = tmp_path / "2026.xlsx"
    write_summary(summarize(store, *year_window(2026)), path)
    wb = load_workbook(path, read_only=True)
    head = next(wb["Xử lý trong kỳ"].iter_rows(values_only=True))
    wb.close()
    assert head[-1] == "Trong đó: mục vào hàng chờ trước kỳ báo cáo"
    notes = _notes(path)
    assert notes["Trong đó: mục vào hàng chờ trước kỳ báo cáo"] == 1
    assert "vào hàng chờ trước kỳ" in notes["Cách đếm xử lý"] and "«Nội dung được tôn vinh»" in notes["Cách đếm xử lý"]
