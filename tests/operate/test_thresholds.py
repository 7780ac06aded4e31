"""A threshold changed in `[classifier.thresholds]` is audited (old and new value, actor "config") when
`canhgac crawl` runs and when the daemon starts, once per change, and the audit chain stays intact."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crawler.cli import main
from crawler.demo_site.server import DemoSite, serve
from review.models import AuditLog
from review.store import Store
from tests.crawler.conftest import FAST_CRAWLER

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def site() -> Iterator[DemoSite]:
    s = serve()
    yield s
    s.close()


def _config(path: Path, db_url: str, scam: float, sources: str = "") -> str:
    path.write_text(f'[database]\nurl = "{db_url}"\n{FAST_CRAWLER}\n[classifier]\n'
                    f'model = "{path.parent / "no-model-here.skops"}"\n'  # scoring is not what this is about
                    f'[classifier.thresholds]\nscam = {scam}\nhate = 0.8\n{sources}', encoding="utf-8")
    return str(path)


def _threshold_rows(db_url: str) -> list[tuple[str, dict[str, Any]]]:
    store = Store.open(db_url)
    try:
        with store.session() as s:
            rows = s.scalars(select(AuditLog).where(AuditLog.action == "threshold_change").order_by(AuditLog.id))
            return [(r.actor, dict(r.details)) for r in rows]
    finally:
        store.close()


def _recorded_earlier(db_url: str) -> None:
    """What an earlier crawl or daemon start recorded (one crawl process costs seconds: Scrapy's imports)."""
    store = Store.open(db_url)
    try:
        store.sync_thresholds("config", {"scam": 0.7, "hate": 0.8})
    finally:
        store.close()


def test_crawl_audits_a_changed_threshold(db_url: str, tmp_path: Path, site: DemoSite,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    source = f'[[sources]]\nname = "rss"\nkind = "rss"\nurls = ["{site.base_url}/tin-tuc/rss.xml"]\n'
    cfg = _config(tmp_path / "canhgac.toml", db_url, 0.6, source)
    assert main(["--config", cfg, "init"]) == 0
    _recorded_earlier(db_url)
    capsys.readouterr()
    assert main(["--config", cfg, "crawl"]) == 0
    assert "Ngưỡng scam: 0.7 → 0.6" in capsys.readouterr().out
    assert _threshold_rows(db_url) == [("config", {"category": "hate", "old": None, "new": 0.8}),
                                       ("config", {"category": "scam", "old": None, "new": 0.7}),
                                       ("config", {"category": "scam", "old": 0.7, "new": 0.6})]
    assert main(["--config", cfg, "audit", "verify"]) == 0


def test_daemon_start_audits_a_changed_threshold(db_url: str, tmp_path: Path) -> None:
    cfg = _config(tmp_path / "canhgac.toml", db_url, 0.5)
    assert main(["--config", cfg, "init"]) == 0
    _recorded_earlier(db_url)
    log = tmp_path / "daemon.log"
    with log.open("wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "--config", cfg, "run"], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + 300  # the daemon's start takes a while on a loaded machine
        while len(_threshold_rows(db_url)) < 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert _threshold_rows(db_url)[2:] == [("config", {"category": "scam", "old": 0.7, "new": 0.5})], log.read_text()
    assert "threshold scam: 0.7 -> 0.5" in log.read_text()
    assert main(["--config", cfg, "audit", "verify"]) == 0
