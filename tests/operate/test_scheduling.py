"""The daemon's schedule, built from the configuration and kept in the database across restarts."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from crawler.daemon import crontab_trigger, job_specs, sync_jobs
from review.config import parse_config
from review.database import make_engine
from review.store import Store

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CONFIG = """
[daemon]
jitter_s = 30
[digest]
weekday = "mon"
hour = 8
[[sources]]
name = "bao-tinh"
kind = "rss"
urls = ["https://baotinh.example.vn/rss"]
schedule = "every 60s"
[[sources]]
name = "cong-phuong"
kind = "rss"
urls = ["https://phuong.example.vn/rss"]
schedule = "cron 0 7 * * 1-5"
"""


def test_crontab_weekdays_mean_what_crontab_means() -> None:
    trigger = crontab_trigger("0 7 * * 1-5", TZ, None)  # crontab: Monday to Friday
    saturday = datetime(2026, 11, 21, 12, 0, tzinfo=TZ)
    assert trigger.get_next_fire_time(None, saturday) == datetime(2026, 11, 23, 7, 0, tzinfo=TZ)  # Monday
    assert crontab_trigger("0 7 * * 0", TZ, None).get_next_fire_time(None, saturday).weekday() == 6  # Sunday


def test_jobs_from_config() -> None:
    specs = {s.id: s for s in job_specs(parse_config(CONFIG))}
    assert {"crawl:bao-tinh", "crawl:cong-phuong", "housekeeping:expire-claims", "housekeeping:retention",
            "housekeeping:stale-sources", "digest:weekly", "digest:retry"} == set(specs)
    assert specs["crawl:bao-tinh"].trigger.jitter == 15  # never more than a quarter of the interval
    assert specs["crawl:bao-tinh"].executor == "crawl"
    retrain = replace(parse_config(CONFIG), daemon=parse_config("[daemon]\nretrain_weekly = true\n").daemon)
    assert "learning:retrain" in {s.id for s in job_specs(retrain)} and "learning:retrain" not in specs


def test_sync_keeps_unchanged_jobs_and_removes_unconfigured_ones(db_url: str) -> None:
    Store.open(db_url, create=True).close()
    engine = make_engine(db_url)

    def scheduler() -> BackgroundScheduler:
        s = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(engine=engine)}, timezone=TZ)
        s.start(paused=True)
        return s

    first = scheduler()
    sync_jobs(first, parse_config(CONFIG))
    next_run = first.get_job("crawl:bao-tinh").next_run_time
    first.shutdown(wait=False)

    second = scheduler()  # a restart with one source removed
    before_sync = datetime.now(TZ)
    sync_jobs(second, parse_config(CONFIG.rsplit("[[sources]]", 1)[0].replace("jitter_s = 30", "jitter_s = 20")))
    after_sync = datetime.now(TZ)
    ids = {j.id for j in second.get_jobs()}
    assert "crawl:bao-tinh" in ids and "crawl:cong-phuong" not in ids
    job = second.get_job("crawl:bao-tinh")
    assert job.next_run_time == next_run  # persisted, not reset
    assert job.args[0].daemon.jitter_s == 20  # but the job runs with the current settings
    retry = second.get_job("digest:retry")
    # failed e-mails are retried at every start: due at the moment of the sync, not one interval later
    assert before_sync - timedelta(seconds=1) <= retry.next_run_time <= after_sync
    second.shutdown(wait=False)
    engine.dispose()


def test_json_logs_are_one_object_per_line() -> None:
    import json
    import logging

    from crawler.daemon import JsonFormatter

    record = logging.LogRecord("canhgac.jobs", logging.WARNING, __file__, 1, "crawl %s FAILED", ("bao-tinh",), None)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line)["msg"] == "crawl bao-tinh FAILED" and json.loads(line)["level"] == "warning"
