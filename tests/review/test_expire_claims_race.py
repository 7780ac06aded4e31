"""The daemon giving lapsed claims back (`expire_claims`) while a moderator decides one of them.

Deciding an entry whose claim lapsed is allowed. On PostgreSQL the moderator's transaction holds the
entry's row lock and then wants the audit lock; `expire_claims` used to take the audit lock (auditing the
first lapsed claim it gave back) and then wait for the row lock of the next one: a deadlock, and
PostgreSQL aborted one of the two (the moderator's verdict or the daemon's job). Now `expire_claims`
locks the lapsed entries first, skipping the ones someone is working on right now, so it never waits for
a row lock while holding the audit lock. (SQLite has one writer at a time: no interleaving to test.)
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

import review.housekeeping as housekeeping
from review.decisions import DecisionsMixin
from review.housekeeping import expire_claims
from review.models import CLAIMED, ReviewEntry
from review.store import Store
from review.types import utcnow
from tests.review.factory import flagged

# the moderator waits (its row lock held) for the daemon's first audit row: ends as soon as it came, generous so
# that a loaded machine's slow daemon thread still races the moderator instead of coming after it
WAIT = 60.0


def test_expiring_claims_while_a_moderator_decides_a_lapsed_one(store: Store, db_url: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE): no race to test")
    ids = [flagged(store, f"Vay tiền nhanh không cần thế chấp, gói {n}") for n in range(3)]
    for entry_id in ids:
        store.claim(entry_id, "lan", 30)
    now = utcnow()
    with store.session() as s:
        s.execute(update(ReviewEntry).values(claim_expires_at=now - timedelta(minutes=1)))
        # the entry the daemon reaches last (the order its look-up returns them in), so it has already
        # given back another one, and audited it, when it gets there
        order = list(s.scalars(select(ReviewEntry.id).where(ReviewEntry.status == CLAIMED,
                                                            ReviewEntry.claim_expires_at < now)))
    decided = order[-1]

    moderator_locked, daemon_audited = threading.Event(), threading.Event()
    real_record, real_audit = DecisionsMixin._record_decision, housekeeping.append_audit

    def record_decision(self: Any, *args: Any, **kw: Any) -> Any:  # the moderator holds the entry's row lock
        moderator_locked.set()
        daemon_audited.wait(WAIT)
        return real_record(self, *args, **kw)

    def append_audit(*args: Any, **kw: Any) -> Any:  # the daemon holds the audit lock
        row = real_audit(*args, **kw)
        daemon_audited.set()
        return row

    monkeypatch.setattr(DecisionsMixin, "_record_decision", record_decision)
    monkeypatch.setattr(housekeeping, "append_audit", append_audit)
    results: dict[str, Any] = {}

    def moderator() -> None:
        st = Store.open(db_url)
        try:
            results["decide"] = st.decide(decided, "minh", "violation")
        except Exception as exc:  # noqa: BLE001 - reported by the assertions below
            results["decide"] = exc
        finally:
            st.close()

    def daemon() -> None:
        assert moderator_locked.wait(300)
        st = Store.open(db_url)
        try:
            results["expire"] = expire_claims(st, now)
        except Exception as exc:  # noqa: BLE001
            results["expire"] = exc
        finally:
            st.close()

    threads = [threading.Thread(target=moderator), threading.Thread(target=daemon)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT + 300)
    assert not any(isinstance(r, BaseException) for r in results.values()), results
    assert results["decide"].entry_id == decided and results["expire"] == 2
    with store.session() as s:
        states = dict(s.execute(select(ReviewEntry.id, ReviewEntry.status)).all())
    assert states == {i: "decided" if i == decided else "open" for i in ids}
    assert store.verify_audit().ok
