"""Citizen reports reaching the queue: one entry per page, however many people report it.

A report of a page (or a pasted text) that is already in the queue must not open a second entry: the
moderators would decide the same text twice, maybe differently. `file_report` decides in one
transaction what a scored report becomes:

* it matches an item (same canonical URL, same visible text or the same downloaded bytes; a pasted
  text without a URL: the same content anywhere, see "Pasted texts" below) whose entry is still undecided
  (open or claimed): that entry is marked as a citizen report (`is_report`, +15 priority once, version
  bumped) and the report is recorded in the audit log (action `report`: reporter, note, URL, when it was
  received, how it matched; a report that waited for a model was received when it was stored, not when a
  later crawl filed it). No item or entry is added;
* it matches an item whose entry is already decided: nothing changes but the audit row; the reporter is
  told the entry's number and verdict. A page whose text changed since is not a match: it is stored as
  a new revision and gets an entry of its own;
* otherwise it is stored like a crawled item (`ScoringMixin._add_scored_items`), as before.

The other way round, a crawled page whose visible content is that of a citizen report already stored
under the same URL (`reported_entries`) is stored as a revision of it, but opens no review entry: the
report's entry is the page's entry, undecided or decided. Such a join is audited (action `crawl_join`:
the page's item, URL and source, how it matched) and bumps the entry's version when it is undecided.

Pasted texts. A report pasted without a URL (canonical URL `TEXT_REPORT_PREFIX`...) and a page collected
from anywhere are the same content when

* *exact*: the report's text, with case and whitespace folded (`_folded`), is the page's text, or its
  headline followed by its text; the page's downloaded bytes cannot be compared, the report has none;
* *near*: their MinHash signatures (the story-cluster fingerprint: word 3-shingles of the accent-folded
  headline and text) agree on at least `CLUSTER_THRESHOLD` of their values: the threshold that makes
  two pages copies of one story (`review.item_writer`).

Candidates are found the way story clusters find each other, through shared LSH band keys (`ItemBand`).
An exact copy joins the report's entry (or the report joins the page's) undecided or decided, like a page
and a report of one URL; a near copy joins only an undecided entry, as a copy that differs from what was
decided deserves its own look. Both directions are serialized by the text-report lock
(`review.page_locks.lock_text_reports`): a pasted-text report and a crawl never both decide that the other
is not there.

Nothing is kept in process memory. A report and any other writer of the same page (another report, a
crawler worker storing it) are serialized by the database (`review.page_locks`: SQLite BEGIN IMMEDIATE;
PostgreSQL a transaction-scoped advisory lock on the canonical URL, and the entry row locked before it is
changed), so whichever comes second sees the first one's item and entry. A pasted-text report also holds
the text-report lock exclusively, which every crawl holds shared: it and a crawl of a copy of its text
never run side by side either.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import Connection, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from review.audit import append_audit
from review.item_writer import CLUSTER_THRESHOLD
from review.items import RETRIES, retryable
from review.models import DECIDED, AuditLog, Item, ItemBand, ReviewEntry, Source
from review.page_locks import lock_pages, lock_text_reports
from review.priority import REPORT_BONUS
from review.types import utcnow

if TYPE_CHECKING:
    from review.scoring import ScoredItem
    from review.store import Store

TEXT_REPORT_PREFIX = "report:text/"  # canonical URL of a report pasted without a URL
REPORT_KIND = "report"  # Item.kind of a citizen report
_CANDIDATES = 50

NEW, JOINED, ALREADY_DECIDED = "new", "joined", "decided"
CRAWL_ACTOR = "canhgac-crawler"  # who the audit row of a crawled page joining a report's entry names
CRAWL_JOIN = "crawl_join"  # its action
# how a page and a report were found to be the same content (audit `match`)
SAME_PAGE, SAME_TEXT, NEAR_COPY = "same_page", "same_text", "near_copy"


@dataclass(frozen=True)
class FiledReport:
    outcome: str  # NEW: stored as an item of its own; JOINED: added to an undecided entry; ALREADY_DECIDED
    item_id: int
    entry_id: int | None
    created: bool = False  # NEW: a new item row (False: this exact report was stored before)
    scored: bool = False
    status: str | None = None  # the entry's status (JOINED / ALREADY_DECIDED)
    verdict: str | None = None  # ALREADY_DECIDED: the entry's current verdict and category
    verdict_category: str | None = None
    repeated: bool = False  # JOINED / ALREADY_DECIDED: this very report was already recorded on the entry


def file_report(store: Store, report: ScoredItem, *, actor: str, office_locality: str = "") -> FiledReport:
    """Join the report to the undecided entry of the same content, record it on the decided one, or
    store it as a new item (see the module doc). One transaction, retried when another writer collided."""
    for attempt in range(RETRIES + 1):
        try:
            with store.session() as s:
                return _file_report(store, s, report, actor, office_locality)
        except DBAPIError as exc:
            if attempt == RETRIES or not retryable(exc):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _file_report(store: Store, s: Session, report: ScoredItem, actor: str, office_locality: str) -> FiledReport:
    new = report.item
    if new.canonical_url.startswith(TEXT_REPORT_PREFIX):
        lock_text_reports(s.connection())  # no crawl stores a page until this report is committed
    lock_pages(s.connection(), [new.canonical_url])  # the lock a crawl of this page takes too
    found = _matching_entry(s, new.canonical_url, new.title, new.text, new.raw_hash, new.band_keys, new.minhash)
    if found is None:
        [res] = store._add_scored_items(s, [report], office_locality)
        entry_id = s.scalar(select(ReviewEntry.id).where(ReviewEntry.item_id == res.item_id))
        return FiledReport(NEW, res.item_id, entry_id, created=res.created, scored=res.scored)
    entry, match, similarity = found
    own = s.execute(select(Item.canonical_url, Item.content_hash).where(Item.id == entry.item_id)).one_or_none()
    if own is not None and tuple(own) == (new.canonical_url, new.content_hash):
        # the entry's item IS this report (same address, reporter, note and text): filed before, by another
        # process queueing the same waiting report or by sending it again word for word; nothing new to record
        return FiledReport(ALREADY_DECIDED if entry.status == DECIDED else JOINED, entry.item_id, entry.id,
                           scored=True, status=entry.status, verdict=entry.verdict,
                           verdict_category=entry.verdict_category, repeated=True)
    now = utcnow()
    received = _stored_report_at(s, new.canonical_url, new.content_hash) or now
    details: dict[str, Any] = {"item_id": entry.item_id, "url": new.url, "reporter": new.extra.get("reporter"),
                               "note": new.extra.get("note"), "report_hash": new.content_hash,
                               "received_at": received.isoformat(timespec="seconds"), "match": match}
    if similarity is not None:
        details["similarity"] = round(similarity, 3)
    repeated = _already_recorded(s, entry.id, new.content_hash)
    if entry.status == DECIDED:
        if not repeated:
            append_audit(s, actor, "report", entry.id,
                         {**details, "outcome": "already_decided", "verdict": entry.verdict})
        return FiledReport(ALREADY_DECIDED, entry.item_id, entry.id, scored=True, status=entry.status,
                           verdict=entry.verdict, verdict_category=entry.verdict_category, repeated=repeated)
    if not repeated:
        raised = not entry.is_report
        if raised:  # the stored priority is linear in its terms: adding the bonus is exact
            entry.is_report = True
            entry.priority = entry.priority + REPORT_BONUS
        entry.version += 1
        entry.updated_at = now
        append_audit(s, actor, "report", entry.id,
                     {**details, "outcome": "joined", "status": entry.status, "priority_raised": raised})
    return FiledReport(JOINED, entry.item_id, entry.id, scored=True, status=entry.status, repeated=repeated)


def _matching_entry(s: Session, canonical_url: str, title: str, body: str, raw_hash: str | None,
                    band_keys: Sequence[str], minhash: bytes | None = None
                    ) -> tuple[ReviewEntry, str, float | None] | None:
    """The review entry of an item with the same content, how it matched and (a near copy) the estimated
    similarity: an undecided one first (the same content before a near copy, then the most similar, then
    the newest), else the newest decided one of the same content; None when there is none. The entry rows
    are locked (PostgreSQL) so a concurrent decision waits, and their status is read after the lock."""
    rows = list(s.execute(select(Item.id, Item.title, Item.text, Item.raw_hash)
                          .where(Item.canonical_url == canonical_url)).all())
    how: dict[int, tuple[int, float, str]] = {}  # item id -> (exact?, similarity, match)
    for iid, t, b, r in rows:
        if _same_content(title, body, raw_hash, t, b, r):
            how[iid] = (1, 1.0, SAME_PAGE)
    if canonical_url.startswith(TEXT_REPORT_PREFIX) and band_keys:
        # pasted text: the same or a near-duplicate text collected from any page, found through its MinHash bands
        near = list(s.scalars(select(ItemBand.item_id).where(ItemBand.band_key.in_(list(dict.fromkeys(band_keys))))
                              .group_by(ItemBand.item_id).order_by(func.count().desc(), ItemBand.item_id)
                              .limit(_CANDIDATES)))
        if near:
            for iid, t, b, sig in s.execute(select(Item.id, Item.title, Item.text, Item.minhash)
                                            .where(Item.id.in_(near))):
                if iid in how:
                    continue
                if _same_text(body, t, b):
                    how[iid] = (1, 1.0, SAME_TEXT)
                elif (sim := _similarity(minhash, sig)) is not None and sim >= CLUSTER_THRESHOLD:
                    how[iid] = (0, sim, NEAR_COPY)
    if not how:
        return None
    q = select(ReviewEntry).where(ReviewEntry.item_id.in_(list(how))).order_by(ReviewEntry.id.desc())
    if s.get_bind().dialect.name == "postgresql":
        q = q.with_for_update()
    entries = list(s.scalars(q))
    undecided = sorted((e for e in entries if e.status != DECIDED),
                       key=lambda e: (how[e.item_id][0], how[e.item_id][1], e.id), reverse=True)
    decided = [e for e in entries if e.status == DECIDED and how[e.item_id][0]]  # a near copy: not once decided
    if not (undecided or decided):
        return None
    best = (undecided or decided)[0]
    exact, sim, match = how[best.item_id]
    return best, match, None if exact else sim


@dataclass(frozen=True)
class CrawledPage:
    """A crawled page being stored, as `reported_entries` compares it with the citizen reports."""

    item_id: int
    canonical_url: str
    title: str
    text: str
    raw_hash: str | None
    minhash: bytes | None = None
    band_keys: Sequence[str] = ()
    url: str = ""
    source_name: str | None = None


@dataclass(frozen=True)
class ReportJoin:
    """The citizen report's entry a crawled page joins instead of opening its own."""

    entry_id: int
    report_item_id: int
    match: str  # SAME_PAGE, SAME_TEXT or NEAR_COPY
    similarity: float | None  # NEAR_COPY: the estimated Jaccard similarity
    decided: bool


