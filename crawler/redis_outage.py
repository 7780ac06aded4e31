"""How a worker of the shared scheduler (`crawler.shared`) lives through Redis being unreachable.

Every Redis call of the shared round may fail (Redis restarted, the network down). The round's protocol
(`crawler.shared.SharedScheduler`) only asks whether to try Redis now (`_reachable`) and reports how each call
went (`_failed`, `_ok`); when Redis went down, how often it is tried again, when the worker gives up and what
its run then says are kept here, apart from that protocol.
"""

from __future__ import annotations

import logging
import re
import time
from typing import NoReturn

from redis.exceptions import AuthenticationError, NoPermissionError, RedisError
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider

from crawler.context import crawl_context
from crawler.health import REDIS_LOST, REDIS_UNREACHABLE, close_reason_vi
from review.url_secrets import url_shown

logger = logging.getLogger("crawler.shared")  # one logger for the shared queue, whichever half logs


class RedisOutage:
    """The Redis-outage half of `SharedScheduler`, which sets the attributes below in `from_crawler`.

    Redis unreachable (restarted, the network down): the worker goes on alone with what it holds. Requests
    it queues meanwhile stay in its own memory and it fetches them itself; a URL it cannot claim is fetched
    (the database stores it once whoever else fetches it). Redis is tried again at most every `RETRY_S`;
    back within `DOWN_S`, the worker rejoins the round; still unreachable when the worker has nothing left
    to do after `DOWN_S`, it ends its run as failed, saying so (`REDIS_DOWN`), instead of waiting forever.
    What the round's queue held is fetched by the next crawl (nothing unstored was marked seen).

    Redis unreachable as the worker starts: it fetches nothing (alone it would fetch what the others fetch) and
    ends its run as failed, naming Redis and `[crawler] redis_url` (close reason `REDIS_UNREACHABLE`).

    Redis refusing a permission mid-crawl (an ACL changed under running workers: NOPERM; the user disabled or its
    password changed: a refused login on reconnecting) is ridden out the same way, in case the change is undone
    within `DOWN_S`; then the run ends saying what was refused, like a refusal at start (`refusal`), not that
    Redis was lost. Its close reason is `REDIS_UNREACHABLE`, whose run message is the error noted on the run.
    """

    DOWN_S = 30.0
    RETRY_S = 2.0
    REDIS_DOWN = close_reason_vi(REDIS_LOST)  # the close reason `REDIS_LOST`, as `canhgac status` shows it

    base: str
    state: str
    crawler: Crawler
    down_since: float | None  # Redis unreachable since (monotonic clock)
    last_try: float
    refused: bool  # Redis unreachable as the worker started: the spider is closed as soon as it is open
    last_error: RedisError | None = None  # the last Redis call's failure, while Redis is down

    def _state(self, state: str) -> None:
        """Write this worker's key with `state` (the round's protocol, `SharedScheduler._state`)."""
        raise NotImplementedError

    def _refuse(self, crawler: Crawler, exc: RedisError) -> None:
        """Redis unreachable as the worker starts: note it on the run; `spider_opened` closes the spider."""
        self.refused = True
        crawl_context(crawler).error(f"{_refusal(crawler, exc)}; lượt này chưa thu thập trang nào")

    def spider_opened(self, spider: Spider) -> None:
        # closed here rather than in `open`: every other component (pipelines, the run's record) is open by now
        if self.refused:
            raise CloseSpider(REDIS_UNREACHABLE)

    def _reachable(self) -> bool:
        """False while Redis is known to be down and the last try is under `RETRY_S` old (a connection
        attempt blocks the reactor: not on every call)."""
        return self.down_since is None or time.monotonic() - self.last_try >= self.RETRY_S

    def _failed(self, exc: RedisError) -> None:
        self.last_try = time.monotonic()
        self.last_error = exc
        if self.down_since is None:
            self.down_since = self.last_try
            what = "Redis refused a permission" if _permission(exc) else "Redis unreachable"
            logger.warning("shared queue %s: %s (%s); going on alone and retrying", self.base, what, exc)

    def _ok(self) -> None:
        """A Redis call just worked: back from an outage once our worker key is written again (it expired
        meanwhile, or Redis restarted empty). Redis answering reads but refusing writes (maxmemory reached, a
        read-only replica) is still down: the caller keeps what its own call returned."""
        if self.down_since is None:
            return
        try:
            self._state(self.state)
        except RedisError as exc:
            self._failed(exc)
            return
        logger.info("shared queue %s: Redis reachable again after %.0f s", self.base,
                    time.monotonic() - self.down_since)
        self.down_since = None

    def _idle_while_down(self) -> NoReturn:
        """Idle with Redis unreachable: wait while it may be back soon, else end the run as failed."""
        assert self.down_since is not None
        down = time.monotonic() - self.down_since
        if down < self.DOWN_S:
            raise DontCloseSpider  # Redis may be back soon (a restart): the round may still have work
        if self.last_error is not None and _permission(self.last_error):
            crawl_context(self.crawler).error(f"Redis từ chối quyền giữa lượt thu thập: {_refusal(self.crawler, self.last_error)}"
                                              f"; dừng lượt này sau {down:.0f} giây chờ; các trang còn trong hàng đợi "
                                              "chung sẽ được thu thập ở lượt sau")
            raise CloseSpider(REDIS_UNREACHABLE)  # its run message is the error just noted
        url = url_shown(self.crawler.settings["REDIS_URL"])
        crawl_context(self.crawler).error(f"không kết nối được Redis ([crawler] redis_url = {url}) trong {down:.0f} "
                                          "giây: dừng lượt này; các trang còn trong hàng đợi chung sẽ được thu thập "
                                          "ở lượt sau")
        raise CloseSpider(REDIS_LOST)


