"""The daemon lease, claim expiry, retention and the stale-source check, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from review.config import parse_config
from review.errors import DaemonLockedError
from review.housekeeping import (
    acquire_lease,
    expire_claims,
    lease_holder,
    purge_retention,
    release_lease,
    renew_lease,
    stale_sources,
)
from review.models import AuditLog, Cluster, Decision, Item, ReviewEntry, Source, SourceRun
from review.store import Store
from tests.operate.seed import add_flagged

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def test_lease_is_exclusive_until_it_expires(store: Store) -> None:
    acquire_lease(store, "may-chu-1:100", now=NOW)
    with pytest.raises(DaemonLockedError, match=r"một tiến trình nền khác \(may-chu-1:100\) đang chạy trên cơ sở dữ liệu này từ"):
        acquire_lease(store, "may-chu-2:200", now=NOW + timedelta(seconds=30))
    acquire_lease(store, "may-chu-1:100", now=NOW + timedelta(seconds=30))  # the holder itself may re-acquire
    acquire_lease(store, "may-chu-2:200", now=NOW + timedelta(minutes=5))  # expired: taken over
    assert not renew_lease(store, "may-chu-1:100")  # the old holder learns it lost the lease
    assert renew_lease(store, "may-chu-2:200")
    assert lease_holder(store) is not None
    release_lease(store, "may-chu-2:200")
    assert lease_holder(store) is None
    acquire_lease(store, "may-chu-3:300")


def test_lease_of_a_dead_local_process_is_taken_over(store: Store) -> None:
    import socket

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    holder = f"{socket.gethostname()}:{dead.stdout.strip()}"
    acquire_lease(store, holder)
    acquire_lease(store, f"{socket.gethostname()}:1")  # pid 1 is alive: but the dead holder's lease is free
    assert lease_holder(store).holder.endswith(":1")  # type: ignore[union-attr]


def test_expired_claims_return_to_the_queue_audited(store: Store) -> None:
    a = add_flagged(store, title="a", category="scam", at=NOW - timedelta(hours=2))
    b = add_flagged(store, title="b", category="scam", at=NOW - timedelta(hours=2))
    with store.session() as s:
        for entry_id, expires in ((a, NOW - timedelta(minutes=1)), (b, NOW + timedelta(minutes=10))):
            e = s.get_one(ReviewEntry, entry_id)
            e.status, e.claimant, e.claim_expires_at = "claimed", "lan", expires
    assert expire_claims(store, NOW) == 1
    assert expire_claims(store, NOW) == 0
    with store.session() as s:
        assert s.get_one(ReviewEntry, a).status == "open" and s.get_one(ReviewEntry, a).claimant is None
        assert s.get_one(ReviewEntry, b).status == "claimed"
        assert s.scalar(select(AuditLog.action).where(AuditLog.entry_id == a)) == "claim_expired"


def test_retention_keeps_flagged_items_and_recent_ones(store: Store) -> None:
    old = NOW - timedelta(days=800)
    kept_decided = add_flagged(store, title="cũ, đã quyết định", category="scam", at=old, verdict="dismiss",
                               decided_at=old)
    kept_open = add_flagged(store, title="cũ, chưa quyết định", category="scam", at=old)
    add_flagged(store, title="mới", category="scam", at=NOW - timedelta(days=1))
    with store.session() as s:
        src = s.scalars(select(Source)).first()
        assert src is not None
        s.add(SourceRun(source_id=src.id, started_at=old, status="ok"))
        for n, at in ((1, old), (2, NOW - timedelta(days=1))):  # never flagged: only the old one goes
            s.add(Item(source_id=src.id, url=f"https://x.vn/{n}", canonical_url=f"https://x.vn/{n}",
                       title=f"không gắn cờ {n}", text="bình thường", fetched_at=at, content_hash=f"plain{n}"))
    report = purge_retention(store, 730, NOW)
    assert (report.items, report.runs) == (1, 1)
    with store.session() as s:
        assert sorted(s.scalars(select(Item.title))) == ["cũ, chưa quyết định", "cũ, đã quyết định",
                                                          "không gắn cờ 2", "mới"]
        assert s.get(ReviewEntry, kept_open) is not None and s.get(ReviewEntry, kept_decided) is not None
        assert s.scalar(select(func.count()).select_from(ReviewEntry)) == 3
        # the decision, the audit trail the yearly report counts, survives
        assert s.scalars(select(Decision.verdict).where(Decision.entry_id == kept_decided)).all() == ["dismiss"]
        assert s.scalar(select(AuditLog.action).order_by(AuditLog.id.desc()).limit(1)) == "retention_purge"
    assert purge_retention(store, 730, NOW).items == 0


def test_stale_sources(store: Store) -> None:
    cfg = parse_config("""
