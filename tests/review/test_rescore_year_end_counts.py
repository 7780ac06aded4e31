"""The year-end report after `canhgac rescore --apply`: a flag stays counted once as the flag it was, a citizen
report that was flagged included; an undecided entry counts under the category it was first flagged for, whatever
a re-score says of it since (`review.yearly_rows.first_flagged_categories`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from review.rescore import rescore_queue
from review.store import Store
from review.types import utcnow
from review.yearly import Summary, summarize
from tests.review.fixed_scorer import FixedScorer, Result, queue


def _summary(store: Store) -> Summary:
    now = utcnow()
    return summarize(store, now - timedelta(days=1), now + timedelta(days=1))


def _counts(s: Summary) -> tuple[Any, ...]:
    return s.total, s.unflagged, s.below_threshold, dict(s.by_source), dict(s.by_month)


def test_an_undecided_entry_counts_under_its_first_flag_and_a_fallen_one_under_the_flag_it_was(
        store: Store) -> None:
    # flagged as misinformation (the top of two flags) when it entered the queue
    queue(store, "bài A", Result({"misinformation": 0.9, "scam": 0.7}, ["misinformation", "scam"], "v1"))
    queue(store, "bài B", Result({"misinformation": 0.8}, ["misinformation"], "v1"))
    before = _summary(store)
    assert dict(before.by_category) == {("misinformation", ""): 2}

    # the retrained model still flags A, but for scam only; B falls below every threshold
    scorer = FixedScorer({"bài A": Result({"misinformation": 0.2, "scam": 0.8}, ["scam"]),
                          "bài B": Result({"misinformation": 0.1}, [])})
    report = rescore_queue(store, scorer, apply=True, actor="lan")
    assert report.scored == 2 and report.below == 1

    after = _summary(store)
    # the same two flags, on the same days, from the same source: no count is lost nor added
    assert _counts(after)[:2] + _counts(after)[3:] == _counts(before)[:2] + _counts(before)[3:]
    assert after.below_threshold == 1
    # A is undecided and flagged scam now: it stays on the misinformation row it was first flagged for (a draft of
    # the report made before the re-score and one made after agree); B flags nothing any more and counts as the
    # misinformation flag it was
    assert dict(after.by_category) == {("misinformation", ""): 2}


def test_a_flagged_citizen_report_that_loses_its_flags_still_counts_as_the_flag_it_was(store: Store) -> None:
    # flagged when queued, and a citizen reported the same page
    queue(store, "bài R", Result({"scam": 0.9}, ["scam"], "v1"), is_report=True)
    before = _summary(store)
    assert (before.total, before.unflagged, dict(before.by_category)) == (1, 0, {("scam", ""): 1})

    rescore_queue(store, FixedScorer({"bài R": Result({"scam": 0.1}, [])}), apply=True, actor="lan")

    after = _summary(store)
    # still 1 flagged scam entry, not an "unflagged report" of the year
    assert (after.total, after.unflagged, dict(after.by_category)) == (1, 0, {("scam", ""): 1}), after
    assert dict(after.unflagged_by_category) == {} and after.below_threshold == 1
    # and still a citizen report, on the scam row of the report columns
    assert after.reported_flagged == 1 and dict(after.reported_by_category) == {"scam": 1}
    assert dict(before.reports_by_category) == {"scam": 1}, before.reports_by_category
    assert dict(after.reports_by_category) == dict(before.reports_by_category), (before.reports_by_category,
                                                                                 after.reports_by_category)


def test_a_citizen_report_never_flagged_is_still_an_unflagged_report(store: Store) -> None:
    queue(store, "bài thử", Result({"misinformation": 0.15}, [], "v1"), is_report=True)
    rescore_queue(store, FixedScorer({"bài thử": Result({"misinformation": 0.12}, [])}), apply=True, actor="lan")

    after = _summary(store)
    assert (after.total, after.unflagged, after.below_threshold) == (0, 1, 0)
    assert dict(after.unflagged_by_category) == {("", ""): 1}


def test_a_dismissed_flagged_report_below_threshold_is_handled_under_the_flag_it_was(store: Store) -> None:
    entry_id = queue(store, "bài D", Result({"scam": 0.9, "hate": 0.2}, ["scam"], "v1"), is_report=True)
    # nothing flagged any more, and hate now scores highest
    rescore_queue(store, FixedScorer({"bài D": Result({"scam": 0.1, "hate": 0.3}, [])}), apply=True, actor="lan")
    store.decide(entry_id, "lan", "dismiss")  # the flag dismissed is the scam flag it was

    after = _summary(store)
    assert dict(after.by_category) == {("scam", "dismiss"): 1}
    assert dict(after.handled.by_category) == {("scam", "dismiss"): 1}, after.handled.by_category
