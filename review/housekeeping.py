"""Keeping a long-running installation tidy: the daemon's lease, expired claims, retention, stale sources.

Plain functions over the store, each one short transaction (or a few), safe to run from any process
at any time; the daemon schedules them, tests call them directly.

The daemon lease is a row in `leases` named "daemon" with a heartbeat: acquiring it is one INSERT, or,
when the row exists, one UPDATE that only matches an expired lease (or one held by a process on this
host that no longer exists). Either statement succeeds for exactly one contender on SQLite and on
PostgreSQL alike.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.exc import IntegrityError

from review.audit import append_audit
from review.claims import lock_for_update
from review.config import Config
from review.errors import DaemonLockedError
from review.models import CLAIMED, OPEN, Cluster, DigestSent, Item, Lease, ReviewEntry, Source, SourceRun
from review.store import Store
from review.types import utcnow
from review.vi import VN_TZ

log = logging.getLogger("canhgac.housekeeping")

DAEMON_LEASE = "daemon"
LEASE_TTL = timedelta(seconds=45)
HEARTBEAT_S = 10
SYSTEM_ACTOR = "canhgac-daemon"
PURGE_BATCH = 500


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _dead_local_holder(holder: str) -> bool:
    """True when `holder` is a process on this host that has exited (a crashed daemon's lease)."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def acquire_lease(store: Store, holder: str, *, name: str = DAEMON_LEASE, ttl: timedelta = LEASE_TTL,
                  now: datetime | None = None) -> None:
    """Take the lease or raise DaemonLockedError naming who holds it and since when."""
    now = now or utcnow()
    try:
        with store.session() as s:
            s.add(Lease(name=name, holder=holder, acquired_at=now, expires_at=now + ttl))
        return
    except IntegrityError:
        pass
    with store.session() as s:
        current = s.get(Lease, name)
        takeover = current is not None and _dead_local_holder(current.holder)
    cond = or_(Lease.expires_at < now, Lease.holder == holder)
    if takeover and current is not None:
        cond = or_(cond, Lease.holder == current.holder)
    with store.session() as s:
        res = s.execute(update(Lease).where(Lease.name == name, cond)
                        .values(holder=holder, acquired_at=now, expires_at=now + ttl)
                        .execution_options(synchronize_session=False))
        if res.rowcount == 1:  # type: ignore[attr-defined]
            return
        current = s.get(Lease, name)
    who = current.holder if current else "?"
    since = current.acquired_at.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M") if current else "?"  # as `status`
    raise DaemonLockedError(f"một tiến trình nền khác ({who}) đang chạy trên cơ sở dữ liệu này từ {since}")


def renew_lease(store: Store, holder: str, *, name: str = DAEMON_LEASE, ttl: timedelta = LEASE_TTL) -> bool:
    """Heartbeat; False means the lease was lost (expired and taken): the caller must stop."""
    now = utcnow()
    with store.session() as s:
        if store.dialect == "postgresql":  # a locked lease row (or a stuck statement) fails the heartbeat in seconds,
            # logged and retried, instead of blocking it with nothing said until the lease has long expired
            s.execute(sql_text("SET LOCAL lock_timeout = '5s'"))
            s.execute(sql_text("SET LOCAL statement_timeout = '10s'"))
        res = s.execute(update(Lease).where(Lease.name == name, Lease.holder == holder)
                        .values(expires_at=now + ttl).execution_options(synchronize_session=False))
        return bool(res.rowcount == 1)  # type: ignore[attr-defined]


def release_lease(store: Store, holder: str, *, name: str = DAEMON_LEASE) -> None:
    with store.session() as s:
        s.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))


def lease_holder(store: Store, *, name: str = DAEMON_LEASE) -> Lease | None:
    """The live lease, or None when nobody holds it (or it expired)."""
    with store.session() as s:
        lease = s.get(Lease, name)
    return lease if lease is not None and lease.expires_at >= utcnow() else None


