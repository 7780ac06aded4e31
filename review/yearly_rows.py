"""The rows of the yearly workbook's count sheets (Tổng hợp, Theo nguồn, Theo tháng): one per category, source
or month, its flagged and unflagged entries by verdict, and the months of the period shown even when empty.

Split from `review.yearly` (which counts and writes the workbook).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from review.models import VERDICTS
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
