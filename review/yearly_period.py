"""Which period a yearly report covers, and what it is called: the message, the workbook's title and the
default file name must agree, and a period of the user's choosing must never pass for a calendar year's report.

`export summary` (nothing, or `--year Y`) reports on a calendar year, Vietnam time; `--since`/`--until` may
only narrow that year. Given without `--year`, they make a period of its own ("kỳ 15/12/2025 – 14/12/2026"),
written to a file named after its days: under the year's name it would replace the year's report.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from review.errors import UsageError
from review.filters import check_year
from review.vi import VN_TZ

_US = timedelta(microseconds=1)


def year_window(year: int) -> tuple[datetime, datetime]:
    """The calendar year in Vietnam time, as UTC instants."""
    return (datetime(year, 1, 1, tzinfo=VN_TZ).astimezone(UTC), datetime(year + 1, 1, 1, tzinfo=VN_TZ).astimezone(UTC))


def period_text(since: datetime, until: datetime) -> str:
    """"01/01/2026 – 31/12/2026": the first and the last day of [since, until), both included, Vietnam time."""
    fmt = "%d/%m/%Y"
    last = (until - _US) if until > since else until
    return f"{since.astimezone(VN_TZ).strftime(fmt)} – {last.astimezone(VN_TZ).strftime(fmt)}"


def _day(when: datetime) -> str:
    return when.astimezone(VN_TZ).strftime("%d/%m/%Y")


def summary_period(year_arg: int | None, since: datetime | None,
                   until: datetime | None) -> tuple[int | None, datetime, datetime]:
    """The report's year (None for a period of the user's choosing) and its period [since, until). --year Y (or
    nothing: this year) is that calendar year, which --since/--until may only narrow; --since/--until without
    --year is a period of its own, whose missing end is this year's. A period with no day in it is a usage error
    that names only what the user typed (and the default standing in for what they did not)."""
    year = check_year(year_arg) if year_arg is not None else datetime.now(VN_TZ).year
    start, end = year_window(year)
    if year_arg is not None:  # the report says "năm Y": a period reaching outside that year is not its report
        for name, when, outside in (("--since", since, since is not None and not start <= since < end),
                                    ("--until", until, until is not None and not start < until <= end)):
            if outside and when is not None:
                raise UsageError(f"{name} {_day(when)} nằm ngoài năm {year} (01/01/{year} – 31/12/{year}): bỏ --year "
                                 "để lập báo cáo cho một kỳ tùy chọn, hoặc chọn ngày trong năm đó")
    first, after = since or start, until or end
    if first >= after:  # only one of --since/--until, without --year: the other is this year's end
        if since is not None:
            raise UsageError(f"kỳ báo cáo không có ngày nào: không ghi --until thì kỳ kết thúc ngày {_day(end - _US)} "
                             f"(cuối năm nay), trước --since {_day(since)}; hãy ghi thêm --until")
        raise UsageError(f"kỳ báo cáo không có ngày nào: không ghi --since thì kỳ bắt đầu ngày {_day(start)} (đầu năm "
                         f"nay), không trước --until {_day(after)}; hãy ghi thêm --since")
    whole_year = year_arg is not None or (since is None and until is None)
    return (year if whole_year else None), first, after


def report_title(year: int | None, since: datetime, until: datetime) -> str:
    """What the report is, as its workbook and the CLI name it: "năm Y" only for a year's report (narrowed
    by --since/--until, the period follows); a period of the user's choosing is named by its days."""
    period = period_text(since, until)
    if year is None:
        return f"Báo cáo tổng kết kỳ {period}"
    if (since, until) == year_window(year):
        return f"Báo cáo tổng kết năm {year}"
    return f"Báo cáo tổng kết năm {year} (kỳ {period})"


def summary_file_name(year: int | None, since: datetime, until: datetime) -> str:
    """The default file: `canhgac-tong-ket-2026.xlsx` for a whole year's report, else named after the period's
    first and last days, so a chosen period never replaces the year's report."""
    if year is not None:
        return f"canhgac-tong-ket-{year}.xlsx"
    return f"canhgac-tong-ket-{since.astimezone(VN_TZ):%Y%m%d}-{(until - _US).astimezone(VN_TZ):%Y%m%d}.xlsx"

