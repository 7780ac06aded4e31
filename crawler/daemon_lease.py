"""The daemon's hold on its lease ("daemon", `review.housekeeping`): one daemon per database.

The lease is renewed every HEARTBEAT_S by a thread of its own (`LeaseKeeper`) that touches nothing but the lease
row: the daemon's main thread may wait on APScheduler (whose job store, retrying a locked database, holds the
scheduler's lock for as long as it retries) without the lease going unrenewed, or its renewal failures unlogged.
The database out of reach for a moment (PostgreSQL restarted, SQLite locked by a long write) is retried; only
once the lease may have expired and been taken by another daemon (LEASE_TTL without renewal) does the daemon
stop, with exit status 1, so a service manager restarts it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from review.housekeeping import HEARTBEAT_S, LEASE_TTL, release_lease, renew_lease
from review.store import Store

log = logging.getLogger("canhgac.daemon")
LOST, FAILED = "lost", "failed"  # why the daemon stopped on its own (`keep_lease`)


class LeaseKeeper:
    """Renews the lease every HEARTBEAT_S until `halt` (`join`): also while the daemon, already told to `stop`,
    drains its running crawls (a grace longer than LEASE_TTL let the lease expire under them). Once the lease is lost
    (taken over, or not renewed for LEASE_TTL) sets `lost`, calls `on_lost` (no job may start from then on), sets
    `stop`, and ends."""

    def __init__(self, store: Store, holder: str, stop: threading.Event,
                 on_lost: Callable[[], None] = lambda: None) -> None:
        self.store, self.holder, self.stop, self.on_lost = store, holder, stop, on_lost
        self.lost = threading.Event()
        self.halt = threading.Event()
        self._thread = threading.Thread(target=self._renew, name="canhgac-lease", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self) -> None:
        """Wait for the thread to end (`stop` set): a renewal running now (up to the database's busy or connect
        timeout) should not land after the lease is released; bounded, so a renewal stuck on a dead connection does
        not hold the daemon's exit (one landing later changes nothing: the row is gone or another's)."""
        self.halt.set()
        self._thread.join(timeout=60)

    def _renew(self) -> None:
        if self._renew_until_lost():
            self.lost.set()
            self.on_lost()
            self.stop.set()

    def _renew_until_lost(self) -> bool:
        renewed = time.monotonic()
        while not self.halt.wait(HEARTBEAT_S):
            try:
                held = renew_lease(self.store, self.holder)
            except SQLAlchemyError as exc:
                if time.monotonic() - renewed < LEASE_TTL.total_seconds():
                    log.warning("could not renew the daemon lease, retrying (database unreachable?): %s",
                                str(exc).splitlines()[0])
                    continue
                log.error("could not renew the daemon lease for %ds (database unreachable): stopping; another "
                          "daemon may take over", LEASE_TTL.total_seconds())
                return True
            except Exception:  # noqa: BLE001 - a lease nobody renews any more must stop the daemon, not linger
                log.exception("could not renew the daemon lease: stopping")
                return True
            if not held:
                log.error("lost the daemon lease (database unreachable too long, another daemon took over): stopping")
                return True
            renewed = time.monotonic()
        return False


def keep_lease(keeper: LeaseKeeper, beat: Callable[[], str | None]) -> str | None:
    """Until `keeper.stop` is set, call `beat` (the daemon's own checks, which may wait on the scheduler) every
    HEARTBEAT_S while `keeper` renews the lease; None when asked to stop, LOST when the lease was lost, else what
    `beat` returned when it returned something (FAILED: the scheduler thread died)."""
    while not keeper.stop.wait(HEARTBEAT_S):
        ended = beat()
        if ended is not None:
            return LOST if keeper.lost.is_set() else ended
    return LOST if keeper.lost.is_set() else None


def give_up_lease(store: Store, holder: str) -> None:
    """Release the lease; when the database is gone, it expires by itself."""
    try:
        release_lease(store, holder)
    except SQLAlchemyError as exc:  # the database is gone: the lease expires by itself
        log.warning("could not release the daemon lease (%s); it expires in %ds", exc,
                    LEASE_TTL.total_seconds())