def reported_entries(conn: Connection, pages: Iterable[CrawledPage]) -> dict[int, ReportJoin]:
    """For each page being stored by a crawl: the review entry of a citizen report of the same content, when
    there is one; pages without one are left out. The same content: a report of the same URL with the same
    content (`_same_content`; a headline changed since is a changed page), or a pasted-text report that is
    the same text or a near copy (see the module doc; a near copy only of an undecided entry). An undecided
    entry first, the same content before a near copy, then the most similar, then the newest. The caller
    holds the pages' locks (`review.page_locks`, which include the text-report lock), so a report being filed
    meanwhile is either seen here or waits."""
    wanted = list(pages)
    urls = list(dict.fromkeys(p.canonical_url for p in wanted))
    reports: dict[str, list[tuple[int, str, str, str | None, int, bool]]] = {}
    for i in range(0, len(urls), 200):
        rows = conn.execute(select(Item.id, Item.canonical_url, Item.title, Item.text, Item.raw_hash, ReviewEntry.id,
                                   ReviewEntry.status)
                            .join(ReviewEntry, ReviewEntry.item_id == Item.id)
                            .where(Item.canonical_url.in_(urls[i:i + 200]), Item.kind == REPORT_KIND))
        for iid, url, title, body, raw, eid, status in rows:
            reports.setdefault(url, []).append((iid, title, body, raw, eid, status != DECIDED))
    texts = _text_reports(conn, {k for p in wanted for k in p.band_keys})
    out: dict[int, ReportJoin] = {}
    for page in wanted:
        options: list[tuple[bool, int, float, int, ReportJoin]] = []
        for iid, t, b, r, eid, undecided in reports.get(page.canonical_url, ()):
            # a headline changed since the report (both have one) is a changed page, even with the same body
            if iid != page.item_id and _same_content(page.title, page.text, page.raw_hash, t, b, r) \
                    and (not page.title or not t or page.title == t):
                options.append((undecided, 1, 1.0, eid, ReportJoin(eid, iid, SAME_PAGE, None, not undecided)))
        keys = set(page.band_keys)
        for iid, (body, sig, their_keys, eid, undecided) in texts.items():
            if not keys & their_keys:
                continue
            if _same_text(body, page.title, page.text):
                options.append((undecided, 1, 1.0, eid, ReportJoin(eid, iid, SAME_TEXT, None, not undecided)))
            elif undecided and (sim := _similarity(page.minhash, sig)) is not None and sim >= CLUSTER_THRESHOLD:
                options.append((True, 0, sim, eid, ReportJoin(eid, iid, NEAR_COPY, round(sim, 3), False)))
        if options:
            out[page.item_id] = max(options, key=lambda o: o[:4])[4]
    return out


