"""What the daemon runs, as plain functions of (config, store, ...): callable from tests and the CLI.

`crawler.daemon` only schedules these; none of them knows about APScheduler.
"""

from __future__ import annotations

import io
import logging
import re
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as dtime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from review.cli.context import Context
from review.config import WEEKDAYS, Config
from review.database import unreachable
from review.digest import last_complete_week
from review.errors import CanhgacError, ConfigError
from review.housekeeping import expire_claims, purge_retention, stale_sources
from review.mailer import deliver_due, deliver_week
from review.store import Store
from review.types import utcnow

if TYPE_CHECKING:
    from crawler.runner import CrawlStop

log = logging.getLogger("canhgac.jobs")
_running = {"crawls": 0}  # crawls this daemon runs right now (a scheduling hint, nothing to persist)
_running_lock = threading.Lock()
_crawl_stops: set[CrawlStop] = set()  # one per running crawl, to stop them when the daemon stops


def crawl_source(cfg: Config, store: Store, name: str) -> Any:
    """One crawl of one source, in a subprocess with the configured timeout (the runner records health).

    A crawl that starts while others already fill the cores runs without worker processes of its own. The crawl
    is started and waited for in this (executor) thread: on Linux it is sent SIGTERM if the thread, or the whole
    daemon, dies first (`crawler.runner.die_with_parent`), so a daemon killed with SIGKILL orphans no crawl.
    """
    from crawler.runner import CrawlStop, run_source, shared_cores_settings

    stop = CrawlStop()
    with _running_lock:
        _running["crawls"] += 1
        at_once = _running["crawls"]
        _crawl_stops.add(stop)
    try:
        outcome = run_source(cfg.path or None, name, cfg.crawler.crawl_timeout_s,
                             settings=shared_cores_settings(at_once), stop=stop)
    except ConfigError as exc:  # the file was edited since the daemon read it (a source removed, a typo)
        log.warning("crawl %s not started: the configuration file cannot be used for it: %s", name, exc)
        return None
    finally:
        with _running_lock:
            _running["crawls"] -= 1
            _crawl_stops.discard(stop)
    level = logging.INFO if outcome.ok else logging.WARNING
    log.log(level, "crawl %s %s: %d new items, %d pages, %d errors in %.1fs%s", name,
            "ok" if outcome.ok else "FAILED", outcome.items_new, outcome.pages, outcome.errors, outcome.duration_s,
            f" ({outcome.message})" if outcome.message and not outcome.ok else "")
    queue_waiting_reports(cfg, store)
    return outcome


def stop_running_crawls(signum: int) -> list[str]:
    """Ask this daemon's running crawls to stop (SIGINT: Scrapy's graceful stop), each run then recorded as
    stopped on request, not as a failure of its source; a crawl starting now is stopped as it starts. Returns the
    names of the crawls told to stop."""
    with _running_lock:
        stops = list(_crawl_stops)
    return [name for stop in stops for name in stop.request(signum)]


_reports_lock = threading.Lock()


def queue_waiting_reports(cfg: Config, store: Store) -> None:
    """Citizen reports stored while the classifier could not be loaded (`crawler.report.queue_waiting_reports`):
    scored and queued after a crawl once scoring works again. One thread at a time; never fails the crawl job."""
    if not _reports_lock.acquire(blocking=False):
        return  # another crawl's thread is doing it
    try:
        if not store.waiting_reports(limit=1):
            return
        from crawler.report import queue_waiting_reports as queue

        done = queue(cfg, store)
        if done.queued or done.joined or done.decided:  # "item I -> entry E": `report` named a waiting one by I
            log.info("queued %d citizen report(s) stored unscored earlier (%s); %d joined entries (%s); %d recorded on "
                     "entries already decided (%s)", len(done.queued),
                     ", ".join(f"item {i} -> entry {e}" for e, i in zip(done.queued, done.queued_reports, strict=True)),
                     len(done.joined),
                     ", ".join(f"item {i} -> entry {e}" for e, i in zip(done.joined, done.joined_reports, strict=True)),
                     len(done.decided), ", ".join(f"item {i} -> entry {e}" for i, e, _, _ in done.decided))
        if done.still_waiting:
            log.warning("%d citizen report(s) still wait for scoring: %s", done.still_waiting,
                        done.scoring_off or "scoring failed")
    except Exception as exc:  # noqa: BLE001 - the crawl itself went through; the reports wait for the next one
        why = database_unreachable(store, exc)
        if why is None:
            log.exception("could not queue the citizen reports waiting for scoring")
        else:  # the database out of reach: one line, as for a job
            log.error("could not queue the citizen reports waiting for scoring (tried after the next crawl): %s", why)
    finally:
        _reports_lock.release()


