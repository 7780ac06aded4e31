"""Restarting the daemon during a crawl (an upgrade: `systemctl stop canhgac`) is not a failure of the source: the
crawl still running after stop_grace_s is told to stop, then killed, and its run is recorded as stopped on request,
so the failure streak, `status` and the weekly digest's "Nguồn có vấn đề" stay clean."""

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
from review.config import load_config
from review.digest import collect_digest, current_week
from review.models import Source, SourceRun
from review.store import Store
from tests.crawler.processes import descendants, kill_all, survivors_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_daemon_stopped_mid_crawl_records_a_stopped_run(tmp_path: Path) -> None:
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
    try:
        deadline = time.monotonic() + 80
        while not site.requests_for("/cham/rss.xml"):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        seen = descendants(proc.pid)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0, log.read_text()
    finally:
        release.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        kill_all(survivors_of(seen))
        site.close()
    store = Store.open(db)
    with store.session() as s:
        runs = s.execute(select(SourceRun.status, SourceRun.message)).all()
        source = s.scalars(select(Source).where(Source.name == "cham")).one()
        failures, last_error = source.consecutive_failures, source.last_error
    assert [status for status, _ in runs] == ["stopped"], (runs, log.read_text())
    assert "đã dừng theo yêu cầu (nhận tín hiệu SIGTERM)" in (runs[0][1] or "")
    assert failures == 0 and not last_error
    data = collect_digest(store, load_config(str(cfg)), current_week("Asia/Ho_Chi_Minh"))
    assert data.source_problems == []  # a restart is not a problem of the source
    store.close()