def _permission(exc: RedisError) -> bool:
    """A refusal (a permission or the login), not Redis out of reach."""
    return isinstance(exc, (NoPermissionError, AuthenticationError))


def _refusal(crawler: Crawler, exc: RedisError) -> str:
    """`refusal` for this crawler's `[crawler] redis_url` and shared-queue keys."""
    return refusal(url_shown(crawler.settings["REDIS_URL"]), exc, f"{crawler.settings['CANHGAC_REDIS_PREFIX']}:*")


def refusal(shown: str, exc: RedisError, keys: str) -> str:
    """Why a worker cannot use the Redis at `shown` (`[crawler] redis_url`, password hidden), for the officer:
    a refused login, a user kept from the shared queue's `keys` (a pattern, `canhgac:*`) and a user not allowed
    the Lua scripts or another command told apart from Redis being out of reach."""
    said = str(exc)[:300].rstrip(". ")
    if isinstance(exc, AuthenticationError):
        return (f"Redis từ chối đăng nhập với [crawler] redis_url = {shown}: sai tên người dùng hoặc mật khẩu, hoặc "
                "Redis cần mật khẩu mà địa chỉ chưa ghi (dạng redis://:MẬT_KHẨU@MÁY:6379/0 hoặc "
                f"redis://NGƯỜI_DÙNG:MẬT_KHẨU@MÁY:6379/0) (Redis: {said})")
    if isinstance(exc, NoPermissionError) and _KEY_REFUSED.search(said):
        return (f"tài khoản Redis trong [crawler] redis_url = {shown} không được phép dùng các khóa {keys} của hàng "
                f"đợi chung: hãy cấp quyền trên các khóa này cho tài khoản (ACL: ~{keys}, ví dụ "
                f"`ACL SETUSER TÊN_TÀI_KHOẢN ~{keys}`) (Redis: {said})")
    if isinstance(exc, NoPermissionError):
        return (f"tài khoản Redis trong [crawler] redis_url = {shown} không được phép chạy tập lệnh Lua hoặc lệnh "
                "mà hàng đợi chung cần (EVALSHA, SCRIPT LOAD; ACL: +@scripting hoặc +evalsha +script|load): hãy cấp "
                f"quyền cho tài khoản này (Redis: {said})")
    return f"không kết nối được Redis ([crawler] redis_url = {shown}): {said}"


# Redis's NOPERM for a key: "this user has no permissions to access one of the keys used as arguments" (6.2, 7.0),
# "No permissions to access a key" (7.2 on); a command refused says "... to run the 'evalsha' command"
_KEY_REFUSED = re.compile(r"permissions to access (one of the keys|a key)", re.IGNORECASE)
