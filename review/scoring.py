"""Scores in, review entries out: the seam between the classifier and the review queue.

The classifier is external to `review` (review imports only `classifier.categories` and, lazily,
`classifier.bank`), so a score result is taken by shape: anything with the attributes of
`classifier.scorer.ScoreResult` will do (`ScoreLike` below).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from review.errors import NotFound
from review.items import AddResult, NewItem, save_entry_hash
from review.models import OPEN, BankEntry, Cluster, Item, ReviewEntry, ReviewFlag, Score
from review.priority import PriorityInputs, is_local, stored_priority
from review.types import utcnow

if TYPE_CHECKING:
    from classifier.bank import Bank
    from review.store import Store, StoreBase

    _Base = StoreBase
else:
    _Base = object


class ScoreLike(Protocol):
    """What `record_score` reads from a classifier result (duck-typed `classifier.scorer.ScoreResult`)."""

    scores: Mapping[str, float]
    flags: Sequence[str]
    label: str
    evidence: Sequence[Any]
    locality: Sequence[str]
    model_version: str


_EVIDENCE_FIELDS = ("category", "kind", "text", "start", "end", "weight", "detail")


def evidence_dict(ev: Any) -> dict[str, Any]:
    """One piece of evidence as a JSON-ready dict (dataclass, mapping or plain object)."""
    if isinstance(ev, Mapping):
        return dict(ev)
    if dataclasses.is_dataclass(ev) and not isinstance(ev, type):
        return dataclasses.asdict(ev)
    return {name: getattr(ev, name, None) for name in _EVIDENCE_FIELDS}


@dataclass(frozen=True)
class ScoredItem:
    """One item for `add_scored_items`: the item, its classifier result (None: unscored) and the feed
    entry to mark handled once both are stored."""

    item: NewItem
    score: ScoreLike | None = None
    is_report: bool = False
    entry_url: str | None = None
    entry_hash: str | None = None


class ScoringMixin(_Base):
    def add_scored_items(self, batch: Sequence[ScoredItem], *, office_locality: str = "") -> list[AddResult]:
        """Store each item (placed in its story cluster), its score and review entry, and mark its feed
        entry handled, all in one transaction: a crash stores all of the batch or none of it. An item
        already stored (a re-run, another worker) is not stored again; it is scored if it has no score.
        Results are in the order of `batch`; `scored` tells whether the item has a score now."""
        store = cast("Store", self)
        for attempt in range(2):
            try:
                with self.session() as s:
                    out = []
                    for entry in batch:
                        res = store._add_item(s, entry.item)
                        if entry.score is not None and not res.scored:
                            self._record_score(s, res.item_id, entry.score, entry.is_report, office_locality)
                            res = dataclasses.replace(res, scored=True)
                        if entry.entry_url and entry.entry_hash:
                            save_entry_hash(s, entry.entry_url, entry.entry_hash)
                        out.append(res)
                    return out
            except IntegrityError:
                # another process stored one of these items (or its review entry) meanwhile: the retry finds it
                if attempt:
                    raise
        return []  # pragma: no cover

    def record_score(self, item_id: int, result: ScoreLike, *, is_report: bool = False,
                     office_locality: str = "") -> int | None:
        """Store `result` for the item; when it flags anything (or a citizen reported it), create or
        update the item's review entry and return its id, else None. Re-scoring never duplicates an
        entry; it keeps the entry's status, decisions and waiting time.

        `office_locality` is `[review] locality` of the config: items about it rank higher.
        """
        for attempt in range(2):
            try:
                with self.session() as s:
                    return self._record_score(s, item_id, result, is_report, office_locality)
            except IntegrityError:
                # Another process created the entry for this item between our read and insert: retry as update.
                if attempt:
                    raise
        return None  # pragma: no cover

    def _record_score(self, s: Session, item_id: int, result: ScoreLike, is_report: bool,
                      office_locality: str) -> int | None:
        item = s.get(Item, item_id)
        if item is None:
            raise NotFound(f"không có mục #{item_id}")
        now = utcnow()
        scores = {str(k): float(v) for k, v in result.scores.items()}
        score = Score(item_id=item_id, model_version=str(result.model_version), scores=scores,
                      flags=list(result.flags), evidence=[evidence_dict(e) for e in result.evidence],
                      label=str(result.label), created_at=now)
        s.add(score)
        s.flush()
        flagged = {c: scores.get(c, 0.0) for c in result.flags}
        if not flagged and not is_report:
            return None
        ranked = flagged or scores or {"misinformation": 0.0}
        top_category = max(ranked, key=lambda c: (ranked[c], c))
        cluster_size = 1
        if item.cluster_id is not None:
            cluster_size = s.scalar(select(Cluster.size).where(Cluster.id == item.cluster_id)) or 1
        source_name = item.source.name if item.source is not None else None
        entry = s.scalar(select(ReviewEntry).where(ReviewEntry.item_id == item_id))
        if entry is None:
            entry = ReviewEntry(item_id=item_id, status=OPEN, version=1, created_at=now, updated_at=now,
                                is_report=False, top_category=top_category, priority=0.0)
            s.add(entry)
        entry.is_report = bool(entry.is_report or is_report or item.kind == "report")
        entry.score_id = score.id
        entry.top_category = top_category
        entry.top_score = ranked[top_category]
        entry.source_name = source_name or entry.source_name
        local = is_local(office_locality, [*(item.locality or []), *getattr(result, "locality", ())])
        entry.priority = stored_priority(
            PriorityInputs(top_category, entry.top_score, cluster_size, entry.is_report, local), entry.created_at)
        entry.updated_at = now
        s.flush()
        existing = {f.category: f for f in entry.flags}
        for cat, value in flagged.items():
            if cat in existing:
                existing.pop(cat).score = value
            else:
                entry.flags.append(ReviewFlag(category=cat, score=value))
        for stale in existing.values():
            entry.flags.remove(stale)
        s.flush()
        return entry.id

    def load_bank(self) -> Bank:
        """The known-item bank for the classifier: confirmed violations and dismissed false positives."""
        from classifier.bank import Bank, BankText

        with self.session() as s:
            rows = s.scalars(select(BankEntry).where(BankEntry.active.is_(True)).order_by(BankEntry.id)).all()
        texts = [BankText(text=r.text, category=r.category, polarity=r.polarity,
                          ref=f"bank:{r.id}" + (f"/item:{r.item_id}" if r.item_id else ""))
                 for r in rows]
        return Bank(texts)
