"""Citizen reports reaching the queue: one entry per page, however many people report it.

A report of a page (or a pasted text) that is already in the queue must not open a second entry: the
moderators would decide the same text twice, maybe differently. `file_report` decides in one
transaction what a scored report becomes:

* it matches an item (same canonical URL, same visible text or the same downloaded bytes; a pasted
  text, with a URL or without: the same content anywhere, see `review.report_match`, and a fetched page: a pasted
  text of it; a short link that led to another site: an earlier report of the same short link whose page is a
  near copy, `SHORT_LINK`; a pasted text whose link leads to the page of another report or a collected page, or
  where another pasted link leads, `SAME_PLACE`) whose entry is still
  undecided (open or claimed): that entry is marked as a citizen report (`is_report`, +15 priority once, version bumped) and the report is
  recorded in the audit log (action `report`: reporter, note, URL and the link the citizen sent when it led
  there, when it was received, how it matched; a report that waited for a model was received when it was
  stored, not when a later crawl filed it). No item or entry is added;
* it matches an item whose entry is already decided: nothing changes but the audit row; the reporter is
  told the entry's number and verdict. A page whose text changed since is not a match: it is stored as
  a new revision and gets an entry of its own (and the reporter is told the address's earlier entry and
  verdict, `FiledReport.earlier_entry_id`; so is a pasted text whose link leads to a decided page);
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
from review.models import CLAIMED, DECIDED, OPEN, AuditLog, Item, ItemBand, ReviewEntry
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
    RESOLVED_URL,
    SAME_LINK,
    SAME_PAGE,
    SAME_PLACE,
    SAME_TEXT,
    SHORT_LINK,
    TEXT_REPORT_PREFIX,
    is_pasted,
    minhash_similarity,
    place_key,
    place_of,
    same_content,
    same_text,
)
from review.types import utcnow

if TYPE_CHECKING:
    from review.scoring import ScoredItem
    from review.store import Store

__all__ = ["ALREADY_DECIDED", "CRAWL_ACTOR", "CRAWL_JOIN", "JOINED", "NEAR_COPY", "NEW", "REPORT_KIND", "RESOLVED_URL",
           "SAME_LINK", "SAME_PAGE", "SAME_PLACE", "SAME_TEXT", "SHORT_LINK", "TEXT_REPORT_PREFIX", "CrawledPage", "FiledReport", "ReportJoin", "file_report",
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
    # NEW: the newest decided entry of the same address (a page changed since, or a pasted text whose link leads
    # there), its verdict and category: the officer is told the address was dealt with before
    earlier_entry_id: int | None = None
    earlier_verdict: str | None = None
    earlier_category: str | None = None
    match: str | None = None  # JOINED: how it matched (`review.report_match`: SAME_PLACE = only the link's page)


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
    pasted = is_pasted(new.kind, new.raw_hash)
    if pasted:
        lock_text_reports(s.connection())  # no crawl stores a page until this report is committed
    link = new.extra.get(SHORT_LINK) if isinstance(new.extra.get(SHORT_LINK), str) else None
    place = place_of(new.canonical_url, new.extra.get(RESOLVED_URL))
    # the lock a crawl of this page takes too; the short link's: two reports of it leading to two pages; and the
    # page a pasted report's link led to: a report of that page being filed meanwhile
    lock_pages(s.connection(), list(dict.fromkeys([new.canonical_url, *(u for u in (link, place) if u)])))
    found = _matching_entry(s, new.canonical_url, new.title, new.text, new.raw_hash, new.band_keys, new.minhash,
                            link, pasted=pasted, place=place)
    if found is None:
        earlier = _decided_before(s, place) if place else None
        [res] = store._add_scored_items(s, [report], office_locality)
        entry_id = s.scalar(select(ReviewEntry.id).where(ReviewEntry.item_id == res.item_id))
        if pasted and place and place != new.canonical_url:  # found by where its link led (`_same_place`)
            key = place_key(place)
            if s.get(ItemBand, (res.item_id, key)) is None:
                s.add(ItemBand(item_id=res.item_id, band_key=key))
                s.flush()
        if earlier is not None and earlier.id != entry_id:
            return FiledReport(NEW, res.item_id, entry_id, created=res.created, scored=res.scored,
                               earlier_entry_id=earlier.id, earlier_verdict=earlier.verdict,
                               earlier_category=earlier.verdict_category)
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
                               "received_at": received.isoformat(timespec="seconds"), "match": match,
                               "pasted": pasted}  # `show` marks a pasted text: not told apart by the rest
    if new.extra.get("reported_url"):  # the link the citizen sent, when it led to `url`
        details["reported_url"] = new.extra["reported_url"]
    if new.extra.get(RESOLVED_URL):  # a pasted report's link: where it led
        details[RESOLVED_URL] = new.extra[RESOLVED_URL]
    if similarity is not None:
        details["similarity"] = round(similarity, 3)
    if match == SAME_PLACE:  # its text was not compared with the entry's: kept here, or no one could read it again
        details["title"], details["text"] = new.title, new.text
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
    return FiledReport(JOINED, entry.item_id, entry.id, scored=True, status=entry.status, repeated=repeated,
                       match=match)


def _matching_entry(s: Session, canonical_url: str, title: str, body: str, raw_hash: str | None,
                    band_keys: Sequence[str], minhash: bytes | None = None, short_link: str | None = None, *,
                    pasted: bool = False, place: str | None = None
                    ) -> tuple[ReviewEntry, str, float | None] | None:
    """The review entry of an item with the same content, how it matched and (a near copy) the estimated
    similarity: an undecided one first (the same content before a near copy, then the most similar, then
    the newest), else the newest decided one of the same content; None when there is none. The entry rows
    are locked (PostgreSQL) so a concurrent decision waits, and their status is read after the lock.
    `pasted`: the report is a pasted text (`is_pasted`); `place`: the page it stands for (`place_of`)."""
    rows = list(s.execute(select(Item.id, Item.title, Item.text, Item.raw_hash)
                          .where(Item.canonical_url == canonical_url)).all())
    how: dict[int, tuple[int, float, str]] = {}  # item id -> (exact?, similarity, match)
    for iid, t, b, r in rows:
        if same_content(title, body, raw_hash, t, b, r):
            how[iid] = (1, 1.0, SAME_PAGE)
    if band_keys:
        # pasted text: the same or a near-duplicate text collected from any page, found through its MinHash bands;
        # a fetched page: the same or a near-duplicate text pasted by another citizen (with a link or without)
        bands = select(ItemBand.item_id).where(ItemBand.band_key.in_(list(dict.fromkeys(band_keys))))
        if not pasted:
            bands = bands.join(Item, Item.id == ItemBand.item_id).where(Item.kind == REPORT_KIND,
                                                                         Item.raw_hash.is_(None))
        near = list(s.scalars(bands.group_by(ItemBand.item_id).order_by(func.count().desc(), ItemBand.item_id)
                              .limit(_CANDIDATES)))
        if near:
            for iid, t, b, sig in s.execute(select(Item.id, Item.title, Item.text, Item.minhash)
                                            .where(Item.id.in_(near))):
                if iid in how:
                    continue
                if same_text(body, t, b) if pasted else same_text(b, title, body):
                    how[iid] = (1, 1.0, SAME_TEXT)
                elif (sim := minhash_similarity(minhash, sig)) is not None and sim >= CLUSTER_THRESHOLD:
                    how[iid] = (0, sim, NEAR_COPY)
    if place:
        # the same page told two ways: a pasted text whose link leads to the page another citizen's report (or a
        # crawl) read, or two pasted texts whose links lead to one page. The text cannot be compared with the page
        # (a citizen pastes the message that carried the link, or a part): an undecided entry only, as a near copy
        for iid in _same_place(s, place, pasted):
            how.setdefault(iid, (0, 0.0, SAME_PLACE))
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
    # locked in id order, as every other writer locks entries (`record_joins`, a crawl's batch, rescore): a report
    # locking them newest first could hold one a crawl waits for while waiting for one the crawl holds
    q = select(ReviewEntry).where(ReviewEntry.item_id.in_(list(how))).order_by(ReviewEntry.id)
    if s.get_bind().dialect.name == "postgresql":
        q = q.with_for_update()
    entries = list(s.scalars(q))
    undecided = sorted((e for e in entries if e.status != DECIDED),
                       key=lambda e: (how[e.item_id][0], how[e.item_id][1], e.id), reverse=True)
    decided = sorted((e for e in entries if e.status == DECIDED and how[e.item_id][0]),  # a near copy: not once decided
                     key=lambda e: e.id, reverse=True)  # the newest decided first
    # only the same place (the page a pasted link leads to, its text not compared) comes after the decided entry of
    # this very content: the officer is told the verdict rather than that a pasted text of the page waits
    ordered = [e for e in undecided if how[e.item_id][2] != SAME_PLACE] + decided \
        + [e for e in undecided if how[e.item_id][2] == SAME_PLACE]
    if not ordered:
        return None
    best = ordered[0]
    exact, sim, match = how[best.item_id]
    return best, match, None if exact or match == SAME_PLACE else sim


def _decided_before(s: Session, place: str) -> ReviewEntry | None:
    """The newest decided entry of an item stored under the address `place` that stands for it (`place_of`): a
    report of it that opens an entry of its own (the page changed since, or a pasted text, not compared with a
    page) is told so."""
    for entry, url, resolved in s.execute(
            select(ReviewEntry, Item.canonical_url, Item.extra[RESOLVED_URL].as_string())
            .join(Item, Item.id == ReviewEntry.item_id)
            .where(Item.canonical_url == place, ReviewEntry.status == DECIDED).order_by(ReviewEntry.id.desc())):
        if place_of(url, resolved) == place:
            return entry
    return None


def _same_place(s: Session, place: str, pasted: bool) -> list[int]:
    """The items with an undecided entry that stand for the page `place` (`place_of`): for a pasted report, any
    report or collected page of it; for a fetched report, the pasted reports only (two fetches of one address are
    compared by content, as a page changed since is another revision). Read through the address's index and the
    place keys' (`place_key`), never a scan of the items or of the backlog: this runs for every report."""
    resolved = Item.extra[RESOLVED_URL].as_string()
    columns = (Item.id, Item.kind, Item.raw_hash, Item.canonical_url, resolved)
    undecided = ReviewEntry.status.in_((OPEN, CLAIMED))
    rows = list(s.execute(select(*columns).join(ReviewEntry, ReviewEntry.item_id == Item.id)
                          .where(Item.canonical_url == place, undecided)))
    # the pasted reports whose link led here: through their place key (`place_key`, indexed), not the JSON field
    rows += s.execute(select(*columns).join(ItemBand, ItemBand.item_id == Item.id)
                      .join(ReviewEntry, ReviewEntry.item_id == Item.id)
                      .where(ItemBand.band_key == place_key(place), undecided, Item.kind == REPORT_KIND,
                             Item.raw_hash.is_(None)))
    return [iid for iid, kind, raw, url, led in rows
            if place_of(url, led) == place and (pasted or is_pasted(kind, raw))]


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
