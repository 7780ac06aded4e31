"""A crawl started by `crawler.runner` stops gracefully, once, when the process that started it is gone.

The runner asks the kernel (PR_SET_PDEATHSIG, `crawler.crawl_process.die_with_parent`) to send the crawl
PARENT_GONE_SIGNAL when the thread that started it ends — a `canhgac crawl` or daemon killed outright
(SIGKILL, the OOM killer) included. The kernel sends it again each time the orphaned crawl is handed to
another exiting thread of the dying process, so it can arrive twice or more within a moment; Scrapy takes a
second SIGTERM or SIGINT as "stop now, uncleanly", which leaves the run `running` with its counters unsaved.
A signal of our own, acted on once (`ParentGoneStop`), stops the crawl the way Ctrl-C's first signal does:
the spider closes with reason "shutdown" and the run is recorded `stopped`.
"""

from __future__ import annotations

import logging
import signal
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

log = logging.getLogger(__name__)

PARENT_GONE_SIGNAL = signal.SIGUSR2


class ParentGoneStop:
    """Scrapy extension: PARENT_GONE_SIGNAL → the crawler's graceful stop, the first time only."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stopping = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ParentGoneStop:
        from scrapy.exceptions import NotConfigured

        ext = cls(crawler)
        try:
            signal.signal(PARENT_GONE_SIGNAL, ext.parent_gone)
        except ValueError:  # not the main thread (a crawl run inside another program): nobody sends it
            raise NotConfigured("not in the main thread") from None
        return ext

    def parent_gone(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping:
            return  # the same news again, from the next exiting thread of the dead parent
        self.stopping = True
        from twisted.internet import reactor

        log.warning("the canhgac process that started this crawl is gone: stopping gracefully")
        reactor.callFromThread(self._stop)  # type: ignore[attr-defined]

    def _stop(self) -> None:
        """In the reactor thread: the crawler's graceful stop (`Crawler.stop_async`, Scrapy 2.14+; `Crawler.stop()`
        is deprecated), as a Deferred so the reactor runs the coroutine; errors are logged, not lost."""
        from scrapy.utils.defer import deferred_from_coro

        deferred_from_coro(self.crawler.stop_async()).addErrback(
            lambda failure: log.error("graceful stop failed: %s", failure.getErrorMessage()))
