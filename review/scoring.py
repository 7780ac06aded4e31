"""Scores in, review entries out: the seam between the classifier and the review queue.

The classifier is external to `review` (review imports only `classifier.categories` and, lazily,
`classifier.bank`), so a score result is taken by shape: anything with the attributes of
`classifier.scorer.ScoreResult` will do (`ScoreLike` below).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, cast

from sqlalchemy import Connection, Table, bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from review.citizen import REPORT_KIND, CrawledPage, record_joins, reported_entries
from review.errors import NotFound
from review.item_writer import add_items
from review.items import RETRIES, AddResult, NewItem, retryable
from review.models import (
    DECIDED,
    OPEN,
    Cluster,
    FeedState,
    Item,
    ReviewEntry,
    ReviewFlag,
    Score,
    Source,
)
from review.page_locks import lock_pages
from review.priority import PriorityInputs, is_local, stored_priority
from review.stale_scores import StaleScore, lock_written_entries, stored_pages
from review.types import utcnow
from review.waiting_reports import WaitingReportsMixin

if TYPE_CHECKING:
    from classifier.bank import Bank


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


class ScoringMixin(WaitingReportsMixin):
    """Classifier results into review entries; the citizen reports still waiting for a score are
    `WaitingReportsMixin`'s, mixed in here so `Store` keeps them."""

    def add_scored_items(self, batch: Sequence[ScoredItem], *, office_locality: str = "") -> list[AddResult]:
        """Store each item (placed in its story cluster), its score and review entry, and mark its feed
        entry handled, all in one transaction: a crash stores all of the batch or none of it. An item
        already stored (a re-run, another worker) is not stored again; it is scored if it has no score.
        A crawled page with the content of a citizen report (of the same URL, or a pasted text it is the same
        text or a near copy of) opens no entry of its own: the report's entry stands for it, and the join is
        audited (`review.citizen.reported_entries`, `record_joins`; the pages are locked first,
        `review.page_locks`; every entry the batch writes is locked before its first audit row, `review.stale_scores`).
        Results are in the order of `batch`; `scored` tells whether the item has a score now."""
        for attempt in range(RETRIES + 1):
            try:
                with self.session() as s:
                    return self._add_scored_items(s, batch, office_locality)
            except DBAPIError as exc:
                # another process stored one of these items (or its review entry) meanwhile: the retry finds it;
                # or the connection was lost (the server restarted, the backend terminated): the retry runs on a
                # new one, and finds the batch stored if the lost commit had gone through (unique rows)
                if attempt == RETRIES or not (retryable(exc) or exc.connection_invalidated):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _add_scored_items(self, s: Session, batch: Sequence[ScoredItem], office_locality: str) -> list[AddResult]:
        conn = s.connection()
        now = utcnow()
        out = add_items(conn, [entry.item for entry in batch], now)
        fresh: list[tuple[ScoredItem, AddResult]] = []  # new rows: no score, no review entry yet
        stale: list[tuple[ScoredItem, AddResult]] = []  # stored by a run that did not score them: may have an entry
        scored_now: set[int] = set()
        for i, (entry, res) in enumerate(zip(batch, out, strict=True)):
            if entry.score is None or res.scored or res.item_id in scored_now:
                out[i] = dataclasses.replace(res, scored=res.scored or res.item_id in scored_now)
                continue
            scored_now.add(res.item_id)
            (fresh if res.created else stale).append((entry, res))
            out[i] = dataclasses.replace(res, scored=True)
        if stale:
            # every entry the batch writes is locked (id order) before the first audit row: scored one by one, a
            # page's join would otherwise wait for an entry while holding the audit lock (`review.stale_scores`)
            lock_written_entries(s, [StaleScore(res.item_id, bool(cast(ScoreLike, e.score).flags), e.is_report)
                                     for e, res in stale], _joining_pages(fresh))
            for entry, res in stale:
                self._record_score(s, res.item_id, cast(ScoreLike, entry.score), entry.is_report, office_locality)
        if fresh:
            _insert_scores(s, fresh, office_locality, now)
        _save_entry_hashes(conn, {e.entry_url: e.entry_hash for e in batch if e.entry_url and e.entry_hash}, now)
        return out

    def record_score(self, item_id: int, result: ScoreLike, *, is_report: bool = False,
                     office_locality: str = "") -> int | None:
        """Store `result` for the item; when it flags anything (or a citizen reported it), create or
        update the item's review entry and return its id, else None. Re-scoring never duplicates an
        entry; it keeps the entry's status, decisions and waiting time. A crawled item with the content of
        a citizen report of the same URL gets no entry of its own: the report's entry id is returned.

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
                      office_locality: str, *, keep_unflagged: bool = False) -> int | None:
        item = s.get(Item, item_id)
        if item is None:
            raise NotFound(f"không có mục #{item_id}")
        lock_pages(s.connection(), [item.canonical_url])  # a report of this page waits, or is seen below
        now = utcnow()
        scores = {str(k): float(v) for k, v in result.scores.items()}
        score = Score(item_id=item_id, model_version=str(result.model_version), scores=scores,
                      flags=list(result.flags), evidence=[evidence_dict(e) for e in result.evidence],
                      label=str(result.label), created_at=now)
        s.add(score)
        s.flush()
        flagged = {c: scores.get(c, 0.0) for c in result.flags}
        if not flagged and not is_report and not keep_unflagged:
            return None  # `keep_unflagged` (review.rescore): an entry's flags are cleared, the entry kept
        ranked = flagged or scores or {"misinformation": 0.0}
        top_category = max(ranked, key=lambda c: (ranked[c], c))
        cluster_size = 1
        if item.cluster_id is not None:
            cluster_size = s.scalar(select(Cluster.size).where(Cluster.id == item.cluster_id)) or 1
        source_name = item.source.name if item.source is not None else None
        entry = s.scalar(select(ReviewEntry).where(ReviewEntry.item_id == item_id))
        if entry is None and not is_report and item.kind != REPORT_KIND:
            page = stored_pages(s, [item.id])[item.id]
            joined = record_joins(s, reported_entries(s.connection(), [page]), [page])
            if item.id in joined:
                return joined[item.id].entry_id  # the page's entry is the citizen report's
        if entry is None:
            entry = ReviewEntry(item_id=item_id, status=OPEN, version=1, created_at=now, updated_at=now,
                                is_report=False, top_category=top_category, priority=0.0)
            s.add(entry)
        elif entry.status != DECIDED and ({f.category for f in entry.flags} != set(flagged)
                                          or entry.top_category != top_category):
            # what a moderator holding the entry saw is no longer what it says: a decision made with the old
            # version is refused (decide's compare-and-set on `version`); a re-score that changes nothing is not
            entry.version += 1
        entry.is_report = bool(entry.is_report or is_report or item.kind == REPORT_KIND)
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
        """The known-item bank for the classifier: confirmed violations and dismissed false positives, as
        `review.known_items.bank_texts` gives them (the decided page's text; a dismissal in each of its flags)."""
        from classifier.bank import Bank
        from review.known_items import bank_texts

        with self.session() as s:
            return Bank(bank_texts(s))


_SCORES = cast(Table, Score.__table__)
_ENTRIES = cast(Table, ReviewEntry.__table__)
_FLAGS = cast(Table, ReviewFlag.__table__)
_FEEDS = cast(Table, FeedState.__table__)


def _insert_scores(s: Session, fresh: Sequence[tuple[ScoredItem, AddResult]], office_locality: str,
                   now: datetime) -> None:
    """`_record_score` for items created in this transaction (so without a review entry), a statement per
    table for the whole batch."""
    conn = s.connection()
    rows: list[dict[str, Any]] = []
    for entry, res in fresh:
        result = cast(ScoreLike, entry.score)
        rows.append({"item_id": res.item_id, "model_version": str(result.model_version),
                     "scores": {str(k): float(v) for k, v in result.scores.items()}, "flags": list(result.flags),
                     "evidence": [evidence_dict(e) for e in result.evidence], "label": str(result.label),
                     "created_at": now})
    score_ids = conn.scalars(insert(_SCORES).returning(_SCORES.c.id, sort_by_parameter_order=True), rows).all()
    names = {e.item.source_name for e, _ in fresh if e.item.source_name}
    known = set(conn.scalars(select(Source.name).where(Source.name.in_(names)))) if names else set()
    crawled = _joining_pages(fresh)
    # pages whose entry is a citizen report's
    reported = record_joins(s, reported_entries(conn, crawled), crawled) if crawled else {}
    entries, flags = [], []
    for (entry, res), row, score_id in zip(fresh, rows, score_ids, strict=True):
        scores: dict[str, float] = row["scores"]
        flagged = {c: scores.get(c, 0.0) for c in row["flags"]}
        is_report = entry.is_report or entry.item.kind == REPORT_KIND
        if (not flagged and not is_report) or res.item_id in reported:
            continue
        ranked = flagged or scores or {"misinformation": 0.0}
        top = max(ranked, key=lambda c: (ranked[c], c))
        result = cast(ScoreLike, entry.score)
        local = is_local(office_locality, [*entry.item.locality, *getattr(result, "locality", ())])
        priority = stored_priority(PriorityInputs(top, ranked[top], res.cluster_size, is_report, local), now)
        entries.append({"item_id": res.item_id, "score_id": score_id, "status": OPEN, "priority": priority,
                        "top_category": top, "top_score": ranked[top], "is_report": is_report, "version": 1,
                        "source_name": entry.item.source_name if entry.item.source_name in known else None,
                        "created_at": now, "updated_at": now})
        flags.append(flagged)
    if not entries:
        return
    entry_ids = conn.scalars(insert(_ENTRIES).returning(_ENTRIES.c.id, sort_by_parameter_order=True), entries).all()
    flag_rows = [{"entry_id": eid, "category": c, "score": v} for eid, f in zip(entry_ids, flags, strict=True)
                 for c, v in f.items()]
    if flag_rows:
        conn.execute(insert(_FLAGS), flag_rows)


def _joining_pages(fresh: Sequence[tuple[ScoredItem, AddResult]]) -> list[CrawledPage]:
    """The items created in this transaction that may join a citizen report's entry: flagged, no report."""
    return [CrawledPage(res.item_id, e.item.canonical_url, e.item.title, e.item.text, e.item.raw_hash,
                        e.item.minhash, e.item.band_keys, e.item.url, e.item.source_name)
            for e, res in fresh
            if list(cast(ScoreLike, e.score).flags) and not (e.is_report or e.item.kind == REPORT_KIND)]


def _save_entry_hashes(conn: Connection, hashes: dict[str, str], now: datetime) -> None:
    """`save_entry_hash` for many feed entries: one read, one multi-row insert, one multi-row update."""
    if not hashes:
        return
    urls = list(hashes)
    existing: set[str] = set()
    for i in range(0, len(urls), 500):
        existing.update(conn.scalars(select(FeedState.url).where(FeedState.url.in_(urls[i:i + 500]))))
    new = [{"url": u, "entry_hash": h, "checked_at": now} for u, h in hashes.items() if u not in existing]
    old = [{"b_url": u, "b_hash": h} for u, h in hashes.items() if u in existing]
    if new:
        conn.execute(insert(_FEEDS), new)
    if old:
        conn.execute(update(_FEEDS).where(_FEEDS.c.url == bindparam("b_url"))
                     .values(entry_hash=bindparam("b_hash"), checked_at=now), old)
