"""`canhgac run`: one process that runs every job on schedule. APScheduler wiring only.

The jobs are plain functions in `crawler.jobs`; here they are scheduled in APScheduler's job store in
the same database (table `apscheduler_jobs`, APScheduler's own), referenced by the textual path
`crawler.daemon:run_job` so they survive restarts: a job that was due while the daemon was down runs
once (coalesced) if within `misfire_grace_s` (a weekly digest missed for longer is sent by the retry job,
`crawler.jobs.catch_up_weekly_digest`). Each start, and each edit of the configuration file while it runs
(checked at every heartbeat), reconciles the stored jobs with the configuration. One daemon per database,
enforced by the "daemon" lease (`review.housekeeping`).

Stopping (SIGTERM, SIGINT or SIGHUP): no new job starts; running crawls get `stop_grace_s` to finish, then are
told to stop and, a few seconds later, killed (the crawler commits item by item, so nothing is left
half-written; their runs are recorded as stopped, not failed); the lease is released and the process exits 0.
The database out of reach for a while is waited for; a lease lost to another daemon, or APScheduler's thread
ending, stops the daemon with exit status 1, so a service manager (systemd `Restart=on-failure`) restarts it.
"""

from __future__ import annotations

import json
import logging
import os
import random
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import SQLAlchemyError

from crawler.jobs import JOBS, record_thresholds, stop_running_crawls
from review.config import Config, SourceConfig, crontab_fields, load_config
from review.database import make_engine
from review.errors import CanhgacError, ConfigError
from review.housekeeping import (
    HEARTBEAT_S,
    LEASE_TTL,
    acquire_lease,
    release_lease,
    renew_lease,
    this_process,
)
from review.store import Store
from review.types import utcnow

log = logging.getLogger("canhgac.daemon")
JOB_FUNC = "crawler.daemon:run_job"
CRAWL_PREFIX = "crawl:"
STOP_CRAWLS_S = 3  # after stop_grace_s: how long crawls told to stop get to close before they are killed
LOST, FAILED = "lost", "failed"  # why the daemon stopped on its own (`Daemon._heartbeat`)
# Set once the daemon stops: a job still waiting in an executor's queue (more crawls due than run at once) does
# not start then; APScheduler's shutdown leaves such jobs queued, and they would run after the crawls were killed.
_stopping = threading.Event()


def run_job(cfg: Config, job: str, *args: str) -> None:
    """What APScheduler calls: open the store, run one plain job function, close the store."""
    if _stopping.is_set():
        log.info("job %s %s not started: the daemon is stopping", job, " ".join(args))
        return
    try:
        store = Store.open(cfg.database.url)
    except CanhgacError as exc:  # the database out of reach: one line, not a traceback; the next run tries again
        log.error("job %s %s not run: %s", job, " ".join(args), exc)
        return
    try:
        JOBS[job](cfg, store, *args)
    finally:
        store.close()


class PatientJobStore(SQLAlchemyJobStore):
    """APScheduler's job store in our database, waiting for the database when it is out of reach (PostgreSQL
    restarting, SQLite locked by a long write) instead of raising: APScheduler 3 lets an error of `update_job` or
    `get_next_run_time` end its scheduler thread, after which the daemon would hold its lease and run nothing.
    Gives up (raises) only once the daemon is stopping."""

    def _patiently(self, what: str, call: Callable[[], Any]) -> Any:
        pause = 1.0
        while True:
            try:
                return call()
            except SQLAlchemyError as exc:
                if _stopping.is_set():
                    raise
                log.warning("schedule store unreachable (%s), retrying in %.0fs: %s", what, pause,
                            str(exc).splitlines()[0])
                if _stopping.wait(pause):
                    raise
                pause = min(pause * 2, 15.0)

    def update_job(self, job: Any) -> None:
        self._patiently("update_job", lambda: super(PatientJobStore, self).update_job(job))

    def remove_job(self, job_id: str) -> None:
        self._patiently("remove_job", lambda: super(PatientJobStore, self).remove_job(job_id))

    def get_next_run_time(self) -> datetime | None:
        return self._patiently("get_next_run_time",  # type: ignore[no-any-return]
                               lambda: super(PatientJobStore, self).get_next_run_time())


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


def config_stamp(path: str) -> tuple[int, int] | None:
    """What changes when the configuration file is edited or replaced: its modification time and size."""
    if not path:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _descendants(pid: int) -> list[int]:
    """Child processes of `pid` and theirs, from /proc (Linux); empty where /proc is missing."""
    parents: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        ppid = _parent(int(entry)) if entry.isdigit() else None
        if ppid is not None:
            parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def kill_children() -> tuple[int, int]:
    """SIGKILL every subprocess of this daemon: the running crawls and their worker processes.

    Returns (crawls, processes): how many direct children (one per running crawl) and how many
    processes in all were killed.
    """
    me = os.getpid()
    crawls = killed = 0
    for pid in _descendants(me):
        direct = _parent(pid) == me
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
        killed += 1
        crawls += direct
    return crawls, killed


