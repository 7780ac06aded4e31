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
half-written; their runs are recorded as stopped, not failed; a second signal does that at once); the lease is
released and the process exits 0. A job failing on the database out of reach is logged on one line and runs again
at its next time; any other exception is a bug, logged by APScheduler with its traceback.
The database out of reach for a while is waited for; a lease lost to another daemon, or APScheduler's thread
ending, stops the daemon with exit status 1, so a service manager (systemd `Restart=on-failure`) restarts it.

What is scheduled, and how the stored jobs follow the configuration, is `crawler.schedule`; the lease
`crawler.daemon_lease`, the configuration reload `crawler.config_reload`, the stop (signals, grace, killing)
`crawler.daemon_stop`, the log format `crawler.daemon_log`. Their names that were imported from here still are.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from datetime import datetime
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
from sqlalchemy.exc import SQLAlchemyError

from crawler.config_reload import apply_config, changed_config
from crawler.config_reload import config_stamp as config_stamp
from crawler.daemon_lease import FAILED as FAILED
from crawler.daemon_lease import LOST as LOST
from crawler.daemon_lease import LeaseKeeper, give_up_lease, keep_lease
from crawler.daemon_log import JsonFormatter as JsonFormatter
from crawler.daemon_log import configure_logging as configure_logging
from crawler.daemon_stop import STOP_CRAWLS_S as STOP_CRAWLS_S
from crawler.daemon_stop import RunningJobs, on_stop_signals
from crawler.daemon_stop import kill_children as kill_children
from crawler.jobs import JOBS, database_unreachable, record_thresholds
from crawler.schedule import CRAWL_PREFIX as CRAWL_PREFIX
from crawler.schedule import JOB_FUNC as JOB_FUNC
from crawler.schedule import JobSpec as JobSpec
from crawler.schedule import crontab_trigger as crontab_trigger
from crawler.schedule import job_specs as job_specs
from crawler.schedule import source_trigger as source_trigger
from crawler.schedule import sync_jobs
from crawler.schedule import trigger_key as trigger_key
from review.config import Config
from review.database import make_engine
from review.errors import CanhgacError
from review.housekeeping import acquire_lease, this_process
from review.store import Store

log = logging.getLogger("canhgac.daemon")
# Set once the daemon stops: a job still waiting in an executor's queue (more crawls due than run at once) does
# not start then; APScheduler's shutdown leaves such jobs queued, and they would run after the crawls were killed.
_stopping = threading.Event()


def _first_line(exc: BaseException) -> str:
    """A driver error on one line: its first line (SQLAlchemy adds the statement and a link below it)."""
    return (str(exc).splitlines() or [type(exc).__name__])[0]


def run_job(cfg: Config, job: str, *args: str) -> None:
    """What APScheduler calls: open the store, run one plain job function, close the store."""
    if _stopping.is_set():
        log.info("job %s not started: the daemon is stopping", " ".join((job, *args)))
        return
    what = " ".join((job, *args))
    try:
        store = Store.open(cfg.database.url)
    except CanhgacError as exc:  # the database out of reach: one line, not a traceback; the next run tries again
        log.error("job %s not run: %s", what, exc)
        return
    try:
        JOBS[job](cfg, store, *args)
    except Exception as exc:
        why = database_unreachable(store, exc)
        if why is None:
            raise  # a bug: APScheduler logs it with its traceback
        # the database out of reach (locked, restarting) while the job ran: what an officer can act on, on one line
        log.error("job %s failed, the database out of reach (tried again at its next run): %s", what, why)
    finally:
        store.close()


