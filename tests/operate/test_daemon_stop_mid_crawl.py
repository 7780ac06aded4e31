"""Restarting the daemon during a crawl (an upgrade: `systemctl stop canhgac`) is not a failure of the source: the
crawl still running after stop_grace_s is told to stop, then killed, and its run is recorded as stopped on request,
so the failure streak, `status` and the weekly digest's "Nguồn có vấn đề" stay clean."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.demo_site.server import serve
from review.config import load_config
from review.digest import collect_digest, current_week
from review.models import Source, SourceRun
from review.store import Store
from tests.crawler.processes import descendants, kill_all, survivors_of
from tests.operate.daemon_process import stalled_config, stalled_feed, start_daemon, wait_for


@pytest.mark.slow
def test_daemon_stopped_mid_crawl_records_a_stopped_run(tmp_path: Path) -> None:
    release = threading.Event()
    site = serve()
    site.set_handler("/cham/rss.xml", stalled_feed(release))
    cfg, db = stalled_config(tmp_path, site.base_url, ["cham"])
    log = tmp_path / "daemon.log"
    proc = start_daemon(cfg, log)
    seen: dict[int, str] = {}
    try:
        wait_for("the stuck request", lambda: bool(site.requests_for("/cham/rss.xml")), proc, log, 300)
        seen = descendants(proc.pid)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == 0, log.read_text()
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
