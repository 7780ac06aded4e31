"""Years, weeks and dates outside 2000 .. next year, and --since after --until, are usage errors (exit 2,
Vietnamese, nothing written); dd/mm/yyyy dates are read like the ISO form, in Vietnam time."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from review.errors import UsageError
from review.filters import parse_when, parse_where
from review.models import ReviewEntry
from review.store import Store
from review.vi import VN_TZ
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]
NEXT_YEAR = datetime.now(VN_TZ).year + 1


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty folder, so a report written under its default name shows up."""
    out = tmp_path / "cwd"
    out.mkdir()
    monkeypatch.chdir(out)
    return out


@pytest.mark.parametrize("year", ["10000", "-5", "1", "0", "26", "1999", str(NEXT_YEAR + 1)])
def test_summary_year_out_of_range_is_a_usage_error(cli: CLI, in_tmp: Path, year: str) -> None:
    code, out, err = cli("export", "summary", "--year", year)
    assert code == 2, (out, err)
    assert f"năm {year}" in err and f"2000 đến {NEXT_YEAR}" in err and "Traceback" not in err
    assert list(in_tmp.iterdir()) == []  # no report, least of all this year's under --year 0


def test_summary_year_in_range_is_written(cli: CLI, in_tmp: Path) -> None:
    for year in ("2000", str(NEXT_YEAR)):
        code, _, err = cli("export", "summary", "--year", year)
        assert code == 0, err
        assert f"năm {year}" in err and (in_tmp / f"canhgac-tong-ket-{year}.xlsx").exists()


@pytest.mark.parametrize("week", ["0001-W01", "1999-W52", f"{NEXT_YEAR + 1}-W01", "9999-W52"])
def test_digest_week_out_of_range_is_a_usage_error(cli: CLI, week: str) -> None:
    code, out, err = cli("digest", "--week", week)
    assert code == 2, (out, err)
    assert f"tuần không hợp lệ '{week}'" in err and f"2000 đến {NEXT_YEAR}" in err and "Traceback" not in err


@pytest.mark.parametrize("args", [
    ("queue", "--since", "0001-01-01"),
    ("queue", "--since", "01/01/0001"),
    ("queue", "--since", "9999-12-31T23:59"),
    ("queue", "--since", "99999999999d"),
    ("queue", "--since", "100000w"),
    ("stats", "--since", "0001-01-01"),
    ("export", "decisions", "--since", "0001-01-01"),
    ("export", "items", "--until", "1999-12-31"),
    ("queue", "--since", f"{NEXT_YEAR + 1}-01-01"),
    ("export", "audit", "--since", "1999-12-31"),
    ("export", "summary", "--since", "0001-01-01"),
    ("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "since=0001-01-01"),
])
def test_dates_out_of_range_are_usage_errors(cli: CLI, args: tuple[str, ...]) -> None:
    code, out, err = cli(*args)
    assert code == 2, (out, err)
    last = 9000 if "--until" in args else NEXT_YEAR  # an --until may lie far ahead: "no end"
    assert "ngày" in err and f"2000 đến {last}" in err and "Traceback" not in err


def test_a_far_until_means_no_end_but_year_9999_is_refused(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Lừa đảo", "scam", 0.9)
    code, out, err = cli("export", "items", "--format", "jsonl", "--since", "2000-01-01", "--until", "2100-01-01")
    assert code == 0, err
    assert [json.loads(line)["entry_id"] for line in out.splitlines()] == [entry]
    for until in ("9999-12-31", "9999-12-31T23:00-05:00", "31/12/9999"):
        code, out, err = cli("export", "items", "--until", until)
        assert code == 2 and "2000 đến 9000" in err and "Traceback" not in err, (out, err)
    code, _, err = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "until=9999-12-31")
    assert code == 2 and "2000 đến 9000" in err


@pytest.mark.parametrize("args", [
    ("export", "decisions", "--since", "2026-12-05", "--until", "2026-12-01"),
    ("export", "items", "--since", "05/12/2026", "--until", "2026-12-05"),  # empty: until is excluded
    ("export", "summary", "--since", "2026-12-05", "--until", "2026-12-01"),
])
def test_since_after_until_is_refused_and_writes_nothing(cli: CLI, in_tmp: Path, args: tuple[str, ...]) -> None:
    out_file = in_tmp / "x.xlsx"
    code, out, err = cli(*args, "-o", str(out_file))
    assert code == 2, (out, err)
    assert "--since" in err and "--until" in err and "phải trước" in err
    assert list(in_tmp.iterdir()) == []


def test_bulk_where_since_after_until_is_refused(cli: CLI) -> None:
    code, out, err = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "since=2026-12-05 until=2026-12-01")
    assert code == 2, (out, err)
    assert "since" in err and "until" in err and "phải trước" in err


def test_vietnamese_dates_read_as_vietnam_time() -> None:
    assert parse_when("04/12/2026") == parse_when("2026-12-04") == datetime(2026, 12, 3, 17, tzinfo=UTC)
    assert parse_when("4/12/2026") == parse_when("2026-12-04")
    assert parse_when("04/12/2026 08:30") == parse_when("2026-12-04T08:30") == datetime(2026, 12, 4, 1, 30, tzinfo=UTC)
    assert parse_where("since=22/11/2026 until=23/11/2026").until == datetime(2026, 11, 22, 17, tzinfo=UTC)
    for bad in ("31/02/2026", "12/31/2026", "04/12/26", "04-12-2026"):
        with pytest.raises(UsageError, match="DD/MM/YYYY"):
            parse_when(bad)


def test_vietnamese_dates_through_the_cli(store: Store, cli: CLI) -> None:
    # 16:59 and 17:00 UTC on the 21st are 23:59 on the 21st and 00:00 on the 22nd in Vietnam.
    before = flagged(store, "Trước nửa đêm", "scam", 0.9)
    after = flagged(store, "Đúng nửa đêm", "scam", 0.9)
    with store.session() as s:
        for entry, at in ((before, datetime(2026, 11, 21, 16, 59, tzinfo=UTC)),
                          (after, datetime(2026, 11, 21, 17, 0, tzinfo=UTC))):
            s.execute(update(ReviewEntry).where(ReviewEntry.id == entry).values(created_at=at))
    code, out, err = cli("queue", "--since", "22/11/2026", "--json")
    assert code == 0, err
    assert [r["id"] for r in json.loads(out)] == [after]
    code, out, err = cli("export", "items", "--format", "jsonl", "--since", "21/11/2026", "--until", "22/11/2026")
    assert code == 0, err
    assert [json.loads(line)["entry_id"] for line in out.splitlines()] == [before]


def test_help_names_the_vietnamese_date_form(cli: CLI) -> None:
    for command in (("export",), ("stats",)):
        code, out, _ = cli(*command, "--help")
        assert code == 0 and "DD/MM/YYYY" in out, out