class PatientJobStore(SQLAlchemyJobStore):
    """APScheduler's job store in our database, waiting for the database when it is out of reach (PostgreSQL
    restarting, SQLite locked by a long write) instead of raising: APScheduler 3 lets an error of `update_job` or
    `get_next_run_time` end its scheduler thread, after which the daemon would hold its lease and run nothing.
    Gives up (raises) only once the daemon is stopping (`giving_up` set: a signal, the lease lost), the
    scheduler's lock it holds while it retries then freed for the daemon's own calls into the scheduler."""

    def __init__(self, *, giving_up: threading.Event = _stopping, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.giving_up = giving_up

    def _patiently(self, what: str, call: Callable[[], Any]) -> Any:
        pause = 1.0
        while True:
            try:
                return call()
            except SQLAlchemyError as exc:
                if self.giving_up.is_set() or _stopping.is_set():
                    raise
                log.warning("schedule store unreachable (%s), retrying in %.0fs: %s", what, pause,
                            str(exc).splitlines()[0])
                if self.giving_up.wait(pause) or _stopping.is_set():
                    raise
                pause = min(pause * 2, 15.0)

    def update_job(self, job: Any) -> None:
        self._patiently("update_job", lambda: super(PatientJobStore, self).update_job(job))

    def remove_job(self, job_id: str) -> None:
        self._patiently("remove_job", lambda: super(PatientJobStore, self).remove_job(job_id))

    def get_next_run_time(self) -> datetime | None:
        return self._patiently("get_next_run_time",  # type: ignore[no-any-return]
                               lambda: super(PatientJobStore, self).get_next_run_time())


class Daemon:
    def __init__(self, cfg: Config, store: Store) -> None:
        self.cfg, self.store = cfg, store
        self.holder = this_process()
        self.config_stamp = config_stamp(cfg.path)  # the file as `cfg` was read (see `_reload_if_changed`)
        self.stop = threading.Event()
        self.signum = int(signal.SIGTERM)  # what stopped the daemon, for the message of a crawl it stops
        self.signalled = False  # a stop signal came: the next one stops the running crawls at once
        self.jobs = RunningJobs()
        engine = make_engine(cfg.database.url)
        crawl_workers = max(1, min(2, os.cpu_count() or 1))
        self.scheduler = BackgroundScheduler(
            jobstores={"default": PatientJobStore(engine=engine, giving_up=self.stop)},
            executors={"default": ThreadPoolExecutor(2), "crawl": ThreadPoolExecutor(crawl_workers)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": cfg.daemon.misfire_grace_s},
            timezone=ZoneInfo(cfg.digest.timezone))
        self.scheduler.add_listener(self._on_event, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR
                                    | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)

    def _on_event(self, event: JobEvent) -> None:
        if event.code == EVENT_JOB_SUBMITTED:
            self.jobs.submitted()
            return
        if event.code in (EVENT_JOB_EXECUTED, EVENT_JOB_ERROR):
            self.jobs.finished()
            if not self.stop.is_set():
                self._publish_next_runs(event.job_id)
        elif event.code == EVENT_JOB_MISSED:
            log.warning("job %s missed its run time (daemon busy or down longer than misfire_grace_s)",
                        event.job_id)
        elif event.code == EVENT_JOB_MAX_INSTANCES:
            log.info("job %s still running from its previous run: this run skipped", event.job_id)

    def busy(self) -> int:
        return self.jobs.busy()

    def _publish_next_runs(self, only: str | None = None) -> None:
        """Write each source's next run into `sources.next_run_at` for `canhgac status`."""
        try:
            for job in self.scheduler.get_jobs():
                if job.id.startswith(CRAWL_PREFIX) and (only is None or job.id == only):
                    self.store.set_next_run(job.id[len(CRAWL_PREFIX):], job.next_run_time)
        except SQLAlchemyError as exc:  # the database out of reach (locked, restarting): one line, tried next time
            log.warning("could not record next run times: %s", _first_line(exc))
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
        new = changed_config(self.cfg)
        if new is None:
            return
        try:
            scheduled = apply_config(self.cfg, new, self.store, self.scheduler)
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
        name = signal.Signals(signum).name
        if self.signalled:  # a second Ctrl-C or SIGTERM: the officer will not wait out the grace period
            if self.jobs.busy():
                log.warning("received %s again: not waiting any longer, the running crawls are stopped now", name)
            else:
                log.info("received %s again: already stopping, no job running", name)
            self.jobs.hurry()
            return
        self.signalled = True
        log.info("received %s: stopping", name)
        self.signum = signum
        self.stop.set()

    def run(self) -> int:
        acquire_lease(self.store, self.holder)
        _stopping.clear()
        # renewed from now on by a thread of its own: the calls into the scheduler below (and at each heartbeat)
        # may wait for as long as its job store retries a locked database
        keeper = LeaseKeeper(self.store, self.holder, self.stop, on_lost=_stopping.set)
        keeper.start()
        try:
            on_stop_signals(self._signal)
            self.store.sync_sources(self.cfg.sources)
            record_thresholds(self.cfg, self.store)
            self.scheduler.start(paused=True)
            try:
                sync_jobs(self.scheduler, self.cfg)
                self.scheduler.resume()
                self._publish_next_runs()
                # the jobs counted as configured: asking the job store could fail, or wait, on a locked database
                log.info("daemon %s started: %d sources, %d jobs", self.holder,
                         sum(1 for s in self.cfg.sources if s.enabled), len(job_specs(self.cfg)))
                ended = self._heartbeat(keeper)
            finally:  # also when the start fails (the database locked): no scheduler or executor thread left running
                self._shutdown()
            if ended != LOST:  # nothing is scheduled while no daemon runs: say so in `status` (unless another
                # daemon took over: the next runs are its own)
                self._publish_no_next_runs()
        finally:
            self.stop.set()
            keeper.join()
            give_up_lease(self.store, self.holder)
        log.info("daemon stopped")
        # a lost lease or a dead scheduler is a failure: under systemd (Restart=on-failure) the daemon comes back,
        # and takes the lease again once the database is reachable and no other daemon holds it
        return 0 if ended is None else 1

    def _publish_no_next_runs(self) -> None:
        try:
            for src in self.cfg.sources:
                self.store.set_next_run(src.name, None)
        except SQLAlchemyError as exc:
            log.warning("could not clear the next run times: %s", _first_line(exc))

    def _heartbeat(self, keeper: LeaseKeeper) -> str | None:
        """The daemon's checks every heartbeat while `keeper` renews the lease, until asked to stop
        (`crawler.daemon_lease.keep_lease`); None when asked to stop, LOST when the lease was lost, FAILED when the
        scheduler thread died."""
        return keep_lease(keeper, self._beat)

    def _beat(self) -> str | None:
        """At every heartbeat: is APScheduler's thread still there, and was the configuration file edited."""
        thread = getattr(self.scheduler, "_thread", None)  # APScheduler's own; None in other versions
        if thread is not None and not thread.is_alive():
            log.error("the scheduler thread ended unexpectedly (see the error above): stopping so that the "
                      "service manager starts the daemon again")
            return FAILED
        self._reload_if_changed()
        return None

    def _shutdown(self) -> None:
        self.stop.set()
        _stopping.set()
        self.scheduler.shutdown(wait=False)
        self.jobs.drain(self.cfg.daemon.stop_grace_s, self.signum)
