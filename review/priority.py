"""The review priority: which flagged item a moderator should read first, and why.

    effective priority = 100 × top_score × severity(top_category)      harm × confidence, 0..100
                       + 8 × log2(cluster size)                        spread: 2 copies +8, 16 copies +32
                       + 15 if a citizen reported it                   a person already asked us to look
                       + 10 if it concerns the office's own locality   our jurisdiction first
                       + 1 per 6 hours waiting                         aging: nothing waits forever

Why aging *raises* priority: a queue ordered by harm alone starves low-severity entries (an offensive
comment flagged at 0.6 scores 24, a likely scam 80); at one point per six hours the scam still comes
first for two weeks, but no entry waits unboundedly. Freshness has its own order (`--sort newest`).

The aging term is linear in age, so it is stored without ever rewriting rows: ordering by
`base + (now − created)/6h` equals ordering by `base − (created − EPOCH)/6h`, a constant per entry.
The `priority` column holds that stored value; `effective()` turns it back into the number above for
display. Re-scoring an entry keeps its `created_at`, so its waiting credit is kept too.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from classifier.categories import SEVERITY

EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
SCORE_WEIGHT = 100.0
SPREAD_WEIGHT = 8.0
REPORT_BONUS = 15.0
LOCALITY_BONUS = 10.0
AGING_HOURS_PER_POINT = 6.0


@dataclass(frozen=True)
class PriorityInputs:
    top_category: str
    top_score: float
    cluster_size: int = 1
    is_report: bool = False
    local: bool = False


def base_priority(p: PriorityInputs) -> float:
    """Everything except aging: harm × confidence, spread, report and locality bonuses."""
    severity = SEVERITY.get(p.top_category, 0.5)
    return (SCORE_WEIGHT * p.top_score * severity
            + SPREAD_WEIGHT * math.log2(max(p.cluster_size, 1))
            + (REPORT_BONUS if p.is_report else 0.0)
            + (LOCALITY_BONUS if p.local else 0.0))


def _hours_since_epoch(t: datetime) -> float:
    return (t - EPOCH).total_seconds() / 3600.0


def stored_priority(p: PriorityInputs, created_at: datetime) -> float:
    """The value kept in `review_entries.priority`: ordering by it equals ordering by `effective()`."""
    return base_priority(p) - _hours_since_epoch(created_at) / AGING_HOURS_PER_POINT


def effective(stored: float, now: datetime) -> float:
    """The priority as documented (base + aging) at `now`, from the stored value."""
    return stored + _hours_since_epoch(now) / AGING_HOURS_PER_POINT


def place_key(text: str) -> str:
    """Case- and accent-insensitive form: 'Hà Nội' and 'ha noi' compare equal; 'đ' becomes 'd'."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def is_local(office_locality: str, localities: Iterable[str]) -> bool:
    """True when one of the item's localities names the office's (either contains the other)."""
    office = place_key(office_locality)
    if not office:
        return False
    for loc in localities:
        folded = place_key(str(loc))
        if folded and (office in folded or folded in office):
            return True
    return False