def _text_reports(conn: Connection, keys: set[str]
                  ) -> dict[int, tuple[str, bytes | None, set[str], int, bool]]:
    """The pasted-text reports with a review entry that share a band key with `keys`: by item id, their text,
    signature, shared band keys, entry id and whether the entry is undecided."""
    found: dict[int, set[str]] = {}
    ordered = sorted(keys)
    for i in range(0, len(ordered), 500):
        for iid, key in conn.execute(select(ItemBand.item_id, ItemBand.band_key)
                                     .join(Item, Item.id == ItemBand.item_id)
                                     .where(ItemBand.band_key.in_(ordered[i:i + 500]), Item.kind == REPORT_KIND,
                                            Item.canonical_url.startswith(TEXT_REPORT_PREFIX))):
            found.setdefault(iid, set()).add(key)
    out: dict[int, tuple[str, bytes | None, set[str], int, bool]] = {}
    ids = list(found)
    for i in range(0, len(ids), 200):
        for iid, body, sig, eid, status in conn.execute(
                select(Item.id, Item.text, Item.minhash, ReviewEntry.id, ReviewEntry.status)
                .join(ReviewEntry, ReviewEntry.item_id == Item.id).where(Item.id.in_(ids[i:i + 200]))):
            out[iid] = (body, sig, found[iid], eid, status != DECIDED)
    return out


