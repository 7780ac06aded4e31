"""Ctrl-C during `canhgac crawl`: a crawl still running when the wait for it ran out is killed, and the summary said
"(buộc dừng ngay: …)" — "ngay" (at once) is what did not happen: it was told to stop, waited for, and only then
killed. The summary says it had not stopped in time. The real command and its crawl in real subprocesses, a
source on a real HTTP server on 127.0.0.1 that never answers, a real database."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from crawler.demo_site.server import DemoSite, serve
from crawler.runner import PROJECT_DIR
from crawler.runner import crawl_env as subprocess_env
from review.store import Store
from tests.crawler.conftest import FAST_CRAWLER
from tests.crawler.processes import descendants, kill_all, survivors_of

NO_MODEL = '\n[classifier]\nmodel = "models/khong-co.skops"\n'


@pytest.fixture
def site() -> Iterator[DemoSite]:
    s = serve()
    yield s
    s.close()


def test_a_crawl_killed_after_the_wait_is_not_said_to_be_stopped_at_once(site: DemoSite, db_url: str,
                                                                          tmp_path: Path) -> None:
    Store.open(db_url, create=True).close()
    released = threading.Event()

    def stuck(handler: BaseHTTPRequestHandler) -> None:
        released.wait(600)

    site.set_handler("/cham/", stuck)
    # no wait at all (`stop_grace_s = 0`): the crawl, held by its download, is still running when it runs out
    crawler = re.sub(r"download_timeout_s = \d+", "download_timeout_s = 500", FAST_CRAWLER)
    cfg = tmp_path / "canhgac.toml"
    cfg.write_text(f'[database]\nurl = "{db_url}"\n' + crawler + NO_MODEL + "\n[daemon]\nstop_grace_s = 0\n"
                   f'\n[[sources]]\nname = "cham"\nkind = "html"\nurls = ["{site.base_url}/cham/"]\n'
                   'selectors = { link = "a.post-link" }\n', encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "--config", str(cfg), "crawl", "--log-dir",
                             str(tmp_path / "logs"), "cham"],
                            cwd=PROJECT_DIR, env=subprocess_env(None) | {"CANHGAC_CONFIG": str(cfg)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen: dict[int, str] = {}
    try:
        deadline = time.monotonic() + 300  # starting the command and its crawl takes a while on a loaded machine
        while not site.requests_for("/cham/"):
            if proc.poll() is not None:
                pytest.fail(f"`canhgac crawl` ended ({proc.returncode}) before its request: {proc.communicate()}")
            if time.monotonic() > deadline:
                pytest.fail("timed out waiting for the crawl's request")
            time.sleep(0.1)
        seen = descendants(proc.pid)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=180)
    finally:
        released.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        kill_all(survivors_of(seen))
    text = err.decode("utf-8")
    assert proc.returncode == 130, text
    [line] = [line for line in text.splitlines() if "Dừng giữa chừng" in line]
    assert "Dừng giữa chừng: cham (chưa dừng kịp nên đã bị buộc dừng: cham)." in line, text
    assert "ngay" not in line, line
