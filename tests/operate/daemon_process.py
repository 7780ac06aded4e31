"""`canhgac run` as a real process for the daemon tests: starting it, waiting on it, and a crawl that hangs
mid-download (a feed that sends its first bytes, then nothing) for the tests that stop the daemon mid-crawl."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from crawler.cli import main

ROOT = Path(__file__).resolve().parents[2]


def start_daemon(cfg: Path, log: Path) -> subprocess.Popen[bytes]:
    """`canhgac --config CFG run`, its log (stderr) written to `log`."""
    with log.open("wb") as err:
        return subprocess.Popen([sys.executable, "-m", "crawler.cli", "--config", str(cfg), "run"], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=err)


def wait_for(what: str, cond: Callable[[], bool], proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    """Until `cond()`; the test fails, with the daemon's log, if the daemon exits first or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        if proc.poll() is not None:
            pytest.fail(f"daemon exited ({proc.returncode}) while waiting for {what}:\n{log.read_text()}")
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}:\n{log.read_text()}")


def stalled_feed(release: threading.Event) -> Callable[[BaseHTTPRequestHandler], None]:
    """A handler for the demo site: a feed that sends its headers and first bytes, then nothing until `release`
    (or ten minutes), so the crawl fetching it is stuck mid-download."""

    def stalled(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        handler.wfile.write(b"<?xml version='1.0'?><rss><channel>")
        handler.wfile.flush()
        release.wait(600)

    return stalled


def daemon_toml(tmp_path: Path, *, crawl_timeout_s: int, stop_grace_s: int, download_timeout_s: int = 0) -> str:
    """A daemon test's [database] (SQLite in `tmp_path`), [crawler], [classifier] and [daemon] tables: the demo
    site's private address allowed, no model (scoring is not what these tests are about: a missing model turns
    it off, so each crawl is quick), no jitter; the sources are the test's to add."""
    download = f"download_timeout_s = {download_timeout_s}\n" if download_timeout_s else ""
    return f"""
[database]
url = "sqlite:///{tmp_path / 'canhgac.db'}"
[crawler]
crawl_timeout_s = {crawl_timeout_s}
allow_private_hosts = true
{download}[classifier]
model = "{tmp_path / 'khong-co-mo-hinh.skops'}"
[daemon]
jitter_s = 0
stop_grace_s = {stop_grace_s}
"""


def stalled_config(tmp_path: Path, base_url: str, names: Sequence[str]) -> tuple[Path, str]:
    """An initialised configuration `canhgac.toml` (and its database URL) in `tmp_path` with RSS sources `names`
    at `{base_url}/{name}/rss.xml`, each due at start and then hourly; crawl and download timeouts far longer
    than the 2 s stop grace, so a crawl stuck on a `stalled_feed` is still running when the daemon stops."""
    cfg = tmp_path / "canhgac.toml"
    cfg.write_text(daemon_toml(tmp_path, crawl_timeout_s=300, stop_grace_s=2, download_timeout_s=300) + "".join(f"""\
[[sources]]
name = "{name}"
kind = "rss"
urls = ["{base_url}/{name}/rss.xml"]
schedule = "every 1h"
""" for name in names), encoding="utf-8")
    assert main(["--config", str(cfg), "init"]) == 0
    return cfg, f"sqlite:///{tmp_path / 'canhgac.db'}"
