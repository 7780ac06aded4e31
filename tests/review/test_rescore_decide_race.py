"""`canhgac rescore --apply` writing a batch while a moderator decides, undoes or claims one of its entries.

Two real sessions on PostgreSQL, each with a `Store` of its own as two processes would have (SQLite has one
writer at a time: nothing interleaves). The lock orders meeting here:

* rescore's batch: the page locks of its items, then the entries' row locks (`FOR UPDATE`, in id order), then,
  last, the audit lock (its audit row);
* decide / undo / claim: the entry's row lock, then the audit lock.

Neither ever holds the audit lock while waiting for a row lock, so neither can wait for the other in a
cycle; and rescore re-reads each entry under its row lock, so a verdict recorded meanwhile stands (never
overwritten, the entry never back in the queue). These tests hold each side inside its transaction at the
point where the other one arrives, and check what comes out.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text

import review.rescore as rescore_module
from review.decisions import DecisionsMixin
from review.errors import ConflictError
from review.models import AuditLog, Decision, ReviewEntry, ReviewFlag, Score
from review.rescore import RESCORE, rescore_queue
from review.store import Store
from tests.conftest import PG_URL
from tests.review.fixed_scorer import FixedScorer, Result, queue
from tests.review.race import THROUGH_WAIT

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (CANHGAC_TEST_DATABASE_URL)")
WAIT = 3.0  # how long the side holding its locks waits for the other one (kept out by a lock) before going on

FLAGGED = Result({"scam": 0.9}, ["scam"], "v1")
FALLEN = Result({"scam": 0.1}, [])  # the new model's score (v2): below every threshold


def _two_entries(store: Store) -> tuple[int, int]:
    return queue(store, "bài 1", FLAGGED), queue(store, "bài 2", FLAGGED)


def _entry(store: Store, entry_id: int) -> tuple[str, str | None, int, list[str], str]:
    with store.session() as s:
        e = s.get(ReviewEntry, entry_id)
        assert e is not None
        flags = sorted(s.scalars(select(ReviewFlag.category).where(ReviewFlag.entry_id == entry_id)))
        model = s.scalar(select(Score.model_version).where(Score.id == e.score_id))
        return e.status, e.verdict, e.version, flags, str(model)


def _until_another_waits_for_a_lock(db_url: str, gave_up: threading.Event) -> None:
    """Return once another backend of this database waits for a lock (or `gave_up` is set: the other side got
    through), at most `THROUGH_WAIT`: in a new transaction each look (PostgreSQL reads its statistics once per
    transaction)."""
    engine = create_engine(db_url)
    try:
        deadline = time.monotonic() + THROUGH_WAIT
        while time.monotonic() < deadline and not gave_up.is_set():
            with engine.connect() as conn:
                if conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                    "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'")):
                    return
            time.sleep(0.05)
    finally:
        engine.dispose()


def _run(jobs: dict[str, Callable[[Store], Any]], db_url: str, start_second: threading.Event) -> dict[str, Any]:
    """Run `jobs["rescore"]` and `jobs["moderator"]` in two threads, each with its own store; the one named
    second starts once `start_second` is set."""
    results: dict[str, Any] = {}
    first = next(iter(jobs))

    def run(who: str) -> None:
        if who != first:
            assert start_second.wait(300), f"{first} never got to its pause"
        st = Store.open(db_url)
        try:
            results[who] = jobs[who](st)
        except Exception as exc:  # noqa: BLE001 - reported by the callers' assertions
            results[who] = exc
        finally:
            st.close()

    threads = [threading.Thread(target=run, name=who, args=(who,)) for who in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(THROUGH_WAIT + 300)
    assert not any(t.is_alive() for t in threads)
    return results


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_decision_committed_between_rescores_read_and_write_stands(store: Store, db_url: str) -> None:
    """The moderator decides #2 after rescore read it (as undecided) and before it writes: rescore skips it."""
    one, two = _two_entries(store)
    read, decided = threading.Event(), threading.Event()

    class PausingScorer(FixedScorer):
        def score_many(self, texts: list[str], **kw: Any) -> list[Result]:
            read.set()  # the batch is read; the moderator decides now
            assert decided.wait(300)
            return super().score_many(texts, **kw)

    def moderator(st: Store) -> Any:
        try:
            return st.decide(two, "minh", "violation")
        finally:
            decided.set()

    out = _run({"rescore": lambda st: rescore_queue(st, PausingScorer({"bài 1": FALLEN, "bài 2": FALLEN}),
                                                    apply=True, actor="lan"),
                "moderator": moderator}, db_url, read)

    assert not any(isinstance(r, BaseException) for r in out.values()), out
    report = out["rescore"]
    assert report.skipped == 1 and report.below_ids == [one], report
    status, verdict, _, flags, model = _entry(store, two)
    assert (status, verdict, flags, model) == ("decided", "violation", ["scam"], "v1")  # as the moderator decided it
    assert _entry(store, one)[3:] == ([], "v2")
    assert store.verify_audit().ok


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("with_version", [True, False])
def test_a_decide_arriving_while_rescore_holds_the_batch_waits_and_is_told_it_changed(
        store: Store, db_url: str, monkeypatch: pytest.MonkeyPatch, with_version: bool) -> None:
    """Rescore holds the row locks of #1 and #2 (writing #1) when the moderator decides #2 on what they saw
    before: the decision waits for rescore's commit, then is refused as stale (the entry's flags changed), or,
    without a version, recorded on the entry as it is now. No deadlock, nothing lost."""
    one, two = _two_entries(store)
    seen = _entry(store, two)[2]
    locked, moderator_done = threading.Event(), threading.Event()
    waited: list[bool] = []
    real_record = Store._record_score

    def record_score(self: Any, *args: Any, **kw: Any) -> Any:
        if threading.current_thread().name == "rescore" and not locked.is_set():
            locked.set()  # rows of the batch locked, #1 being written
            waited.append(not moderator_done.wait(WAIT))
        return real_record(self, *args, **kw)

    monkeypatch.setattr(Store, "_record_score", record_score)

    def moderator(st: Store) -> Any:
        try:
            return st.decide(two, "minh", "violation", category="scam", version=seen if with_version else None)
        finally:
            moderator_done.set()

    out = _run({"rescore": lambda st: rescore_queue(st, FixedScorer({"bài 1": FALLEN, "bài 2": FALLEN}),
                                                    apply=True, actor="lan"),
                "moderator": moderator}, db_url, locked)

    assert waited == [True]  # the decision was kept out until rescore committed
    assert not isinstance(out["rescore"], BaseException), out
    assert out["rescore"].below_ids == [one, two] and out["rescore"].skipped == 0
    if with_version:
        assert isinstance(out["moderator"], ConflictError) and "đã bị thay đổi" in str(out["moderator"]), out
        assert _entry(store, two)[:2] == ("open", None)
    else:
        assert not isinstance(out["moderator"], BaseException), out
        assert _entry(store, two)[:2] == ("decided", "violation")
    assert store.verify_audit().ok


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("action", ["decide", "undo", "claim"])
def test_rescore_arriving_while_a_moderator_holds_an_entry_waits_and_respects_the_outcome(
        store: Store, db_url: str, monkeypatch: pytest.MonkeyPatch, action: str) -> None:
    """The moderator's transaction holds #2's row lock and has not yet taken the audit lock when rescore's batch
    (#1, #2) arrives: rescore locks #1, waits for #2; the moderator then takes the audit lock, which rescore does
    not hold yet (it takes it last), and commits; rescore goes on with what the moderator left. With the other
    order (rescore taking the audit lock before the rows) the two would deadlock here."""
    one, two = _two_entries(store)
    if action == "undo":
        store.decide(two, "minh", "violation")  # decided before the run: rescore does not read it
    moderator_locked, rescore_wrote = threading.Event(), threading.Event()
    waited: list[bool] = []
    # an undo's entry is not rescore's to wait for: rescore is expected to finish meanwhile (generously)
    wait = THROUGH_WAIT if action == "undo" else WAIT
    real_audit = rescore_module.append_audit

    def audited(*args: Any, **kw: Any) -> Any:
        rescore_wrote.set()
        return real_audit(*args, **kw)

    monkeypatch.setattr(rescore_module, "append_audit", audited)

    def hold(real: Callable[..., Any]) -> Callable[..., Any]:
        def held(*args: Any, **kw: Any) -> Any:  # called with the row lock held, before the audit lock
            if threading.current_thread().name == "moderator":
                moderator_locked.set()
                if action != "undo":  # first until rescore got to #2 (a loaded machine: it may take a while to start)
                    _until_another_waits_for_a_lock(db_url, rescore_wrote)
                waited.append(not rescore_wrote.wait(wait))
            return real(*args, **kw)
        return held

    def moderator(st: Store) -> Any:
        if action == "decide":
            return st.decide(two, "minh", "violation")
        if action == "undo":
            return st.undo(two, "minh", "bấm nhầm")
        return st.claim(two, "minh", 30)

    if action == "decide":
        monkeypatch.setattr(DecisionsMixin, "_record_decision", hold(DecisionsMixin._record_decision))
    elif action == "undo":
        import review.decisions as decisions
        monkeypatch.setattr(decisions, "append_audit", hold(decisions.append_audit))
    else:
        monkeypatch.setattr(Store, "_take", hold(Store._take))

    out = _run({"moderator": moderator,
                "rescore": lambda st: rescore_queue(st, FixedScorer({"bài 1": FALLEN, "bài 2": FALLEN}),
                                                    apply=True, actor="lan")}, db_url, moderator_locked)

    # rescore was kept out of #2 (and so wrote no audit row) until the moderator committed; an entry decided
    # before the run is not read, so nothing kept the run from finishing while the undo was held
    assert waited == [action != "undo"]
    assert not any(isinstance(r, BaseException) for r in out.values()), out
    report = out["rescore"]
    status, verdict, _, flags, model = _entry(store, two)
    if action == "decide":
        assert report.skipped == 1 and report.below_ids == [one], report
        assert (status, verdict, flags, model) == ("decided", "violation", ["scam"], "v1")
    elif action == "undo":  # decided when the run read its first batch; back in the queue once the undo commits,
        # so the run's next read finds it undecided (re-scored) or not yet (left as it was): either is right
        assert report.skipped == 0 and report.below_ids in ([one], [one, two]), report
        assert (status, verdict) == ("open", None)
        assert (flags, model) == (([], "v2") if two in report.below_ids else (["scam"], "v1"))
    else:  # claimed: still undecided, re-scored under the moderator's claim (its version bumped)
        assert report.skipped == 0 and report.below_ids == [one, two], report
        assert (status, flags, model) == ("claimed", [], "v2")
        with pytest.raises(ConflictError):
            store.decide(two, "minh", "violation", category="scam", version=out["moderator"].version)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Decision).where(Decision.undone_at.is_(None))) == (
            1 if action == "decide" else 0)
        batches = 2 if action == "undo" and two in report.below_ids else 1  # an audit row per written batch
        assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == RESCORE)) == batches
    assert store.verify_audit().ok