def expire_claims(store: Store, now: datetime | None = None) -> int:
    """Give expired claims back to the queue; each one audited. Returns how many.

    The lapsed entries are locked before the first audit row is appended (PostgreSQL: FOR UPDATE SKIP
    LOCKED, so one a moderator is deciding right now is left to that moderator and, if still lapsed, to
    the next run). Waiting for an entry's row lock while holding the audit lock would deadlock with a
    moderator who holds that row and waits for the audit lock."""
    now = now or utcnow()
    with store.session() as s:
        rows = s.execute(lock_for_update(s, select(ReviewEntry.id, ReviewEntry.claimant)
                                         .where(ReviewEntry.status == CLAIMED, ReviewEntry.claim_expires_at < now)
                                         .order_by(ReviewEntry.id), skip_locked=True)).all()
        count = 0
        for entry_id, claimant in rows:
            res = s.execute(update(ReviewEntry)
                            .where(ReviewEntry.id == entry_id, ReviewEntry.status == CLAIMED,
                                   ReviewEntry.claim_expires_at < now)
                            .values(status=OPEN, claimant=None, claim_expires_at=None,
                                    version=ReviewEntry.version + 1, updated_at=now)
                            .execution_options(synchronize_session=False))
            if res.rowcount == 1:  # type: ignore[attr-defined]
                append_audit(s, SYSTEM_ACTOR, "claim_expired", entry_id, {"claimant": claimant})
                count += 1
    return count


@dataclass(frozen=True)
class PurgeReport:
    items: int
    runs: int
    digests: int
    clusters: int


def purge_retention(store: Store, retention_days: int, now: datetime | None = None) -> PurgeReport:
    """Delete what is older than the retention period, except every item that was flagged for review.

    A flagged item is kept whether decided or not: its review entry, flags and decisions (which would
    go with it, ON DELETE CASCADE) are the audit trail the yearly report and other agencies rely on.
    Scores of unflagged items go with them; the audit log is never touched. Deletes in batches so
    PostgreSQL and SQLite never hold one huge transaction.
    """
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    flagged = exists().where(ReviewEntry.item_id == Item.id)
    items = 0
    touched: set[int] = set()
    while True:
        with store.session() as s:
            rows = s.execute(select(Item.id, Item.cluster_id).where(Item.fetched_at < cutoff, ~flagged)
                             .limit(PURGE_BATCH)).all()
            if not rows:
                break
            ids = [r.id for r in rows]
            touched |= {r.cluster_id for r in rows if r.cluster_id is not None}
            s.execute(delete(Item).where(Item.id.in_(ids)))
            items += len(ids)
    _recount_clusters(store, touched)
    with store.session() as s:
        runs = s.execute(delete(SourceRun).where(SourceRun.started_at < cutoff)).rowcount  # type: ignore[attr-defined]
        digests = s.execute(delete(DigestSent).where(DigestSent.created_at < cutoff)).rowcount  # type: ignore[attr-defined]
        orphan = ~exists().where(Item.cluster_id == Cluster.id)
        clusters = s.execute(delete(Cluster).where(Cluster.last_seen_at < cutoff, orphan)).rowcount  # type: ignore[attr-defined]
        report = PurgeReport(items, runs or 0, digests or 0, clusters or 0)
        if items or runs or digests or clusters:
            append_audit(s, SYSTEM_ACTOR, "retention_purge", None,
                         {"cutoff": cutoff.isoformat(), "items": items, "runs": report.runs,
                          "digests": report.digests, "clusters": report.clusters})
    return report


def _recount_clusters(store: Store, cluster_ids: set[int]) -> None:
    """Story spread counts are kept incrementally on insert; a purge shrinks clusters, so recount those."""
    ids = sorted(cluster_ids)
    for start in range(0, len(ids), PURGE_BATCH):
        chunk = ids[start:start + PURGE_BATCH]
        with store.session() as s:
            counts = s.execute(select(Item.cluster_id, func.count(func.distinct(Item.canonical_url)),
                                      func.count(func.distinct(Item.source_id)))
                               .where(Item.cluster_id.in_(chunk)).group_by(Item.cluster_id)).all()
            for cluster_id, pages, sources in counts:
                s.execute(update(Cluster).where(Cluster.id == cluster_id)
                          .values(size=pages, sources=max(sources, 1)))


def stale_sources(store: Store, cfg: Config, now: datetime | None = None) -> list[str]:
    """Enabled sources with no successful crawl for 3 intervals (2 days for cron schedules)."""
    now = now or utcnow()
    out = []
    with store.session() as s:
        rows = {src.name: src for src in s.scalars(select(Source))}
    for src_cfg in cfg.sources:
        if not src_cfg.enabled:
            continue
        interval = src_cfg.interval_seconds
        window = timedelta(seconds=3 * interval) if interval else timedelta(days=2)
        row = rows.get(src_cfg.name)
        last = row.last_success_at if row is not None else None
        if last is None:
            last = row.last_run_at if row is not None else None  # never succeeded: judge by when it started
            if last is None:
                continue  # never run yet: not stale, just new
        if now - last > window:
            out.append(src_cfg.name)
    return out