def record_joins(s: Session, joins: dict[int, ReportJoin], pages: Iterable[CrawledPage]) -> dict[int, ReportJoin]:
    """Record each crawled page joining a report's entry, in the crawl's transaction: an undecided entry's
    version is bumped (a moderator deciding on what they saw before is told the entry changed) and one
    `crawl_join` audit row names the page (once per page and entry, however often it is re-scored). Returns
    the joins that hold: a near copy whose entry was decided meanwhile joins nothing (it opens its own)."""
    if not joins:
        return {}
    by_id = {p.item_id: p for p in pages}
    names = {p.source_name for p in by_id.values() if p.source_name}
    known = set(s.scalars(select(Source.name).where(Source.name.in_(names)))) if names else set()
    now = utcnow()
    held: dict[int, ReportJoin] = {}
    already = _already_joined(s, {j.entry_id for j in joins.values()})
    for item_id, join in sorted(joins.items(), key=lambda kv: (kv[1].entry_id, kv[0])):  # rows in one order
        page = by_id[item_id]
        if (join.entry_id, item_id) in already:
            held[item_id] = join
            continue
        # the UPDATE locks the entry and says whether it is still undecided. A near copy (its own intro, sign-off
        # ...) is more than the moderator saw: it bumps the version, so a decision on the old view is refused. An
        # exact copy adds a source, not content: no bump, or a flood of reposts would refuse every decision
        changes: dict[str, Any] = {"updated_at": now}
        if join.match == NEAR_COPY:
            changes["version"] = ReviewEntry.version + 1
        undecided = s.scalar(update(ReviewEntry).where(ReviewEntry.id == join.entry_id, ReviewEntry.status != DECIDED)
                             .values(**changes)
                             .returning(ReviewEntry.status).execution_options(synchronize_session=False))
        if undecided is None and join.match == NEAR_COPY:
            continue  # decided since it was read (PostgreSQL: the UPDATE waited for the decision)
        details: dict[str, Any] = {"item_id": item_id, "url": page.url or page.canonical_url,
                                   "source": page.source_name if page.source_name in known else None,
                                   "report_item_id": join.report_item_id, "match": join.match,
                                   "outcome": "joined" if undecided is not None else "already_decided"}
        if join.similarity is not None:
            details["similarity"] = join.similarity
        append_audit(s, CRAWL_ACTOR, CRAWL_JOIN, join.entry_id, details)
        held[item_id] = ReportJoin(join.entry_id, join.report_item_id, join.match, join.similarity,
                                   undecided is None)
    return held