def record_thresholds(cfg: Config, store: Store) -> None:
    """Audit `[classifier.thresholds]` entries that changed since they were last recorded (at daemon start,
    so a threshold edited in the file is in the audit log before any item is scored with it)."""
    for ch in store.sync_thresholds(actor="config", thresholds=dict(cfg.classifier.thresholds)):
        log.info("threshold %s: %s -> %s (from the configuration; audited)", ch.category, ch.old, ch.new)


def expire_stale_claims(cfg: Config, store: Store) -> int:
    n = expire_claims(store)
    if n:
        log.info("returned %d expired claim(s) to the queue", n)
    return n


def retention(cfg: Config, store: Store) -> None:
    report = purge_retention(store, cfg.review.retention_days)
    log.info("retention (%d days): purged %d items, %d runs, %d digest rows, %d clusters",
             cfg.review.retention_days, report.items, report.runs, report.digests, report.clusters)


def check_stale_sources(cfg: Config, store: Store) -> list[str]:
    stale = stale_sources(store, cfg)
    for name in stale:
        log.warning("source %s has had no successful crawl for too long (see `canhgac status`)", name)
    return stale


def weekly_digest(cfg: Config, store: Store, now: datetime | None = None) -> None:
    """Send last week's summary (the daemon calls this on [digest] weekday/hour)."""
    if not cfg.digest.recipients or not cfg.smtp.host:
        log.info("weekly digest skipped: no [digest] recipients or no [smtp] host configured")
        return
    week = last_complete_week(cfg.digest.timezone, now)
    try:
        report = deliver_week(store, cfg, week, now=now)
    except ConfigError as exc:  # [smtp] user added to the file while the daemon runs, its password not in the
        # daemon's environment: nothing was recorded, so a restart with the variable set sends the week
        log.error("weekly digest %s not sent: %s", week, exc)
        return
    log.info("weekly digest %s: sent to %d, failed %d, skipped %d", week, len(report.sent), len(report.failed),
             len(report.skipped))


def last_digest_slot(cfg: Config, now: datetime | None = None) -> datetime:
    """The most recent time ([digest] weekday/hour, local) the weekly digest was due, at or before `now`."""
    zone = ZoneInfo(cfg.digest.timezone)
    local = (now or utcnow()).astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    slot = datetime.combine(monday + timedelta(days=WEEKDAYS.index(cfg.digest.weekday)), dtime(cfg.digest.hour),
                            tzinfo=zone)
    return slot - timedelta(days=7) if slot > local else slot


def catch_up_weekly_digest(cfg: Config, store: Store, now: datetime | None = None) -> None:
    """The weekly digest whose time passed while no daemon ran (APScheduler drops a run missed by more than
    `misfire_grace_s`: a daemon down at Monday 08:00 would never send that week): sent now, when nobody has had
    that week yet. A week already planned (sent, failing, sent by hand) is left to `deliver_due` and the CLI."""
    if not cfg.digest.recipients or not cfg.smtp.host:
        return
    now = now or utcnow()
    slot = last_digest_slot(cfg, now)
    if now - slot <= timedelta(seconds=cfg.daemon.misfire_grace_s):
        return  # the scheduled run itself (also when started late, within the grace time) sends it
    week = last_complete_week(cfg.digest.timezone, slot)
    if store.digest_deliveries(week):
        return
    if not store.in_use_before(slot):  # a new install: no digest was due yet, nor one of the week before it
        return
    log.info("weekly digest %s was not sent at its time (no daemon running then): sending it now", week)
    report = deliver_week(store, cfg, week, now=now)
    log.info("weekly digest %s: sent to %d, failed %d, skipped %d", week, len(report.sent), len(report.failed),
             len(report.skipped))


