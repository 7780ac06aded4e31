"""`scrapy crawl` (and `python -m scrapy crawl`, which `canhgac crawl` and the daemon run), with canhgac's errors
on one line.

A crawl opens the database when its spider is built (`crawler.context.crawl_context`). A database that needs
`canhgac init`, or a config the officer must fix, fails there with a CanhgacError whose message says what to do;
Scrapy runs that step in an asyncio task nobody awaits, so asyncio printed the message at the end of a "Task
exception was never retrieved" traceback. Here the failure is taken from the task: logged on one line, and the
command exits with the error's code (1, or 2 for a usage or configuration error). Nothing has been fetched or
written at that point. Any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawl
from twisted.internet.defer import Deferred

from review.errors import CanhgacError

log = logging.getLogger(__name__)


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            super().run(args, opts)  # Scrapy's own usage errors
            return
        assert self.crawler_process
        self.failure: CanhgacError | None = None
        started = self.crawler_process.crawl(self._create_crawler(args[0]), **opts.spargs)
        if isinstance(started, asyncio.Future):
            started.add_done_callback(self._task_done)
        elif isinstance(started, Deferred):  # CrawlerProcess without the asyncio reactor
            started.addErrback(self._deferred_failed)
        self.crawler_process.start()
        if self.failure is not None:
            self.exitcode = self.failure.exit_code
        elif self.crawler_process.bootstrap_failed:
            self.exitcode = 1

    def _task_done(self, task: asyncio.Future[Any]) -> None:
        if task.cancelled():
            return
        exc = task.exception()  # retrieved: asyncio no longer prints it
        if exc is not None:
            self._failed(exc)

    def _deferred_failed(self, failure: Any) -> None:
        self._failed(failure.value)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, CanhgacError):
            self.failure = exc
            log.error("canhgac: %s", exc)
        else:
            log.error("crawl failed to start", exc_info=exc)

