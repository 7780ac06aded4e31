"""SharedScheduler (`[crawler] redis_url`) against a real Redis server of the test's own (`redis-server --port
<free> --save ''`), so the test can make it refuse writes (`CONFIG SET maxmemory`) without touching the system
Redis.

- Redis answering reads but refusing writes (maxmemory reached, a failover leaving redis_url on a read-only
  replica) once a worker noticed an outage: its next successful read rewrote the worker key outside any
  `try`, so the write's RedisError escaped into Scrapy's engine.
- A seeder that went idle while another worker was still busy did not mark the round seeded; when it then
  left (daemon stop, crawl timeout), the other worker seeded the round again and fetched every feed again.
- Requests a worker took from the queue and never finished (the worker killed) were lost to the round; now
  the surviving workers put them back once the dead worker's key is gone (`crawler.taken`). A worker's death
  is what Redis sees of it: no heartbeat, its worker key gone (expired `LIVE_S` after its last heartbeat;
  deleted here instead of waiting), its taken requests left behind.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
from scrapy import Request, Spider
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
        deadline = time.monotonic() + 120
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
        proc.wait(60)


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


PAGE = "https://so-vhttdl.vn/tin/le-hoi-1.html"
OTHER = "https://so-vhttdl.vn/tin/le-hoi-2.html"


def _die(w: SharedScheduler, redis_client: Any) -> None:
    """What a SIGKILL leaves in Redis once the worker's key expired: no heartbeat, no worker key."""
    _leave(w)
    redis_client.delete(w._key(f"worker:{w.worker}"))


def test_a_dead_workers_taken_request_is_fetched_by_a_survivor_in_the_same_round(own_redis: Any) -> None:
    """Before the fix: the popped request was gone from Redis; the survivor found nothing queued and nobody busy,
    ended, and the round with it, so the page waited for the next crawl."""
    a, b = _worker(own_redis.url), _worker(own_redis.url)
    try:
        b.enqueue_request(Request(PAGE, dont_filter=True, priority=5))
        taken = b.next_request()
        assert taken is not None and taken.url == PAGE
        _die(b, own_redis)
        with pytest.raises(DontCloseSpider):  # the survivor, idle, puts the dead worker's request back
            a.spider_idle(a.spider)
        again = a.next_request()
        assert again is not None and (again.url, again.priority) == (PAGE, 5)
        assert a.next_request() is None
        a.spider_idle(a.spider)  # done with it: nothing left, the survivor ends
        assert own_redis.hlen(a._key(f"taken:{a.worker}")) == 0
    finally:
        _leave(b, a)


def test_a_live_workers_taken_requests_stay_its_own(own_redis: Any) -> None:
    """A worker still heard from keeps what it took: the other worker's heartbeat does not put it back."""
    a, b = _worker(own_redis.url), _worker(own_redis.url)
    try:
        b.enqueue_request(Request(PAGE, dont_filter=True))
        assert b.next_request() is not None
        a._refresh()
        assert a.next_request() is None
        assert own_redis.hlen(b._key(f"taken:{b.worker}")) == 1
        with pytest.raises(DontCloseSpider):  # idle: everything it took is finished (a still works)
            b.spider_idle(b.spider)
        assert own_redis.hlen(b._key(f"taken:{b.worker}")) == 0
        _die(b, own_redis)
        a._refresh()
        assert a.next_request() is None  # finished requests are not fetched again
    finally:
        _leave(b, a)


def test_the_heartbeat_of_a_busy_survivor_puts_back_a_dead_workers_requests(own_redis: Any) -> None:
    """A survivor need not be idle: its heartbeat (every `LIVE_S` / 3) re-queues what a dead worker took, before
    the round's keys could expire."""
    a, b = _worker(own_redis.url), _worker(own_redis.url)
    try:
        for url in (PAGE, OTHER):
            b.enqueue_request(Request(url, dont_filter=True))
        assert b.next_request() is not None and b.next_request() is not None
        _die(b, own_redis)
        a._refresh()
        assert {a.next_request().url, a.next_request().url} == {PAGE, OTHER}  # type: ignore[union-attr]
        assert not own_redis.exists(b._key(f"taken:{b.worker}"))
    finally:
        _leave(b, a)
