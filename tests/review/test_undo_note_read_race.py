"""A decision committing while a retrain reads the decisions is not claimed learnt by `undo`'s note. On PostgreSQL
ids are taken at insert, not at commit: a `decide` that inserted its decision (id N) and has not committed yet
while another (id N+1) has, leaves a read that sees N+1 and not N, and a card whose `as_of_decision_id` (N+1)
and `read_at` (after N's time) would claim N learnt. The read takes `decisions` in SHARE mode first
(`review.learning.decision_examples_read`): it waits for N to commit and reads it. SQLite: the read's transaction
holds the database's only write lock (BEGIN IMMEDIATE), so no decision is half-written during it; the read's time is
taken once it holds that lock, so a decision committed while the read waited for it is read and claimed learnt."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from review.decision_history import learnt_by_model
from review.learning import decision_examples_read, decisions_info
from review.models import Decision
from review.store import Store
from review.types import utcnow
from tests.review.factory import flagged
from tests.review.test_feedback_cli_undo_model import _texts


def _waits_on_decisions(store: Store) -> bool:
    """Some session waits for a lock on `decisions` (the read, queued behind the decision being written)."""
    with store.engine.connect() as conn:
        return bool(conn.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted "
                                      "AND relation = 'decisions'::regclass")).scalar())


def test_decision_committed_during_the_read_is_claimed_learnt_only_if_read(store: Store, db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite: the read holds the only write lock, no decision commits during it")
    first, second = _texts("Nạp thẻ cào đợt {} nhận iphone, phí ship trước", False, 2)
    pending_entry, committed_entry = flagged(store, first, "scam"), flagged(store, second, "scam")
    pending = Session(store.engine)  # a `decide` that has inserted its decision and not committed yet
    read: dict[str, tuple[list[str], list[list[str]], int, datetime]] = {}
    failed: list[BaseException] = []

    def retrain_reads() -> None:
        try:
            read["result"] = decision_examples_read(store)
        except BaseException as exc:  # noqa: BLE001 - reported by the test, not lost in the thread
            failed.append(exc)

    reader = threading.Thread(target=retrain_reads)
    try:
        decision = Decision(entry_id=pending_entry, moderator="lan", verdict="violation", category="scam",
                            created_at=utcnow())
        pending.add(decision)
        pending.flush()  # its id is taken now: below the next one's
        decision_id = decision.id
        store.decide(committed_entry, "minh", "violation")
        reader.start()
        deadline = time.monotonic() + 300  # generous: only a read that neither ends nor waits runs this out
        while reader.is_alive() and not _waits_on_decisions(store) and time.monotonic() < deadline:
            time.sleep(0.05)
        pending.commit()
    finally:
        pending.close()
        reader.join(300)
    assert not reader.is_alive() and not failed, failed
    texts, labels, as_of, read_at = read["result"]
    card: dict[str, Any] = {"version": "retrained-1",
                            "data": [decisions_info(texts, labels, [], [], as_of, read_at)]}
    with store.session() as s:
        claimed = learnt_by_model(s, decision_id, card)
    assert (claimed is not None) == (first in texts), (claimed, texts, as_of)


def test_sqlite_decision_committed_while_the_read_waits_for_the_lock_is_claimed_learnt(store: Store,
                                                                                      db_url: str) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL: the test above")
    [text_] = _texts("Nạp thẻ cào đợt {} nhận iphone, phí ship trước", False, 1)
    entry = flagged(store, text_, "scam")
    writer = Session(store.engine)  # a `decide` holding the write lock (BEGIN IMMEDIATE) while the read starts
    read: dict[str, tuple[list[str], list[list[str]], int, datetime]] = {}
    failed: list[BaseException] = []

    def retrain_reads() -> None:
        try:
            read["result"] = decision_examples_read(store)
        except BaseException as exc:  # noqa: BLE001 - reported by the test, not lost in the thread
            failed.append(exc)

    reader = threading.Thread(target=retrain_reads)
    try:
        writer.connection()
        reader.start()
        time.sleep(0.5)  # lets the read start waiting (had it not, it reads after the commit: the test still holds)
        decision = Decision(entry_id=entry, moderator="lan", verdict="violation", category="scam", created_at=utcnow())
        writer.add(decision)
        writer.commit()
        decision_id = decision.id
    finally:
        writer.close()
        reader.join(300)
    assert not reader.is_alive() and not failed, failed
    texts, labels, as_of, read_at = read["result"]
    assert text_ in texts and as_of == decision_id  # read: the model learnt it
    card: dict[str, Any] = {"version": "retrained-1",
                            "data": [decisions_info(texts, labels, [], [], as_of, read_at)]}
    with store.session() as s:
        claimed = learnt_by_model(s, decision_id, card)
    assert claimed is not None and claimed.certain, (claimed, read_at)
