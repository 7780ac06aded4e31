"""Each crawl records, reports and closes its own run: two crawls of one source at the same time (the daemon and a
manual `canhgac crawl`, scrapy-redis workers on several machines) leave each other's runs alone, and a run still
"running" is closed as killed only when its crawl is gone (its lease expired, or its process on this host has
exited). A real site on 127.0.0.1, a real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is
set), the crawls in real subprocesses."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler

from sqlalchemy import select, update

from crawler.runner import PROJECT_DIR, RunOutcome, run_source
from crawler.runner import crawl_env as subprocess_env
from review.config import load_config
from review.models import Lease, Source, SourceRun
from review.store import Store
from review.types import utcnow
from tests.crawler.conftest import crawler_table

NO_MODEL = '\n[classifier]\nmodel = "models/khong-co.skops"\n'
QUICK = {"CANHGAC_SCORE_ENABLED": "0", "CANHGAC_WORKERS": "0"}
ARTICLES = 5
# a listing is held back while the other crawl starts (a while on a loaded machine): its download must not time out
HELD = crawler_table(download_timeout_s=500)


def _gated_listing(site, prefix: str, gate: threading.Event) -> str:  # type: ignore[no-untyped-def]
    """A listing at /<prefix>/ that answers once `gate` is set, linking to ARTICLES articles; the [[sources]] TOML
    of source "chung" crawling it."""
    links = "".join(f'<a class="post-link" href="/{prefix}/bai-{i}.html">Bài {i}</a>\n' for i in range(ARTICLES))
    body = f"<html><body>{links}</body></html>".encode()

    def listing(handler: BaseHTTPRequestHandler) -> None:
        gate.wait(600)
        try:
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html; charset=utf-8")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except OSError:
            pass

    site.set_handler(f"/{prefix}/", listing)
    for i in range(ARTICLES):
        site.set(f"/{prefix}/bai-{i}.html",
                 f"<html><head><title>Tin {prefix} {i}</title></head><body><article><p>Tin {prefix} số {i} về hoạt "
                 "động văn hoá, thể thao của phường trong tuần qua.</p></article></body></html>")
    return f'''
[[sources]]
name = "chung"
kind = "html"
urls = ["{site.base_url}/{prefix}/"]
selectors = {{ link = "a.post-link" }}
'''


def _wait_for(what: str, done, thread: threading.Thread | None = None) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 300
    while not done():
        assert thread is None or thread.is_alive(), f"the crawl ended before {what}"
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.1)


def test_two_crawls_of_one_source_each_report_and_close_their_own_run(crawl_env, db_url: str) -> None:  # type: ignore[no-untyped-def]
    """The first crawl finishes while the second still runs: each reports its own run, neither is marked killed,
    no failure is recorded (before: the second closed the first's run as killed, the first reported the
    second's, still running, run as its own failure)."""
    site, tmp = crawl_env.site, crawl_env.tmp
    gate_a, gate_b = threading.Event(), threading.Event()
    configs = {}
    for prefix, gate in (("a", gate_a), ("b", gate_b)):  # one source, two machines' configs (other start URLs)
        configs[prefix] = tmp / f"{prefix}.toml"
        configs[prefix].write_text(f'[database]\nurl = "{db_url}"\n' + HELD + NO_MODEL
                                   + _gated_listing(site, prefix, gate), encoding="utf-8")
    outcomes: dict[str, RunOutcome] = {}

    def crawl(prefix: str) -> None:
        outcomes[prefix] = run_source(str(configs[prefix]), "chung", 600, log_path=tmp / f"{prefix}.log",
                                      settings=QUICK)

    first, second = (threading.Thread(target=crawl, args=(p,)) for p in ("a", "b"))
    try:
        first.start()
        _wait_for("the first crawl asked for its listing", lambda: site.requests_for("/a/"), first)
        second.start()
        _wait_for("the second crawl asked for its listing", lambda: site.requests_for("/b/"), second)
        gate_a.set()
        first.join(timeout=600)
        assert second.is_alive()  # its listing is still held back: the first one finished while it ran
    finally:
        gate_a.set()
        gate_b.set()
        first.join(timeout=600)
        second.join(timeout=600)
    logs = "\n".join((tmp / f"{p}.log").read_text("utf-8", errors="replace")[-1500:] for p in "ab")
    a, b = outcomes["a"], outcomes["b"]
    assert a.ok and a.items_new == ARTICLES and not a.message, (a, logs)
    assert b.ok and b.items_new == ARTICLES and not b.message, (b, logs)
    with crawl_env.store.session() as s:
        runs = list(s.scalars(select(SourceRun).order_by(SourceRun.id)))
        src = s.scalars(select(Source).where(Source.name == "chung")).one()
        leases = list(s.scalars(select(Lease).where(Lease.name.startswith("run:"))))
    assert [(r.status, r.items_new) for r in runs] == [("ok", ARTICLES), ("ok", ARTICLES)], logs
    assert src.last_error is None and src.consecutive_failures == 0 and src.items_total == 2 * ARTICLES
    assert leases == []  # closed runs hold no lease


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_only_runs_whose_crawl_is_gone_are_closed_as_killed(store: Store) -> None:
    from review.sources import run_lease

    with store.session() as s:
        s.add(Source(name="chung", kind="rss"))
    here = socket.gethostname()
    elsewhere_live = store.start_run("chung", holder="may-chu-khac:4242")  # another machine, heartbeat fresh
    here_live = store.start_run("chung")  # this process
    here_dead = store.start_run("chung", holder=f"{here}:{_dead_pid()}")  # its process on this host exited
    elsewhere_silent = store.start_run("chung", holder="may-chu-khac:4343")
    with store.session() as s:  # that machine's crawl stopped renewing its lease long ago
        s.execute(update(Lease).where(Lease.name == run_lease(elsewhere_silent))
                  .values(expires_at=utcnow() - timedelta(minutes=5)))
    assert store.heartbeat_run(elsewhere_live, items_new=3, pages=4)

    assert store.close_stale_runs("chung") == 2
    status = {run_id: store.get_run(run_id).status for run_id in  # type: ignore[union-attr]
              (elsewhere_live, here_live, here_dead, elsewhere_silent)}
    assert status == {elsewhere_live: "running", here_live: "running", here_dead: "killed",
                      elsewhere_silent: "killed"}
    assert store.close_stale_runs("chung") == 0
    assert store.heartbeat_run(elsewhere_live) and not store.heartbeat_run(here_dead)
    live = store.get_run(elsewhere_live)
    assert live is not None and (live.items_new, live.pages) == (3, 4)  # the counters its heartbeat saved


def test_a_crawl_started_directly_records_a_run_of_its_own(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """`scrapy crawl` without a run handed to it (a worker started by hand) leaves a live run of the same source
    alone and records its own."""
    cfg = crawl_env.configure()
    crawl_env.store.ensure_source(load_config(str(cfg)).source("so-vhttdl-rss"))
    other = crawl_env.store.start_run("so-vhttdl-rss")  # another crawl's, running in this (live) process
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "rss", "-a", "source=so-vhttdl-rss",
                           "-s", "CANHGAC_SCORE_ENABLED=0", "-s", "CANHGAC_WORKERS=0"],
                          cwd=PROJECT_DIR, env=subprocess_env(str(cfg)), capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")[-2000:]
    with crawl_env.store.session() as s:
        runs = [(r.id, r.status) for r in s.scalars(select(SourceRun).order_by(SourceRun.id))]
    assert runs[0] == (other, "running") and [st for _, st in runs[1:]] == ["ok"], runs