def retry_digests(cfg: Config, store: Store, now: datetime | None = None) -> None:
    """Retry failed deliveries whose backoff has passed, and send a weekly digest missed while the daemon was
    down (also run once at daemon start). Nothing to do, and nothing logged, without [digest] recipients: a
    recipient taken off the list is not written to any more."""
    if not cfg.smtp.host or not cfg.digest.recipients:
        return
    try:
        cfg.require_smtp_password()
    except ConfigError as exc:  # as in `weekly_digest`: nothing is taken for sending without the password
        log.error("digest retries not run: %s", exc)
        return
    catch_up_weekly_digest(cfg, store, now)
    for report in deliver_due(store, cfg, now=now):
        log.info("digest retry %s: sent to %d, failed %d", report.iso_week, len(report.sent), len(report.failed))


def retrain(cfg: Config, store: Store) -> None:
    """Weekly retrain from moderators' decisions. The new model is saved and compared with the one in
    use, never activated here: putting a model in charge stays a person's decision (`canhgac train`)."""
    try:
        from review.learning import retrain_from_decisions
    except ImportError:
        log.info("weekly retrain skipped: review.learning is not available in this version")
        return
    out = io.StringIO()
    ctx = Context(config_path=cfg.path or None, out=out, err=out, _config=cfg, _store=store)
    code = retrain_from_decisions(ctx, activate=False)
    for line in out.getvalue().splitlines():
        log.info("retrain: %s", line)
    log.info("weekly retrain finished (exit %d); the new model is not active until a person activates it", code)


#: SQLite's words for a database it cannot use now (another process holds it, the file went away)
_SQLITE_OUT_OF_REACH = re.compile(r"database is locked|database table is locked|database is busy|"
                                  r"unable to open database file|disk I/O error")
#: PostgreSQL's SQLSTATEs for a server out of reach: class 08 (connection exceptions), shutting down / starting up
#: (57P01–57P03), too many connections (53300)
_PG_OUT_OF_REACH = ("57P01", "57P02", "57P03", "53300")


def database_unreachable(store: Store, exc: BaseException) -> str | None:
    """Why a job failed, on one line, when `exc` says the database was out of reach: SQLite locked past its busy
    timeout or its file gone, PostgreSQL refusing, restarting or dropping connections (an `OperationalError` of
    those words or codes, a dropped connection's `InterfaceError`, or a store opened inside the job saying so).
    None for any other exception — a missing column, a statement timeout, a deadlock, a full disk are bugs or
    problems a person must look at: APScheduler logs them with their traceback."""
    if isinstance(exc, CanhgacError) and isinstance(exc.__context__, DBAPIError):
        return str(exc) if out_of_reach(exc.__context__) else None
    if not isinstance(exc, DBAPIError) or not out_of_reach(exc):
        return None
    said = " ".join(str(exc.orig).split())
    if isinstance(exc, InterfaceError):
        return f"mất kết nối tới cơ sở dữ liệu ({said})"
    if _SQLITE_OUT_OF_REACH.search(said) and store.engine.dialect.name == "sqlite":
        return f"cơ sở dữ liệu đang bị khoá hoặc không mở được ({said})"
    assert isinstance(exc, OperationalError)
    return str(unreachable(store.engine, exc))


def out_of_reach(exc: DBAPIError) -> bool:
    """Whether a driver error says the database cannot be reached or used right now (not what a statement did)."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate is not None:  # psycopg
        return sqlstate.startswith("08") or sqlstate in _PG_OUT_OF_REACH
    said = str(exc.orig)
    if _SQLITE_OUT_OF_REACH.search(said):
        return True
    # psycopg raises a connection failure without a SQLSTATE (nothing answered): OperationalError, sqlstate None
    return type(exc.orig).__module__.startswith("psycopg")


JOBS: dict[str, Callable[..., Any]] = {
    "crawl": crawl_source,
    "expire_claims": expire_stale_claims,
    "retention": retention,
    "stale_sources": check_stale_sources,
    "weekly_digest": weekly_digest,
    "retry_digests": retry_digests,
    "retrain": retrain,
}
