"""`sync_jobs` with the real job store: an edit of `[digest] timezone`, `[daemon] jitter_s` or
`[daemon] misfire_grace_s` reaches the jobs already stored, on a reload as after a restart (docs/deploy.md).

Before the fix the stored trigger was compared with `str(trigger)`, which shows neither the time zone nor the
jitter, and a job's misfire grace came only from the scheduler's defaults, fixed when the daemon started.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from crawler.daemon import sync_jobs
from review.config import parse_config
from review.database import make_engine
from review.store import Store

CONFIG = """
[daemon]
jitter_s = 30
misfire_grace_s = 300
[digest]
weekday = "mon"
hour = 8
timezone = "Asia/Ho_Chi_Minh"
[[sources]]
name = "cong-phuong"
kind = "rss"
urls = ["https://phuong.example.vn/rss"]
schedule = "cron 0 7 * * 1-5"
"""


@pytest.fixture
def schedulers(db_url: str) -> Iterator[Callable[[int], BackgroundScheduler]]:
    Store.open(db_url, create=True).close()
    engine = make_engine(db_url)
    made: list[BackgroundScheduler] = []

    def scheduler(grace: int = 300) -> BackgroundScheduler:  # as `Daemon` builds it, grace from the config read
        s = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(engine=engine)},
                                job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": grace},
                                timezone=ZoneInfo("Asia/Ho_Chi_Minh"))
        s.start(paused=True)
        made.append(s)
        return s

    yield scheduler
    for s in made:
        if s.running:
            s.shutdown(wait=False)
    engine.dispose()


def test_a_changed_timezone_reaches_the_stored_jobs_after_a_restart(schedulers) -> None:  # type: ignore[no-untyped-def]
    first = schedulers(300)
    sync_jobs(first, parse_config(CONFIG))
    first.shutdown(wait=False)
    second = schedulers(300)
    sync_jobs(second, parse_config(CONFIG.replace("Asia/Ho_Chi_Minh", "UTC")))
    digest = second.get_job("digest:weekly")
    assert str(digest.trigger.timezone) == "UTC"
    nxt = digest.next_run_time.astimezone(ZoneInfo("UTC"))
    assert (nxt.weekday(), nxt.hour, nxt.minute) == (0, 8, 0)  # Monday 08:00 UTC, not 08:00 in Vietnam
    assert str(second.get_job("housekeeping:retention").trigger.timezone) == "UTC"


def test_a_changed_jitter_reaches_the_stored_crawl_job_on_reload(schedulers) -> None:  # type: ignore[no-untyped-def]
    s = schedulers(300)
    sync_jobs(s, parse_config(CONFIG))
    assert s.get_job("crawl:cong-phuong").trigger.jitter == 30
    sync_jobs(s, parse_config(CONFIG.replace("jitter_s = 30", "jitter_s = 0")))
    assert s.get_job("crawl:cong-phuong").trigger.jitter is None


def test_a_changed_misfire_grace_reaches_every_job(schedulers) -> None:  # type: ignore[no-untyped-def]
    s = schedulers(300)
    sync_jobs(s, parse_config(CONFIG))
    before = s.get_job("digest:weekly").next_run_time
    sync_jobs(s, parse_config(CONFIG.replace("misfire_grace_s = 300", "misfire_grace_s = 3600")))  # a reload
    assert {j.id: j.misfire_grace_time for j in s.get_jobs()} == {j.id: 3600 for j in s.get_jobs()}
    assert s.get_job("digest:weekly").next_run_time == before  # unchanged otherwise: its next run is kept
    s.shutdown(wait=False)
    again = schedulers(300)  # a restart: the stored jobs keep the configured grace, not the daemon's default
    sync_jobs(again, parse_config(CONFIG.replace("misfire_grace_s = 300", "misfire_grace_s = 3600")))
    assert {j.misfire_grace_time for j in again.get_jobs()} == {3600}
    assert isinstance(again.get_job("digest:weekly").next_run_time, datetime)
