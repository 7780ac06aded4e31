"""The rows of the yearly workbook's count sheets (Tổng hợp, Theo nguồn, Theo tháng): one per category, source
or month, its flagged and unflagged entries by verdict, and the months of the period shown even when empty; the
"Vi phạm Bộ Quy tắc ứng xử" subtotal over the harm categories (`with_harm_subtotal`); and the category an undecided
entry is counted under (`undecided_categories`).

Split from `review.yearly` (which counts and writes the workbook).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from classifier.categories import CATEGORIES, POSITIVE, VI_LABELS
from review.models import VERDICTS, ReviewEntry, ReviewFlag, Score
from review.vi import VN_TZ

if TYPE_CHECKING:
    from review.yearly import Summary


def count_rows(flagged: Counter[tuple[str, str]], unflagged: Counter[tuple[str, str]], keys: list[str],
               *extra: Counter[str]) -> list[list[Any]]:
    """A row per key: flagged entries, unflagged report entries, one column per verdict and undecided (both
    kinds of entry), then each of `extra` for the key."""
    rows = []
    for k in keys:
        counts = [flagged[(k, v)] + unflagged[(k, v)] for v in VERDICTS]
        open_ = flagged[(k, "")] + unflagged[(k, "")]
        n_flagged = sum(n for (key, _), n in flagged.items() if key == k)
        n_unflagged = sum(n for (key, _), n in unflagged.items() if key == k)
        rows.append([k, n_flagged, n_unflagged, *counts, open_, *(x[k] for x in extra)])
    return rows


def row_keys(*counters: Counter[tuple[str, str]]) -> set[str]:
    """The rows (category, source or month) the (key, verdict) counters have anything for."""
    return {k for c in counters for k, _ in c}


MONTHS_FILLED_MAX = 24  # a longer period (--since 2000) lists only the months with something in them


def period_months(summary: Summary) -> set[str]:
    """Every month (YYYY-MM, Vietnam time) of the period up to when the data was counted, so a month with
    nothing in it shows zeros rather than a gap; months still to come are not shown (not yet zero)."""
    first = summary.since.astimezone(VN_TZ)
    last = (min(summary.until, summary.counted_at) - timedelta(microseconds=1)).astimezone(VN_TZ)
    if last < first or (last.year - first.year) * 12 + last.month - first.month >= MONTHS_FILLED_MAX:
        return set()
    out, y, m = set(), first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.add(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


#: The subtotal row over the harm categories (every category but `positive`, "tôn vinh"), above them on the category
#: sheets: what the year-end report calls violations of the Code of Cultural Conduct.
HARM_GROUP_VI = "Vi phạm Bộ Quy tắc ứng xử"
HARM_LABELS = tuple(VI_LABELS.get(c, c) for c in CATEGORIES if c != POSITIVE)


def with_harm_subtotal(rows: list[list[Any]]) -> list[list[Any]]:
    """`rows` (a label, then counts; the harm categories by their Vietnamese names) with the `HARM_GROUP_VI` row,
    each count column summed over the harm rows, put above the first of them. The subtotal counts entries already
    on the rows below it: a "Tổng cộng" row is the sum of `rows`, never of the subtotal too."""
    harms = [r for r in rows if r[0] in HARM_LABELS]
    if not harms:
        return rows
    subtotal = [HARM_GROUP_VI, *(sum(r[i] for r in harms) for i in range(1, len(harms[0])))]
    first = rows.index(harms[0])
    return [*rows[:first], subtotal, *rows[first:]]


def first_flagged_categories(s: Any, entry_ids: Sequence[int]) -> dict[int, str]:
    """The category each entry was first flagged for: the top flag of the earliest score of its page that flagged
    anything (scores are never updated: a re-score, by `canhgac rescore` or by a crawl, adds a row). An undecided
    entry counts on that row of the year-end report, so a re-score that changes its top flag does not move it from
    one row to another between two reports. An entry no stored score flagged is left out (the caller uses its top
    category)."""
    out: dict[int, str] = {}
    for start in range(0, len(entry_ids), 500):
        q = (select(ReviewEntry.id, Score.scores, Score.flags).join(Score, Score.item_id == ReviewEntry.item_id)
             .where(ReviewEntry.id.in_(entry_ids[start:start + 500])).order_by(Score.id))
        for entry_id, scores, flags in s.execute(q):
            if flags and entry_id not in out:
                ranked = {str(c): float((scores or {}).get(c, 0.0)) for c in flags}
                out[entry_id] = max(ranked, key=lambda c: (ranked[c], c))  # as `_record_score` ranks them
    return out


def undecided_categories(s: Any, entry_ids: Sequence[int]) -> dict[int, str]:
    """The row each undecided entry counts on: the category it was first flagged for (`first_flagged_categories`),
    unless a re-score has since put it on the other side of the line between tôn vinh (`positive`) and the harm
    categories. First flagged `positive` and carrying a harm flag now, it is a possible violation awaiting a
    decision: under the highest harm flag of the earliest score that flagged it for a harm (a harm flag beside a
    higher `positive` one included: what may be a violation is checked as one), so that, as for an entry first
    flagged for a harm, a later re-score does not move it between harm rows from one draft to the next. First
    flagged for a harm and flagged only `positive` now, it leaves the harm subtotal for tôn vinh. Within the harm
    categories the first stays (two drafts of the report agree), and an entry with no current flag (below every
    threshold since a re-score) keeps its first too. Left out as in `first_flagged_categories`: an entry no stored
    score flagged."""
    out = first_flagged_categories(s, entry_ids)
    current: dict[int, set[str]] = {}
    for start in range(0, len(entry_ids), 500):
        for entry_id, category in s.execute(select(ReviewFlag.entry_id, ReviewFlag.category)
                                            .where(ReviewFlag.entry_id.in_(entry_ids[start:start + 500]))):
            current.setdefault(entry_id, set()).add(str(category))
    crossed = [eid for eid, flags in current.items() if out.get(eid) == POSITIVE and flags - {POSITIVE}]
    out.update(_first_harm_categories(s, crossed))
    for entry_id, flags in current.items():
        first = out.get(entry_id)
        if first is not None and first != POSITIVE and flags == {POSITIVE}:
            out[entry_id] = POSITIVE
    return out


def _first_harm_categories(s: Any, entry_ids: Sequence[int]) -> dict[int, str]:
    """The highest harm flag (any but `positive`) of the earliest score of each entry's page that flagged a harm."""
    out: dict[int, str] = {}
    for start in range(0, len(entry_ids), 500):
        q = (select(ReviewEntry.id, Score.scores, Score.flags).join(Score, Score.item_id == ReviewEntry.item_id)
             .where(ReviewEntry.id.in_(entry_ids[start:start + 500])).order_by(Score.id))
        for entry_id, scores, flags in s.execute(q):
            harms = {str(c): float((scores or {}).get(c, 0.0)) for c in flags or () if c != POSITIVE}
            if harms and entry_id not in out:
                out[entry_id] = max(harms, key=lambda c: (harms[c], c))  # as `_record_score` ranks them
    return out