def _already_joined(s: Session, entry_ids: set[int]) -> set[tuple[int, int]]:
    """(entry id, page item id) of the pages that have joined these entries before: one query for the batch."""
    rows = s.execute(select(AuditLog.entry_id, AuditLog.details)
                     .where(AuditLog.entry_id.in_(sorted(entry_ids)), AuditLog.action == CRAWL_JOIN))
    return {(entry_id, d["item_id"]) for entry_id, d in rows
            if entry_id is not None and isinstance(d, dict) and isinstance(d.get("item_id"), int)}


def _folded(text: str) -> str:
    """A text compared as "the same text": NFC, case-folded, every run of whitespace one space."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _same_text(report: str, title: str, body: str) -> bool:
    """A pasted report's text is the page's text, or its headline then its text (after `_folded`)."""
    mine = _folded(report)
    return bool(mine) and mine in {_folded(body), _folded(f"{title} {body}")}


def _similarity(a: bytes | None, b: bytes | None) -> float | None:
    """The MinHash estimate of the Jaccard similarity (the share of equal values), as story clusters use it."""
    if a is None or b is None:
        return None
    mine, theirs = np.frombuffer(a, dtype=np.uint64), np.frombuffer(b, dtype=np.uint64)
    if len(mine) != len(theirs) or not len(mine):
        return None
    return float(np.count_nonzero(mine == theirs)) / len(mine)


def _same_content(title: str, body: str, raw_hash: str | None, their_title: str, their_body: str,
                  their_raw: str | None) -> bool:
    """The same visible text (titles compared only when there is no text), or the same downloaded bytes.
    A page edited since it was stored is not the same content."""
    if raw_hash and their_raw and raw_hash == their_raw:
        return True
    if body or their_body:
        return body == their_body
    return title == their_title


def _stored_report_at(s: Session, canonical_url: str, report_hash: str) -> datetime | None:
    """When this very report was received, if it was stored before being filed: a report that waited for a model
    (`Store.waiting_reports`) is filed by a later crawl, but it was received when its item was stored."""
    return s.scalar(select(func.min(Item.fetched_at)).where(Item.canonical_url == canonical_url,
                                                            Item.content_hash == report_hash,
                                                            Item.kind == REPORT_KIND))


def _already_recorded(s: Session, entry_id: int, report_hash: str) -> bool:
    """Whether this very report (same content, note and reporter) was already recorded on the entry."""
    for details in s.scalars(select(AuditLog.details).where(AuditLog.entry_id == entry_id,
                                                            AuditLog.action == "report")):
        if (details or {}).get("report_hash") == report_hash:
            return True
    return False
