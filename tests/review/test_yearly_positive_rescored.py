"""The year-end report and an undecided entry a re-score moved across the line between "tôn vinh" (positive) and the
harm categories: it counts where its current flags put it. First flagged `positive` and flagged a harm since, it is a
possible violation awaiting a decision, inside the "Vi phạm Bộ Quy tắc ứng xử" subtotal (under its highest harm
flag), not on the tôn vinh row; the other way round, a harm no flag says any more leaves the subtotal. Within the harm
categories the row stays the one first flagged (drafts agree: `test_yearly_warn_and_groups`). Real SQLite/PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from review.rescore import rescore_queue
from review.store import Store
from review.types import utcnow
from review.yearly import Summary, summarize, write_summary
from review.yearly_rows import HARM_GROUP_VI
from tests.review.fixed_scorer import FixedScorer, Result, queue

GOOD = "Anh xe ôm trả lại 50 triệu đồng nhặt được cho người đánh rơi"
POSITIVE_VI = "Nội dung tích cực đáng tôn vinh"
SCAM_VI = "Lừa đảo, chiếm đoạt tài sản"


def _summary(store: Store) -> Summary:
    now = utcnow()
    return summarize(store, now - timedelta(days=1), now + timedelta(days=1))


def _rows(store: Store, tmp_path: Path) -> tuple[list[Any], dict[str, list[Any]]]:
    path = tmp_path / "nam.xlsx"
    write_summary(_summary(store), path)
    wb = load_workbook(path, read_only=True)
    head, *rows = list(wb["Tổng hợp"].iter_rows(values_only=True))
    wb.close()
    return list(head), {str(r[0]): list(r) for r in rows}


def test_an_entry_first_commendable_then_flagged_scam_counts_as_a_possible_violation(store: Store,
                                                                                      tmp_path: Path) -> None:
    queue(store, GOOD, Result({"positive": 0.8, "scam": 0.2}, ["positive"], "v1"))
    assert dict(_summary(store).by_category) == {("positive", ""): 1}
    # the retrained model reads the same post as a scam (the "50 triệu" and a phone number), still a bit positive
    rescore_queue(store, FixedScorer({GOOD: Result({"positive": 0.55, "scam": 0.6}, ["positive", "scam"])}),
                  apply=True, actor="lan")

    assert dict(_summary(store).by_category) == {("scam", ""): 1}
    head, rows = _rows(store, tmp_path)
    undecided = head.index("Chưa quyết định")
    assert rows[HARM_GROUP_VI][undecided] == 1 and rows[SCAM_VI][undecided] == 1
    assert rows[POSITIVE_VI][undecided] == 0 and rows[POSITIVE_VI][head.index("Tổng số gắn cờ")] == 0
    assert rows["Tổng cộng"][undecided] == 1


def test_a_harm_flag_wins_over_a_positive_one_even_when_positive_scores_higher(store: Store) -> None:
    queue(store, GOOD, Result({"positive": 0.8}, ["positive"], "v1"))
    rescore_queue(store, FixedScorer({GOOD: Result({"positive": 0.9, "scam": 0.6, "hate": 0.7},
                                                   ["positive", "scam", "hate"])}), apply=True, actor="lan")
    # a possible violation, under its highest harm flag
    assert dict(_summary(store).by_category) == {("hate", ""): 1}


def test_a_harm_no_longer_flagged_leaves_the_subtotal(store: Store) -> None:
    queue(store, GOOD, Result({"scam": 0.7, "positive": 0.3}, ["scam"], "v1"))
    rescore_queue(store, FixedScorer({GOOD: Result({"scam": 0.2, "positive": 0.8}, ["positive"])}),
                  apply=True, actor="lan")
    assert dict(_summary(store).by_category) == {("positive", ""): 1}


def test_a_decision_still_fixes_the_row(store: Store) -> None:
    entry = queue(store, GOOD, Result({"positive": 0.8}, ["positive"], "v1"))
    rescore_queue(store, FixedScorer({GOOD: Result({"positive": 0.3, "scam": 0.7}, ["scam"])}), apply=True,
                  actor="lan")
    store.decide(entry, "lan", "commend", category="positive")  # the officer read it: a good deed after all
    assert dict(_summary(store).by_category) == {("positive", "commend"): 1}


def test_citizen_reports_of_such_an_entry_count_on_the_same_row(store: Store) -> None:
    queue(store, GOOD, Result({"positive": 0.8}, ["positive"], "v1"), is_report=True)
    rescore_queue(store, FixedScorer({GOOD: Result({"positive": 0.3, "scam": 0.7}, ["scam"])}), apply=True,
                  actor="lan")
    summary = _summary(store)
    assert dict(summary.by_category) == {("scam", ""): 1}
    assert dict(summary.reported_by_category) == {"scam": 1}


def test_a_commendable_entry_flagged_for_a_harm_keeps_that_row_in_the_next_draft(store: Store) -> None:
    """Like an entry first flagged for a harm, it stays on one harm row while undecided: the highest harm flag of
    the first score that flagged it for a harm, not the highest harm flag now."""
    queue(store, GOOD, Result({"positive": 0.8}, ["positive"], "v1"))
    rescore_queue(store, FixedScorer({GOOD: Result({"positive": 0.5, "scam": 0.6}, ["positive", "scam"])}),
                  apply=True, actor="lan")
    assert dict(_summary(store).by_category) == {("scam", ""): 1}
    # a later model run also flags it for hate, a little higher; nothing decided in between
    rescore_queue(store, FixedScorer({GOOD: Result({"positive": 0.5, "scam": 0.6, "hate": 0.65},
                                                   ["positive", "scam", "hate"])}), apply=True, actor="lan")
    assert dict(_summary(store).by_category) == {("scam", ""): 1}
