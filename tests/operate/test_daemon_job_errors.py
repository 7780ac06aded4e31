"""`canhgac run` as a real process, and what its log tells the officer: a job failing on the database out of reach
(SQLite locked by a long write) is one line naming the job, with no traceback, and the daemon goes on; the stop
says what it does with running crawls when `stop_grace_s = 0`, and a second Ctrl-C stops them at once, saying so
rather than "grace period over"."""

from __future__ import annotations

import signal
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.cli import main
from crawler.demo_site.server import DemoSite, serve
from review.models import SourceRun
from review.store import Store
from tests.crawler.processes import descendants, kill_all, survivors_of
from tests.operate.daemon_process import daemon_toml, stalled_feed, start_daemon, wait_for

FEED = "/tin-cham/rss.xml"


@pytest.fixture
def stuck_site() -> Iterator[DemoSite]:
    """The demo site with a feed that stalls mid-download, so a crawl of it runs until stopped."""
    release = threading.Event()
    site = serve()
    site.set_handler(FEED, stalled_feed(release))
    yield site
    release.set()
    site.close()


def _config(tmp_path: Path, site: DemoSite, stop_grace_s: int) -> Path:
    cfg = tmp_path / "canhgac.toml"
    cfg.write_text(daemon_toml(tmp_path, crawl_timeout_s=300, stop_grace_s=stop_grace_s, download_timeout_s=300)
                   + f"""
[[sources]]
name = "tin-cham"
kind = "rss"
urls = ["{site.base_url}{FEED}"]
schedule = "every 1h"
""", encoding="utf-8")
    assert main(["--config", str(cfg), "init"]) == 0
    return cfg


def _runs(tmp_path: Path) -> list[tuple[str, str | None]]:
    store = Store.open(f"sqlite:///{tmp_path / 'canhgac.db'}")
    with store.session() as s:
        runs = [(status, message) for status, message in s.execute(select(SourceRun.status, SourceRun.message))]
    store.close()
    return runs


@pytest.mark.slow
def test_crawl_failing_on_a_locked_database_is_one_line_without_traceback(stuck_site: DemoSite,
                                                                          tmp_path: Path) -> None:
    cfg, log = _config(tmp_path, stuck_site, stop_grace_s=2), tmp_path / "daemon.log"
    proc = start_daemon(cfg, log)
    crawl: dict[int, str] = {}
    try:
        wait_for("the stuck request", lambda: bool(stuck_site.requests_for(FEED)), proc, log, 300)
        crawl = descendants(proc.pid)
        assert crawl, "the crawl subprocess was not found"
        # a long write elsewhere holds the database (past the daemon's 30 s busy timeout) when the crawl ends: the
        # crawl job then fails reading and closing its run
        locker = sqlite3.connect(tmp_path / "canhgac.db", isolation_level=None, timeout=60)
        try:
            locker.execute("BEGIN EXCLUSIVE")
            kill_all(list(crawl))
            wait_for("the crawl job to fail", lambda: any(
                said in log.read_text() for said in ("job crawl tin-cham failed", "raised an exception")),
                proc, log, 240)
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        proc.terminate()
        assert proc.wait(timeout=120) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        kill_all(survivors_of(crawl))
    text = log.read_text()
    failed = [line for line in text.splitlines() if "job crawl tin-cham" in line]
    assert len(failed) == 1, text
    assert "failed, the database out of reach" in failed[0] and "database is locked" in failed[0], text
    assert "Traceback" not in text and "raised an exception" not in text, text
    assert "daemon stopped" in text, text


@pytest.mark.slow
def test_stop_grace_0_says_the_running_crawls_are_stopped_at_once(stuck_site: DemoSite, tmp_path: Path) -> None:
    cfg, log = _config(tmp_path, stuck_site, stop_grace_s=0), tmp_path / "daemon.log"
    proc = start_daemon(cfg, log)
    try:
        wait_for("the stuck request", lambda: bool(stuck_site.requests_for(FEED)), proc, log, 300)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = log.read_text()
    assert "stop_grace_s = 0: 1 running job(s) not waited for, their crawls are stopped at once" in text, text
    assert "waiting up to 0s" not in text and "grace period over" not in text, text
    assert "still running 3s after being asked to stop: killed 1 crawl subprocess" in text, text
    runs = _runs(tmp_path)
    assert len(runs) == 1 and runs[0][0] == "stopped", runs


@pytest.mark.slow
def test_second_ctrl_c_stops_the_running_crawls_at_once_and_says_so(stuck_site: DemoSite, tmp_path: Path) -> None:
    # a grace far longer than the test waits for the daemon to exit: only the second signal can end it in time
    cfg, log = _config(tmp_path, stuck_site, stop_grace_s=900), tmp_path / "daemon.log"
    proc = start_daemon(cfg, log)
    try:
        wait_for("the stuck request", lambda: bool(stuck_site.requests_for(FEED)), proc, log, 300)
        proc.send_signal(signal.SIGINT)
        wait_for("the grace period", lambda: "waiting up to 900s for 1 running job(s)" in log.read_text(),
                 proc, log, 120)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=120) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = log.read_text()
    assert "received SIGINT: stopping" in text, text
    assert "received SIGINT again: not waiting any longer, the running crawls are stopped now" in text, text
    assert "second signal: killed 1 crawl subprocess" in text and "grace period over" not in text, text
    runs = _runs(tmp_path)
    # still a stop on request (the crawl was told to stop before it was killed), not a failure of the source
    assert len(runs) == 1 and runs[0][0] == "stopped" and "Ctrl-C" in (runs[0][1] or ""), runs
