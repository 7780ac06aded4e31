"""`canhgac run` and its lease under trouble: the database locked for longer than a heartbeat (a long write, a
PostgreSQL restart) is waited out; a lease another daemon took over stops this one with a failure exit code (so
systemd's Restart=on-failure brings it back) and leaves the other daemon's next run times alone."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from crawler.cli import main
from review.models import Lease, Source, SourceRun
from review.store import Store
from review.types import utcnow
from tests.operate.daemon_process import start_daemon, wait_for
from tests.operate.smtp import free_port


def _config(tmp_path: Path, schedule: str = "cron 0 3 1 1 *") -> Path:
    cfg = tmp_path / "canhgac.toml"
    cfg.write_text(f"""[database]
url = "sqlite:///{tmp_path / 'canhgac.db'}"
[crawler]
allow_private_hosts = true
[classifier]
model = "{tmp_path / 'khong-co-mo-hinh.skops'}"
[daemon]
jitter_s = 0
stop_grace_s = 5
[[sources]]
name = "bao-tinh"
kind = "rss"
urls = ["http://127.0.0.1:{free_port()}/rss.xml"]
schedule = "{schedule}"
""", encoding="utf-8")
    assert main(["--config", str(cfg), "init"]) == 0
    return cfg


def _next_run(store: Store) -> object:
    with store.session() as s:
        return s.scalar(select(Source.next_run_at).where(Source.name == "bao-tinh"))


@pytest.mark.slow
def test_lease_taken_over_stops_with_failure_and_keeps_the_new_schedule(tmp_path: Path) -> None:
    cfg, log = _config(tmp_path), tmp_path / "daemon.log"
    store = Store.open(f"sqlite:///{tmp_path / 'canhgac.db'}")
    proc = start_daemon(cfg, log)
    try:
        wait_for("the schedule", lambda: _next_run(store) is not None, proc, log, 300)
        with store.session() as s:  # what a daemon elsewhere does once this one's lease expired
            s.execute(update(Lease).where(Lease.name == "daemon")
                      .values(holder="may-khac:4242", expires_at=utcnow() + timedelta(minutes=5)))
        assert proc.wait(timeout=120) == 1, log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "lost the daemon lease" in log.read_text()
    assert _next_run(store) is not None  # the other daemon's to publish, not cleared by this one
    with store.session() as s:
        lease = s.get(Lease, "daemon")
    assert lease is not None and lease.holder == "may-khac:4242"
    store.close()


@pytest.mark.slow
def test_database_locked_for_a_while_is_waited_out(tmp_path: Path) -> None:
    # crawls due every 15 s: the scheduler has to write the next run time while the database is locked
    cfg, log = _config(tmp_path, "every 15s"), tmp_path / "daemon.log"
    proc = start_daemon(cfg, log)
    store = Store.open(f"sqlite:///{tmp_path / 'canhgac.db'}")
    try:
        wait_for("the schedule", lambda: _next_run(store) is not None, proc, log, 300)
        locker = sqlite3.connect(tmp_path / "canhgac.db", isolation_level=None, timeout=120)  # the daemon writes too
        locker.execute("BEGIN EXCLUSIVE")  # longer than the daemon's 30 s busy timeout
        try:
            wait_for("a failed heartbeat", lambda: "could not renew the daemon lease, retrying" in log.read_text(),
                     proc, log, 180)
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        unlocked = utcnow()
        # the schedule goes on: a crawl started after the lock (APScheduler's thread did not die on it)
        wait_for("a crawl after the lock", lambda: _runs_since(store, unlocked) > 0, proc, log, 300)
        proc.terminate()
        assert proc.wait(timeout=120) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        store.close()
    text = log.read_text()
    assert "Exception in thread APScheduler" not in text and "scheduler thread ended" not in text
    assert "daemon stopped" in text


def _runs_since(store: Store, when: datetime) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(SourceRun).where(SourceRun.started_at > when)) or 0
