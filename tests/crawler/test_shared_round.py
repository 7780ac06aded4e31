"""SharedScheduler (`[crawler] redis_url`) against a real Redis server of the test's own (`redis-server --port
<free> --save ''`), so the test can make it refuse writes (`CONFIG SET maxmemory`) without touching the system
Redis.

- Redis answering reads but refusing writes (maxmemory reached, a failover leaving redis_url on a read-only
  replica) once a worker noticed an outage: its next successful read rewrote the worker key outside any
  `try`, so the write's RedisError escaped into Scrapy's engine.
- A seeder that went idle while another worker was still busy did not mark the round seeded; when it then
  left (daemon stop, crawl timeout), the other worker seeded the round again and fetched every feed again.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
from scrapy import Spider
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.test import get_crawler

from crawler.shared import SharedScheduler

redis = pytest.importorskip("redis")


@pytest.fixture
def own_redis() -> Iterator[Any]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("needs redis-server")
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis("127.0.0.1", port, socket_connect_timeout=2)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server never answered"
                time.sleep(0.05)
        client.url = f"redis://127.0.0.1:{port}/0"
        yield client
    finally:
        client.close()
        proc.terminate()
        proc.wait(10)


class _Spider(Spider):
    name = "f2"
    source_name = "f2-source"


def _worker(url: str) -> SharedScheduler:
    crawler = get_crawler(_Spider, {
        "SCHEDULER": "crawler.shared.SharedScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_SERIALIZER": "crawler.queue_json",
        "REDIS_URL": url,
        "CANHGAC_REDIS_PREFIX": "canhgac-f2",
    })
    crawler.spider = crawler._create_spider()
    scheduler = SharedScheduler.from_crawler(crawler)
    scheduler.open(crawler.spider)
    return scheduler


def _leave(*workers: SharedScheduler) -> None:
    for w in workers:
        if w.heartbeat.running:
            w.heartbeat.stop()


def test_redis_refusing_writes_after_an_outage_does_not_escape(own_redis: Any) -> None:
    w = _worker(own_redis.url)
    try:
        w.RETRY_S = 0.0  # try Redis again on every call
        own_redis.config_set("maxmemory-policy", "noeviction")
        own_redis.config_set("maxmemory", 1)  # every write now answers OOM; reads still work
        w.claim("https://example.vn/a")  # SADD refused: the worker notes Redis as down and goes on alone
        assert w.down_since is not None
        # LLEN answered: before the fix the worker key's SET (refused) escaped from here
        assert w.has_pending_requests() is False
        assert w.next_request() is None
        assert w.down_since is not None  # still down: its worker key could not be written
        own_redis.config_set("maxmemory", 0)
        assert w.has_pending_requests() is False
        assert w.down_since is None  # writes work again: back in the round
        assert own_redis.get(w._key(f"worker:{w.worker}")) == b"busy"
    finally:
        own_redis.config_set("maxmemory", 0)
        _leave(w)


def test_a_seeder_leaving_while_others_work_is_not_seeded_again(own_redis: Any) -> None:
    a = _worker(own_redis.url)
    b = _worker(own_redis.url)
    try:
        assert (a.seeder, b.seeder) == (True, False)
        with pytest.raises(DontCloseSpider):  # a read its start URLs; b is still busy: a waits
            a.spider_idle(a.spider)
        assert own_redis.get(a._key("seeded")) == SharedScheduler.DONE.encode()
        a.close("shutdown")  # a leaves (daemon stop, crawl timeout) while b still works
        b.spider_idle(b.spider)  # nothing left anywhere: b ends, without seeding the round again
        assert b.seeder is False
        assert own_redis.llen(b.queue_key) == 0
    finally:
        _leave(a, b)
