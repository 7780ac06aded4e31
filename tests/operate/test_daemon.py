"""`canhgac run` as a real process: crawls the fixture site on a seconds-scale schedule, refuses a
second daemon on the same database, and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crawler.cli import main
from crawler.demo_site.server import DemoSite, serve
from review.models import Lease, SourceRun
from review.store import Store
from tests.operate.daemon_process import (
    ROOT,
    daemon_toml,
    stalled_config,
    stalled_feed,
    start_daemon,
    wait_for,
)


@pytest.fixture
def site() -> Iterator[DemoSite]:
    s = serve()
    yield s
    s.close()


@pytest.mark.slow
def test_daemon_crawls_on_schedule_refuses_a_second_and_stops_on_sigterm(
        site: DemoSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'canhgac.db'}"
    cfg = tmp_path / "canhgac.toml"
    # Scoring is not what this test is about: a missing model turns it off, so each crawl is quick. Not a speed
    # test either (that is bench/): timeouts are generous so that a loaded machine does not fail it.
    cfg.write_text(daemon_toml(tmp_path, crawl_timeout_s=600, stop_grace_s=10) + f"""\
[[sources]]
name = "so-vhttdl-rss"
kind = "rss"
urls = ["{site.base_url}/tin-tuc/rss.xml"]
official = true
schedule = "every 2s"
""", encoding="utf-8")
    assert main(["--config", str(cfg), "init"]) == 0
    store = Store.open(db)

    def finished_runs() -> int:
        with store.session() as s:
            return s.scalar(select(func.count()).select_from(SourceRun).where(SourceRun.status != "running")) or 0

    def started_runs() -> int:
        with store.session() as s:
            return s.scalar(select(func.count()).select_from(SourceRun)) or 0

    def lease() -> Lease | None:
        with store.session() as s:
            return s.get(Lease, "daemon")

    log = tmp_path / "daemon.log"
    proc = start_daemon(cfg, log)
    try:
        wait_for("the lease", lambda: lease() is not None, proc, log, 300)
        second = subprocess.run([sys.executable, "-m", "crawler.cli", "--config", str(cfg), "run"], cwd=ROOT,
                                capture_output=True, text=True, timeout=300)
        assert second.returncode == 1
        assert f"canhgac: một tiến trình nền khác ({lease().holder}) đang chạy trên cơ sở dữ liệu này từ" in second.stderr  # type: ignore[union-attr]
        assert "Traceback" not in second.stderr

        # on schedule: a crawl finished, and the next one started by the "every 2s" schedule, not by hand
        wait_for("a finished crawl and the next one started", lambda: finished_runs() >= 1 and started_runs() >= 2,
                 proc, log, 600)
        capsys.readouterr()
        code = main(["--config", str(cfg), "status", "--json"])
        seen = capsys.readouterr()
        status = json.loads(seen.out)
        # the only thing needing attention is the model this test leaves out on purpose: status says so (exit 1)
        assert code == 1 and status["warnings"] == ["model_missing"] and status["failing"] == [], (seen.out, seen.err)
        assert status["sources"][0]["result"] in ("ok", "running") and status["sources"][0]["items_total"] > 0
        assert status["sources"][0]["next_run"] is not None  # filled in by the daemon
        assert status["daemon"] and status["daemon"].startswith(lease().holder)  # type: ignore[union-attr]

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = log.read_text()
    assert "received SIGTERM: stopping" in text and "daemon stopped" in text
    assert lease() is None  # released
    capsys.readouterr()
    code = main(["--config", str(cfg), "status", "--json"])
    seen = capsys.readouterr()
    after = json.loads(seen.out)
    assert code == 1 and after["warnings"] == ["model_missing"], (seen.out, seen.err)  # the model left out on purpose
    assert after["daemon"] is None and after["sources"][0]["next_run"] is None
    with store.session() as s:
        runs = s.execute(select(SourceRun.status, SourceRun.items_new).order_by(SourceRun.id)).all()
    # nothing left half-written; a crawl the SIGTERM cut short is "stopped", not a failure of its source
    assert all(status in ("ok", "failed", "stopped") for status, _ in runs), runs
    assert len(runs) >= 2 and runs[0][0] == "ok" and runs[0][1] > 0, runs
    store.close()


@pytest.mark.slow
def test_sigterm_kills_a_stuck_crawl_after_the_grace_period(site: DemoSite, tmp_path: Path) -> None:
    release = threading.Event()
    site.set_handler("/cham/rss.xml", stalled_feed(release))
    cfg, db = stalled_config(tmp_path, site.base_url, ["cham"])
    log = tmp_path / "daemon.log"
    proc = start_daemon(cfg, log)
    try:
        wait_for("the stuck request", lambda: bool(site.requests_for("/cham/rss.xml")), proc, log, 300)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == 0, log.read_text()  # not the 300 s crawl timeout: the grace kill below
    finally:
        release.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "grace period over: killed 1 crawl subprocess" in log.read_text()
    store = Store.open(db)
    with store.session() as s:
        runs = s.execute(select(SourceRun.status, SourceRun.message)).all()
        assert s.get(Lease, "daemon") is None
    store.close()
    # the daemon stopping is a stop on request, not a failure of the source (it asked the crawl first, then killed it)
    assert len(runs) == 1 and runs[0][0] == "stopped" and "SIGTERM" in (runs[0][1] or ""), runs
