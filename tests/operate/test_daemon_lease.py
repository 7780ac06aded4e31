"""`canhgac run` and its lease under trouble: the database locked for longer than a heartbeat (a long write, a
PostgreSQL restart) is waited out; a lease another daemon took over stops this one with a failure exit code (so
systemd's Restart=on-failure brings it back) and leaves the other daemon's next run times alone."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from crawler.cli import main
from review.models import Lease, Source, SourceRun
from review.store import Store
from review.types import utcnow
from tests.operate.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]


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


def _wait(what: str, cond: Callable[[], bool], proc: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        if proc.poll() is not None:
            pytest.fail(f"daemon exited ({proc.returncode}) while waiting for {what}:\n{log.read_text()}")
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}:\n{log.read_text()}")


def _start(cfg: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as err:
        return subprocess.Popen([sys.executable, "-m", "crawler.cli", "--config", str(cfg), "run"], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=err)


def _next_run(store: Store) -> object:
    with store.session() as s:
        return s.scalar(select(Source.next_run_at).where(Source.name == "bao-tinh"))


@pytest.mark.slow
def test_lease_taken_over_stops_with_failure_and_keeps_the_new_schedule(tmp_path: Path) -> None:
    cfg, log = _config(tmp_path), tmp_path / "daemon.log"
    store = Store.open(f"sqlite:///{tmp_path / 'canhgac.db'}")
    proc = _start(cfg, log)
    try:
        _wait("the schedule", lambda: _next_run(store) is not None, proc, log)
        with store.session() as s:  # what a daemon elsewhere does once this one's lease expired
            s.execute(update(Lease).where(Lease.name == "daemon")
                      .values(holder="may-khac:4242", expires_at=utcnow() + timedelta(minutes=5)))
        assert proc.wait(timeout=60) == 1, log.read_text()
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
    proc = _start(cfg, log)
    store = Store.open(f"sqlite:///{tmp_path / 'canhgac.db'}")
    try:
        _wait("the schedule", lambda: _next_run(store) is not None, proc, log)
        locker = sqlite3.connect(tmp_path / "canhgac.db", isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")  # longer than the daemon's 30 s busy timeout
        try:
            _wait("a failed heartbeat", lambda: "could not renew the daemon lease, retrying" in log.read_text(),
                  proc, log, timeout=60)
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        unlocked = utcnow()
        # the schedule goes on: a crawl started after the lock (APScheduler's thread did not die on it)
        _wait("a crawl after the lock", lambda: _runs_since(store, unlocked) > 0, proc, log, timeout=90)
        proc.terminate()
        assert proc.wait(timeout=60) == 0, log.read_text()
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
