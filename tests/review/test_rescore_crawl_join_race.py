"""A crawl batch joining two citizen reports' entries (`review.report_joins.record_joins`) while a moderator
decides, or `canhgac rescore --apply` writes, the second of them.

`decide` (and `undo`, `claim`) and a rescore batch take their entries' row locks first and the audit lock last.
The crawl's joins used to lock the first entry, append its `crawl_join` audit row (taking the audit lock), then
lock the second entry: a moderator holding the second entry and wanting the audit lock, or a rescore batch
holding it, then waited for each other, and PostgreSQL aborted one transaction as a deadlock: the moderator's
verdict, the rescore run, or the crawl's batch. Pasted-text reports share no page lock with the crawled pages
that join them, so nothing else kept them apart. Now the joins lock every entry they touch (in id order) before
the first audit row. PostgreSQL only (CANHGAC_TEST_DATABASE_URL): SQLite has one writer at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

import review.report_joins as report_joins
from review.decisions import DecisionsMixin
from review.models import ReviewEntry
from review.page_locks import lock_pages
from review.report_joins import CrawledPage, ReportJoin, record_joins
from review.rescore import rescore_queue
from review.store import Store
from tests.conftest import PG_URL
from tests.review.factory import add_item
from tests.review.fixed_scorer import FixedScorer, Result, queue

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (CANHGAC_TEST_DATABASE_URL)")
WAIT = 3.0  # how long the side holding the second entry waits for the crawl's first audit row
REPORTED = Result({"scam": 0.9}, ["scam"], "v1")
TEXTS = ["Tin nhắn trúng thưởng số 1", "Tin nhắn trúng thưởng số 2"]


class Race:
    """Two reports' entries (a < b), a crawled copy of each joined in one crawl batch, and the events of the
    race: `other` (the moderator or the rescore) holds b's row lock and calls `pause`, which waits until the
    crawl has appended its first audit row (so holds the audit lock), or for `WAIT` seconds."""

    def __init__(self, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
        self.entries = [queue(store, text, REPORTED, is_report=True) for text in TEXTS]
        with store.session() as s:
            reports = dict(s.execute(select(ReviewEntry.id, ReviewEntry.item_id)
                                     .where(ReviewEntry.id.in_(self.entries))).all())
        self.joins: dict[int, ReportJoin] = {}
        self.pages: list[CrawledPage] = []
        for n, (entry_id, text) in enumerate(zip(self.entries, TEXTS, strict=True), 1):
            url = f"https://chia-se.vn/bai/{n}"
            item_id = add_item(store, text, title=text, source="chia-se")
            self.joins[item_id] = ReportJoin(entry_id, reports[entry_id], report_joins.SAME_TEXT, None, False)
            self.pages.append(CrawledPage(item_id, url, text, text, None, url=url, source_name="chia-se"))
        self.holding, self.crawl_audited = threading.Event(), threading.Event()
        self.waited: list[bool] = []
        real_audit = report_joins.append_audit

        def audit(*args: Any, **kw: Any) -> Any:
            row = real_audit(*args, **kw)
            self.crawl_audited.set()
            return row

        monkeypatch.setattr(report_joins, "append_audit", audit)

    def pause(self) -> None:
        if threading.current_thread().name == "other" and not self.holding.is_set():
            self.holding.set()
            self.waited.append(not self.crawl_audited.wait(WAIT))

    def run(self, db_url: str, other: Callable[[Store], Any]) -> dict[str, Any]:
        def crawl(st: Store) -> Any:
            assert self.holding.wait(300), "the other side never got hold of the entry"
            with st.session() as s:  # as `add_scored_items` stores a batch, without its retry: a deadlock shows
                lock_pages(s.connection(), [p.canonical_url for p in self.pages])
                return record_joins(s, self.joins, self.pages)

        results: dict[str, Any] = {}

        def run(who: str, job: Callable[[Store], Any]) -> None:
            st = Store.open(db_url)
            try:
                results[who] = job(st)
            except Exception as exc:  # noqa: BLE001 - reported by the assertions
                results[who] = exc
            finally:
                st.close()

        threads = [threading.Thread(target=run, name=who, args=(who, job))
                   for who, job in (("other", other), ("crawl", crawl))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        assert not any(t.is_alive() for t in threads)
        assert not any(isinstance(r, BaseException) for r in results.values()), results
        assert self.waited == [True]  # the crawl was kept out (waiting for b) without taking the audit lock
        return results


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_crawl_joining_two_reports_while_a_moderator_decides_the_second(
        store: Store, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    race = Race(store, monkeypatch)
    a, b = race.entries
    real_record = DecisionsMixin._record_decision

    def record_decision(self: Any, *args: Any, **kw: Any) -> Any:  # b's row lock held, the audit lock not yet
        race.pause()
        return real_record(self, *args, **kw)

    monkeypatch.setattr(DecisionsMixin, "_record_decision", record_decision)

    out = race.run(db_url, lambda st: st.decide(b, "minh", "violation"))

    assert out["other"].entry_id == b
    assert {j.entry_id for j in out["crawl"].values()} == {a, b}  # b decided meanwhile: its copy still joins it
    with store.session() as s:
        assert dict(s.execute(select(ReviewEntry.id, ReviewEntry.status)).all()) == {a: "open", b: "decided"}
    assert store.verify_audit().ok


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_crawl_joining_two_reports_while_rescore_writes_the_second(
        store: Store, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    race = Race(store, monkeypatch)
    a, b = race.entries
    real_record = Store._record_score

    def record_score(self: Any, *args: Any, **kw: Any) -> Any:  # the batch's rows locked, its audit row not yet
        race.pause()
        return real_record(self, *args, **kw)

    monkeypatch.setattr(Store, "_record_score", record_score)
    # a scored as before (not written: its batch takes no lock), b below threshold now; one entry per batch
    scorer = FixedScorer({TEXTS[0]: REPORTED, TEXTS[1]: Result({"scam": 0.1}, [], "v1")})

    out = race.run(db_url, lambda st: rescore_queue(st, scorer, apply=True, actor="lan", batch=1))

    assert out["other"].unchanged == 1 and out["other"].scored == 2 and out["other"].skipped == 0, out["other"]
    assert {j.entry_id for j in out["crawl"].values()} == {a, b}
    assert store.verify_audit().ok
