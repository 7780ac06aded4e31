"""A feed crawled by several workers sharing a Redis queue (`[crawler] redis_url`): its ETag is saved only
when every entry of that fetch was stored, whichever worker fetched the entry. An article that failed in a
worker other than the one that read the feed must come back on the next run, not hide behind a 304.

Redis: CANHGAC_TEST_REDIS_URL, else the one on 127.0.0.1:6379 (skipped when there is none)."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from sqlalchemy import select

from crawler.demo_site.server import DemoSite
from crawler.runner import start_source
from review.models import FeedState, Item
from tests.crawler.badsite import GOOD_ARTICLE
from tests.crawler.conftest import FAST_CRAWLER

redis = pytest.importorskip("redis")
REDIS_URL = os.environ.get("CANHGAC_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ARTICLES = [f"/chung/bai-{n}.html" for n in range(6)]
FAILING_UA = "canhgac-test/worker-b"


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"needs Redis at {REDIS_URL} ({exc})")
    prefix = f"canhgac-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def _install(site: DemoSite) -> None:
    b = site.base_url
    site.set("/chung/feed.xml", '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin</title>'
             + "".join(f"<item><title>Bài {n}</title><link>{b}{p}</link><description>Tóm tắt bài {n}</description>"
                       "</item>" for n, p in enumerate(ARTICLES)) + "</channel></rss>", "application/rss+xml")
    page = site.lookup(GOOD_ARTICLE)
    assert page is not None
    body = page.body

    def b_has_asked() -> bool:
        return any(r.headers.get("user-agent") == FAILING_UA and r.path in ARTICLES for r in site.requests)

    def article(request: BaseHTTPRequestHandler) -> None:
        if request.headers.get("User-Agent") == FAILING_UA:  # worker B: the server fails every article it asks
            request.send_response(500)
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        deadline = time.monotonic() + 240  # worker A waits until B (a while to start on a loaded machine) took part
        while not b_has_asked() and time.monotonic() < deadline:
            time.sleep(0.05)
        data = body + request.path.encode()  # one text per article
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    for path in ARTICLES:
        site.set_handler(path, article)


def test_an_article_failed_in_another_worker_keeps_the_feed_etag_unsaved(crawl_env, db_url: str,  # type: ignore[no-untyped-def]
                                                                         redis_prefix: str) -> None:
    site: DemoSite = crawl_env.site
    _install(site)
    feed_url = f"{site.base_url}/chung/feed.xml"
    cfg = crawl_env.tmp / "canhgac.toml"
    cfg.write_text(f'[database]\nurl = "{db_url}"\n{FAST_CRAWLER}redis_url = "{REDIS_URL}"\n'
                   f'[[sources]]\nname = "chung"\nkind = "rss"\nurls = ["{feed_url}"]\n', encoding="utf-8")
    common = {"CANHGAC_SCORE_ENABLED": "0", "CANHGAC_REDIS_PREFIX": redis_prefix, "DOWNLOAD_TIMEOUT": "300"}

    # worker A seeds the round alone and reads the feed; B joins once the feed was read, takes articles from
    # the shared queue and sees them fail (HTTP 500); A stores the rest
    a = start_source(str(cfg), "chung", crawl_env.tmp / "worker-a.log", {**common, "CONCURRENT_REQUESTS": "1"})
    workers = [a]
    try:
        deadline = time.monotonic() + 300
        while not site.requests_for("/chung/feed.xml") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert site.requests_for("/chung/feed.xml")
        workers.append(start_source(str(cfg), "chung", crawl_env.tmp / "worker-b.log",
                                    {**common, "USER_AGENT": FAILING_UA}))
        codes = [w.wait(timeout=600) for w in workers]
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
                w.wait()
    logs = "\n".join((crawl_env.tmp / f"worker-{n}.log").read_text(errors="replace")[-3000:] for n in "ab")
    assert codes == [0, 0], logs
    failed = {r.path for r in site.requests if r.path in ARTICLES and r.headers.get("user-agent") == FAILING_UA}
    assert failed and len(site.requests_for("/chung/feed.xml")) == 1, logs
    with crawl_env.store.session() as s:
        state = s.get(FeedState, feed_url)
    assert state is None or (state.etag is None and state.last_modified is None), "saved though entries failed"

    # the next run (one worker) is not answered 304: the failed entries are listed again and their pages stored
    crawl_env.configure(f'\n[[sources]]\nname = "chung"\nkind = "rss"\nurls = ["{feed_url}"]\n', demo=False)
    again = crawl_env.run("chung")
    assert again.ok, again
    with crawl_env.store.session() as s:
        pages = {i.url.removeprefix(site.base_url) for i in s.scalars(select(Item))
                 if not (i.extra or {}).get("from_feed_only")}
        state = s.get(FeedState, feed_url)
    assert pages == set(ARTICLES), (pages, logs)
    assert state is not None and state.etag  # now complete: saved
