"""Source schedules: `every N[smhd]` or a crontab line (`cron M H DOM MON DOW`), checked when the config is read.

A schedule the daemon could not run (`cron 0 25 * * *`, `every 0m`, the 30th of February) must fail at start
with the key's line, not when the scheduler builds its triggers; crontab's day-of-week numbering and its
"either day" rule are translated here for APScheduler, which counts and combines them differently.
"""

from __future__ import annotations

import re

_SCHEDULE = re.compile(r"^every\s+(\d+)\s*([smhd])$")
_CRON = re.compile(r"^cron\s+(\S+\s+\S+\s+\S+\s+\S+\s+\S+)$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_MAX_INTERVAL_S = 366 * 86400
CRON_DOW = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # crontab's day numbers: 0 and 7 = Sunday


def interval_seconds(schedule: str) -> int | None:
    """Seconds between runs for `every N[smhd]` schedules; None for cron schedules."""
    m = _SCHEDULE.match(schedule)
    if not m:
        return None
    return int(m.group(1)) * _UNITS[m.group(2)]


def cron_expression(schedule: str) -> str | None:
    """The `M H DOM MON DOW` of a `cron ...` schedule; None for `every ...` schedules."""
    m = _CRON.match(schedule)
    return m.group(1) if m else None


def crontab_fields(expr: str) -> list[dict[str, str]]:
    """A crontab expression (`M H DOM MON DOW`) as APScheduler `CronTrigger` keyword arguments: one set, or two
    whose union is the schedule. APScheduler 3 counts weekdays from Monday and ANDs the day of month with the
    day of week; crontab numbers them from Sunday (0 and 7), and runs on either day when both fields are
    restricted (`0 8 1 * 1`: the 1st of each month and every Monday). Raises ValueError for a bad day of week."""
    minute, hour, day, month, dow = expr.split()
    days = crontab_weekdays(dow)
    base = {"minute": minute, "hour": hour, "month": month}
    if day.startswith("*") or dow.startswith("*"):  # crontab: the restricted field alone decides
        return [{**base, "day": day, "day_of_week": days}]
    return [{**base, "day": day, "day_of_week": "*"}, {**base, "day": "*", "day_of_week": days}]


_DOW_TERM = re.compile(r"^(\*|\w+)(?:-(\w+))?(?:/(\d+))?$")


def crontab_weekdays(field_text: str) -> str:
    """Crontab's day-of-week field (numbers 0-7 from Sunday, names, lists, ranges, steps) as APScheduler's
    names, Monday first (`0-4` -> `mon-thu,sun`); `*` for every day. Raises ValueError (Vietnamese)."""
    chosen: set[int] = set()  # crontab numbers, 0 = Sunday
    for term in field_text.lower().split(","):
        m = _DOW_TERM.match(term)
        if not m:
            raise ValueError(f"thứ trong tuần {term!r} không hợp lệ (cần số 0-7, tên như mon, khoảng 1-5, bước */2)")
        first, last, step = m.group(1), m.group(2), int(m.group(3) or 1)
        if step < 1:
            raise ValueError(f"bước {step} trong thứ trong tuần {term!r} phải từ 1 trở lên")
        if first == "*":
            if last is not None:
                raise ValueError(f"thứ trong tuần {term!r} không hợp lệ")
            lo, hi = 0, 6
        else:
            lo = _crontab_day(first)
            hi = _crontab_day(last) if last is not None else (7 if m.group(3) else lo)  # `1/2`: from 1 on
            if hi < lo:
                raise ValueError(f"khoảng thứ trong tuần {term!r} phải đi từ nhỏ đến lớn (0 và 7 = Chủ nhật)")
        chosen.update(d % 7 for d in range(lo, hi + 1, step))
    if len(chosen) == 7:
        return "*"
    order = [d for d in (1, 2, 3, 4, 5, 6, 0) if d in chosen]  # APScheduler's week: Monday first
    runs: list[list[int]] = []
    for d in order:
        if runs and (runs[-1][-1] + 1) % 7 == d and runs[-1][-1] != 0:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ",".join(CRON_DOW[r[0]] if len(r) == 1 else f"{CRON_DOW[r[0]]}-{CRON_DOW[r[-1]]}" for r in runs)


def _crontab_day(text: str) -> int:
    if text.isdigit():
        if int(text) > 7:
            raise ValueError(f"thứ trong tuần {text} không nằm trong 0-7")
        return int(text)
    if text in CRON_DOW:
        return CRON_DOW.index(text)
    raise ValueError(f"thứ trong tuần {text!r} không hợp lệ (cần số 0-7 hoặc tên: {', '.join(CRON_DOW)})")


def schedule_problem(schedule: str) -> str | None:
    """Why `schedule` cannot be run by the daemon, or None when it can."""
    expected = "cần dạng 'every 30m' (s/m/h/d) hoặc 'cron M H DOM MON DOW'"
    m = _SCHEDULE.match(schedule)
    if m:
        seconds = int(m.group(1)) * _UNITS[m.group(2)]
        if seconds < 1:
            return f"lịch chạy không hợp lệ {schedule!r}: khoảng cách phải từ 1 trở lên"
        if seconds > _MAX_INTERVAL_S:
            return f"lịch chạy không hợp lệ {schedule!r}: khoảng cách tối đa 366 ngày"
        return None
    m = _CRON.match(schedule)
    if not m:
        return f"lịch chạy không hợp lệ {schedule!r}: {expected}"
    from datetime import UTC, datetime

    from apscheduler.triggers.cron import CronTrigger

    try:
        triggers = [CronTrigger(timezone=UTC, **fields) for fields in crontab_fields(m.group(1))]
    except ValueError as exc:
        return f"lịch chạy không hợp lệ {schedule!r}: {exc}"
    now = datetime.now(UTC)
    if all(trigger.get_next_fire_time(None, now) is None for trigger in triggers):
        return f"lịch chạy không hợp lệ {schedule!r}: không bao giờ đến lượt chạy"
    return None

