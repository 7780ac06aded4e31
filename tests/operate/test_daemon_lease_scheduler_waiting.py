"""`canhgac run`'s lease while the daemon waits on APScheduler: the scheduler's job store retrying an unusable
database holds the scheduler's lock for as long as it retries, and the daemon's own calls into the scheduler (at
start, on a configuration reload) wait for it. The lease is renewed all the same, and once the database is
locked too, the failed renewal is logged (within a heartbeat and the busy timeout) instead of nothing at all
while another daemon may take over."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.cli import main
from review.housekeeping import HEARTBEAT_S, LEASE_TTL
from review.models import Lease, Source
from review.store import Store
from review.types import utcnow
from tests.operate.daemon_process import start_daemon, wait_for
from tests.operate.smtp import free_port

SQLITE_BUSY_S = 30  # `review.database.make_engine`: how long a statement waits for a locked SQLite database
# a heartbeat, a renewal that waits out the busy timeout, and the slack a loaded CI machine needs
FAILED_RENEWAL_WAIT_S = HEARTBEAT_S + SQLITE_BUSY_S + 180


def _source(name: str, schedule: str) -> str:
    return f"""
[[sources]]
name = "{name}"
kind = "rss"
urls = ["http://127.0.0.1:{free_port()}/{name}.xml"]
schedule = "{schedule}"
"""


def _lease_expires(store: Store) -> datetime | None:
    with store.session() as s:
        lease = s.get(Lease, "daemon")
        return None if lease is None else lease.expires_at


def _has_source(store: Store, name: str) -> bool:
    with store.session() as s:
        return s.scalar(select(Source.id).where(Source.name == name)) is not None


@pytest.mark.slow
def test_lease_renewed_and_failures_logged_while_the_daemon_waits_on_the_scheduler(tmp_path: Path) -> None:
    db, cfg, log = tmp_path / "canhgac.db", tmp_path / "canhgac.toml", tmp_path / "daemon.log"
    cfg.write_text(f"""[database]
url = "sqlite:///{db}"
[crawler]
allow_private_hosts = true
[classifier]
model = "{tmp_path / 'khong-co-mo-hinh.skops'}"
[daemon]
jitter_s = 0
stop_grace_s = 5
""" + _source("bao-tinh", "every 15s"), encoding="utf-8")
    assert main(["--config", str(cfg), "init"]) == 0
    proc = start_daemon(cfg, log)
    store = Store.open(f"sqlite:///{db}")
    admin = sqlite3.connect(db, isolation_level=None, timeout=120)
    try:
        wait_for("the daemon to start", lambda: re.search(r"daemon \S+ started: ", log.read_text()) is not None,
                 proc, log, 300)
        # writing the job store refused while the lease row is fine (as a PostgreSQL lock on `apscheduler_jobs`
        # would): at the next crawl due APScheduler's thread retries `update_job`, holding the scheduler's lock
        admin.execute("CREATE TRIGGER held BEFORE UPDATE ON apscheduler_jobs BEGIN SELECT RAISE(ABORT, 'held'); END")
        wait_for("the job store retried", lambda: "schedule store unreachable (update_job)" in log.read_text(),
                 proc, log, 300)
        # a source added: the next heartbeat reloads the file, stores the source, then waits on the scheduler
        with cfg.open("a", encoding="utf-8") as f:
            f.write(_source("bao-moi", "every 1h"))
        wait_for("the reload to store the new source", lambda: _has_source(store, "bao-moi"), proc, log, 300)
        stored = utcnow()
        wait_for("a lease renewal while the reload waits",
                 lambda: (_lease_expires(store) or stored) > stored + LEASE_TTL, proc, log, 300)
        assert "configuration reloaded" not in log.read_text()  # still waiting on the scheduler
        assert "could not renew the daemon lease" not in log.read_text()
        admin.execute("BEGIN EXCLUSIVE")
        try:
            wait_for("a failed renewal logged", lambda: "could not renew the daemon lease, retrying" in log.read_text(),
                     proc, log, FAILED_RENEWAL_WAIT_S)
        finally:
            admin.execute("ROLLBACK")
        admin.execute("DROP TRIGGER held")
        wait_for("the reload once the job store is back", lambda: "configuration reloaded" in log.read_text(),
                 proc, log, 300)
        proc.terminate()
        assert proc.wait(timeout=120) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        admin.close()
        store.close()
    text = log.read_text()
    assert "added: bao-moi" in text and "lost the daemon lease" not in text and "daemon stopped" in text
