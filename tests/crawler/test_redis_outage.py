"""Two crawl workers sharing one queue through Redis (`[crawler] redis_url`) when Redis goes away mid-crawl.

Redis is the real one on 127.0.0.1:6379, reached through a TCP relay on a port of the test's own, so the test
can make it unreachable (connections cut, port closed) without touching the system service. Each test has
its own key prefix; the demo site and the database are real.

Before the fix a worker that lost Redis logged a traceback every few seconds and never ended, its run left
"running"; now it goes on alone with what it holds, rejoins the round when Redis is back, and ends its run as
failed, naming Redis, when Redis stays away.

Also a worker of the round killed (SIGKILL) while it fetches pages: the survivor fetches those pages in the same
round once the dead worker's key expired (`crawler.taken`).
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crawler.demo_site.server import ROOT as SITE_ROOT
from crawler.demo_site.server import DemoSite, demo_sources_toml
from crawler.runner import start_source
from crawler.shared import SharedScheduler
from review.models import Item, Source, SourceRun
from tests.crawler.conftest import FAST_CRAWLER

redis = pytest.importorskip("redis")
REDIS = ("127.0.0.1", 6379)
SOURCE = "so-vhttdl-rss"  # an RSS and an Atom feed listing the same 12 articles
ARTICLES = sorted(f"/tin-tuc/{p.name}" for p in (SITE_ROOT / "tin-tuc").glob("*.html") if p.name != "index.html")


class Relay:
    """A TCP relay to the real Redis that can be cut (every connection closed, the port refusing) and restored
    on the same port."""

    def __init__(self) -> None:
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.listener: socket.socket | None = None
        self.conns: list[socket.socket] = []
        self.lock = threading.Lock()

    def start(self) -> None:
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", self.port))
        ls.listen(64)
        self.listener = ls
        threading.Thread(target=self._accept, args=(ls,), daemon=True).start()

    def _accept(self, ls: socket.socket) -> None:
        while True:
            try:
                client, _ = ls.accept()
            except OSError:
                return
            upstream = socket.create_connection(REDIS)
            with self.lock:
                self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self) -> None:
        if self.listener is not None:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread (close alone does not)
            self.listener.close()
            self.listener = None
        with self.lock:
            conns, self.conns = self.conns, []
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


@pytest.fixture
def relay() -> Iterator[tuple[Relay, Any, str]]:
    client = redis.Redis(*REDIS, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"needs Redis at {REDIS} ({exc})")
    r = Relay()
    r.start()
    prefix = f"canhgac-h7-{uuid.uuid4().hex[:12]}"
    yield r, client, prefix
    r.cut()
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def _wait(what: str, ready: Callable[[], bool], timeout: float = 300) -> None:
    """Until `ready()`, generously: starting a crawl worker takes a while on a loaded machine."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.05)


def _gate_articles(site: DemoSite, release: threading.Event) -> None:
    def handler(request: BaseHTTPRequestHandler) -> None:
        release.wait(600)
        # the RSS feed links its articles with ?utm_… (the Atom feed without): whichever feed a worker read first
        page = site.lookup(request.path.split("?", 1)[0])
        assert page is not None
        request.send_response(200)
        request.send_header("Content-Type", page.content_type)
        request.send_header("Content-Length", str(len(page.body)))
        request.end_headers()
        request.wfile.write(page.body)

    for article in ARTICLES:
        site.set_handler(article, handler)


def _start_workers(crawl_env, relay: Relay, prefix: str, count: int = 2,  # type: ignore[no-untyped-def]
                   **extra: str) -> tuple[list, list[Path]]:  # type: ignore[type-arg]
    site: DemoSite = crawl_env.site
    cfg = crawl_env.tmp / "canhgac.toml"
    cfg.write_text(f'[database]\nurl = "{crawl_env.db_url}"\n{FAST_CRAWLER}'
                   f'redis_url = "redis://127.0.0.1:{relay.port}/0"\n' + demo_sources_toml(site.base_url),
                   encoding="utf-8")
    # two requests in flight per worker: with four articles requested, both workers hold two each
    settings = {"CANHGAC_SCORE_ENABLED": "0", "CANHGAC_REDIS_PREFIX": prefix, "CONCURRENT_REQUESTS": "2",
                "CANHGAC_WORKERS": "0", "DOWNLOAD_TIMEOUT": "600", **extra}  # longer than an answer held back
    logs = [crawl_env.tmp / f"worker-{i}-{uuid.uuid4().hex[:6]}.log" for i in range(1, count + 1)]
    return [start_source(str(cfg), SOURCE, log, settings) for log in logs], logs


