"""The parent-gone stop (crawler.parent_gone) uses the crawler's supported stop (`Crawler.stop_async`, Scrapy
2.14+), not the deprecated `Crawler.stop()`: a real `canhgac crawl` on a slow endless site on 127.0.0.1, its crawl
subprocess sent the parent-gone signal, and the crawl log read for Scrapy's deprecation warning."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import select

from crawler.parent_gone import PARENT_GONE_SIGNAL
from crawler.runner import PROJECT_DIR
from crawler.runner import crawl_env as subprocess_env
from review.models import Source, SourceRun
from tests.crawler.conftest import FAST_CRAWLER
from tests.crawler.processes import _processes, descendants, kill_all, survivors_of
from tests.crawler.test_crawl_orphans import NO_MODEL, _articles_requested, _endless_source


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_parent_gone_stop_uses_no_deprecated_scrapy_api(crawl_env, db_url: str) -> None:  # type: ignore[no-untyped-def]
    closing = threading.Event()
    cfg = crawl_env.tmp / "canhgac.toml"
    cfg.write_text(f'[database]\nurl = "{db_url}"\n' + FAST_CRAWLER + NO_MODEL + _endless_source(crawl_env.site, closing),
                   encoding="utf-8")
    logs = crawl_env.tmp / "logs"
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "--config", str(cfg), "crawl", "--log-dir", str(logs),
                             "cham"], cwd=PROJECT_DIR, env=subprocess_env(None) | {"CANHGAC_CONFIG": str(cfg)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while _articles_requested(crawl_env.site) < 3:
            assert proc.poll() is None, f"`canhgac crawl` ended ({proc.returncode}) before its crawl got going"
            assert time.monotonic() < deadline, "the crawl never fetched an article"
            time.sleep(0.1)
        [crawl] = [pid for pid, (ppid, *_) in _processes().items() if ppid == proc.pid]
        os.kill(crawl, PARENT_GONE_SIGNAL)
        proc.wait(timeout=300)
    finally:
        closing.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        kill_all(survivors_of(descendants(proc.pid)))
    log = (logs / "cham.log").read_text("utf-8", errors="replace")
    assert "stopping gracefully" in log, log[-2000:]  # the signal reached the extension
    assert "Crawler.stop() is deprecated" not in log and "ScrapyDeprecationWarning" not in log, log[-3000:]
    with crawl_env.store.session() as s:
        statuses = list(s.scalars(select(SourceRun.status).join(Source, Source.id == SourceRun.source_id)
                                  .where(Source.name == "cham")))
    assert statuses == ["stopped"], (statuses, log[-2000:])  # the same graceful stop as before
