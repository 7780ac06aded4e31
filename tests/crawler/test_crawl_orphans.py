"""`canhgac crawl` killed with SIGKILL (no handler runs: the OOM killer, `kill -9`) leaves no crawl running: each
crawl subprocess (in a session of its own) is sent SIGUSR2 by the kernel when its parent dies (Linux
PR_SET_PDEATHSIG), stops gracefully (crawler.parent_gone, once however often the signal comes) and records its
run as stopped. A real site on 127.0.0.1 whose pages answer
slowly and never run out, a real database, `canhgac crawl` and its crawl in real subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler

import pytest
from sqlalchemy import select

from crawler.parent_gone import PARENT_GONE_SIGNAL
from crawler.runner import PROJECT_DIR
from crawler.runner import crawl_env as subprocess_env
from review.models import Source, SourceRun
from tests.crawler.conftest import FAST_CRAWLER
from tests.crawler.processes import _processes, descendants, kill_all, survivors_of

NO_MODEL = '\n[classifier]\nmodel = "models/khong-co.skops"\n'
ARTICLES = 3000  # at one slow answer each, far more than the crawl could fetch while the test waits


def _endless_source(site, closing: threading.Event) -> str:  # type: ignore[no-untyped-def]
    """An html source whose listing links to ARTICLES pages, each answering after a second: a crawl that, left
    alone, goes on for many minutes. Its [[sources]] TOML."""
    links = "".join(f'<a class="post-link" href="/cham/bai-{i}.html">Bài {i}</a>\n' for i in range(ARTICLES))
    site.set("/cham/", f"<html><body>{links}</body></html>")

    def slow(handler: BaseHTTPRequestHandler) -> None:
        closing.wait(1)
        body = (f"<html><head><title>{handler.path}</title></head><body><article><p>Tin chậm {handler.path}, "
                "nội dung bình thường về hoạt động văn hoá của phường.</p></article></body></html>").encode()
        try:
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html; charset=utf-8")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except OSError:
            pass

    for i in range(ARTICLES):
        site.set_handler(f"/cham/bai-{i}.html", slow)
    return f'''
[[sources]]
name = "cham"
kind = "html"
urls = ["{site.base_url}/cham/"]
selectors = {{ link = "a.post-link" }}
'''


def _articles_requested(site) -> int:  # type: ignore[no-untyped-def]
    with site._lock:
        return sum(1 for r in site.requests if r.path.startswith("/cham/bai-"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_sigkilled_crawl_command_leaves_no_crawl_running(crawl_env, db_url: str) -> None:  # type: ignore[no-untyped-def]
    closing = threading.Event()
    cfg = crawl_env.tmp / "canhgac.toml"
    cfg.write_text(f'[database]\nurl = "{db_url}"\n' + FAST_CRAWLER + NO_MODEL + _endless_source(crawl_env.site, closing),
                   encoding="utf-8")
    logs = crawl_env.tmp / "logs"
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "--config", str(cfg), "crawl", "--log-dir", str(logs),
                             "cham"], cwd=PROJECT_DIR, env=subprocess_env(None) | {"CANHGAC_CONFIG": str(cfg)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen: dict[int, str] = {}
    survivors: list[int] = []
    try:
        deadline = time.monotonic() + 300
        while _articles_requested(crawl_env.site) < 3:  # the crawl is under way
            assert proc.poll() is None, f"`canhgac crawl` ended ({proc.returncode}) before its crawl got going"
            assert time.monotonic() < deadline, "the crawl never fetched an article"
            time.sleep(0.1)
        seen = descendants(proc.pid)
        assert seen, "the crawl subprocess was not found"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # the crawl finishes the pages in hand (about a second each) and records its run: poll, generously
        deadline = time.monotonic() + 300
        while (survivors := survivors_of(seen)) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        closing.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        kill_all(survivors or survivors_of(seen))
    log = (logs / "cham.log").read_text("utf-8", errors="replace")
    assert survivors == [], f"crawl processes outlived the killed `canhgac crawl`: {survivors}\n{log[-2000:]}"
    assert _articles_requested(crawl_env.site) < ARTICLES
    with crawl_env.store.session() as s:
        statuses = list(s.scalars(select(SourceRun.status).join(Source, Source.id == SourceRun.source_id)
                                  .where(Source.name == "cham")))
    assert statuses == ["stopped"], (statuses, log[-2000:])  # stopped gracefully (crawler.parent_gone), not killed



@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_parent_gone_signal_twice_is_still_one_graceful_stop(crawl_env, db_url: str) -> None:  # type: ignore[no-untyped-def]
    """The kernel sends the parent-death signal again each time the orphaned crawl is handed to another exiting
    thread of the killed command: two in a row (as a SIGKILLed multi-threaded `canhgac crawl` may give) must still
    be one graceful stop — Scrapy takes a second SIGTERM as "stop uncleanly", which left the run `running`."""
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
        time.sleep(0.5)  # apart, so the two are not merged into one pending signal
        os.kill(crawl, PARENT_GONE_SIGNAL)
        proc.wait(timeout=300)  # the crawl stops, and `canhgac crawl` with it
    finally:
        closing.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        kill_all(survivors_of(descendants(proc.pid)))
    log = (logs / "cham.log").read_text("utf-8", errors="replace")
    assert "forcing unclean shutdown" not in log, log[-2000:]
    with crawl_env.store.session() as s:
        statuses = list(s.scalars(select(SourceRun.status).join(Source, Source.id == SourceRun.source_id)
                                  .where(Source.name == "cham")))
    assert statuses == ["stopped"], (statuses, log[-2000:])
