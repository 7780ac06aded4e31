"""Re-scoring the entries still waiting for a decision: `canhgac rescore [--apply]`.

The queue is scored when a page is collected. What moderators decide afterwards (the known-item bank: a
confirmed scam raises its copies, a dismissed false positive suppresses its copies) and a retrained model
activated later (`canhgac train --from-decisions --activate`) only reach pages collected after them; the entries
already waiting keep their old scores. `rescore_queue` scores the UNDECIDED entries (open or claimed) again with
the scorer and bank it is given (the CLI passes the model in use, the config's rules and thresholds, and
`store.load_bank()`), and the official-coverage cross-check the crawler runs (official items stored in the
database). Decided entries are never touched: a verdict stands for what the moderator saw.

A dry run (the default) only reports; `apply=True` writes through `ScoringMixin._record_score`, as a crawl's
re-score does: a new `Score` row (the old ones stay, the history), the entry's flags, top category and priority,
and a `version` bump when its flags or top category change (a moderator holding it with the old version is
refused and re-reads it). An entry that no longer passes any threshold and that no citizen reported is not
deleted: it stays in the queue, undecided, with no flags (its current score flags nothing), ranked after every
flagged entry (`BELOW_THRESHOLD_PENALTY` off its priority); `is_below_threshold` tells such an entry. Each
batch that writes appends its audit row (`rescore`: who, the model, the batch's counts and the ids that fell
below, and a `run` id shared by the rows of one run) in the same transaction as its changes, so a run interrupted
midway (Ctrl-C, a database error) leaves nothing written without its audit row; a run that writes nothing
appends one row with its counts.

Entries are read and written `batch` at a time (keyset by id: memory stays flat for a queue of 100,000). Each
batch is written in one transaction that first takes the page locks of its items (`review.page_locks`, as
`record_score` does) and re-reads the entries (`FOR UPDATE` on PostgreSQL): an entry decided meanwhile, or
re-scored by a crawl meanwhile, is skipped and counted, never overwritten. The batch's audit row comes last, so
the audit lock (`review.audit`) is taken after every row lock: `decide`, `undo` and `claim` take their entry's row
lock, then the audit lock, so neither side waits for a row while holding the audit lock, and they cannot deadlock
(tests/review/test_rescore_decide_race.py, PostgreSQL). Taking the audit lock before the rows would.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from review.audit import append_audit
from review.models import CLAIMED, OPEN, Item, ReviewEntry, ReviewFlag, Score
from review.page_locks import lock_pages
from review.rescore_report import AUDIT_IDS, SHOWN, Change
from review.rescore_report import RescoreReport as _Counts
from review.scoring import evidence_dict

if TYPE_CHECKING:
    from review.store import Store

__all__ = ["AUDIT_IDS", "BATCH", "BELOW_THRESHOLD_PENALTY", "RESCORE", "SHOWN", "Change", "RescoreReport",
           "StoredCoverage", "is_below_threshold", "rescore_queue"]

RESCORE = "rescore"  # the audit action
BATCH = 200  # entries read, scored and written together
#: taken off the stored priority of an entry that passes no threshold any more: 10,000 points are about seven
#: years of waiting (one point per six hours), so it ranks after every flagged entry however long it waited
BELOW_THRESHOLD_PENALTY = 10_000.0


def is_below_threshold(priority: float, flags: Sequence[str], is_report: bool) -> bool:
    """An undecided entry a re-score left in the queue without a flag: not a citizen's report, nothing flagged,
    ranked down by `BELOW_THRESHOLD_PENALTY`."""
    return not flags and not is_report and priority < -BELOW_THRESHOLD_PENALTY / 2


@dataclass(frozen=True)
class _Waiting:
    """An undecided entry as read for re-scoring."""

    entry_id: int
    item_id: int
    score_id: int | None
    is_report: bool
    top_category: str
    top_score: float
    flags: frozenset[str]
    title: str
    text: str
    official: bool
    canonical_url: str
    old_score: str | None  # the current score as canonical JSON (`_score_json`), None when unscored


def _score_json(model_version: str, scores: Any, flags: Any, evidence: Any) -> str:
    """A score as the database holds it, comparable across a JSON round trip."""
    data = {"model": str(model_version), "scores": {str(k): round(float(v), 9) for k, v in (scores or {}).items()},
            "flags": sorted(str(f) for f in flags or ()), "evidence": json.loads(json.dumps(evidence or [], default=str))}
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


@dataclass
class RescoreReport(_Counts):
    """A run's counts (`review.rescore_report.RescoreReport`) and the entries someone held whose version this run
    bumped (new flags or top category), collected under the row lock as they were written (`_write`): their
    holders must look again. A claim that changed hands during the run, with flags unchanged, is not one."""

    claimed_changed: list[int] = field(default_factory=list)

    def add(self, part: _Counts) -> None:
        super().add(part)
        if isinstance(part, RescoreReport):
            self.claimed_changed += part.claimed_changed


def rescore_queue(store: Store, scorer: Any, *, bank: Any = None, office_locality: str = "",
                  source: str | None = None, since: datetime | None = None, apply: bool = False,
                  actor: str | None = None, batch: int = BATCH) -> RescoreReport:
    """Score every undecided entry (of `source`, queued since `since`) again and report what changes; with
    `apply`, write it, with an audit row per written batch as `actor` (see the module doc)."""
    if apply and not actor:
        raise ValueError("rescore_queue: apply needs the actor recorded in the audit row")
    version = str(getattr(scorer, "version", ""))
    report = RescoreReport(model_version=version, applied=apply)
    run = uuid.uuid4().hex  # shared by the audit rows of this run's batches
    audited = False
    for waiting in _batches(store, source, since, batch):
        results = _score(store, scorer, bank, waiting)
        part = RescoreReport(model_version=version, applied=apply)  # this batch
        todo: list[tuple[_Waiting, Any, Change]] = []
        for w, result in zip(waiting, results, strict=True):
            if isinstance(result, BaseException):
                part.failed += 1
                continue
            part.scored += 1
            change, same = _change(w, result)
            if same:
                part.unchanged += 1
            else:
                todo.append((w, result, change))
        if apply and todo:
            assert actor is not None
            _write(store, todo, office_locality, part, actor, {"run": run, **_scope(source, since)})
            audited = True
        else:
            for _, _, change in todo:
                part.count(change)
        report.add(part)
    if apply and not audited:  # nothing written: one row still records that the run was made, and what it found
        assert actor is not None
        with store.session() as s:
            append_audit(s, actor, RESCORE, None, {"run": run, **report.audit_details(), **_scope(source, since)})
    return report


def _scope(source: str | None, since: datetime | None) -> dict[str, Any]:
    return {"source": source, "since": since.isoformat() if since else None}


def _batches(store: Store, source: str | None, since: datetime | None, size: int) -> Iterator[list[_Waiting]]:
    e = ReviewEntry
    last = 0
    while True:
        q = (select(e.id, e.item_id, e.score_id, e.is_report, e.top_category, e.top_score, Item.title, Item.text,
                    Item.official, Item.canonical_url, Score.model_version, Score.scores, Score.flags, Score.evidence)
             .join(Item, Item.id == e.item_id).outerjoin(Score, Score.id == e.score_id)
             .where(e.status.in_((OPEN, CLAIMED)), e.id > last))
        if source is not None:
            q = q.where(e.source_name == source)
        if since is not None:
            q = q.where(e.created_at >= since)
        with store.session() as s:
            rows = s.execute(q.order_by(e.id).limit(size)).all()
            flags: dict[int, set[str]] = {}
            if rows:
                for entry_id, category in s.execute(select(ReviewFlag.entry_id, ReviewFlag.category)
                                                    .where(ReviewFlag.entry_id.in_([r[0] for r in rows]))):
                    flags.setdefault(entry_id, set()).add(category)
        if not rows:
            return
        yield [_Waiting(r[0], r[1], r[2], bool(r[3]), r[4], float(r[5] or 0.0), frozenset(flags.get(r[0], ())),
                        r[6] or "", r[7] or "", bool(r[8]), r[9],
                        _score_json(r[10], r[11], r[12], r[13]) if r[2] is not None and r[10] is not None else None)
               for r in rows]
        last = rows[-1][0]


def _score(store: Store, scorer: Any, bank: Any, waiting: Sequence[_Waiting]) -> list[Any]:
    """One result (or the exception scoring it raised) per entry, official and other items apart as the crawler
    scores them (the coverage cross-check is for the others)."""
    out: list[Any] = [None] * len(waiting)
    groups: dict[bool, list[int]] = {}
    for i, w in enumerate(waiting):
        groups.setdefault(w.official, []).append(i)
    for official, idx in groups.items():
        part = [waiting[i] for i in idx]
        coverage = None if official else StoredCoverage(store, part)
        try:
            results: list[Any] = list(scorer.score_many([w.text for w in part], titles=[w.title for w in part],
                                                        official=official, bank=bank, coverage=coverage))
        except Exception:  # noqa: BLE001 - one by one, so a text the scorer cannot read fails only itself
            results = []
            for w in part:
                try:
                    results.append(scorer.score(w.text, title=w.title, official=official, bank=bank,
                                                coverage=coverage))
                except Exception as exc:  # noqa: BLE001 - counted as failed, the entry left as it was
                    results.append(exc)
        for i, result in zip(idx, results, strict=True):
            out[i] = result
    return out


def _change(w: _Waiting, result: Any) -> tuple[Change, bool]:
    """What `result` changes in the entry, and whether it changes nothing (the same score and flags)."""
    scores = {str(k): float(v) for k, v in result.scores.items()}
    flags = [str(f) for f in result.flags]
    ranked = {c: scores.get(c, 0.0) for c in flags} or scores or {w.top_category: 0.0}
    top = max(ranked, key=lambda c: (ranked[c], c))
    new = _score_json(result.model_version, scores, flags, [evidence_dict(ev) for ev in result.evidence])
    same = new == w.old_score and set(flags) == set(w.flags)
    change = Change(w.entry_id, w.top_category, w.top_score, top, ranked[top],
                    gained=tuple(sorted(set(flags) - w.flags)), below=not flags and not w.is_report)
    return change, same


def _write(store: Store, todo: Sequence[tuple[_Waiting, Any, Change]], office_locality: str, part: RescoreReport,
           actor: str, scope: dict[str, Any]) -> None:
    """Write one batch and its audit row (`part`'s counts, as `actor`) in one transaction: a run interrupted
    later leaves nothing written unaudited. An entry changed since it was read is skipped (and counted)."""
    e = ReviewEntry
    with store.session() as s:
        lock_pages(s.connection(), [w.canonical_url for w, _, _ in todo])  # a crawl of these pages waits
        current: dict[int, tuple[int | None, str, int]] = {
            entry_id: (score_id, status, version) for entry_id, score_id, status, version in s.execute(
                select(e.id, e.score_id, e.status, e.version)
                .where(e.id.in_([w.entry_id for w, _, _ in todo]), e.status.in_((OPEN, CLAIMED)))
                .order_by(e.id).with_for_update())}  # in id order: one lock order for every batch
        for w, result, change in todo:
            if w.entry_id not in current or current[w.entry_id][0] != w.score_id:
                part.skipped += 1
                continue  # decided, or scored by a crawl, since it was read: theirs stands
            store._record_score(s, w.item_id, result, w.is_report, office_locality, keep_unflagged=True)
            _, status, version = current[w.entry_id]
            if status == CLAIMED:
                held = s.get(e, w.entry_id)
                if held is not None and held.version != version:  # this write bumped it, under the row lock
                    part.claimed_changed.append(w.entry_id)
            if change.below:
                entry = s.get(e, w.entry_id)
                assert entry is not None
                entry.priority -= BELOW_THRESHOLD_PENALTY
            part.count(change)
        append_audit(s, actor, RESCORE, None, {**part.audit_details(), **scope})  # last: after every row lock


class StoredCoverage:
    """`classifier.coverage.OfficialCoverage` over the official items in the database, for one batch: the first
    question looks up every text of the batch in one transaction (`Store.similar_items_many`)."""

    def __init__(self, store: Store, waiting: Sequence[_Waiting], *, threshold: float = 0.3) -> None:
        self.store, self.threshold = store, threshold
        # what `classifier.signals.coverage_evidence` asks with; any other text is looked up on its own
        self._texts = [f"{w.title}\n{w.text}" if w.title else w.text for w in waiting]
        self._found: dict[str, list[Any]] | None = None

    def find_similar(self, text: str, limit: int = 3) -> list[Any]:
        from classifier.coverage import CoverageHit
        from classifier.fingerprint import band_keys, minhash, signature_bytes

        if self._found is None:
            unique = list(dict.fromkeys(self._texts))
            queries = []
            for t in unique:
                m = minhash(t)
                queries.append((signature_bytes(m), band_keys(m)))
            found = self.store.similar_items_many(queries, official_only=True, limit=3, threshold=self.threshold)
            self._found = dict(zip(unique, found, strict=True))
        hits = self._found.get(text) if limit <= 3 else None
        if hits is None:
            m = minhash(text)
            hits = self.store.similar_items(signature_bytes(m), band_keys(m), official_only=True, limit=limit,
                                            threshold=self.threshold)
        return [CoverageHit(ref=str(h.item_id), title=h.title, url=h.url, similarity=h.similarity)
                for h in hits[:limit]]
