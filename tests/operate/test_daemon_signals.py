"""`canhgac run` stopped by SIGTERM or SIGHUP (the terminal it was started from closed) leaves no crawl
subprocess behind: a crawl stuck on a download is killed with its workers once the grace period is over."""

from __future__ import annotations

import signal
import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.demo_site.server import serve
from review.models import Lease, SourceRun
from review.store import Store
from tests.crawler.processes import descendants, kill_all, survivors_of
from tests.operate.daemon_process import stalled_config, stalled_feed, start_daemon, wait_for


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_daemon_stopped_by_a_signal_leaves_no_crawl_running(tmp_path: Path, signum: int) -> None:
    release = threading.Event()
    site = serve()
    site.set_handler("/cham/rss.xml", stalled_feed(release))
    cfg, db = stalled_config(tmp_path, site.base_url, ["cham"])
    log = tmp_path / "daemon.log"
    proc = start_daemon(cfg, log)
    seen: dict[int, str] = {}
    survivors: list[int] = []
    try:
        wait_for("the stuck request", lambda: bool(site.requests_for("/cham/rss.xml")), proc, log, 300)
        seen = descendants(proc.pid)
        assert seen, "the crawl subprocess was not found"
        proc.send_signal(signum)
        proc.wait(timeout=120)
        survivors = survivors_of(seen)  # while the stalled download still holds an orphaned crawl
    finally:
        release.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        kill_all(survivors or survivors_of(seen))
        site.close()
    text = log.read_text()
    assert survivors == [], (survivors, text)
    assert proc.returncode == 0, text
    assert f"received {signal.Signals(signum).name}: stopping" in text and "daemon stopped" in text, text
    store = Store.open(db)
    with store.session() as s:
        runs = s.execute(select(SourceRun.status)).scalars().all()
        assert s.get(Lease, "daemon") is None
    store.close()
    assert runs and all(status != "running" for status in runs), runs


@pytest.mark.slow
def test_crawls_waiting_for_a_free_slot_do_not_start_after_sigterm(tmp_path: Path) -> None:
    """More sources due than the daemon crawls at once: the ones still waiting when SIGTERM comes never start
    (they would start once the running crawls are killed, and hold the daemon's exit up for their whole crawl)."""
    release = threading.Event()
    site = serve()
    names = ["cham-a", "cham-b", "cham-c"]
    for name in names:
        site.set_handler(f"/{name}/rss.xml", stalled_feed(release))
    cfg, db = stalled_config(tmp_path, site.base_url, names)
    log = tmp_path / "daemon.log"
    proc = start_daemon(cfg, log)

    def asked() -> list[str]:
        return [n for n in names if site.requests_for(f"/{n}/rss.xml")]

    seen: dict[int, str] = {}
    try:
        # the first crawl runs; the others run beside it or wait for a free slot
        wait_for("a stuck request", lambda: bool(asked()), proc, log, 300)
        first = asked()
        seen = descendants(proc.pid)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            seen |= descendants(proc.pid)
            pytest.fail(f"the daemon did not stop; sources asked for: {asked()}:\n{log.read_text()}")
    finally:
        release.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        kill_all(survivors_of(seen))
        site.close()
    text = log.read_text()
    assert proc.returncode == 0, text
    assert len(asked()) < len(names), (first, asked(), text)  # at most the crawls already running
    store = Store.open(db)
    with store.session() as s:
        runs = s.execute(select(SourceRun.status)).scalars().all()
    store.close()
    assert all(status != "running" for status in runs), runs
