"""Entries a re-score left below every threshold, as the rest of the product reads them.

`canhgac rescore --apply` keeps an undecided entry that no longer passes any threshold (and that no citizen
reported) in the queue, without flags, ranked after every flagged entry (`review.rescore.is_below_threshold`,
"dưới ngưỡng sau chấm lại"). It was a flag when it entered the queue. `status` and the weekly digest count such
entries apart from the backlog (`below_threshold_clause`, the same test in SQL), and the year-end report still
counts each once as the flag it was, on the row of the category it was flagged for (`last_flagged_categories`,
`fallen_category`), as it does a flagged citizen report a re-score left without flags (still a report there). Only `review.rescore` makes a crawled entry without flags (a crawl's re-score that flags
nothing leaves the entry as it was), so "no flag and no citizen report" is such an entry, decided since or not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, select

from review.models import ReviewEntry, ReviewFlag, Score
from review.rescore import BELOW_THRESHOLD_PENALTY


def below_threshold_clause() -> ColumnElement[bool]:
    """`is_below_threshold` in SQL (portable: a NOT EXISTS over the flags, no JSON), with the entry's status left
    to the caller."""
    e = ReviewEntry
    return and_(e.is_report.is_(False), e.priority < -BELOW_THRESHOLD_PENALTY / 2,
                ~exists().where(ReviewFlag.entry_id == e.id))


def last_flagged_categories(s: Any, entry_ids: Sequence[int]) -> dict[int, str]:
    """The category each entry was last flagged for: the top flag of the latest score of its page that flagged
    anything (the re-score keeps the older score rows). An entry never flagged is left out."""
    out: dict[int, str] = {}
    for start in range(0, len(entry_ids), 500):
        q = (select(ReviewEntry.id, Score.scores, Score.flags).join(Score, Score.item_id == ReviewEntry.item_id)
             .where(ReviewEntry.id.in_(entry_ids[start:start + 500])).order_by(Score.id))
        for entry_id, scores, flags in s.execute(q):
            if flags:
                ranked = {str(c): float((scores or {}).get(c, 0.0)) for c in flags}
                out[entry_id] = max(ranked, key=lambda c: (ranked[c], c))  # as `_record_score` ranks them
    return out


def fallen_category(verdict: str | None, verdict_category: str | None, was: str) -> str:
    """The report row of such an entry (`was`: the category it was flagged for). A confirming decision's category
    stands; a dismissal confirms none (`decide` without --category records the top score's category, which after
    the re-score flags nothing): the flag dismissed was `was`."""
    return verdict_category if verdict_category and verdict not in (None, "dismiss") else was
