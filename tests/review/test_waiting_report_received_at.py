"""The audit row of a citizen report that waited (no model could be loaded: stored unscored, filed by a later crawl)
says when the report was received, not when the later crawl filed it: `received_at` is the stored report's
`fetched_at`. The audit row's own time stays the filing time.

The reports go through the real filing path (`review.citizen.file_report`, as `canhgac report` stores one while
scoring is off and `crawler.report.queue_waiting_reports` files it later) on a real database; only the clock of our
own modules is set, so the rows carry the dates of the story.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

import review.audit
import review.citizen
import review.scoring
from review.citizen import ALREADY_DECIDED, CRAWL_ACTOR, JOINED, NEW, file_report
from review.models import AuditLog, ReviewEntry, Source
from review.store import Store
from tests.review.test_text_reports import BODY, SOURCE, crawled, pasted

RECEIVED = datetime(2026, 12, 31, 16, 30, 5, tzinfo=UTC)  # the citizen sends it; the model cannot be loaded
CRAWLED = datetime(2027, 1, 1, 2, 0, tzinfo=UTC)  # the same text is crawled and queued
QUEUED = datetime(2027, 1, 2, 1, 0, tzinfo=UTC)  # the model is back: the next crawl files what waited


class Clock:
    def __init__(self) -> None:
        self.now = RECEIVED

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(store: Store, monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    for module in (review.scoring, review.citizen, review.audit):
        monkeypatch.setattr(module, "utcnow", clock)
    with store.session() as s:
        s.add(Source(name=SOURCE, kind="rss"))
    return clock


def _report_rows(store: Store) -> list[tuple[datetime, dict[str, Any]]]:
    with store.session() as s:
        return [(at, d) for at, d in s.execute(select(AuditLog.at, AuditLog.details)
                                               .where(AuditLog.action == "report").order_by(AuditLog.id))]


@pytest.mark.parametrize("decided", [False, True], ids=["undecided", "decided"])
def test_a_waiting_report_records_when_it_was_received(store: Store, clock: Clock, decided: bool) -> None:
    waiting = file_report(store, replace(pasted(BODY), score=None), actor="lan")
    assert (waiting.outcome, waiting.entry_id, waiting.scored) == (NEW, None, False)
    clock.now = CRAWLED
    [page] = store.add_scored_items([crawled(BODY)])
    if decided:
        with store.session() as s:
            entry_id = s.scalar(select(ReviewEntry.id).where(ReviewEntry.item_id == page.item_id))
        assert entry_id is not None
        store.decide(entry_id, "minh", "violation")
    clock.now = QUEUED
    filed = file_report(store, pasted(BODY), actor=CRAWL_ACTOR)
    assert filed.outcome == (ALREADY_DECIDED if decided else JOINED)
    [(at, details)] = _report_rows(store)
    assert details["received_at"] == RECEIVED.isoformat(timespec="seconds")  # not the day it was filed
    assert at == QUEUED  # the audit row itself: when it was filed


def test_a_report_filed_at_once_was_received_then(store: Store, clock: Clock) -> None:
    clock.now = CRAWLED
    store.add_scored_items([crawled(BODY)])
    clock.now = QUEUED
    assert file_report(store, pasted(BODY), actor="lan").outcome == JOINED
    [(_, details)] = _report_rows(store)
    assert details["received_at"] == QUEUED.isoformat(timespec="seconds")
