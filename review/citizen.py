"""Citizen reports reaching the queue: one entry per page, however many people report it.

A report of a page (or a pasted text) that is already in the queue must not open a second entry: the
moderators would decide the same text twice, maybe differently. `file_report` decides in one
transaction what a scored report becomes:

* it matches an item (same canonical URL, same visible text or the same downloaded bytes; a pasted
  text without a URL: the same content anywhere, see `review.report_match`; a short link that led to another
  site: an earlier report of the same short link whose page is a near copy, `SHORT_LINK`) whose entry is still
  undecided (open or claimed): that entry is marked as a citizen report (`is_report`, +15 priority once, version bumped) and the report is
  recorded in the audit log (action `report`: reporter, note, URL and the link the citizen sent when it led
  there, when it was received, how it matched; a report that waited for a model was received when it was
  stored, not when a later crawl filed it). No item or entry is added;
* it matches an item whose entry is already decided: nothing changes but the audit row; the reporter is
  told the entry's number and verdict. A page whose text changed since is not a match: it is stored as
  a new revision and gets an entry of its own;
* otherwise it is stored like a crawled item (`ScoringMixin._add_scored_items`), as before.

What counts as the same content, for a report of a URL and for a pasted text, is `review.report_match`; the
other way round, a crawled page joining a report's entry, is `review.report_joins`. Their names are imported
here too, where the rest of the code has always found them.

Nothing is kept in process memory. A report and any other writer of the same page (another report, a
crawler worker storing it) are serialized by the database (`review.page_locks`: SQLite BEGIN IMMEDIATE;
PostgreSQL a transaction-scoped advisory lock on the canonical URL, and the entry row locked before it is
changed), so whichever comes second sees the first one's item and entry. A pasted-text report also holds
the text-report lock exclusively, which every crawl holds shared: it and a crawl of a copy of its text
never run side by side either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from review.audit import append_audit
from review.item_writer import CLUSTER_THRESHOLD
from review.items import RETRIES, retryable
from review.models import DECIDED, AuditLog, Item, ItemBand, ReviewEntry
from review.page_locks import lock_pages, lock_text_reports
from review.priority import REPORT_BONUS
from review.report_joins import (
    CRAWL_ACTOR,
    CRAWL_JOIN,
    CrawledPage,
    ReportJoin,
    record_joins,
    reported_entries,
)
from review.report_match import (
    NEAR_COPY,
    REPORT_KIND,
    SAME_LINK,
    SAME_PAGE,
    SAME_TEXT,
    SHORT_LINK,
    TEXT_REPORT_PREFIX,
    minhash_similarity,
    same_content,
    same_text,
)
from review.types import utcnow

if TYPE_CHECKING:
    from review.scoring import ScoredItem
    from review.store import Store

__all__ = ["ALREADY_DECIDED", "CRAWL_ACTOR", "CRAWL_JOIN", "JOINED", "NEAR_COPY", "NEW", "REPORT_KIND", "SAME_LINK",
           "SAME_PAGE", "SAME_TEXT", "SHORT_LINK", "TEXT_REPORT_PREFIX", "CrawledPage", "FiledReport", "ReportJoin", "file_report",
           "record_joins", "reported_entries"]

_CANDIDATES = 50

NEW, JOINED, ALREADY_DECIDED = "new", "joined", "decided"


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


def decided_items(store: Store, item_ids: Sequence[int]) -> set[int]:
    """Those of `item_ids` whose review entry is decided. A citizen's report already stored and sent again word
    for word is dropped by the crawl pipeline's dedupe stage (the "đã có từ trước" answer is right while its entry
    waits) unless its entry was decided: then it goes on to `file_report`, which tells the verdict."""
    if not item_ids:
        return set()
    with store.session() as s:
        return set(s.scalars(select(ReviewEntry.item_id).where(ReviewEntry.item_id.in_(list(item_ids)),
                                                               ReviewEntry.status == DECIDED)))


def _file_report(store: Store, s: Session, report: ScoredItem, actor: str, office_locality: str) -> FiledReport:
    new = report.item
    if new.canonical_url.startswith(TEXT_REPORT_PREFIX):
        lock_text_reports(s.connection())  # no crawl stores a page until this report is committed
    link = new.extra.get(SHORT_LINK) if isinstance(new.extra.get(SHORT_LINK), str) else None
    # the lock a crawl of this page takes too; and the short link's: two reports of it leading to two pages
    lock_pages(s.connection(), [new.canonical_url, *([link] if link else [])])
    found = _matching_entry(s, new.canonical_url, new.title, new.text, new.raw_hash, new.band_keys, new.minhash,
                            link)
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
    if new.extra.get("reported_url"):  # the link the citizen sent, when it led to `url`
        details["reported_url"] = new.extra["reported_url"]
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
                    band_keys: Sequence[str], minhash: bytes | None = None, short_link: str | None = None
                    ) -> tuple[ReviewEntry, str, float | None] | None:
    """The review entry of an item with the same content, how it matched and (a near copy) the estimated
    similarity: an undecided one first (the same content before a near copy, then the most similar, then
    the newest), else the newest decided one of the same content; None when there is none. The entry rows
    are locked (PostgreSQL) so a concurrent decision waits, and their status is read after the lock."""
    rows = list(s.execute(select(Item.id, Item.title, Item.text, Item.raw_hash)
                          .where(Item.canonical_url == canonical_url)).all())
    how: dict[int, tuple[int, float, str]] = {}  # item id -> (exact?, similarity, match)
    for iid, t, b, r in rows:
        if same_content(title, body, raw_hash, t, b, r):
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
                if same_text(body, t, b):
                    how[iid] = (1, 1.0, SAME_TEXT)
                elif (sim := minhash_similarity(minhash, sig)) is not None and sim >= CLUSTER_THRESHOLD:
                    how[iid] = (0, sim, NEAR_COPY)
    if short_link:
        # a report of the same short link that led to another page (a scam link rotating its landing pages): it
        # joins only an undecided entry, and only when the page it led to now is a near copy of that entry's;
        # another page behind the same link (a rotating shortener's next scam) is stored, scored and shown
        for iid, sig in s.execute(select(Item.id, Item.minhash).where(
                Item.kind == REPORT_KIND, Item.extra[SHORT_LINK].as_string() == short_link)):
            if (sim := minhash_similarity(minhash, sig)) is not None and sim >= CLUSTER_THRESHOLD:
                how.setdefault(iid, (0, sim, SAME_LINK))
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
