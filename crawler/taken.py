"""The requests a worker of a shared round has taken from the Redis queue and not finished yet, kept in Redis
(`PREFIX:SOURCE:taken:WORKER`), so that the round's other workers put them back in the queue when the
worker dies (kill -9, the OOM killer) instead of leaving its pages to the next crawl.

- Taking: one Lua script moves the queue's first entry into the worker's taken hash (entry -> its score, i.e.
  -priority), so no kill between the pop and the record can lose it.
- Finished: a request is finished once Scrapy's engine no longer holds it (`ExecutionEngine._slot.inprogress`
  holds a request from its download until its items went through the pipelines, i.e. are stored). The
  worker drops its finished requests from the hash at each heartbeat, and all of them when idle.
- Dead: a worker's key (`worker:WORKER`) expires `LIVE_S` after its last heartbeat. Every live worker, at each
  heartbeat and when idle, looks at the round's taken hashes: one whose worker is still live is kept alive
  (the round's keys all expire together once nobody is left); one whose worker is gone is moved back into the
  queue, in one script, so two survivors never both re-queue it.

A worker Redis lost for longer than `LIVE_S` counts as dead too: its requests may then be fetched twice (the
database stores each page once). A request a worker was fetching when the round ended is collected by the
next crawl, as before.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any

from redis import Redis
from scrapy import Request

logger = logging.getLogger(__name__)

_TAKE = """
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #first == 0 then return false end
redis.call('ZREM', KEYS[1], first[1])
redis.call('HSET', KEYS[2], first[1], first[2])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return first[1]
"""

_PUT_BACK = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('EXPIRE', KEYS[2], ARGV[1])
  return 0
end
local taken = redis.call('HGETALL', KEYS[2])
for i = 1, #taken, 2 do redis.call('ZADD', KEYS[3], taken[i + 1], taken[i]) end
redis.call('DEL', KEYS[2])
if #taken > 0 then redis.call('EXPIRE', KEYS[3], ARGV[1]) end
return #taken / 2
"""


class TakenRequests:
    """One worker's taken requests, and the sweep that puts a dead worker's back (see the module doc)."""

    def __init__(self, server: Redis, base: str, worker: str, live_s: int) -> None:
        self.server = server
        self.base = base
        self.key = f"{base}:taken:{worker}"
        self.live_s = live_s
        self.mine: dict[Request, bytes] = {}  # taken and not yet known finished -> its queue entry
        self._take = server.register_script(_TAKE)
        self._put_back = server.register_script(_PUT_BACK)

    def check_allowed(self) -> None:
        """Raises redis's NoPermissionError now, as the worker starts, when its Redis user may not run the Lua
        scripts taking needs (an ACL without EVALSHA / SCRIPT LOAD): the same call path as `take`, on no key."""
        self.server.register_script("return 1")()

    def take(self, queue: Any) -> Request | None:
        """The first request of `queue` (scrapy-redis's queue), recorded as taken by this worker; None: the
        queue is empty."""
        entry: bytes | None = self._take(keys=[queue.key, self.key], args=[self.live_s])
        if entry is None:
            return None
        try:
            request: Request = queue._decode_request(entry)
        except Exception:  # not one of our requests (`crawler.queue_json`): refused, never put back
            self.server.hdel(self.key, entry)
            raise
        self.mine[request] = entry
        return request

    def settle(self, in_progress: Collection[Request] | None) -> None:
        """Forget the requests that are no longer `in_progress` (the engine's; empty when the worker is idle;
        None: not known, nothing is forgotten)."""
        if in_progress is None:
            return
        done = [r for r in self.mine if r not in in_progress]
        if done:
            self.server.hdel(self.key, *(self.mine[r] for r in done))
            for r in done:
                del self.mine[r]

    def sweep(self, queue_key: str) -> int:
        """Keep the live workers' taken requests alive and put the dead ones' back in the queue; how many
        went back."""
        prefix = f"{self.base}:taken:"
        back = 0
        for raw in self.server.scan_iter(match=f"{prefix}*", count=100):
            key = raw.decode() if isinstance(raw, bytes) else raw
            owner = key[len(prefix):]
            count = int(self._put_back(keys=[f"{self.base}:worker:{owner}", key, queue_key], args=[self.live_s]))
            if count:
                logger.warning("shared queue %s: worker %s is gone; put back the %d request(s) it had taken",
                               self.base, owner, count)
            back += count
        return back

    def drop_all(self) -> None:
        """The round is over: no taken hash of it is needed any more."""
        keys = list(self.server.scan_iter(match=f"{self.base}:taken:*", count=100))
        if keys:
            self.server.delete(*keys)
        self.mine.clear()
