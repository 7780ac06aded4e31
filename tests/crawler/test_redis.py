"""Several crawl workers of one source share a queue through the real Redis on 127.0.0.1:6379
(`[crawler] redis_url`): every article is fetched once and stored once, and both workers take part."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from sqlalchemy import select

from crawler.demo_site.server import ROOT as SITE_ROOT
from crawler.demo_site.server import DemoSite, demo_sources_toml
from crawler.runner import start_source
from review.models import Item, Source, SourceRun
from tests.crawler.conftest import FAST_CRAWLER

redis = pytest.importorskip("redis")
REDIS_URL = "redis://127.0.0.1:6379/0"
SOURCE = "so-vhttdl-rss"  # an RSS and an Atom feed listing the same 12 articles
ARTICLES = sorted(f"/tin-tuc/{p.name}" for p in (SITE_ROOT / "tin-tuc").glob("*.html") if p.name != "index.html")


@pytest.fixture
def shared_redis() -> Iterator[tuple[redis.Redis, str]]:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"needs Redis at {REDIS_URL} ({exc})")
    prefix = f"canhgac-test-{uuid.uuid4().hex[:12]}"
    yield client, prefix
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def _serve_after(site: DemoSite, path: str, ready: Callable[[], bool]) -> None:
    def handler(request: BaseHTTPRequestHandler) -> None:
        deadline = time.monotonic() + 240  # the other worker's start takes a while on a loaded machine
        while not ready() and time.monotonic() < deadline:
            time.sleep(0.05)
        page = site.lookup(path)
        assert page is not None
        request.send_response(200)
        request.send_header("Content-Type", page.content_type)
        request.send_header("Content-Length", str(len(page.body)))
        request.end_headers()
        request.wfile.write(page.body)

    site.set_handler(path, handler)


def test_two_workers_share_one_queue(crawl_env, db_url: str, shared_redis: tuple[redis.Redis, str]) -> None:  # type: ignore[no-untyped-def]
    client, prefix = shared_redis
    site: DemoSite = crawl_env.site
    cfg = crawl_env.tmp / "canhgac.toml"
    cfg.write_text(f'[database]\nurl = "{db_url}"\n'
                   f'{FAST_CRAWLER}redis_url = "{REDIS_URL}"\n' + demo_sources_toml(site.base_url), encoding="utf-8")

    # Deterministic sharing: the feeds answer once both workers joined the round, and the articles once
    # both workers are busy, i.e. the second one (polling every 5 s while idle) took part of the queue.
    def states() -> list[bytes]:
        keys = list(client.scan_iter(match=f"{prefix}:{SOURCE}:worker:*"))
        return [v for v in client.mget(keys) if v is not None] if keys else []

    for feed in ("/tin-tuc/rss.xml", "/tin-tuc/atom.xml"):
        _serve_after(site, feed, lambda: len(states()) >= 2)
    for article in ARTICLES:
        _serve_after(site, article, lambda: states() == [b"busy", b"busy"])

    # A worker takes as many requests from the queue as it has download slots (CONCURRENT_REQUESTS): two
    # each, so that the first cannot take the whole queue; articles may wait for the second worker's poll.
    settings = {"CANHGAC_SCORE_ENABLED": "0", "CANHGAC_REDIS_PREFIX": prefix, "CONCURRENT_REQUESTS": "2",
                "DOWNLOAD_TIMEOUT": "300"}  # longer than a held answer
    logs = [crawl_env.tmp / f"worker-{i}.log" for i in (1, 2)]
    workers = [start_source(str(cfg), SOURCE, log, settings) for log in logs]
    try:
        codes = [w.wait(timeout=600) for w in workers]
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
                w.wait()
    output = "\n".join(p.read_text(errors="replace")[-3000:] for p in logs)
    assert codes == [0, 0], output

    fetched = Counter(r.path for r in site.requests)
    assert {p: n for p, n in fetched.items() if p in ARTICLES} == dict.fromkeys(ARTICLES, 1), output
    assert fetched["/tin-tuc/rss.xml"] == fetched["/tin-tuc/atom.xml"] == 1  # only the first worker seeds
    with crawl_env.store.session() as s:
        items = list(s.scalars(select(Item).join(Source).where(Source.name == SOURCE)))
        runs = list(s.scalars(select(SourceRun).order_by(SourceRun.id)))
    assert len(items) == len({i.canonical_url for i in items}) == len(ARTICLES)
    assert [r.status for r in runs] == ["ok", "ok"], [(r.status, r.message) for r in runs]
    assert sum(r.items_new for r in runs) == len(ARTICLES)
    assert all(r.pages > 0 for r in runs), [(r.pages, r.items_new) for r in runs]  # both workers did work
    assert list(client.scan_iter(match=f"{prefix}:*")) == []  # the last worker out ended the round
