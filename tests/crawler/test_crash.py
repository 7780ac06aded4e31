"""kill -9 in the middle of a crawl, then again: nothing stored twice, nothing lost; timeouts recorded."""

from __future__ import annotations

import os
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler

from sqlalchemy import func, select

from crawler.demo_site.server import ROOT
from crawler.runner import run_source, start_source
from review.models import Item, Source, SourceRun


class _Gate:
    """Serves the first `open_for` articles at once; the rest wait until `release()` (or 600 s)."""

    def __init__(self, site, open_for: int) -> None:  # type: ignore[no-untyped-def]
        self.site, self.left, self.lock, self.released = site, open_for, threading.Lock(), threading.Event()

    def handler(self, path: str):  # type: ignore[no-untyped-def]
        page = self.site.lookup(path)

        def handle(handler: BaseHTTPRequestHandler) -> None:
            with self.lock:
                served_now = self.left > 0
                self.left -= 1
            if not served_now:
                self.released.wait(600)
            try:
                handler.send_response(200)
                handler.send_header("Content-Type", page.content_type)
                handler.send_header("Content-Length", str(len(page.body)))
                handler.end_headers()
                handler.wfile.write(page.body)
            except OSError:
                pass
        return handle

    def release(self) -> None:
        self.released.set()


def test_kill_9_mid_crawl_then_rerun(crawl_env) -> None:  # type: ignore[no-untyped-def]
    cfg = crawl_env.configure()
    gate = _Gate(crawl_env.site, open_for=4)
    for article in (ROOT / "tin-tuc").glob("*.html"):
        path = f"/tin-tuc/{article.name}"
        crawl_env.site.set_handler(path, gate.handler(path))
    proc = start_source(str(cfg), "so-vhttdl-rss", crawl_env.tmp / "killed.log",
                        {"CANHGAC_SCORE_ENABLED": "0", "DOWNLOAD_TIMEOUT": "120"})
    try:
        deadline = time.monotonic() + 300  # a crawl's start takes a while on a loaded machine
        while crawl_env.store.item_count() < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert proc.poll() is None, "the crawl ended before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        gate.release()
    stored = crawl_env.store.item_count()
    assert 3 <= stored <= 4  # the other 8 articles were still held back when the process died

    out = crawl_env.run("so-vhttdl-rss")
    assert out.ok, out.message
    assert out.items_new == 12 - stored
    with crawl_env.store.session() as s:
        per_url = s.execute(select(Item.canonical_url, func.count()).group_by(Item.canonical_url)).all()
        statuses = [r.status for r in s.scalars(select(SourceRun).order_by(SourceRun.id))]
    assert len(per_url) == 12 and all(n == 1 for _, n in per_url)
    assert statuses == ["killed", "ok"]


def test_timeout_kills_the_crawl_and_records_a_failure(crawl_env) -> None:  # type: ignore[no-untyped-def]
    def never(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(30)

    crawl_env.site.set_handler("/tin-tuc/rss.xml", never)
    crawl_env.site.set_handler("/tin-tuc/atom.xml", never)
    cfg = crawl_env.configure()
    out = run_source(str(cfg), "so-vhttdl-rss", 8, log_path=crawl_env.tmp / "timeout.log",
                     settings={"DOWNLOAD_TIMEOUT": "60", "CANHGAC_SCORE_ENABLED": "0"})
    assert not out.ok and "quá thời gian" in out.message  # the feed would answer only after 30 s
    with crawl_env.store.session() as s:
        src = s.scalars(select(Source).where(Source.name == "so-vhttdl-rss")).one()
        runs = list(s.scalars(select(SourceRun)))
    assert src.consecutive_failures == 1 and "quá thời gian" in (src.last_error or "")
    assert [r.status for r in runs] == ["failed"]
