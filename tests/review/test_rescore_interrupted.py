"""`canhgac rescore --apply` writes each batch with its own audit row in one transaction: a run interrupted
midway (Ctrl-C, a database error) leaves nothing written without the row that says who wrote it and why."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from review.models import AuditLog, ReviewFlag, Score
from review.rescore import RESCORE, rescore_queue
from review.store import Store
from tests.review.fixed_scorer import FixedScorer, Result, queue


def _rescore_rows(store: Store) -> list[AuditLog]:
    with store.session() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.action == RESCORE).order_by(AuditLog.id)))


def _fallen_scorer(n: int, **kw: Any) -> FixedScorer:
    return FixedScorer({f"bài {i}": Result({"misinformation": 0.1}, []) for i in range(1, n + 1)}, **kw)


def test_an_interrupted_apply_leaves_its_written_batch_audited(store: Store) -> None:
    first = queue(store, "bài 1", Result({"misinformation": 0.9}, ["misinformation"], "v1"))
    second = queue(store, "bài 2", Result({"misinformation": 0.9}, ["misinformation"], "v1"))

    with pytest.raises(KeyboardInterrupt):  # Ctrl-C while the second batch is scored
        rescore_queue(store, _fallen_scorer(2, interrupt_on_call=2), apply=True, actor="lan", batch=1)

    with store.session() as s:
        flagged = set(s.scalars(select(ReviewFlag.entry_id)))
        v2_scores = s.scalar(select(func.count()).select_from(Score).where(Score.model_version == "v2"))
    assert flagged == {second} and v2_scores == 1  # the first batch was written, the second not
    rows = _rescore_rows(store)
    assert len(rows) == 1, [r.details for r in rows]  # ... and is in the audit log: who unflagged #first, and why
    assert rows[0].actor == "lan" and rows[0].details["model"] == "v2"
    assert rows[0].details["below_threshold_ids"] == [first] and rows[0].details["scored"] == 1
    assert store.verify_audit().ok


def test_each_written_batch_has_its_audit_row_sharing_the_run_id(store: Store) -> None:
    ids = [queue(store, f"bài {i}", Result({"misinformation": 0.9}, ["misinformation"], "v1")) for i in (1, 2, 3)]

    report = rescore_queue(store, _fallen_scorer(3), apply=True, actor="lan", batch=2)

    assert report.below == 3 and report.below_ids == ids
    rows = _rescore_rows(store)
    assert [(r.details["scored"], r.details["below_threshold_ids"]) for r in rows] == [(2, ids[:2]), (1, ids[2:])]
    assert len({r.details["run"] for r in rows}) == 1 and rows[0].details["run"]
    assert store.verify_audit().ok

    # a second run finds nothing to write: one row says it was made, under a run id of its own
    rescore_queue(store, _fallen_scorer(3), apply=True, actor="minh", batch=2)
    rows = _rescore_rows(store)
    assert len(rows) == 3 and rows[2].actor == "minh" and rows[2].details["run"] != rows[0].details["run"]
    assert rows[2].details["scored"] == rows[2].details["unchanged"] == 3
