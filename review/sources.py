"""Sources and their health: what `canhgac status` and the stale-source check read.

Each crawl records its own run (a `source_runs` row) and holds a lease on it while it runs: a row in `leases`
named "run:<id>" whose holder is "host:pid" of the process running the crawl, renewed every RUN_HEARTBEAT_S.
Several crawls of one source may run at once (scrapy-redis workers on several machines, the daemon and a manual
`canhgac crawl`): a run still "running" is closed as killed only when nobody renews its lease any more (it
expired, or its holder is a process on this host that has exited), never because another crawl started.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from review.config import SourceConfig
from review.models import Item, Lease, Source, SourceRun
from review.source_first_seen import record_first_seen
from review.types import utcnow

if TYPE_CHECKING:
    from review.store import StoreBase

    _Base = StoreBase
else:
    _Base = object


@dataclass(frozen=True)
class SourceHealth:
    name: str
    kind: str
    official: bool
    last_run_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    consecutive_failures: int
    items_last_run: int
    items_total: int
    next_run_at: datetime | None
    last_status: str | None
    last_error_at: datetime | None = None
    last_ok_started_at: datetime | None = None  # when the last successful run began

    @property
    def current_error(self) -> str | None:
        """The last error, unless a successful run began after it: an error fixed since (a URL corrected, a site
        back up) is history (`last_error` stays in the database for the digest), not what `status` lists. An
        error noted during that successful run (a 404 article) is still its own."""
        since = self.last_ok_started_at or self.last_success_at  # that run's record purged: its end
        if not self.last_error or since is None:
            return self.last_error or None
        return self.last_error if self.last_error_at is not None and self.last_error_at >= since else None


RUN_HEARTBEAT_S = 10  # how often a running crawl renews its run's lease (and saves its counters)
RUN_LEASE_TTL = timedelta(seconds=90)  # a run whose lease was not renewed for this long is taken for dead
KILLED_VI = "bị ngắt: tiến trình thu thập kết thúc khi chưa xong lượt chạy"


def this_process() -> str:
    """The holder of a run's lease: "host:pid"."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_lease(run_id: int) -> str:
    return f"run:{run_id}"


