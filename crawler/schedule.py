"""What the daemon schedules: one job per enabled source plus housekeeping, digest and retraining jobs, each
on its trigger, and reconciling the jobs stored in APScheduler's job store with the configuration.

Jobs are stored by the textual reference JOB_FUNC (`crawler.daemon:run_job`), so they survive restarts; a job
whose trigger and arguments did not change keeps its next run time.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from review.config import Config, SourceConfig, crontab_fields
from review.types import utcnow

log = logging.getLogger("canhgac.daemon")
JOB_FUNC = "crawler.daemon:run_job"
CRAWL_PREFIX = "crawl:"


@dataclass(frozen=True)
class JobSpec:
    id: str
    job: str
    args: tuple[str, ...]
    trigger: BaseTrigger
    executor: str = "default"
    start_soon: bool = False  # a new job's first run: within the jitter, not one full interval later
    at_start: bool = False  # also run at every daemon start (retries that must not wait an interval)


def crontab_trigger(expr: str, tz: ZoneInfo, jitter: int | None) -> BaseTrigger:
    """A crontab line as crontab means it (weekdays 0 and 7 = Sunday; a restricted day of month and day of week:
    either day), which APScheduler 3's `CronTrigger` alone does not (`review.config.crontab_fields`)."""
    alternatives = crontab_fields(expr)  # checked by `schedule_problem`
    if len(alternatives) == 1:
        return CronTrigger(**alternatives[0], timezone=tz, jitter=jitter)
    return OrTrigger([CronTrigger(**fields, timezone=tz) for fields in alternatives], jitter=jitter)


def source_trigger(src: SourceConfig, cfg: Config) -> BaseTrigger:
    tz = ZoneInfo(cfg.digest.timezone)
    interval = src.interval_seconds
    if interval:
        # Jitter spreads sources over time but never more than a quarter of the interval.
        return IntervalTrigger(seconds=interval, jitter=min(cfg.daemon.jitter_s, interval // 4) or None, timezone=tz)
    assert src.cron is not None
    return crontab_trigger(src.cron, tz, cfg.daemon.jitter_s or None)


def job_specs(cfg: Config) -> list[JobSpec]:
    tz = ZoneInfo(cfg.digest.timezone)
    specs = [JobSpec(f"{CRAWL_PREFIX}{s.name}", "crawl", (s.name,), source_trigger(s, cfg), "crawl", True)
             for s in cfg.sources if s.enabled]
    specs += [
        JobSpec("housekeeping:expire-claims", "expire_claims", (), IntervalTrigger(minutes=1, timezone=tz)),
        JobSpec("housekeeping:stale-sources", "stale_sources", (), IntervalTrigger(hours=1, timezone=tz)),
        JobSpec("housekeeping:retention", "retention", (), CronTrigger(hour=3, minute=30, timezone=tz)),
        JobSpec("digest:retry", "retry_digests", (), IntervalTrigger(minutes=5, timezone=tz), at_start=True),
        JobSpec("digest:weekly", "weekly_digest", (),
                CronTrigger(day_of_week=cfg.digest.weekday, hour=cfg.digest.hour, timezone=tz)),
    ]
    if cfg.daemon.retrain_weekly:
        specs.append(JobSpec("learning:retrain", "retrain", (), CronTrigger(day_of_week="sun", hour=2, timezone=tz)))
    return specs


def trigger_key(trigger: BaseTrigger) -> tuple[Any, ...]:
    """What makes two triggers fire alike: `str(trigger)` leaves out the time zone and the jitter."""
    parts = tuple(trigger_key(t) for t in getattr(trigger, "triggers", ()))  # OrTrigger's alternatives
    return (type(trigger).__name__, str(trigger), str(getattr(trigger, "timezone", None)),
            getattr(trigger, "jitter", None), parts)


def sync_jobs(scheduler: BackgroundScheduler, cfg: Config) -> None:
    """Make the stored jobs match the configuration; unchanged jobs keep their next run time."""
    wanted = {spec.id: spec for spec in job_specs(cfg)}
    for job in scheduler.get_jobs():
        if job.id not in wanted:
            log.info("removing job %s (no longer configured)", job.id)
            job.remove()
    stored = {job.id: job for job in scheduler.get_jobs()}
    now = utcnow()
    for spec in wanted.values():
        old = stored.get(spec.id)
        args = (cfg, spec.job, *spec.args)
        grace = cfg.daemon.misfire_grace_s
        if (old is not None and trigger_key(old.trigger) == trigger_key(spec.trigger)
                and tuple(old.args[1:]) == args[1:]):
            changes: dict[str, Any] = {"args": args} if old.args[0] != cfg else {}  # keeps the next run time
            if old.misfire_grace_time != grace:
                changes["misfire_grace_time"] = grace
            if spec.at_start:
                changes["next_run_time"] = now
            if changes:
                scheduler.modify_job(spec.id, **changes)
            continue
        first: dict[str, Any] = {}
        if spec.at_start:
            first["next_run_time"] = now
        elif spec.start_soon and old is None:
            first["next_run_time"] = now + timedelta(seconds=random.uniform(0, min(cfg.daemon.jitter_s, 60)))
        scheduler.add_job(JOB_FUNC, spec.trigger, args=args, id=spec.id, name=spec.id, executor=spec.executor,
                          misfire_grace_time=grace, replace_existing=True, **first)
