"""Handle items from concurrent `process_item` calls together, off the reactor thread.

Scrapy runs one `process_item` per scraped item, many at once. A stage whose work is far cheaper per
item in bulk (the classifier's vectorizer and model, one database transaction for several items)
awaits `Batcher.submit(item)`: the item waits until `size` items are waiting, `delay` seconds have
passed, or the stage closes; then `handle(batch)` runs in a worker thread (or `run(batch)` is awaited:
a process pool's future), `parallel` batches at a time, and each caller gets its own result or
exception. Items that arrive while batches run form the next one, so batches grow exactly when the work
falls behind.

Nothing is held that a crash could lose: an item waiting here was not stored, so nothing marked it
seen, and the next run fetches it again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from crawler.items import CollectedItem

T = TypeVar("T")
R = TypeVar("R")

# handle(batch) -> one result or exception per item, in order
Handler = Callable[[Sequence[T]], Sequence["R | BaseException"]]
Runner = Callable[[Sequence[T]], Awaitable[Sequence["R | BaseException"]]]


class Batcher(Generic[T, R]):
    def __init__(self, handle: Handler[T, R], *, size: int = 32, delay: float = 0.2, parallel: int = 1,
                 run: Runner[T, R] | None = None) -> None:
        self.handle, self.size, self.delay, self.parallel = handle, size, delay, max(1, parallel)
        self.run = run
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._lock: asyncio.Semaphore | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    async def submit(self, item: T) -> R:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not under the asyncio reactor: handle the item alone, here
            result = self.handle([item])[0]
            if isinstance(result, BaseException):
                raise result from None
            return result
        future: asyncio.Future[R] = loop.create_future()
        self._pending.append((item, future))
        if len(self._pending) >= self.size or self._closed:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.delay, self._flush)
        return await future

    async def close(self) -> None:
        """Handle what is still waiting and wait for every running batch; later items go alone."""
        self._closed = True
        self._flush()
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        task = asyncio.get_running_loop().create_task(self._run(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        if self._lock is None:
            self._lock = asyncio.Semaphore(self.parallel)
        async with self._lock:  # `parallel` batches at a time: later arrivals make the next, larger batch
            try:
                items = [x for x, _ in batch]
                results: Sequence[R | BaseException] = (await self.run(items) if self.run is not None
                                                        else await asyncio.to_thread(self.handle, items))
            except Exception as exc:  # noqa: BLE001 - handed to every caller of the batch
                results = [exc] * len(batch)
        for (_, future), result in zip(batch, results, strict=True):
            if future.done():  # the caller was cancelled
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)


class BatchStage(Protocol):
    def process_batch(self, items: Sequence[CollectedItem]) -> list[CollectedItem | BaseException]: ...


def process_one(stage: BatchStage, item: CollectedItem) -> CollectedItem:
    """A batch stage's `process_item` for callers outside Scrapy (citizen reports): a batch of one."""
    result = stage.process_batch([item])[0]
    if isinstance(result, BaseException):
        raise result
    return result


class BatchedStage:
    """What Scrapy runs for a batch stage (its `from_crawler` returns one): items wait in a `Batcher`.
    `parallel` and `run` go to the Batcher; the stage's `close()`, if any, runs when the spider closes."""

    def __init__(self, stage: BatchStage, *, size: int, delay: float, parallel: int = 1,
                 run: Runner[CollectedItem, CollectedItem] | None = None) -> None:
        self.stage = stage
        self.batcher: Batcher[CollectedItem, CollectedItem] = Batcher(stage.process_batch, size=size, delay=delay,
                                                                      parallel=parallel, run=run)

    @staticmethod
    def options(settings: Any) -> dict[str, Any]:
        """`size` and `delay` from `-s CANHGAC_BATCH_SIZE=…` / `CANHGAC_BATCH_DELAY=…` (seconds)."""
        return {"size": max(1, settings.getint("CANHGAC_BATCH_SIZE", 32)),
                "delay": settings.getfloat("CANHGAC_BATCH_DELAY", 0.2)}

    async def process_item(self, item: CollectedItem) -> CollectedItem:
        return await self.batcher.submit(item)

    async def close_spider(self) -> None:
        await self.batcher.close()
        close = getattr(self.stage, "close", None)
        if close is not None:
            close()