def holder_is_gone(holder: str) -> bool:
    """True when `holder` ("host:pid") is a process on this host that no longer exists. A process on another
    host is never taken for gone here: only its lease expiring tells."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        return False
    return False


@dataclass(frozen=True)
class RunCounts:
    """What a run that ended without recording it stored: its last saved counters, its items counted in the
    database when no other run of the source overlapped it (otherwise their items could not be told apart)."""

    items_new: int
    pages: int
    errors: int


class SourcesMixin(_Base):
    def sync_sources(self, configs: Iterable[SourceConfig], now: datetime | None = None) -> None:
        """Make the sources table know every configured source (health rows are kept across restarts); a new one's
        first configuration is recorded (`review.source_first_seen`). Safe when several processes add the same new
        source at once (the daemon reloading its configuration while `canhgac status` runs, crawl workers
        starting): see `_add_source`."""
        at = now or utcnow()
        with self.session() as s:
            existing = {src.name: src for src in s.scalars(select(Source))}
            for cfg in configs:
                src = existing.get(cfg.name)
                if src is None:
                    existing[cfg.name] = _add_source(s, cfg, at)
                else:
                    src.kind, src.official, src.locality = cfg.kind, cfg.official, cfg.locality

    def ensure_source(self, cfg: SourceConfig) -> None:
        """Make sure `cfg` has a row; safe when several crawl processes start at the same moment (`_add_source`)."""
        with self.session() as s:
            src = s.scalars(select(Source).where(Source.name == cfg.name)).one_or_none()
            if src is None:
                _add_source(s, cfg, utcnow())
            else:
                src.kind, src.official, src.locality = cfg.kind, cfg.official, cfg.locality

    def source_id(self, name: str) -> int:
        with self.session() as s:
            sid = s.scalar(select(Source.id).where(Source.name == name))
        if sid is None:
            raise KeyError(name)
        return sid

    def start_run(self, name: str, holder: str | None = None) -> int:
        """Record that a crawl of `name` started, with its lease held by `holder` (default: this process);
        returns the run id."""
        now = utcnow()
        with self.session() as s:
            src = s.scalars(select(Source).where(Source.name == name)).one()
            src.last_run_at = now
            run = SourceRun(source_id=src.id, started_at=now, status="running")
            s.add(run)
            s.flush()
            s.add(Lease(name=run_lease(run.id), holder=holder or this_process(), acquired_at=now,
                        expires_at=now + RUN_LEASE_TTL))
            return run.id

    def adopt_run(self, run_id: int, holder: str | None = None) -> bool:
        """The crawl process takes over the lease of the run its runner recorded for it (`start_run`); False
        when that run is no longer running (or does not exist)."""
        now, holder = utcnow(), holder or this_process()
        with self.session() as s:
            run = s.get(SourceRun, run_id)
            if run is None or run.status != "running":
                return False
            lease = s.get(Lease, run_lease(run_id))
            if lease is None:
                s.add(Lease(name=run_lease(run_id), holder=holder, acquired_at=now, expires_at=now + RUN_LEASE_TTL))
            else:
                lease.holder, lease.expires_at = holder, now + RUN_LEASE_TTL
            return True

    def heartbeat_run(self, run_id: int, *, items_new: int | None = None, pages: int | None = None,
                      errors: int | None = None) -> bool:
        """Renew a running run's lease and save its counters so far (what a killed run is closed with);
        False when the run is no longer running."""
        now = utcnow()
        counters = {k: v for k, v in (("items_new", items_new), ("pages", pages), ("errors", errors))
                    if v is not None}
        with self.session() as s:
            s.execute(update(Lease).where(Lease.name == run_lease(run_id)).values(expires_at=now + RUN_LEASE_TTL)
                      .execution_options(synchronize_session=False))
            if counters:
                s.execute(update(SourceRun).where(SourceRun.id == run_id, SourceRun.status == "running")
                          .values(**counters).execution_options(synchronize_session=False))
            return s.scalar(select(SourceRun.status).where(SourceRun.id == run_id)) == "running"

    def get_run(self, run_id: int) -> SourceRun | None:
        """Run `run_id` (detached), or None."""
        with self.session() as s:
            return s.get(SourceRun, run_id)

    def run_counts(self, run_id: int) -> RunCounts:
        """What run `run_id`, which ended without recording it (killed), had stored: see RunCounts."""
        now = utcnow()
        with self.session() as s:
            run = s.get_one(SourceRun, run_id)
            return _run_counts(s, run, now)

    def finish_run(self, run_id: int, *, ok: bool, items_new: int, pages: int = 0, errors: int = 0,
                   message: str | None = None, stopped: bool = False, killed: bool = False) -> None:
        """Close a run and update the source's health: success resets the failure streak. A run `stopped` on
        request (Ctrl-C, the daemon shutting down) that did not finish is "stopped": not a failure of the source,
        so neither its failure streak nor its last error changes (the next run resumes it). A run whose crawl
        process was `killed` from outside (kill -9, the OOM killer) is "killed", counted as a failure."""
        now = utcnow()
        with self.session() as s:
            run = s.get_one(SourceRun, run_id)
            counted = 0 if run.status == "running" else run.items_new or 0  # closed as killed meanwhile
            run.finished_at = now
            run.status = "ok" if ok else "stopped" if stopped else "killed" if killed else "failed"
            run.items_new, run.pages, run.errors, run.message = items_new, pages, errors, message
            s.execute(delete(Lease).where(Lease.name == run_lease(run_id)))
            src = s.get_one(Source, run.source_id)
            src.items_last_run = items_new
            src.items_total = (src.items_total or 0) + items_new - counted
            if ok:
                src.last_success_at, src.consecutive_failures = now, 0
            elif stopped:
                pass
            else:
                src.consecutive_failures = (src.consecutive_failures or 0) + 1
                src.last_error, src.last_error_at = (message or "thất bại")[:2000], now

    def record_source_error(self, name: str, message: str) -> None:
        """Note an error seen mid-run (a dead URL, a malformed feed) without ending the run."""
        with self.session() as s:
            src = s.scalars(select(Source).where(Source.name == name)).one()
            src.last_error, src.last_error_at = message[:2000], utcnow()

    def set_next_run(self, name: str, when: datetime | None) -> None:
        with self.session() as s:
            src = s.scalars(select(Source).where(Source.name == name)).one_or_none()
            if src is not None:
                src.next_run_at = when

    def source_health(self) -> list[SourceHealth]:
        with self.session() as s:
            out = []
            for src in s.scalars(select(Source).order_by(Source.name)):
                last = s.scalar(select(SourceRun.status).where(SourceRun.source_id == src.id)
                                .order_by(SourceRun.id.desc()).limit(1))
                ok_started = s.scalar(select(SourceRun.started_at).where(SourceRun.source_id == src.id,
                                                                       SourceRun.status == "ok")
                                      .order_by(SourceRun.id.desc()).limit(1))
                out.append(SourceHealth(src.name, src.kind, src.official, src.last_run_at, src.last_success_at,
                                        src.last_error, src.consecutive_failures, src.items_last_run,
                                        src.items_total, src.next_run_at, last, src.last_error_at, ok_started))
            return out

    def close_stale_runs(self, name: str, message: str = KILLED_VI) -> int:
        """Mark runs of `name` still 'running' whose process is gone as killed, with what they had stored;
        returns how many. Gone: nobody renewed the run's lease for RUN_LEASE_TTL (or there is none: a run
        recorded before leases), or its holder is a process on this host that has exited. A run another crawl
        is still running (on this host or any other sharing the database) is left alone."""
        now = utcnow()
        with self.session() as s:
            src = s.scalars(select(Source).where(Source.name == name)).one_or_none()
            if src is None:
                return 0
            running = list(s.scalars(select(SourceRun).where(SourceRun.source_id == src.id,
                                                             SourceRun.status == "running")))
            leases = {lease.name: lease for lease in s.scalars(select(Lease).where(
                Lease.name.in_([run_lease(run.id) for run in running])))} if running else {}
            stale: list[SourceRun] = []
            for run in running:
                lease = leases.get(run_lease(run.id))
                if lease is not None and lease.expires_at >= now and not holder_is_gone(lease.holder):
                    continue
                # it stored nothing after its last heartbeat, give or take one
                until = now if lease is None else min(now, lease.expires_at - RUN_LEASE_TTL
                                                      + timedelta(seconds=2 * RUN_HEARTBEAT_S))
                counts = _run_counts(s, run, until)
                run.status, run.finished_at, run.message = "killed", now, message
                run.items_new, run.pages, run.errors = counts.items_new, counts.pages, counts.errors
                src.items_total = (src.items_total or 0) + counts.items_new
                stale.append(run)
            if stale:
                s.execute(delete(Lease).where(Lease.name.in_([run_lease(run.id) for run in stale])))
            return len(stale)

    def in_use_before(self, when: datetime) -> bool:
        """Anything was crawled (a run started or an item fetched) before `when`: the office already used canhgac
        then (a brand-new install has no past week to report)."""
        with self.session() as s:
            return (s.scalar(select(SourceRun.id).where(SourceRun.started_at < when).limit(1)) is not None
                    or s.scalar(select(Item.id).where(Item.fetched_at < when).limit(1)) is not None)

    def last_run(self, name: str) -> SourceRun | None:
        """The newest run of `name` (detached), or None."""
        with self.session() as s:
            return s.scalars(select(SourceRun).join(Source, Source.id == SourceRun.source_id)
                             .where(Source.name == name).order_by(SourceRun.id.desc()).limit(1)).first()


def _add_source(s: Session, cfg: SourceConfig, at: datetime) -> Source:
    """The row of `cfg`, a source `s` did not find: inserted (and its first configuration recorded at `at`), or,
    when another process inserted it since `s` looked, that one brought up to date. INSERT … ON CONFLICT DO
    NOTHING: on PostgreSQL a concurrent insert of the same name waits for the other transaction and then inserts
    nothing, where a plain INSERT would fail (UniqueViolation on sources_name_key) and roll back the whole sync."""
    values = {"name": cfg.name, "kind": cfg.kind, "official": cfg.official, "locality": cfg.locality}
    insert = postgresql_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert  # the two backends
    stmt = insert(Source).values(**values).on_conflict_do_nothing(index_elements=[Source.name])
    source_id = s.scalar(stmt.returning(Source.id))
    if source_id is None:  # another process added it first: it recorded the first configuration
        src = s.scalars(select(Source).where(Source.name == cfg.name)).one()
        src.kind, src.official, src.locality = cfg.kind, cfg.official, cfg.locality
        return src
    src = s.get_one(Source, source_id)
    record_first_seen(s, src, at)
    return src


def _run_counts(s: Session, run: SourceRun, until: datetime) -> RunCounts:
    """RunCounts of `run`, which stored nothing after `until` (see there)."""
    overlapped = s.scalar(select(func.count()).select_from(SourceRun).where(
        SourceRun.source_id == run.source_id, SourceRun.id != run.id, SourceRun.started_at <= until,
        or_(SourceRun.finished_at.is_(None), SourceRun.finished_at >= run.started_at)))
    items = run.items_new or 0
    if not overlapped:
        stored = s.scalar(select(func.count()).select_from(Item).where(
            Item.source_id == run.source_id, Item.fetched_at >= run.started_at, Item.fetched_at <= until)) or 0
        items = max(items, stored)
    return RunCounts(items, run.pages or 0, run.errors or 0)
