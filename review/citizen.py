"""Citizen reports reaching the queue: one entry per page, however many people report it.

A report of a page (or a pasted text) that is already in the queue must not open a second entry: the
moderators would decide the same text twice, maybe differently. `file_report` decides in one
transaction what a scored report becomes:

* it matches an item (same canonical URL, same visible text or the same downloaded bytes; a pasted
  text without a URL: the same text anywhere) whose entry is still undecided (open or claimed): that
  entry is marked as a citizen report (`is_report`, +15 priority once, version bumped) and the report
  is recorded in the audit log (action `report`: reporter, note, URL, time). No item or entry is added;
* it matches an item whose entry is already decided: nothing changes but the audit row; the reporter is
  told the entry's number and verdict. A page whose text changed since is not a match: it is stored as
  a new revision and gets an entry of its own;
* otherwise it is stored like a crawled item (`ScoringMixin._add_scored_items`), as before.

The other way round, a crawled page whose visible content is that of a citizen report already stored
under the same URL (`reported_entries`) is stored as a revision of it, but opens no review entry: the
report's entry is the page's entry, undecided or decided.

Nothing is kept in process memory. A report and any other writer of the same page (another report, a
crawler worker storing it) are serialized by the database (`review.page_locks`: SQLite BEGIN IMMEDIATE;
PostgreSQL a transaction-scoped advisory lock on the canonical URL, and the entry row locked before it is
changed), so whichever comes second sees the first one's item and entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from review.audit import append_audit
from review.items import RETRIES, retryable
from review.models import DECIDED, AuditLog, Item, ItemBand, ReviewEntry
from review.page_locks import lock_pages
from review.priority import REPORT_BONUS
from review.types import utcnow

if TYPE_CHECKING:
    from review.scoring import ScoredItem
    from review.store import Store

TEXT_REPORT_PREFIX = "report:text/"  # canonical URL of a report pasted without a URL
REPORT_KIND = "report"  # Item.kind of a citizen report
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


def _file_report(store: Store, s: Session, report: ScoredItem, actor: str, office_locality: str) -> FiledReport:
    new = report.item
    lock_pages(s.connection(), [new.canonical_url])  # the lock a crawl of this page takes too
    entry = _matching_entry(s, new.canonical_url, new.title, new.text, new.raw_hash, new.band_keys)
    if entry is None:
        [res] = store._add_scored_items(s, [report], office_locality)
        entry_id = s.scalar(select(ReviewEntry.id).where(ReviewEntry.item_id == res.item_id))
        return FiledReport(NEW, res.item_id, entry_id, created=res.created, scored=res.scored)
    now = utcnow()
    details: dict[str, Any] = {"item_id": entry.item_id, "url": new.url, "reporter": new.extra.get("reporter"),
                               "note": new.extra.get("note"), "report_hash": new.content_hash,
                               "received_at": now.isoformat(timespec="seconds")}
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
                    band_keys: Sequence[str]) -> ReviewEntry | None:
    """The review entry of an item with the same content: an undecided one first, else the newest decided
    one; None when there is none. The entry row is locked (PostgreSQL) so a concurrent decision waits."""
    rows = list(s.execute(select(Item.id, Item.title, Item.text, Item.raw_hash)
                          .where(Item.canonical_url == canonical_url)).all())
    if canonical_url.startswith(TEXT_REPORT_PREFIX) and band_keys:
        # pasted text: the same text collected from any page (found through its MinHash bands) is a match
        near = list(s.scalars(select(ItemBand.item_id).where(ItemBand.band_key.in_(list(dict.fromkeys(band_keys))))
                              .group_by(ItemBand.item_id).order_by(func.count().desc(), ItemBand.item_id)
                              .limit(_CANDIDATES)))
        if near:
            rows += s.execute(select(Item.id, Item.title, Item.text, Item.raw_hash)
                              .where(Item.id.in_(near), Item.text == body)).all()
    same = {iid for iid, t, b, r in rows if _same_content(title, body, raw_hash, t, b, r)}
    if not same:
        return None
    q = select(ReviewEntry).where(ReviewEntry.item_id.in_(same)).order_by(ReviewEntry.id.desc())
    if s.get_bind().dialect.name == "postgresql":
        q = q.with_for_update()
    entries = list(s.scalars(q))
    undecided = [e for e in entries if e.status != DECIDED]
    return (undecided or entries)[0] if entries else None


def reported_entries(conn: Connection, pages: Iterable[tuple[int, str, str, str, str | None]]) -> dict[int, int]:
    """For each page (item id, canonical URL, title, text, raw hash) being stored by a crawl: the review entry
    of a citizen report of the same URL and the same content (`_same_content`), when there is one (an
    undecided one first, else the newest); pages without one are left out. The caller holds the pages'
    locks (`review.page_locks`), so a report being filed meanwhile is either seen here or waits."""
    wanted = list(pages)
    urls = list(dict.fromkeys(url for _, url, _, _, _ in wanted))
    reports: dict[str, list[tuple[int, str, str, str | None, int, bool]]] = {}
    for i in range(0, len(urls), 200):
        rows = conn.execute(select(Item.id, Item.canonical_url, Item.title, Item.text, Item.raw_hash, ReviewEntry.id,
                                   ReviewEntry.status)
                            .join(ReviewEntry, ReviewEntry.item_id == Item.id)
                            .where(Item.canonical_url.in_(urls[i:i + 200]), Item.kind == REPORT_KIND))
        for iid, url, title, body, raw, eid, status in rows:
            reports.setdefault(url, []).append((iid, title, body, raw, eid, status != DECIDED))
    out: dict[int, int] = {}
    for item_id, url, title, body, raw in wanted:
        # a headline changed since the report (both have one) is a changed page, even with the same body
        same = [(undecided, eid) for iid, t, b, r, eid, undecided in reports.get(url, ())
                if iid != item_id and _same_content(title, body, raw, t, b, r) and (not title or not t or title == t)]
        if same:
            out[item_id] = max(same)[1]
    return out


def _same_content(title: str, body: str, raw_hash: str | None, their_title: str, their_body: str,
                  their_raw: str | None) -> bool:
    """The same visible text (titles compared only when there is no text), or the same downloaded bytes.
    A page edited since it was stored is not the same content."""
    if raw_hash and their_raw and raw_hash == their_raw:
        return True
    if body or their_body:
        return body == their_body
    return title == their_title


def _already_recorded(s: Session, entry_id: int, report_hash: str) -> bool:
    """Whether this very report (same content, note and reporter) was already recorded on the entry."""
    for details in s.scalars(select(AuditLog.details).where(AuditLog.entry_id == entry_id,
                                                            AuditLog.action == "report")):
        if (details or {}).get("report_hash") == report_hash:
            return True
    return False