def _finish(workers: list, logs: list[Path]) -> tuple[list[int | None], str]:  # type: ignore[type-arg]
    codes: list[int | None] = []
    try:
        for w in workers:
            try:
                codes.append(w.wait(timeout=600))
            except Exception:  # noqa: BLE001 - still running: reported by the caller's assertion
                codes.append(None)
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
                w.wait()
    return codes, "\n".join(p.read_text(errors="replace")[-4000:] for p in logs)


@pytest.fixture
def env(crawl_env, db_url: str):  # type: ignore[no-untyped-def]
    crawl_env.db_url = db_url
    return crawl_env


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_workers_ride_out_a_short_redis_outage(env, relay: tuple[Relay, Any, str]) -> None:  # type: ignore[no-untyped-def]
    """Redis cut while both workers hold pages, restored once both noticed: every article is fetched and
    stored once, both runs end ok and the round's keys are gone."""
    r, client, prefix = relay
    site: DemoSite = env.site
    release = threading.Event()
    _gate_articles(site, release)
    workers, logs = _start_workers(env, r, prefix, CANHGAC_REDIS_DOWN_S="600")  # restored well within it
    try:
        _wait("both workers holding two articles", lambda: sum(x.path in ARTICLES for x in site.requests) >= 4)
        r.cut()
        release.set()
        _wait("both workers noticed Redis gone", lambda: all("Redis unreachable" in p.read_text(errors="replace")
                                                             for p in logs))
        r.start()
    finally:
        release.set()
        codes, output = _finish(workers, logs)
    assert codes == [0, 0], output
    fetched = Counter(x.path for x in site.requests)
    assert {p: n for p, n in fetched.items() if p in ARTICLES} == dict.fromkeys(ARTICLES, 1), output
    with env.store.session() as s:
        urls = list(s.scalars(select(Item.canonical_url).join(Source).where(Source.name == SOURCE)))
        runs = list(s.scalars(select(SourceRun).order_by(SourceRun.id)))
    assert len(urls) == len(set(urls)) == len(ARTICLES)
    assert [x.status for x in runs] == ["ok", "ok"], [(x.status, x.message) for x in runs]
    assert "Redis reachable again" in output
    assert list(client.scan_iter(match=f"{prefix}:*")) == []


