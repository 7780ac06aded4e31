"""Stages 0–3 (extract → normalize → dedupe → score) for batches of pages, in worker processes.

Extraction, fingerprinting and scoring cost some 15–20 ms of CPU a page, and in the crawl process they
hold the GIL that the reactor needs to download: the crawl ran on one core. So the Scrapy process keeps
the downloads and the store stage, and hands batches of pages to `CANHGAC_WORKERS` processes (spawned
before the crawl starts, each with its own database connection and its classifier loaded once), several
batches at a time. `CANHGAC_WORKERS=0` runs the same stages in a thread of the crawl process (what
citizen reports and tests of single stages do), and so does a crawl whose workers cannot start or die.

Crash safety is unchanged: a worker stores no item (its one write marks a feed entry whose item is
already stored and scored), so a page inside a worker when the crawl is killed was not stored, its entry
not marked, and the next run fetches it again. The workers are in the crawl's process group: a kill of
the group (the runner's timeout) ends them too, and a worker whose crawl process died exits when its
task queue closes.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.context import CrawlContext, crawl_context
from crawler.items import CollectedItem
from crawler.pipelines.batch import BatchedStage
from crawler.pipelines.dedupe import DedupeStage
from crawler.pipelines.extract import ExtractStage
from crawler.pipelines.normalize import NormalizeStage
from crawler.pipelines.score import ScoreStage, load_scorer
from review.config import Config
from review.store import Store

log = logging.getLogger(__name__)
Results = list[CollectedItem | BaseException]


def default_workers() -> int:
    """One process per core, up to four. The crawl process itself mostly waits (downloads, the database), so
    on two cores two workers keep both busy where one left the pipeline waiting on it (bench/crawl.py)."""
    return max(1, min(4, os.cpu_count() or 2))


@dataclass
class Chain:
    """The stages a page goes through before it is stored, applied to a batch: a stage with `process_batch`
    gets the batch's surviving items at once, others one by one. Errors noted on `ctx` are returned too."""

    ctx: CrawlContext
    stages: list[Any]

    @classmethod
    def build(cls, ctx: CrawlContext, *, scoring: bool) -> Chain:
        scorer, bank = load_scorer(ctx.config.classifier, ctx.store) if scoring else (None, None)
        if not scoring:
            log.info("scoring switched off (CANHGAC_SCORE_ENABLED=0): items are stored unscored")
        return cls(ctx, [ExtractStage(ctx), NormalizeStage(ctx), DedupeStage(ctx), ScoreStage(ctx, scorer, bank)])

    def run(self, items: Sequence[CollectedItem]) -> tuple[Results, list[str]]:
        noted = len(self.ctx.errors)
        out: Results = list(items)
        for stage in self.stages:
            live = [i for i, x in enumerate(out) if isinstance(x, CollectedItem)]
            if not live:
                break
            batch = [out[i] for i in live]
            if hasattr(stage, "process_batch"):
                done: Sequence[CollectedItem | BaseException] = stage.process_batch(batch)
            else:
                done = [_one(stage, item) for item in batch]
            for i, result in zip(live, done, strict=True):
                out[i] = result
        return out, self.ctx.errors[noted:]


def _one(stage: Any, item: Any) -> CollectedItem | BaseException:
    try:
        result: CollectedItem = stage.process_item(item)
        return result
    except Exception as exc:  # noqa: BLE001 - this item's error, raised in its process_item
        return exc


# ------------------------------------------------------------------------------------- in a worker
# A pool worker's chain, built once by the pool's initializer: a process-wide value by necessity (the
# executor calls plain functions), never set in the crawl process itself.
_worker_chain: Chain | None = None


def _init_worker(config: Config, scoring: bool) -> None:
    global _worker_chain
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s [%(name)s] (worker %(process)d) %(levelname)s: "
                        "%(message)s")
    ctx = CrawlContext(config=config, store=Store.open(config.database.url), quiet=True)
    _worker_chain = Chain.build(ctx, scoring=scoring)


def _worker_ready() -> tuple[int, bool]:
    time.sleep(0.2)  # hold this worker so the next readiness call starts (and waits for) the next one
    assert _worker_chain is not None
    return os.getpid(), _worker_chain.ctx.scoring


def _worker_run(items: list[CollectedItem]) -> tuple[Results, list[str]]:
    assert _worker_chain is not None
    results, errors = _worker_chain.run(items)
    return [r if isinstance(r, CollectedItem | DropItem) else RuntimeError(f"{type(r).__name__}: {r}")
            for r in results], errors  # any exception class of ours or a library's may not unpickle


# ---------------------------------------------------------------------------------- the stage
class PrepareStage:
    """What Scrapy runs first: batches of pages through `Chain`, in the worker pool or in a thread."""

    def __init__(self, ctx: CrawlContext, *, scoring: bool, workers: int, size: int, delay: float) -> None:
        self.ctx, self.scoring = ctx, scoring
        self.local: Chain | None = None
        self.pool: ProcessPoolExecutor | None = None
        if workers > 0:
            self.pool = self._start_pool(workers)
        if self.pool is None:
            self.local = Chain.build(ctx, scoring=scoring)
        self.batched = BatchedStage(self, size=size, delay=delay, parallel=max(1, workers) + 1, run=self.run)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BatchedStage:
        settings = crawler.settings
        workers = settings.get("CANHGAC_WORKERS", "auto")
        count = default_workers() if str(workers).strip().lower() in ("", "auto") else max(0, int(workers))
        stage = cls(crawl_context(crawler), scoring=settings.getbool("CANHGAC_SCORE_ENABLED", True), workers=count,
                    **BatchedStage.options(settings))
        return stage.batched

    def _start_pool(self, workers: int) -> ProcessPoolExecutor | None:
        """Spawn the workers and wait until each has loaded its classifier (before the crawl's clock starts)."""
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=(self.ctx.config, self.scoring))
        try:
            ready: dict[int, bool] = {}
            for _ in range(3):  # a worker may answer twice while another still loads
                ready.update(f.result(timeout=300) for f in [pool.submit(_worker_ready) for _ in range(workers)])
                if len(ready) >= workers:
                    break
        except Exception as exc:  # noqa: BLE001 - any failure to start: do the work here instead
            log.error("worker processes could not start (%s: %s); preparing pages in the crawl process",
                      type(exc).__name__, exc)
            pool.shutdown(wait=False, cancel_futures=True)
            return None
        self.ctx.scoring = any(ready.values())
        log.info("%d worker processes ready (scoring %s)", len(ready), "on" if self.ctx.scoring else "off")
        return pool

    def process_batch(self, items: Sequence[CollectedItem]) -> Results:
        """The chain in this process (no pool, or a broken one); errors were noted on `ctx` directly."""
        if self.local is None:
            self.local = Chain.build(self.ctx, scoring=self.scoring)
        return self.local.run(items)[0]

    async def run(self, items: Sequence[CollectedItem]) -> Results:
        pool = self.pool
        if pool is not None:
            try:
                results, errors = await asyncio.wrap_future(pool.submit(_worker_run, list(items)))
            except Exception as exc:  # noqa: BLE001 - a dead worker (BrokenProcessPool), an unpicklable item ...
                if self.pool is pool:
                    log.error("worker processes failed (%s: %s); preparing pages in the crawl process from now on",
                              type(exc).__name__, exc)
                    self.pool = None
                    pool.shutdown(wait=False, cancel_futures=True)
            else:
                for message in errors:
                    self.ctx.error(message)
                return results
        return await asyncio.to_thread(self.process_batch, items)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
