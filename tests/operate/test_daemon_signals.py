"""`canhgac run` stopped by SIGTERM or SIGHUP (the terminal it was started from closed) leaves no crawl
subprocess behind: a crawl stuck on a download is killed with its workers once the grace period is over."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.cli import main
from crawler.demo_site.server import serve
from review.models import Lease, SourceRun
from review.store import Store
from tests.crawler.processes import descendants, kill_all, survivors_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_daemon_stopped_by_a_signal_leaves_no_crawl_running(tmp_path: Path, signum: int) -> None:
    release = threading.Event()

    def stalled(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        handler.wfile.write(b"<?xml version='1.0'?><rss><channel>")
        handler.wfile.flush()
        release.wait(120)

    site = serve()
    site.set_handler("/cham/rss.xml", stalled)
    db = f"sqlite:///{tmp_path / 'canhgac.db'}"
    cfg = tmp_path / "canhgac.toml"
    cfg.write_text(f"""
[database]
url = "{db}"
[crawler]
crawl_timeout_s = 300
allow_private_hosts = true
download_timeout_s = 300
[classifier]
model = "{tmp_path / 'khong-co-mo-hinh.skops'}"
[daemon]
jitter_s = 0
stop_grace_s = 2
[[sources]]
name = "cham"
kind = "rss"
urls = ["{site.base_url}/cham/rss.xml"]
schedule = "every 1h"
""", encoding="utf-8")
    assert main(["--config", str(cfg), "init"]) == 0
    log = tmp_path / "daemon.log"
    with log.open("wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "--config", str(cfg), "run"], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=err)
    seen: dict[int, str] = {}
    survivors: list[int] = []
    try:
        deadline = time.monotonic() + 80
        while not site.requests_for("/cham/rss.xml"):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        seen = descendants(proc.pid)
        assert seen, "the crawl subprocess was not found"
        proc.send_signal(signum)
        proc.wait(timeout=60)
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

    def stalled(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        handler.wfile.write(b"<?xml version='1.0'?><rss><channel>")
        handler.wfile.flush()
        release.wait(120)

    site = serve()
    names = ["cham-a", "cham-b", "cham-c"]
    for name in names:
        site.set_handler(f"/{name}/rss.xml", stalled)
    db = f"sqlite:///{tmp_path / 'canhgac.db'}"
    cfg = tmp_path / "canhgac.toml"
    cfg.write_text(f"""
[database]
url = "{db}"
[crawler]
crawl_timeout_s = 300
allow_private_hosts = true
download_timeout_s = 300
[classifier]
model = "{tmp_path / 'khong-co-mo-hinh.skops'}"
[daemon]
jitter_s = 0
stop_grace_s = 2
""" + "".join(f"""
[[sources]]
name = "{name}"
kind = "rss"
urls = ["{site.base_url}/{name}/rss.xml"]
schedule = "every 1h"
""" for name in names), encoding="utf-8")
    assert main(["--config", str(cfg), "init"]) == 0
    log = tmp_path / "daemon.log"
    with log.open("wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "--config", str(cfg), "run"], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=err)

    def asked() -> list[str]:
        return [n for n in names if site.requests_for(f"/{n}/rss.xml")]

    seen: dict[int, str] = {}
    try:
        deadline = time.monotonic() + 80
        while not asked():  # the first crawl runs; the others run beside it or wait for a free slot
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        first = asked()
        seen = descendants(proc.pid)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
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