[[sources]]
name = "nhanh"
kind = "rss"
urls = ["https://a.example.vn/rss"]
schedule = "every 10m"
[[sources]]
name = "moi"
kind = "rss"
urls = ["https://b.example.vn/rss"]
[[sources]]
name = "hang-ngay"
kind = "rss"
urls = ["https://c.example.vn/rss"]
schedule = "cron 0 6 * * *"
""")
    store.sync_sources(cfg.sources)
    with store.session() as s:
        for src in s.scalars(select(Source)):
            if src.name == "nhanh":
                src.last_run_at, src.last_success_at = NOW, NOW - timedelta(minutes=31)
            if src.name == "hang-ngay":
                src.last_run_at, src.last_success_at = NOW, NOW - timedelta(hours=30)
    assert stale_sources(store, cfg, NOW) == ["nhanh"]  # "moi" never ran: new, not stale


def test_retention_recounts_the_spread_of_clusters_it_shrinks(store: Store) -> None:
    """A story copied on three pages, two of them old and unflagged: after the purge it spreads to one."""
    old, recent = NOW - timedelta(days=800), NOW - timedelta(days=1)
    with store.session() as s:
        a, b = Source(name="trang-a", kind="html"), Source(name="trang-b", kind="html")
        s.add_all([a, b])
        s.flush()
        cluster = Cluster(size=3, sources=2, first_seen_at=old, last_seen_at=recent)
        s.add(cluster)
        s.flush()
        for n, (src, at) in enumerate(((a, old), (b, old), (a, recent))):
            s.add(Item(source_id=src.id, url=f"https://x.vn/{n}", canonical_url=f"https://x.vn/{n}",
                       title="cùng một tin", text="cùng một tin", fetched_at=at, content_hash=f"c{n}",
                       cluster_id=cluster.id))
        cluster_id = cluster.id
    assert purge_retention(store, 730, NOW).items == 2
    with store.session() as s:
        kept = s.get_one(Cluster, cluster_id)
        assert (kept.size, kept.sources) == (1, 1)


def test_a_locked_lease_row_fails_the_renewal_instead_of_blocking_it(store: Store, db_url: str) -> None:
    """PostgreSQL: the heartbeat waiting on a lock (on the lease row or its table) had no limit: nothing was logged
    until the lock went, the lease long expired meanwhile. It now fails (lock_timeout) and is logged and retried."""
    import threading

    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite: the busy timeout bounds the wait already")
    acquire_lease(store, "may-chu-1:100")
    outcome: list[object] = []

    def heartbeat() -> None:
        try:
            outcome.append(renew_lease(store, "may-chu-1:100"))
        except SQLAlchemyError as exc:
            outcome.append(exc)

    with store.engine.connect() as locker:
        locker.execute(text("LOCK TABLE leases IN ACCESS EXCLUSIVE MODE"))
        beat = threading.Thread(target=heartbeat)
        beat.start()
        beat.join(120)  # generous: the renewal gives up after 5 s waiting for the lock
        locker.rollback()
    beat.join(120)
    assert len(outcome) == 1 and isinstance(outcome[0], SQLAlchemyError), outcome
    assert renew_lease(store, "may-chu-1:100")  # the next heartbeat, the lock gone: renewed
