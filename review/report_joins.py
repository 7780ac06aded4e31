"""Crawled pages joining the review entry of a citizen report of the same content instead of opening one.

The other way round from filing a report (`review.citizen`): a crawled page whose visible content is that of a
citizen report already stored under the same URL is stored as a revision of it, but opens no review entry: the
report's entry is the page's entry, undecided or decided. A page that is a copy of a pasted-text report
(`review.report_match`) joins that report's entry the same way, and so does (only while undecided) the page a
pasted report's link leads to (`SAME_PLACE`). The page at a pasted report's link follows the headline rule of a
fetched report's page: with a headline other than the one it had with the report (`_reported_headline`), it is not
the same thing the citizen reported, and joins by the place only, undecided. Such a join is audited (action
`crawl_join`: the page's item, URL and source, how it matched); a near copy also bumps the undecided entry's
version. The crawl's transaction (`review.scoring`) finds the joins (`reported_entries`) and records them
(`record_joins`) holding the pages' locks (`review.page_locks`), so a report being filed meanwhile is either seen
or waits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, or_, select, update
from sqlalchemy.orm import Session

from review.audit import append_audit
from review.item_writer import CLUSTER_THRESHOLD
from review.models import CLAIMED, DECIDED, OPEN, AuditLog, Item, ItemBand, ReviewEntry, Source
from review.report_match import (
    NEAR_COPY,
    REPORT_KIND,
    RESOLVED_URL,
    SAME_PAGE,
    SAME_PLACE,
    SAME_TEXT,
    folded,
    minhash_similarity,
    place_key,
    place_of,
    same_content,
    same_text,
)
from review.types import utcnow

CRAWL_ACTOR = "canhgac-crawler"  # who the audit row of a crawled page joining a report's entry names
CRAWL_JOIN = "crawl_join"  # its action


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
    match: str  # SAME_PAGE, SAME_TEXT, NEAR_COPY or SAME_PLACE
    similarity: float | None  # NEAR_COPY: the estimated Jaccard similarity
    decided: bool


def reported_entries(conn: Connection, pages: Iterable[CrawledPage]) -> dict[int, ReportJoin]:
    """For each page being stored by a crawl: the review entry of a citizen report of the same content, when
    there is one; pages without one are left out. The same content: a report of the same URL with the same
    content (`same_content`; a headline changed since is a changed page), or a pasted-text report that is
    the same text or a near copy (see `review.report_match`; a near copy only of an undecided entry; the page at
    its link with another headline than it had with the report is not the same text, `_headline_kept`). An undecided
    entry first, the same content before a near copy, then the most similar, then the newest. The caller
    holds the pages' locks (`review.page_locks`, which include the text-report lock), so a report being filed
    meanwhile is either seen here or waits."""
    wanted = list(pages)
    urls = list(dict.fromkeys(p.canonical_url for p in wanted))
    reports: dict[str, list[tuple[int, str, str, str | None, int, bool]]] = {}
    places: dict[str, list[tuple[int, int]]] = {}  # pasted reports with undecided entries, by the page they name
    resolved = Item.extra[RESOLVED_URL].as_string()
    for i in range(0, len(urls), 200):
        chunk = urls[i:i + 200]
        rows = conn.execute(select(Item.id, Item.canonical_url, Item.title, Item.text, Item.raw_hash, ReviewEntry.id,
                                   ReviewEntry.status, resolved)
                            .join(ReviewEntry, ReviewEntry.item_id == Item.id)
                            .where(Item.canonical_url.in_(chunk), Item.kind == REPORT_KIND))
        for iid, url, title, body, raw, eid, status, led in rows:
            reports.setdefault(url, []).append((iid, title, body, raw, eid, status != DECIDED))
            if raw is None and status != DECIDED and (place := place_of(url, led)) is not None:
                places.setdefault(place, []).append((iid, eid))
        for iid, url, eid, led in conn.execute(
                select(Item.id, Item.canonical_url, ReviewEntry.id, resolved)
                .join(ItemBand, ItemBand.item_id == Item.id)
                .join(ReviewEntry, ReviewEntry.item_id == Item.id)
                # through the place keys' index (`place_key`), never a scan of the items or of the undecided
                # entries (the backlog): this runs for every crawl batch, and for every page a rescore flags
                .where(ItemBand.band_key.in_([place_key(u) for u in chunk]), ReviewEntry.status.in_((OPEN, CLAIMED)),
                       Item.kind == REPORT_KIND, Item.raw_hash.is_(None))):
            if (place := place_of(url, led)) is not None and (iid, eid) not in places.get(place, []):
                places.setdefault(place, []).append((iid, eid))
    texts = _text_reports(conn, {k for p in wanted for k in p.band_keys})
    out: dict[int, ReportJoin] = {}
    for page in wanted:
        options: list[tuple[bool, int, float, int, ReportJoin]] = []
        for iid, t, b, r, eid, undecided in reports.get(page.canonical_url, ()):
            # a headline changed since the report (both have one) is a changed page, even with the same body; for a
            # pasted report (its "headline" is its first line) the page's headline when seen with the report too
            if iid != page.item_id and same_content(page.title, page.text, page.raw_hash, t, b, r) \
                    and (not page.title or not t or page.title == t) \
                    and (r is not None or _headline_kept(conn, page, iid, eid, b)):
                options.append((undecided, 1, 1.0, eid, ReportJoin(eid, iid, SAME_PAGE, None, not undecided)))
        # a pasted report whose link leads to this page: its text cannot be compared with the page's, so an
        # undecided entry only, ranked below any copy of its content, decided ones too (as in `review.citizen`)
        for iid, eid in places.get(page.canonical_url, ()):
            if iid != page.item_id:
                options.append((False, 0, 0.0, eid, ReportJoin(eid, iid, SAME_PLACE, None, False)))
        keys = set(page.band_keys)
        for iid, (body, sig, their_keys, eid, undecided, place) in texts.items():
            if not keys & their_keys:
                continue
            if same_text(body, page.title, page.text):
                # the page at the report's link under another headline than it had with the report: not the same
                # thing the citizen reported (as for a fetched report); a copy elsewhere: the pasted text is compared
                if place != page.canonical_url or _headline_kept(conn, page, iid, eid, body):
                    options.append((undecided, 1, 1.0, eid, ReportJoin(eid, iid, SAME_TEXT, None, not undecided)))
            elif undecided and (sim := minhash_similarity(page.minhash, sig)) is not None \
                    and sim >= CLUSTER_THRESHOLD:
                options.append((True, 0, sim, eid, ReportJoin(eid, iid, NEAR_COPY, round(sim, 3), False)))
        if options:
            out[page.item_id] = max(options, key=lambda o: o[:4])[4]
    return out


def _headline_kept(conn: Connection, page: CrawledPage, report_item_id: int, entry_id: int, pasted: str) -> bool:
    """Whether the page at a pasted report's link has the headline it had with the report (`_reported_headline`;
    compared `folded`: NFC/NFD, case and spaces are no change), or either has none to compare."""
    if not page.title.strip():
        return True
    reported = _reported_headline(conn, page, report_item_id, entry_id, pasted)
    return reported is None or not reported.strip() or folded(reported) == folded(page.title)


#: how many of a page's revisions stored before a report are looked at for the one the citizen saw
_REVISIONS_LOOKED_AT = 50


def _reported_headline(conn: Connection, page: CrawledPage, report_item_id: int, entry_id: int,
                       pasted: str) -> str | None:
    """The headline the page at a pasted report's link had with the report: that of its newest revision stored
    before the report that carries the `pasted` text (`same_text`: the page as the citizen saw it; `page` itself
    too when it was stored before the report, as a rescore finds it), else of the first of its revisions carrying
    that text that joined the report's entry since (`crawl_join`); None when no revision with the pasted text was
    seen, then the headline counts as kept. A revision with another text is another version of the page: its
    headline says nothing of what the citizen saw. A pasted report has no headline of the page itself (its first
    line stands for one): a fetched report's is the page's when it was reported."""
    downloaded = or_(Item.kind != REPORT_KIND, Item.raw_hash.is_not(None))  # a page, not another pasted text
    for title, text in conn.execute(select(Item.title, Item.text)
                                    .where(Item.canonical_url == page.canonical_url, downloaded,
                                           Item.id < report_item_id)
                                    .order_by(Item.id.desc()).limit(_REVISIONS_LOOKED_AT)):
        if same_text(pasted, title or "", text or ""):
            return str(title or "")
    joined = [d["item_id"] for d in conn.scalars(select(AuditLog.details).where(AuditLog.entry_id == entry_id,
                                                                                AuditLog.action == CRAWL_JOIN))
              if isinstance(d, dict) and isinstance(d.get("item_id"), int) and d["item_id"] != page.item_id]
    if not joined:
        return None
    for title, text in conn.execute(select(Item.title, Item.text)
                                    .where(Item.id.in_(joined), Item.canonical_url == page.canonical_url)
                                    .order_by(Item.id)):
        if same_text(pasted, title or "", text or ""):
            return str(title or "")
    return None


def _text_reports(conn: Connection, keys: set[str]
                  ) -> dict[int, tuple[str, bytes | None, set[str], int, bool, str | None]]:
    """The pasted-text reports (with a link or without: no page was downloaded) with a review entry that share a
    band key with `keys`: by item id, their text, signature, shared band keys, entry id, whether the entry is
    undecided, and the page their link leads to (`place_of`; None without a link)."""
    found: dict[int, set[str]] = {}
    ordered = sorted(keys)
    for i in range(0, len(ordered), 500):
        for iid, key in conn.execute(select(ItemBand.item_id, ItemBand.band_key)
                                     .join(Item, Item.id == ItemBand.item_id)
                                     .where(ItemBand.band_key.in_(ordered[i:i + 500]), Item.kind == REPORT_KIND,
                                            Item.raw_hash.is_(None))):
            found.setdefault(iid, set()).add(key)
    out: dict[int, tuple[str, bytes | None, set[str], int, bool, str | None]] = {}
    ids = list(found)
    for i in range(0, len(ids), 200):
        for iid, body, sig, eid, status, url, led in conn.execute(
                select(Item.id, Item.text, Item.minhash, ReviewEntry.id, ReviewEntry.status, Item.canonical_url,
                       Item.extra[RESOLVED_URL].as_string())
                .join(ReviewEntry, ReviewEntry.item_id == Item.id).where(Item.id.in_(ids[i:i + 200]))):
            out[iid] = (body, sig, found[iid], eid, status != DECIDED, place_of(url, led))
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
    # every entry's row lock (id order) before the first audit row: decide, undo, claim and a rescore batch hold
    # their rows and then want the audit lock, so waiting for a row while holding it would deadlock with them
    s.execute(select(ReviewEntry.id).where(ReviewEntry.id.in_(sorted({j.entry_id for j in joins.values()})))
              .order_by(ReviewEntry.id).with_for_update())
    for item_id, join in sorted(joins.items(), key=lambda kv: (kv[1].entry_id, kv[0])):  # rows in one order
        page = by_id[item_id]
        if (join.entry_id, item_id) in already:
            held[item_id] = join
            continue
        # the UPDATE locks the entry and says whether it is still undecided. A near copy (its own intro, sign-off
        # ...) is more than the moderator saw: it bumps the version, so a decision on the old view is refused. An
        # exact copy adds a source, not content: no bump, or a flood of reposts would refuse every decision
        changes: dict[str, Any] = {"updated_at": now}
        if join.match in (NEAR_COPY, SAME_PLACE):  # the page is more than the pasted text the moderator saw
            changes["version"] = ReviewEntry.version + 1
        undecided = s.scalar(update(ReviewEntry).where(ReviewEntry.id == join.entry_id, ReviewEntry.status != DECIDED)
                             .values(**changes)
                             .returning(ReviewEntry.status).execution_options(synchronize_session=False))
        if undecided is None and join.match in (NEAR_COPY, SAME_PLACE):
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