def test_workers_end_their_runs_when_redis_stays_away(env, relay: tuple[Relay, Any, str]) -> None:  # type: ignore[no-untyped-def]
    """Redis cut for good mid-crawl: each worker finishes what it holds, stores it, and ends its run as failed
    saying Redis was lost (before: it never ended). What stayed in the shared queue is left to the next crawl:
    nothing fetched was lost, nothing was stored twice."""
    r, _client, prefix = relay
    site: DemoSite = env.site
    release = threading.Event()
    _gate_articles(site, release)
    workers, logs = _start_workers(env, r, prefix, CANHGAC_REDIS_DOWN_S="3")
    try:
        _wait("both workers holding two articles", lambda: sum(x.path in ARTICLES for x in site.requests) >= 4)
        r.cut()
    finally:
        release.set()
        codes, output = _finish(workers, logs)
    assert codes == [0, 0], output
    fetched = Counter(x.path for x in site.requests if x.path in ARTICLES)
    assert set(fetched.values()) == {1} and len(fetched) >= 4, output
    with env.store.session() as s:
        urls = list(s.scalars(select(Item.url).join(Source).where(Source.name == SOURCE)))
        runs = list(s.scalars(select(SourceRun).order_by(SourceRun.id)))
    # what was fetched was stored (a feed may link an article with tracking parameters: its path is what was fetched)
    assert sorted(u.split("?")[0] for u in urls) == sorted(site.base_url + p for p in fetched), output
    assert [x.status for x in runs] == ["failed", "failed"], output
    assert all(SharedScheduler.REDIS_DOWN in (x.message or "") for x in runs), [x.message for x in runs]

    # the next crawl collects what the lost queue held, and stores nothing twice
    env.configure()
    outcome = env.run(SOURCE)
    assert outcome.ok, outcome
    with env.store.session() as s:
        urls = list(s.scalars(select(Item.canonical_url).join(Source).where(Source.name == SOURCE)))
    assert len(urls) == len(set(urls)) == len(ARTICLES)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_worker_restarted_after_the_seeder_was_killed_crawls_the_round(  # type: ignore[no-untyped-def]
        env, relay: tuple[Relay, Any, str]) -> None:
    """The round's seeder is killed (SIGKILL) while fetching the feeds, and a worker is started again at once:
    it joins the round, whose start URLs nobody will read. Before the fix it waited for the dead seeder's key
    to expire and ended "ok" with nothing crawled; now it seeds the round again and collects every article."""
    r, client, prefix = relay
    site: DemoSite = env.site
    killed = threading.Event()

    def feed_after_kill(request: BaseHTTPRequestHandler) -> None:
        killed.wait(600)
        page = site.lookup(request.path)
        assert page is not None
        request.send_response(200)
        request.send_header("Content-Type", page.content_type)
        request.send_header("Content-Length", str(len(page.body)))
        request.end_headers()
        request.wfile.write(page.body)

    for feed in ("/tin-tuc/rss.xml", "/tin-tuc/atom.xml"):
        site.set_handler(feed, feed_after_kill)
    [seeder], _logs = _start_workers(env, r, prefix, count=1)
    _wait("the seeder fetching a feed", lambda: any(x.path.endswith(".xml") for x in site.requests))
    seeder.kill()
    seeder.wait()
    killed.set()
    [again], logs = _start_workers(env, r, prefix, count=1)
    codes, output = _finish([again], logs)
    assert codes == [0], output
    fetched = Counter(x.path for x in site.requests if x.path in ARTICLES)
    assert fetched == dict.fromkeys(ARTICLES, 1), output
    with env.store.session() as s:
        urls = list(s.scalars(select(Item.canonical_url).join(Source).where(Source.name == SOURCE)))
        runs = list(s.scalars(select(SourceRun).order_by(SourceRun.id)))
    assert len(urls) == len(set(urls)) == len(ARTICLES)
    assert runs[-1].status == "ok" and runs[-1].items_new == len(ARTICLES), [(x.status, x.items_new) for x in runs]
    assert list(client.scan_iter(match=f"{prefix}:*")) == []


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_round_killed_early_leaves_no_key_behind(env, relay: tuple[Relay, Any, str]) -> None:  # type: ignore[no-untyped-def]
    """The only worker is killed a moment after it queued the articles, before its first heartbeat: every key of
    the round still expires (before the fix the queue, created after the last `expire`, had no TTL and was
    replayed by the next round, or kept in Redis for ever)."""
    r, client, prefix = relay
    site: DemoSite = env.site
    release = threading.Event()
    _gate_articles(site, release)
    [worker], logs = _start_workers(env, r, prefix, count=1)
    try:
        _wait("the worker holding two articles", lambda: sum(x.path in ARTICLES for x in site.requests) >= 2)
        worker.kill()
        worker.wait()
    finally:
        release.set()
        _finish([worker], logs)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    assert f"{prefix}:{SOURCE}:requests".encode() in keys  # the articles still queued
    ttls = {k.decode(): client.ttl(k) for k in keys}
    assert all(0 < ttl <= SharedScheduler.LIVE_S for ttl in ttls.values()), ttls


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_killed_workers_pages_are_fetched_by_the_survivor_in_the_same_round(  # type: ignore[no-untyped-def]
        env, relay: tuple[Relay, Any, str]) -> None:
    """Before the fix the two articles the killed worker was fetching were lost to the round: the survivor ended
    "ok" without them and they waited for the next crawl."""
    r, client, prefix = relay
    site: DemoSite = env.site
    release = threading.Event()
    _gate_articles(site, release)
    workers, logs = _start_workers(env, r, prefix)
    try:
        _wait("both workers holding two articles", lambda: sum(x.path in ARTICLES for x in site.requests) >= 4)
        workers[0].kill()
        workers[0].wait()
    finally:
        release.set()
        codes, output = _finish(workers, logs)
    assert codes[1] == 0, output
    with env.store.session() as s:
        urls = list(s.scalars(select(Item.canonical_url).join(Source).where(Source.name == SOURCE)))
        runs = list(s.scalars(select(SourceRun).order_by(SourceRun.id)))
    assert len(urls) == len(set(urls)) == len(ARTICLES), output
    fetched = Counter(x.path for x in site.requests if x.path in ARTICLES)
    assert sorted(fetched.values()) == [1] * (len(ARTICLES) - 2) + [2, 2], output  # the dead one's, twice
    assert "ok" in [x.status for x in runs], [(x.status, x.message) for x in runs]  # the survivor's
    assert "put back" in output
    assert list(client.scan_iter(match=f"{prefix}:*")) == []
