"""`run_sources`: several sources' crawls, a few at a time, for the commands (`canhgac crawl`, `canhgac demo`),
stopped together on Ctrl-C, SIGTERM or SIGHUP (`kill`, systemd stopping the command, the terminal closed).

Each crawl runs in a session of its own (a Ctrl-C typed in the terminal does not reach it, nor does the end of
the terminal), so on a stop no source still waiting is started, and each running crawl is sent SIGINT, which
Scrapy takes as "stop gracefully" (no new request, the items in hand stored, the run recorded). A crawl still
running after the grace period (or at a second signal) is killed with its workers: crawls are crash-safe, the
next run fetches what this one had not stored, nothing is stored twice. An exception in canhgac's own code while
running one source is that source's error (`internal_error`), never the end of the others.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType

from crawler.crawl_process import _kill
from crawler.run_outcome import RunOutcome, internal_error

# Ctrl-C in a command: how long running crawls get to stop gracefully (at most [daemon] stop_grace_s) before they
# are killed. Someone waits at the terminal, and a killed crawl loses nothing (the next run fetches what it had not
# stored); Scrapy's graceful stop waits for the downloads in flight, up to [crawler] download_timeout_s.
CTRL_C_GRACE_S = 10
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)  # handled like Ctrl-C while `run_sources` runs


def stop_reason_vi(signum: int) -> str:
    """What stopped the command, for the officer: "Ctrl-C" or the signal."""
    if signum == signal.SIGINT:
        return "Ctrl-C"
    if signum == signal.SIGHUP:
        return "nhận tín hiệu SIGHUP, thường do cửa sổ dòng lệnh bị đóng"
    return f"nhận tín hiệu {signal.Signals(signum).name}"


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP while `run_sources` runs, raised in the main thread and taken like Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_terminated(signum: int, _frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextmanager
def _stop_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise Terminated in the main thread while this lasts, instead of ending the process at
    once and leaving its crawls (each in a session of its own) running. A signal that is ignored (`nohup`)
    stays ignored; the handlers found are put back."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[signal.Signals, Callable[[int, FrameType | None], object] | int | None] = {}
    for sig in STOP_SIGNALS:
        if signal.getsignal(sig) is not signal.SIG_IGN:
            previous[sig] = signal.signal(sig, _raise_terminated)
    try:
        yield
    finally:
        for restored, handler in previous.items():
            signal.signal(restored, signal.SIG_DFL if handler is None else handler)


class CrawlStop:
    """The crawl subprocesses of one command, to stop them all at once (`run_sources`). Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[str, subprocess.Popen[bytes]] = {}
        self.requested = False
        self.why = stop_reason_vi(signal.SIGINT)  # what stopped the crawls, for their runs' message
        self.forced = False  # past the grace period: a crawl starting now is killed at once
        self.stopped: list[str] = []  # sources whose running crawl was told to stop
        self.skipped: list[str] = []  # sources not started because the stop came first

    def may_start(self, name: str) -> bool:
        """False (and `name` noted as not started) once a stop was requested."""
        with self._lock:
            if self.requested:
                self.skipped.append(name)
            return not self.requested

    def started(self, name: str, proc: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._running[name] = proc
            if self.forced:  # the stop and its grace period passed while this crawl was being started
                self._interrupt(name, proc)
                _kill(proc)
            elif self.requested:  # the stop came while this crawl was being started
                self._interrupt(name, proc)

    def finished(self, name: str) -> None:
        with self._lock:
            self._running.pop(name, None)

    def was_stopped(self, name: str) -> bool:
        with self._lock:
            return name in self.stopped

    def request(self, signum: int = signal.SIGINT) -> list[str]:
        """No crawl starts from now on; the running ones are sent SIGINT (Scrapy: stop gracefully). Returns
        their names. `signum`: what asked for the stop (Ctrl-C unless told)."""
        with self._lock:
            self.requested = True
            self.why = stop_reason_vi(signum)
            for name, proc in self._running.items():
                self._interrupt(name, proc)
            return list(self._running)

    def force(self) -> list[str]:
        """SIGKILL the crawls still running, with their worker processes; returns their names."""
        with self._lock:
            self.forced = True
            for proc in self._running.values():
                _kill(proc)
            return list(self._running)

    def _interrupt(self, name: str, proc: subprocess.Popen[bytes]) -> None:
        # the crawl's main process only: it shuts its worker processes down itself once the spider closed. A crawl
        # that had already ended (finished, or crashed) was not stopped: its own outcome stands
        if proc.poll() is not None:
            return
        try:
            os.kill(proc.pid, signal.SIGINT)
        except ProcessLookupError:
            return
        if name not in self.stopped:
            self.stopped.append(name)


@dataclass
class CrawlInterrupted(Exception):  # noqa: N818 - what happened, not an error
    """Ctrl-C (or SIGTERM, SIGHUP) during `run_sources`: what had finished, what was stopped, what never started
    and whose run raised."""

    finished: list[RunOutcome] = field(default_factory=list)  # before the Ctrl-C, in the order of the names
    stopped: list[str] = field(default_factory=list)
    not_started: list[str] = field(default_factory=list)
    killed: list[str] = field(default_factory=list)  # stopped ones still running after the grace period
    errors: list[RunOutcome] = field(default_factory=list)  # canhgac's own code raised (`internal_error`)
    signum: int = signal.SIGINT  # what stopped the command; it exits 128 + signum


def run_sources(names: Sequence[str], jobs: int, run_one: Callable[[str, CrawlStop], RunOutcome], *,
                grace_s: float, on_outcome: Callable[[RunOutcome], None] | None = None,
                on_stopping: Callable[[list[str], int], None] | None = None) -> list[RunOutcome]:
    """`run_one(name, stop)` (which calls `run_source(..., stop=stop)`) for each name, `jobs` at a time; the
    outcomes in the order of `names`, each also given to `on_outcome` as soon as it and those before it are in.
    A `run_one` that raised gives that source's `internal_error` outcome.

    On Ctrl-C (KeyboardInterrupt in the calling thread), or SIGTERM or SIGHUP when called in the main thread: no
    source still waiting starts, the running crawls are sent SIGINT (`on_stopping` is told which, and the
    signal) and given `grace_s` seconds to stop (a second signal: none), then killed; then CrawlInterrupted is
    raised."""
    with _stop_signals():
        return _run_sources(names, jobs, run_one, grace_s, on_outcome, on_stopping)


def _run_sources(names: Sequence[str], jobs: int, run_one: Callable[[str, CrawlStop], RunOutcome], grace_s: float,
                 on_outcome: Callable[[RunOutcome], None] | None,
                 on_stopping: Callable[[list[str], int], None] | None) -> list[RunOutcome]:
    stop = CrawlStop()
    pool = ThreadPoolExecutor(max_workers=max(1, jobs))

    def guarded(name: str) -> RunOutcome | None:
        if not stop.may_start(name):
            return None
        started = time.monotonic()
        try:
            return run_one(name, stop)
        except Exception as exc:  # noqa: BLE001 - this source's error, the others go on
            return internal_error(name, exc, time.monotonic() - started)

    futures: list[tuple[str, Future[RunOutcome | None]]] = []
    outcomes: list[RunOutcome] = []
    try:
        for name in names:
            futures.append((name, pool.submit(guarded, name)))
        for _, fut in futures:
            outcome = fut.result()
            if outcome is not None:
                outcomes.append(outcome)
                if on_outcome is not None:
                    on_outcome(outcome)
        return outcomes
    except KeyboardInterrupt as exc:
        signum = exc.signum if isinstance(exc, Terminated) else signal.SIGINT
        raise _interrupted(futures, [n for n in names if n not in {m for m, _ in futures}], stop, grace_s,
                           on_stopping, signum) from None
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _interrupted(futures: list[tuple[str, Future[RunOutcome | None]]], unsubmitted: list[str], stop: CrawlStop,
                 grace_s: float, on_stopping: Callable[[list[str], int], None] | None,
                 signum: int) -> CrawlInterrupted:
    running = stop.request(signum)
    cancelled = [name for name, fut in futures if fut.cancel()]
    pending = [fut for _, fut in futures if not fut.done()]
    if on_stopping is not None and running:
        on_stopping(running, signum)
    try:
        wait(pending, timeout=grace_s)
    except KeyboardInterrupt:
        pass  # a second Ctrl-C (or signal): kill them now
    killed: list[str] = []
    if any(not fut.done() for fut in pending):
        killed = stop.force()
        try:
            wait(pending, timeout=15)
        except KeyboardInterrupt:
            pass
    results = {name: fut.result() for name, fut in futures
               if fut.done() and not fut.cancelled() and fut.exception() is None}
    errors = [out for out in results.values() if out is not None and out.internal_error]
    finished = [out for name, out in results.items() if out is not None and not out.internal_error
                and (out.ok or name not in stop.stopped)]
    told = {out.name for out in finished + errors}
    return CrawlInterrupted(finished=finished, stopped=[n for n in stop.stopped if n not in told],
                            not_started=cancelled + [n for n in stop.skipped if n not in cancelled] + unsubmitted,
                            killed=killed, errors=errors, signum=signum)
