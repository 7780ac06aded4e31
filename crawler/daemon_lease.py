"""The daemon's hold on its lease ("daemon", `review.housekeeping`): one daemon per database.

The lease is renewed every HEARTBEAT_S. The database out of reach for a moment (PostgreSQL restarted, SQLite
locked by a long write) is retried; only once the lease may have expired and been taken by another daemon
(LEASE_TTL without renewal) does the daemon stop, with exit status 1, so a service manager restarts it.
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


def keep_lease(store: Store, holder: str, stop: threading.Event, beat: Callable[[], str | None]) -> str | None:
    """Renew the lease every HEARTBEAT_S until `stop` is set, calling `beat` (the daemon's own checks) after
    each renewal; None when asked to stop, LOST when the lease was lost, else what `beat` returned when it
    returned something (FAILED: the scheduler thread died)."""
    renewed = time.monotonic()
    while not stop.wait(HEARTBEAT_S):
        try:
            held = renew_lease(store, holder)
        except SQLAlchemyError as exc:
            if time.monotonic() - renewed < LEASE_TTL.total_seconds():
                log.warning("could not renew the daemon lease, retrying (database unreachable?): %s",
                            str(exc).splitlines()[0])
                continue
            log.error("could not renew the daemon lease for %ds (database unreachable): stopping; another "
                      "daemon may take over", LEASE_TTL.total_seconds())
            return LOST
        if not held:
            log.error("lost the daemon lease (database unreachable too long, another daemon took over): stopping")
            return LOST
        renewed = time.monotonic()
        ended = beat()
        if ended is not None:
            return ended
    return None


def give_up_lease(store: Store, holder: str) -> None:
    """Release the lease; when the database is gone, it expires by itself."""
    try:
        release_lease(store, holder)
    except SQLAlchemyError as exc:  # the database is gone: the lease expires by itself
        log.warning("could not release the daemon lease (%s); it expires in %ds", exc,
                    LEASE_TTL.total_seconds())
