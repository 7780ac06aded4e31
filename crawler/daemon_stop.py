"""How the daemon stops: the signals asking it to, and its running jobs given their grace, then told to stop,
then killed.

Stopping (SIGTERM, SIGINT or SIGHUP): no new job starts; running crawls get `stop_grace_s` to finish, then are
told to stop and, a few seconds later, killed (the crawler commits item by item, so nothing is left
half-written; their runs are recorded as stopped, not failed). A second signal cuts that short: the crawls are
told to stop and killed at once (`RunningJobs.hurry`). The log says which of the two ended them.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType

from crawler.jobs import stop_running_crawls

log = logging.getLogger("canhgac.daemon")
STOP_CRAWLS_S = 3  # after stop_grace_s: how long crawls told to stop get to close before they are killed


def on_stop_signals(handler: Callable[[int, FrameType | None], None]) -> None:
    """`handler` for SIGTERM, SIGINT and SIGHUP."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, handler)
    # SIGHUP (the terminal it was started from closed) would end it at once, leaving its crawls (each in a
    # session of its own) running; under `nohup` it stays ignored
    if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
        signal.signal(signal.SIGHUP, handler)


class RunningJobs:
    """How many jobs APScheduler submitted and has not seen finish (from its events), to wait for them."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.lock = threading.Condition()
        # a second signal: stop waiting for the running jobs. An Event, not the Condition: set from a signal
        # handler, which may run while this same thread holds or waits on the Condition (`drain` polls it)
        self.hurried = threading.Event()

    def submitted(self) -> None:
        with self.lock:
            self.in_flight += 1

    def finished(self) -> None:
        with self.lock:
            # A quick job may report completion before its submission event arrives: only the
            # total (submitted - finished) is meaningful, never one job's count.
            self.in_flight -= 1
            self.lock.notify_all()

    def busy(self) -> int:
        with self.lock:
            return max(self.in_flight, 0)

    def hurry(self) -> None:
        """Stop waiting: the running crawls are told to stop and killed at once (a second signal)."""
        self.hurried.set()

    def _wait(self, seconds: float, step: float) -> None:
        """Up to `seconds` while a job runs, unless hurried."""
        end = time.monotonic() + seconds
        with self.lock:
            while self.busy() and not self.hurried.is_set() and time.monotonic() < end:
                self.lock.wait(min(step, max(end - time.monotonic(), 0.01)))

    def drain(self, grace: int, signum: int) -> None:
        """Wait up to `grace` seconds for the running jobs; then tell the crawls still running to stop
        (`signum`: what stopped the daemon, for their runs' message) and, STOP_CRAWLS_S later, kill them. `hurry`
        (a second signal) ends either wait at once."""
        busy = self.busy()
        if busy and self.hurried.is_set():
            pass  # the second signal's own line said it
        elif busy and grace > 0:
            log.info("waiting up to %ds for %d running job(s) (stop_grace_s; a second signal stops them at once)",
                     grace, busy)
        elif busy:
            log.info("stop_grace_s = 0: %d running job(s) not waited for, their crawls are stopped at once", busy)
        self._wait(grace, 1.0)
        told = []
        if self.busy():
            # told to stop first, so their runs are recorded as stopped with the daemon, not as crawls killed from
            # outside (a failure of the source, listed in the weekly digest); a few seconds to close cleanly
            told = stop_running_crawls(signum)
            if told:
                log.info("asked %d crawl(s) to stop: %s", len(told), ", ".join(told))
                self._wait(STOP_CRAWLS_S, 0.2)
        if self.busy():
            crawls, processes = kill_children()
            if crawls or processes:  # a job that is no crawl (digest, retrain) has nothing to kill: it is awaited
                why = ("second signal" if self.hurried.is_set() else "grace period over" if grace > 0
                       else f"still running {STOP_CRAWLS_S}s after being asked to stop" if told
                       else "stop_grace_s = 0")
                log.warning("%s: killed %d crawl subprocess(es) (%d processes with their workers)", why, crawls,
                            processes)
            with self.lock:
                end = time.monotonic() + 10
                while self.busy() and time.monotonic() < end:
                    self.lock.wait(0.5)


def _descendants(pid: int) -> list[int]:
    """Child processes of `pid` and theirs, from /proc (Linux); empty where /proc is missing."""
    parents: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        ppid = _parent(int(entry)) if entry.isdigit() else None
        if ppid is not None:
            parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def kill_children() -> tuple[int, int]:
    """SIGKILL every subprocess of this daemon: the running crawls and their worker processes.

    Returns (crawls, processes): how many direct children (one per running crawl) and how many
    processes in all were killed.
    """
    me = os.getpid()
    crawls = killed = 0
    for pid in _descendants(me):
        direct = _parent(pid) == me
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
        killed += 1
        crawls += direct
    return crawls, killed


def _parent(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return int(fh.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None