def _parent(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return int(fh.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {"ts": datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds"),
               "level": record.levelname.lower(), "logger": record.name, "msg": record.getMessage()}
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def configure_logging(as_json: bool, level: int = logging.INFO) -> None:
    """Daemon logs go to stderr (journald keeps them); JSON lines when [daemon] log_json is set."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if as_json else
                         logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # APScheduler's own errors (a job raising, with its traceback) stay; its routine chatter does not.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    logging.getLogger("alembic").setLevel(logging.WARNING)


class Daemon:
    def __init__(self, cfg: Config, store: Store) -> None:
        self.cfg, self.store = cfg, store
        self.holder = this_process()
        self.config_stamp = config_stamp(cfg.path)  # the file as `cfg` was read (see `_reload_if_changed`)
        self.stop = threading.Event()
        self.signum = int(signal.SIGTERM)  # what stopped the daemon, for the message of a crawl it stops
        self.in_flight = 0
        self.lock = threading.Condition()
        engine = make_engine(cfg.database.url)
        crawl_workers = max(1, min(2, os.cpu_count() or 1))
        self.scheduler = BackgroundScheduler(
            jobstores={"default": PatientJobStore(engine=engine)},
            executors={"default": ThreadPoolExecutor(2), "crawl": ThreadPoolExecutor(crawl_workers)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": cfg.daemon.misfire_grace_s},
            timezone=ZoneInfo(cfg.digest.timezone))
        self.scheduler.add_listener(self._on_event, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR
                                    | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)

    def _on_event(self, event: JobEvent) -> None:
        if event.code == EVENT_JOB_SUBMITTED:
            with self.lock:
                self.in_flight += 1
            return
        if event.code in (EVENT_JOB_EXECUTED, EVENT_JOB_ERROR):
            with self.lock:
                # A quick job may report completion before its submission event arrives: only the
                # total (submitted - finished) is meaningful, never one job's count.
                self.in_flight -= 1
                self.lock.notify_all()
            if not self.stop.is_set():
                self._publish_next_runs(event.job_id)
        elif event.code == EVENT_JOB_MISSED:
            log.warning("job %s missed its run time (daemon busy or down longer than misfire_grace_s)",
                        event.job_id)
        elif event.code == EVENT_JOB_MAX_INSTANCES:
            log.info("job %s still running from its previous run: this run skipped", event.job_id)

    def busy(self) -> int:
        with self.lock:
            return max(self.in_flight, 0)

    def _publish_next_runs(self, only: str | None = None) -> None:
        """Write each source's next run into `sources.next_run_at` for `canhgac status`."""
        try:
            for job in self.scheduler.get_jobs():
                if job.id.startswith(CRAWL_PREFIX) and (only is None or job.id == only):
                    self.store.set_next_run(job.id[len(CRAWL_PREFIX):], job.next_run_time)
        except Exception:  # noqa: BLE001 - a status column must never take the daemon down
            log.exception("could not record next run times")

    def _reload_if_changed(self) -> None:
        """Apply an edited configuration file (sources added, removed or rescheduled, thresholds, recipients ...)
        without a restart, checked at every heartbeat. A file that does not load is reported once (file, key,
        line) and the running configuration kept; a new database URL needs a restart."""
        stamp, previous = config_stamp(self.cfg.path), self.config_stamp
        if stamp == previous:
            return
        self.config_stamp = stamp
        try:
            new = load_config(self.cfg.path)
        except ConfigError as exc:
            log.error("the configuration file changed but cannot be used, still running with the previous one: %s",
                      exc)
            return
        if new.database.url != self.cfg.database.url:
            log.error("the configuration file changed [database] url: restart the daemon to use it; still running "
                      "with the previous configuration")
            return
        try:
            self.store.sync_sources(new.sources)
            record_thresholds(new, self.store)
            sync_jobs(self.scheduler, new)
            scheduled = {s.name for s in new.sources if s.enabled}
            for src in self.cfg.sources:  # no longer scheduled: `status` must not show a next run
                if src.name not in scheduled:
                    self.store.set_next_run(src.name, None)
        except Exception:  # noqa: BLE001 - the daemon goes on with what it has; the next heartbeat tries again
            log.exception("could not apply the changed configuration file; trying again")
            self.config_stamp = previous
            return
        old_names = {s.name for s in self.cfg.sources if s.enabled}
        self.cfg = new
        self._publish_next_runs()
        log.info("configuration reloaded from %s: %d sources (added: %s; removed: %s)", new.path, len(scheduled),
                 ", ".join(sorted(scheduled - old_names)) or "-", ", ".join(sorted(old_names - scheduled)) or "-")

    def _signal(self, signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: stopping", signal.Signals(signum).name)
        self.signum = signum
        self.stop.set()

    def run(self) -> int:
        acquire_lease(self.store, self.holder)
        _stopping.clear()
        try:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, self._signal)
            # SIGHUP (the terminal it was started from closed) would end it at once, leaving its crawls (each in a
            # session of its own) running; under `nohup` it stays ignored
            if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
                signal.signal(signal.SIGHUP, self._signal)
            self.store.sync_sources(self.cfg.sources)
            record_thresholds(self.cfg, self.store)
            self.scheduler.start(paused=True)
            sync_jobs(self.scheduler, self.cfg)
            self.scheduler.resume()
            self._publish_next_runs()
            log.info("daemon %s started: %d sources, %d jobs", self.holder,
                     sum(1 for s in self.cfg.sources if s.enabled), len(self.scheduler.get_jobs()))
            ended = self._heartbeat()
            self._shutdown()
            if ended != LOST:  # nothing is scheduled while no daemon runs: say so in `status` (unless another
                # daemon took over: the next runs are its own)
                self._publish_no_next_runs()
        finally:
            try:
                release_lease(self.store, self.holder)
            except SQLAlchemyError as exc:  # the database is gone: the lease expires by itself
                log.warning("could not release the daemon lease (%s); it expires in %ds", exc,
                            LEASE_TTL.total_seconds())
        log.info("daemon stopped")
        # a lost lease or a dead scheduler is a failure: under systemd (Restart=on-failure) the daemon comes back,
        # and takes the lease again once the database is reachable and no other daemon holds it
        return 0 if ended is None else 1

    def _publish_no_next_runs(self) -> None:
        try:
            for src in self.cfg.sources:
                self.store.set_next_run(src.name, None)
        except SQLAlchemyError:
            log.exception("could not clear the next run times")

    def _heartbeat(self) -> str | None:
        """Renew the lease every HEARTBEAT_S until asked to stop; None when asked to stop, LOST when
        the lease was lost, FAILED when the scheduler thread died. The database out
        of reach for a moment (PostgreSQL restarted, SQLite locked by a long write) is retried; only once the lease
        may have expired and been taken by another daemon (LEASE_TTL without renewal) does this daemon stop."""
        renewed = time.monotonic()
        while not self.stop.wait(HEARTBEAT_S):
            try:
                held = renew_lease(self.store, self.holder)
            except SQLAlchemyError as exc:
                if time.monotonic() - renewed < LEASE_TTL.total_seconds():
                    log.warning("could not renew the daemon lease, retrying (database unreachable?): %s",
                                str(exc).splitlines()[0])
                    continue
                log.error("could not renew the daemon lease for %ds (database unreachable): stopping; another "
                          "daemon may take over", LEASE_TTL.total_seconds())
                return LOST
            if not held:
                log.error("lost the daemon lease (database unreachable too long, another daemon took over): stopping")
                return LOST
            renewed = time.monotonic()
            thread = getattr(self.scheduler, "_thread", None)  # APScheduler's own; None in other versions
            if thread is not None and not thread.is_alive():
                log.error("the scheduler thread ended unexpectedly (see the error above): stopping so that the "
                          "service manager starts the daemon again")
                return FAILED
            self._reload_if_changed()
        return None

    def _shutdown(self) -> None:
        _stopping.set()
        self.scheduler.shutdown(wait=False)
        grace = self.cfg.daemon.stop_grace_s
        deadline = time.monotonic() + grace
        if self.busy():
            log.info("waiting up to %ds for %d running job(s)", grace, self.busy())
        with self.lock:
            while self.busy() and time.monotonic() < deadline:
                self.lock.wait(min(1.0, max(deadline - time.monotonic(), 0.01)))
        if self.busy():
            # told to stop first, so their runs are recorded as stopped with the daemon, not as crawls killed from
            # outside (a failure of the source, listed in the weekly digest); a few seconds to close cleanly
            told = stop_running_crawls(self.signum)
            if told:
                log.info("asked %d crawl(s) to stop: %s", len(told), ", ".join(told))
                with self.lock:
                    end = time.monotonic() + STOP_CRAWLS_S
                    while self.busy() and time.monotonic() < end:
                        self.lock.wait(0.2)
        if self.busy():
            crawls, processes = kill_children()
            log.warning("grace period over: killed %d crawl subprocess(es) (%d processes with their workers)",
                        crawls, processes)
            with self.lock:
                end = time.monotonic() + 10
                while self.busy() and time.monotonic() < end:
                    self.lock.wait(0.5)
