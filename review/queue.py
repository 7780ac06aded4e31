"""The review queue: scores in, entries out, claims and decisions.

`QueueMixin` is what `Store` mixes in. It is assembled from one mixin per concern so each file stays
small:

    review.scoring     record_score, load_bank          classifier results → review entries
    review.listing     list_entries, entry_detail       what `queue` and `show` read
    review.claims      claim, claim_next, release       atomic claims with expiry
    review.decisions   decide, undo, bulk               verdicts, audited, feeding the bank
    review.stats       stats                            per-category flag precision and backlog

The ordering is documented in `review.priority`.
"""

from __future__ import annotations

from review.claims import ClaimsMixin
from review.decisions import DecisionsMixin
from review.listing import ListingMixin
from review.scoring import ScoringMixin
from review.stats import StatsMixin


class QueueMixin(ScoringMixin, ListingMixin, ClaimsMixin, DecisionsMixin, StatsMixin):
    pass
