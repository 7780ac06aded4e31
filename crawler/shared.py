"""The shared scheduler for several crawler workers of one source (`[crawler] redis_url`).

scrapy-redis's queue and seen-set live in Redis, so workers on several machines split one source's
pages between them without fetching any page twice.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from crawler.spiders.base import SourceSpider

logger = logging.getLogger(__name__)


class SharedScheduler(Scheduler):  # type: ignore[misc]  # scrapy-redis is untyped
    """scrapy-redis's scheduler, made safe for several workers crawling one source at the same time.

    Plain scrapy-redis keys its queue by spider name (here the source *kind*, shared by many sources),
    flushes the shared queue when any one worker finishes, and relies on a blocking pop that stalls the
    reactor. Instead, the workers of one source form a *round*, with keys `PREFIX:SOURCE:...`:

    - the first worker of a round yields the start URLs (`seeded`); a worker joining while the round runs
      only takes requests from the shared queue (`requests`);
    - each canonical URL is claimed once per round across workers (`seen`, through `spider.first_time`);
    - a worker with nothing left waits while another worker is still busy (it may queue more), then ends;
    - the last worker to leave deletes the round, so the next crawl starts fresh. Every key expires
      `LIVE_S` after the last live worker refreshed it, so a killed round does not linger.
    """

    LIVE_S = 30

    prefix: str
    base: str
    worker: str
    seeder: bool

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedScheduler:
        instance: SharedScheduler = super().from_crawler(crawler)
        instance.prefix = crawler.settings["CANHGAC_REDIS_PREFIX"]
        crawler.signals.connect(instance.spider_idle, signal=signals.spider_idle)
        return instance

    def _key(self, name: str) -> str:
        return f"{self.base}:{name}"

    def open(self, spider: Spider) -> Any:
        self.base = f"{self.prefix}:{getattr(spider, 'source_name', spider.name)}"
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.queue_key = self._key("requests")
        self.df = RFPDupeFilter(self.server, key=self._key("dupefilter"), debug=False)
        self._state("busy")
        self.seeder = bool(self.server.set(self._key("seeded"), self.worker, nx=True, ex=self.LIVE_S))
        if isinstance(spider, SourceSpider):
            spider.seeds, spider.claim = self.seeder, self.claim
        self.heartbeat = LoopingCall(self._refresh)
        self.heartbeat.start(self.LIVE_S / 3, now=False)
        logger.info("shared queue %s: %s as %s", self.base, "seeding the round" if self.seeder else
                    "joining the running round", self.worker)
        return super().open(spider)

    def _state(self, state: str) -> None:
        self.state = state
        self.server.set(self._key(f"worker:{self.worker}"), state, ex=self.LIVE_S)

    def _refresh(self) -> None:
        self._state(self.state)
        for name in ("seeded", "requests", "dupefilter", "seen"):
            self.server.expire(self._key(name), self.LIVE_S)

    def _others(self) -> list[str]:
        mine = self._key(f"worker:{self.worker}").encode()
        keys = [k for k in self.server.scan_iter(match=self._key("worker:*"), count=100)
                if (k.encode() if isinstance(k, str) else k) != mine]
        states = self.server.mget(keys) if keys else []
        return [v.decode() if isinstance(v, bytes) else v for v in states if v is not None]

    def claim(self, url: str) -> bool:
        """True for the one worker of the round that first claims `url`."""
        key = self._key("seen")
        added = bool(self.server.sadd(key, url))
        self.server.expire(key, self.LIVE_S)
        return added

    # scrapy-redis's own two methods pass `spider=` to the stats, which Scrapy deprecated
    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Request | None:
        request: Request | None = self.queue.pop()
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
            if self.state != "busy":
                self._state("busy")
        return request

    def spider_idle(self, spider: Spider) -> None:
        self._state("idle")
        if len(self.queue) or "busy" in self._others():
            raise DontCloseSpider  # more may come: Scrapy asks again in a few seconds

    def close(self, reason: str) -> None:
        if self.heartbeat.running:
            self.heartbeat.stop()
        self.server.delete(self._key(f"worker:{self.worker}"))
        if not self._others():  # the last one out ends the round (others may still be pulling from it)
            self.server.delete(*(self._key(n) for n in ("requests", "dupefilter", "seen", "seeded")))
