"""Crontab schedules mean what crontab means: Sunday as 0 in ranges, weekday steps counted from Sunday, and a
restricted day of month with a restricted day of week run on either day; stored and restored by the daemon."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from crawler.daemon import crontab_trigger, sync_jobs
from review.config import parse_config
from review.database import make_engine
from review.errors import ConfigError
from review.store import Store

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FRIDAY = datetime(2026, 12, 4, 9, 0, tzinfo=TZ)


def _days(expr: str, n: int = 8, start: datetime = FRIDAY) -> list[str]:
    trigger = crontab_trigger(expr, TZ, None)
    out, prev, now = [], None, start
    for _ in range(n):
        fire = trigger.get_next_fire_time(prev, now)
        assert fire is not None
        out.append(fire.strftime("%a %d/%m"))
        prev = now = fire + timedelta(seconds=1)  # past this run: the next one
    return out


def _source(schedule: str) -> str:
    return f'[[sources]]\nname = "cong-phuong"\nkind = "rss"\nurls = ["https://phuong.example.vn/rss"]\n' \
           f'schedule = "{schedule}"\n'


@pytest.mark.parametrize("dow", ["0-4", "sun-thu", "0,1-4", "7,1-4"])
def test_sunday_to_thursday_as_crontab_writes_it(dow: str) -> None:
    parse_config(_source(f"cron 0 8 * * {dow}"))  # was refused: "the minimum value in a range must not be higher"
    assert _days(f"0 8 * * {dow}", 5) == ["Sun 06/12", "Mon 07/12", "Tue 08/12", "Wed 09/12", "Thu 10/12"]


def test_every_day_written_zero_to_six() -> None:
    parse_config(_source("cron 30 6 * * 0-6"))
    assert _days("30 6 * * 0-6", 3) == ["Sat 05/12", "Sun 06/12", "Mon 07/12"]


def test_weekday_step_counts_from_sunday() -> None:
    # crontab's */2: days 0, 2, 4, 6 = Sunday, Tuesday, Thursday, Saturday (APScheduler alone counts from Monday)
    assert _days("0 8 * * */2", 4) == ["Sat 05/12", "Sun 06/12", "Tue 08/12", "Thu 10/12"]
    assert _days("0 8 * * 1-5/2", 3) == ["Mon 07/12", "Wed 09/12", "Fri 11/12"]


def test_day_of_month_or_day_of_week() -> None:
    # crontab: "0 8 1 * 1" runs on the 1st of each month AND every Monday, not only on Mondays that are the 1st
    days = _days("0 8 1 * 1", 5)
    assert days == ["Mon 07/12", "Mon 14/12", "Mon 21/12", "Mon 28/12", "Fri 01/01"]
    # one field unrestricted: the other alone decides, as before
    assert _days("0 8 1 * *", 2) == ["Fri 01/01", "Mon 01/02"]


@pytest.mark.parametrize("dow", ["1#2", "8", "5-1", "funday", "*/0"])
def test_bad_weekday_names_the_schedule(dow: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(_source(f"cron 0 8 * * {dow}"), "canhgac.toml")
    assert info.value.key == "sources[0].schedule" and info.value.line == 5
    assert "lịch chạy không hợp lệ" in info.value.reason


def test_either_day_schedule_survives_a_restart(db_url: str) -> None:
    Store.open(db_url, create=True).close()
    engine = make_engine(db_url)
    cfg = parse_config(_source("cron 0 8 1 * 1") + "[daemon]\njitter_s = 0\n")

    def scheduler() -> BackgroundScheduler:
        s = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(engine=engine)}, timezone=TZ)
        s.start(paused=True)
        return s

    first = scheduler()
    sync_jobs(first, cfg)
    first.modify_job("crawl:cong-phuong", next_run_time=datetime(2027, 1, 1, 8, 0, tzinfo=TZ))
    first.shutdown(wait=False)
    second = scheduler()
    sync_jobs(second, cfg)
    job = second.get_job("crawl:cong-phuong")
    assert job.next_run_time == datetime(2027, 1, 1, 8, 0, tzinfo=TZ)  # the same trigger: next run kept
    assert job.trigger.get_next_fire_time(None, FRIDAY) == datetime(2026, 12, 7, 8, 0, tzinfo=TZ)
    second.shutdown(wait=False)
    engine.dispose()
