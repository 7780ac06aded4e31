"""The shared scheduler for several crawler workers of one source (`[crawler] redis_url`).

scrapy-redis's queue and seen-set live in Redis, so workers on several machines split one source's
pages between them without fetching any page twice.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections import deque
from collections.abc import Collection
from typing import Any

from redis.exceptions import RedisError, WatchError
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from crawler.redis_outage import RedisOutage
from crawler.spiders.base import SourceSpider
from crawler.taken import TakenRequests

logger = logging.getLogger(__name__)


class SharedScheduler(RedisOutage, Scheduler):  # type: ignore[misc]  # scrapy-redis is untyped
    """scrapy-redis's scheduler, made safe for several workers crawling one source at the same time.

    Plain scrapy-redis keys its queue by spider name (here the source *kind*, shared by many sources),
    flushes the shared queue when any one worker finishes, and relies on a blocking pop that stalls the
    reactor. Instead, the workers of one source form a *round*, with keys `PREFIX:SOURCE:...`:

    - the first worker of a round yields the start URLs (`seeded`); a worker joining while the round runs
      only takes requests from the shared queue (`requests`). Should the seeder die before it is first idle
      (i.e. before it read the start URLs), an idle worker seeds the round again once the dead seeder's key
      expired (`_reseed`);
    - each canonical URL is claimed once per round across workers (`seen`, through `spider.first_time`);
    - a worker with nothing left waits while another worker is still busy (it may queue more), then ends;
    - what a worker took from the queue is recorded until finished (`crawler.taken`): when the worker dies,
      the others put its unfinished requests back in the queue once its worker key expired;
    - the last worker to leave deletes the round, so the next crawl starts fresh. Every key expires
      `LIVE_S` after the last live worker refreshed it, so a killed round does not linger.

    Redis unreachable, as the worker starts or later: see `crawler.redis_outage.RedisOutage`.
    """

    LIVE_S = 30
    DONE = "done"  # `seeded` once the seeder has fetched and read the start URLs

    prefix: str
    base: str
    worker: str
    seeder: bool
    crawler: Crawler
    local: deque[Request]
    taken: TakenRequests

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedScheduler:
        instance: SharedScheduler
        try:
            instance = super().from_crawler(crawler)  # scrapy-redis pings Redis first
            unreachable: RedisError | None = None
        except RedisError as exc:
            instance, unreachable = cls(server=None), exc
            instance.stats = crawler.stats
        instance.refused = False
        if unreachable is not None:
            instance._refuse(crawler, unreachable)
        instance.prefix = crawler.settings["CANHGAC_REDIS_PREFIX"]
        instance.crawler = crawler
        instance.local = deque()  # queued while Redis was unreachable: this worker's own
        instance.down_since = None
        instance.last_try = 0.0
        instance.DOWN_S = crawler.settings.getfloat("CANHGAC_REDIS_DOWN_S", cls.DOWN_S)
        crawler.signals.connect(instance.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(instance.spider_opened, signal=signals.spider_opened)
        return instance

    def _key(self, name: str) -> str:
        return f"{self.base}:{name}"

    def open(self, spider: Spider) -> Any:
        self.base = f"{self.prefix}:{getattr(spider, 'source_name', spider.name)}"
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        if self.refused:
            return None
        self.queue_key = self._key("requests")
        self.df = RFPDupeFilter(self.server, key=self._key("dupefilter"), debug=False)
        self.taken = TakenRequests(self.server, self.base, self.worker, self.LIVE_S)
        try:
            # before anything is written: a user without Lua scripts joins no round; one kept from the keys
            # `prefix:*` is refused by the first write (`redis_outage.refusal` tells the two apart)
            self.taken.check_allowed()
            self._state("busy")
            self.seeder = bool(self.server.set(self._key("seeded"), self.worker, nx=True, ex=self.LIVE_S))
        except RedisError as exc:  # gone since scrapy-redis's ping
            self._refuse(self.crawler, exc)
            return None
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
        if not self._reachable():
            return
        try:
            self._state(self.state)
            for name in ("seeded", "requests", "dupefilter", "seen"):
                self.server.expire(self._key(name), self.LIVE_S)
            self.taken.settle(self._in_progress())
            self.taken.sweep(self.queue_key)
        except RedisError as exc:
            self._failed(exc)
            return
        self._ok()

    def _others(self) -> list[str]:
        mine = self._key(f"worker:{self.worker}").encode()
        keys = [k for k in self.server.scan_iter(match=self._key("worker:*"), count=100)
                if (k.encode() if isinstance(k, str) else k) != mine]
        states = self.server.mget(keys) if keys else []
        return [v.decode() if isinstance(v, bytes) else v for v in states if v is not None]

    def claim(self, url: str) -> bool:
        """True for the one worker of the round that first claims `url`."""
        if not self._reachable():
            return True
        key = self._key("seen")
        try:
            added = bool(self.server.sadd(key, url))
            self.server.expire(key, self.LIVE_S)
        except RedisError as exc:  # fetched, maybe by another worker too: the database stores it once
            self._failed(exc)
            return True
        self._ok()
        return added

    # scrapy-redis's own two methods pass `spider=` to the stats, which Scrapy deprecated
    def enqueue_request(self, request: Request) -> bool:
        if self._reachable():
            try:
                if not request.dont_filter and self.df.request_seen(request):
                    self.df.log(request, self.spider)
                    return False
                self.queue.push(request)
                # a queue created since the last heartbeat expires too, should every worker die before the next
                self.server.expire(self.queue_key, self.LIVE_S)
            except RedisError as exc:
                self._failed(exc)
            else:
                self._ok()
                self.stats.inc_value("scheduler/enqueued/redis")
                return True
        self.local.append(request)  # Redis unreachable: this worker fetches it itself
        self.stats.inc_value("scheduler/enqueued/local")
        return True

    def has_pending_requests(self) -> bool:
        if self.local:
            return True
        if not self._reachable():
            return False
        try:
            pending = len(self.queue) > 0
        except RedisError as exc:
            self._failed(exc)
            return False
        self._ok()
        return pending

    def next_request(self) -> Request | None:
        if self.local:
            self.stats.inc_value("scheduler/dequeued/local")
            return self.local.popleft()
        if not self._reachable():
            return None
        try:
            request: Request | None = self.taken.take(self.queue)
            if request is not None and self.state != "busy":
                self._state("busy")
        except RedisError as exc:
            self._failed(exc)
            return None
        self._ok()
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def _in_progress(self) -> Collection[Request] | None:
        """The requests Scrapy's engine holds, from their download until their items are stored (None: no
        engine yet). Scrapy has no public view of them."""
        try:
            engine = self.crawler.engine
        except RuntimeError:  # not crawling
            return None
        slot = getattr(engine, "_slot", None)
        return None if slot is None else slot.inprogress

    def _reseed(self) -> bool:
        """The round's seeder is done seeding when it is first idle (`spider_idle` then sets `seeded` to DONE
        before anything else, so a seeder that leaves while others still work does not get its round seeded
        again). A seeder that died before (kill -9 while fetching the feeds) left the round without its start
        URLs: once its worker key has expired, the first idle worker to notice seeds the round again. True: it
        did."""
        key = self._key("seeded")
        if self.seeder:
            return False
        holder = self.server.get(key)
        holder = holder.decode() if isinstance(holder, bytes) else holder
        if holder in (None, self.DONE) or self.server.exists(self._key(f"worker:{holder}")):
            return False
        with self.server.pipeline() as pipe:
            try:
                pipe.watch(key)
                if pipe.get(key) not in (holder, holder.encode()):
                    return False  # another worker took it over first
                pipe.multi()
                pipe.set(key, self.worker, ex=self.LIVE_S)
                pipe.execute()
            except WatchError:
                return False
        spider = self.spider
        logger.warning("shared queue %s: the round's seeder %s is gone before it finished seeding; seeding it again",
                       self.base, holder)
        self.seeder = True
        if isinstance(spider, SourceSpider):
            for url in spider.cfg.urls:
                self.enqueue_request(spider.start_request(url))
        return True

    def spider_idle(self, spider: Spider) -> None:
        self.state = "idle"
        if self._reachable():
            try:
                self._state("idle")
                if self.seeder:  # it has read the start URLs: done seeding, whether or not others still work
                    self.server.set(self._key("seeded"), self.DONE, ex=self.LIVE_S)
                self.taken.settle(self._in_progress() or ())  # idle: nothing it took is in progress
                back = self.taken.sweep(self.queue_key)  # a dead worker's unfinished requests
                more = bool(back) or bool(len(self.queue)) or "busy" in self._others() or self._reseed()
            except RedisError as exc:
                self._failed(exc)
            else:
                self._ok()
                if more:
                    raise DontCloseSpider  # more may come: Scrapy asks again in a few seconds
                return
        self._idle_while_down()

    def close(self, reason: str) -> None:
        if self.refused:
            return  # never joined the round
        if self.heartbeat.running:
            self.heartbeat.stop()
        if self.down_since is not None and not self._reachable():
            return  # its keys expire by themselves
        try:
            self.taken.settle(self._in_progress())  # what it still holds (a crawl timeout) goes back to the others
            self.server.delete(self._key(f"worker:{self.worker}"))
            if not self._others():  # the last one out ends the round (others may still be pulling from it)
                self.server.delete(*(self._key(n) for n in ("requests", "dupefilter", "seen", "seeded")))
                self.taken.drop_all()
        except RedisError as exc:
            logger.warning("shared queue %s: could not leave the round (%s); its keys expire in %d s", self.base,
                           exc, self.LIVE_S)

