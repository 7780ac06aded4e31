"""Reading the queue: the `queue` table rows and everything `show` prints about one entry.

The listing query is shaped for the indexes: `status` equality plus `ORDER BY priority|created_at`
walks `ix_review_status_priority` / `ix_review_status_created` and stops after `limit` rows, so it
stays fast on a million entries (see bench/review_queue.py). `--source` is a union of two such reads
(`_ids_query`). Item text is cut to its first line in SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session, defer

from review.citizen import CRAWL_JOIN, REPORT_KIND, RESOLVED_URL, SAME_PLACE, TEXT_REPORT_PREFIX
from review.errors import NotFound, UsageError
from review.filters import EntryFilter, apply_filter, joined_report_ids
from review.models import CLAIMED, OPEN, AuditLog, Cluster, Decision, Item, ReviewEntry, ReviewFlag, Score
from review.report_match import is_pasted
from review.types import utcnow

if TYPE_CHECKING:
    from review.store import StoreBase

    _Base = StoreBase
else:
    _Base = object

SORTS = ("priority", "oldest", "newest")


@dataclass(frozen=True)
class EntryRow:
    id: int
    priority: float  # stored value; `review.priority.effective()` for display
    status: str
    top_category: str
    top_score: float
    flags: dict[str, float]
    source: str | None
    is_report: bool
    claimant: str | None
    claim_expires_at: datetime | None
    verdict: str | None
    version: int
    created_at: datetime
    title: str
    verdict_category: str | None = None  # the category a decision recorded (`ReviewEntry.verdict_category`)

    def claim_lapsed(self, now: datetime) -> bool:
        """Claimed, but the claim has run out: anyone may take the entry (`review.claims.claimable`)."""
        return self.status == CLAIMED and self.claim_expires_at is not None and self.claim_expires_at < now


@dataclass(frozen=True)
class Copy:
    item_id: int
    url: str
    source: str | None
    fetched_at: datetime


@dataclass(frozen=True)
class Reporter:
    """A citizen report standing behind an entry: the one stored as its item, or one that joined it later."""

    reporter: str | None
    note: str | None
    url: str | None  # None: pasted as text without a link
    at: datetime
    page: str | None = None  # the page the link led to, when it led elsewhere (a short link's landing page)
    pasted: bool = False  # the citizen pasted a text (with the link it came from, or none), no page was read
    match: str | None = None  # how a report that joined matched (`review.report_match`); None: the entry's own
    # what a report joined only by where its link leads (SAME_PLACE) held: never compared with the entry's text,
    # kept in its audit row, and read nowhere else
    title: str | None = None
    text: str | None = None
    audit_id: int | None = None  # the audit row of a report that joined


@dataclass(frozen=True)
class JoinedPage:
    """A crawled page with the content of the entry's citizen report, which joined the entry instead of
    opening its own (audit `crawl_join`)."""

    item_id: int
    url: str
    source: str | None
    match: str  # review.citizen SAME_PAGE, SAME_TEXT or NEAR_COPY
    similarity: float | None
    at: datetime


@dataclass(frozen=True)
class EntryDetail:
    row: EntryRow
    item: Item
    score: Score | None
    decisions: list[Decision]
    copies: list[Copy] = field(default_factory=list)
    cluster_size: int = 1
    reporters: list[Reporter] = field(default_factory=list)
    joined: list[JoinedPage] = field(default_factory=list)


def _order_terms(sort: str, priority: Any, created_at: Any, id_: Any, *, narrow_by_time: bool = False) -> list[Any]:
    if sort == "priority" and narrow_by_time:
        # With a time window the (status, created_at) index finds few rows to sort; an expression in
        # ORDER BY keeps SQLite's planner from walking the whole priority index instead (PG plans it well).
        return [(priority + 0).desc(), id_]
    if sort == "priority":
        return [priority.desc(), id_]
    if sort == "oldest":
        return [created_at, id_]
    if sort == "newest":
        return [created_at.desc(), id_.desc()]
    raise UsageError(f"--sort {sort!r} không hợp lệ (dùng: {', '.join(SORTS)})")


def _ordered(q: Any, sort: str, *, narrow_by_time: bool = False) -> Any:
    e = ReviewEntry
    return q.order_by(*_order_terms(sort, e.priority, e.created_at, e.id, narrow_by_time=narrow_by_time))


def _ids_query(flt: EntryFilter, sort: str, limit: int) -> Any:
    """The ids of the first `limit` entries matching `flt` in `sort` order.

    With a source, the entries of its own source and the report entries its pages joined are each read in order
    through their own index, `limit` of each at most, and the union cut to `limit` again: one OR (or IN) over
    both would have the database collect every entry of the source, or walk the whole status, before sorting."""
    narrow = flt.since is not None
    if flt.source is None:
        return _ordered(apply_filter(select(ReviewEntry.id), flt), sort, narrow_by_time=narrow).limit(limit)
    e, rest, cols = ReviewEntry, flt.with_(source=None), (ReviewEntry.id, ReviewEntry.priority, ReviewEntry.created_at)
    own = apply_filter(select(*cols).where(e.source_name == flt.source), rest)
    # from the few crawl_join rows to their entries by primary key. The status is compared as an expression, which
    # no index answers: given `status = ?` SQLite's planner would rather walk that status's entries in index order
    # and test each one against the list
    joined = apply_filter(select(*cols).where(e.is_report.is_(True), e.id.in_(joined_report_ids(flt.source))),
                          rest.with_(status=None))
    if rest.status is not None:
        joined = joined.where(e.status.concat("") == rest.status)
    branches = [_ordered(q, sort, narrow_by_time=narrow).limit(limit).subquery() for q in (own, joined)]
    both = union(*(select(b.c.id, b.c.priority, b.c.created_at) for b in branches)).subquery()  # each once
    return select(both.c.id).order_by(*_order_terms(sort, both.c.priority, both.c.created_at, both.c.id)).limit(limit)


def _first_line(title: str, text: str) -> str:
    for candidate in (title, text):
        line = (candidate or "").strip().split("\n", 1)[0].strip()
        if line:
            return line
    return ""


class ListingMixin(_Base):
    def list_entries(self, flt: EntryFilter | None = None, *, sort: str = "priority", limit: int = 50) -> list[EntryRow]:
        """Entries matching `flt` (status defaults to open), best first; each with all its flags."""
        flt = flt or EntryFilter()
        if flt.status is None:
            flt = flt.with_(status=OPEN)
        with self.session() as s:
            ids = list(s.scalars(_ids_query(flt, sort, limit)))
            return self._rows(s, ids)

    def count_lapsed_claims(self, flt: EntryFilter | None = None) -> int:
        """Entries matching `flt` whose claim has lapsed: free for anyone, yet not in the default (open) list."""
        flt = (flt or EntryFilter()).with_(status=CLAIMED)
        with self.session() as s:
            ids = apply_filter(select(ReviewEntry.id), flt).where(ReviewEntry.claim_expires_at < utcnow())
            return int(s.scalar(select(func.count()).select_from(ids.subquery())) or 0)

    def reporters_by_entry(self, ids: Sequence[int]) -> dict[int, list[Reporter]]:
        """The citizen reports behind each entry, as `entry_detail` has them (`reporters_of`)."""
        if not ids:
            return {}
        with self.session() as s:
            return reporters_of(s, ids)

    def entries_by_id(self, ids: list[int]) -> list[EntryRow]:
        with self.session() as s:
            return self._rows(s, ids)

    def _rows(self, s: Session, ids: list[int]) -> list[EntryRow]:
        if not ids:
            return []
        e = ReviewEntry
        q = (select(e.id, e.priority, e.status, e.top_category, e.top_score, e.source_name, e.is_report,
                    e.claimant, e.claim_expires_at, e.verdict, e.version, e.created_at,
                    func.substr(Item.title, 1, 200), func.substr(Item.text, 1, 200), e.verdict_category)
             .join(Item, Item.id == e.item_id).where(e.id.in_(ids)))
        flags: dict[int, dict[str, float]] = {}
        for entry_id, cat, score in s.execute(select(ReviewFlag.entry_id, ReviewFlag.category, ReviewFlag.score)
                                              .where(ReviewFlag.entry_id.in_(ids))):
            flags.setdefault(entry_id, {})[cat] = score
        by_id = {r[0]: EntryRow(id=r[0], priority=r[1], status=r[2], top_category=r[3], top_score=r[4],
                                flags=dict(sorted(flags.get(r[0], {}).items(), key=lambda kv: -kv[1])),
                                source=r[5], is_report=r[6], claimant=r[7], claim_expires_at=r[8],
                                verdict=r[9], version=r[10], created_at=r[11], title=_first_line(r[12], r[13]),
                                verdict_category=r[14])
                 for r in s.execute(q)}
        return [by_id[i] for i in ids if i in by_id]

    def entry_detail(self, entry_id: int) -> EntryDetail:
        """Everything a moderator needs to decide: text, scores with evidence, copies, history."""
        with self.session() as s:
            rows = self._rows(s, [entry_id])
            if not rows:
                raise NotFound(f"không có mục #{entry_id} trong hàng chờ")
            entry = s.get(ReviewEntry, entry_id)
            assert entry is not None
            item = entry.item
            score = s.get(Score, entry.score_id) if entry.score_id is not None else None
            decisions = list(s.scalars(select(Decision).where(Decision.entry_id == entry_id).order_by(Decision.id)))
            copies: list[Copy] = []
            size = 1
            if item.cluster_id is not None:
                size = s.scalar(select(Cluster.size).where(Cluster.id == item.cluster_id)) or 1
                for other in s.scalars(select(Item).where(Item.cluster_id == item.cluster_id, Item.id != item.id)
                                       .order_by(Item.fetched_at).limit(20)):
                    copies.append(Copy(other.id, other.url, other.source.name if other.source else None,
                                       other.fetched_at))
            _ = item.source  # load before the session closes
            reporters, joined = _reports_of(s, entry_id, item)
            return EntryDetail(rows[0], item, score, decisions, copies, size, reporters, joined)


def _reports_of(s: Session, entry_id: int, item: Item) -> tuple[list[Reporter], list[JoinedPage]]:
    """Who reported the entry's content (its own item when that is a report, then the reports that joined
    it) and the crawled pages that joined it, in the order they came (audit rows `report`, `crawl_join`)."""
    reporters: list[Reporter] = []
    own_pasted = is_pasted(item.kind, item.raw_hash)
    if item.kind == REPORT_KIND:
        reporters.append(_own_reporter(item, own_pasted))
    joined: list[JoinedPage] = []
    for audit_id, _, at, action, details in s.execute(_report_audit_rows([entry_id], (REPORT_ACTION, CRAWL_JOIN))):
        d = details or {}
        if action == REPORT_ACTION:
            reporters.append(_joined_reporter(audit_id, at, d, own_pasted))
        elif isinstance(d.get("item_id"), int):
            sim = d.get("similarity")
            joined.append(JoinedPage(d["item_id"], str(d.get("url") or ""), d.get("source"), str(d.get("match") or ""),
                                     float(sim) if isinstance(sim, int | float) else None, at))
    return reporters, joined


def reporters_of(s: Session, entry_ids: Sequence[int]) -> dict[int, list[Reporter]]:
    """The citizen reports behind each of many entries, as `show` lists them (`EntryDetail.reporters`: pasted or
    fetched, a `SAME_PLACE` join with the text it carried), for `queue` and the year-end workbook. Entries no
    citizen reported are left out. The report items are read without their texts, and only `report` audit rows."""
    out: dict[int, list[Reporter]] = {}
    for start in range(0, len(entry_ids), 500):
        chunk = list(entry_ids[start:start + 500])
        own: dict[int, Reporter] = {}
        for entry_id, item in s.execute(select(ReviewEntry.id, Item).join(Item, Item.id == ReviewEntry.item_id)
                                        .where(ReviewEntry.id.in_(chunk), Item.kind == REPORT_KIND)
                                        .options(defer(Item.text), defer(Item.title))):
            own[entry_id] = _own_reporter(item, is_pasted(item.kind, item.raw_hash))
        for eid, rep in own.items():
            out[eid] = [rep]
        for audit_id, entry_id, at, _, details in s.execute(_report_audit_rows(chunk, (REPORT_ACTION,))):
            entry_pasted = entry_id in own and own[entry_id].pasted
            out.setdefault(entry_id, []).append(_joined_reporter(audit_id, at, details or {}, entry_pasted))
    return out


#: the audit action of a citizen report that joined an existing entry (`review.citizen`)
REPORT_ACTION = "report"


def _report_audit_rows(entry_ids: Sequence[int], actions: tuple[str, ...]) -> Any:
    return (select(AuditLog.id, AuditLog.entry_id, AuditLog.at, AuditLog.action, AuditLog.details)
            .where(AuditLog.entry_id.in_(entry_ids), AuditLog.action.in_(actions)).order_by(AuditLog.id))


def _link(url: object) -> str | None:
    return None if not url or str(url).startswith(TEXT_REPORT_PREFIX) else str(url)


def _own_reporter(item: Item, pasted: bool) -> Reporter:
    """The report stored as the entry's own item."""
    extra = item.extra or {}
    # the link the citizen sent (a short link) when it led to this page: what they reported
    return Reporter(extra.get("reporter"), extra.get("note"), _link(extra.get("reported_url") or item.url),
                    item.fetched_at, _page(extra, item.url, pasted), pasted=pasted)


def _joined_reporter(audit_id: int, at: datetime, d: dict[str, Any], entry_pasted: bool) -> Reporter:
    """A report that joined the entry, from its audit row `report`."""
    pasted = _joined_pasted(d, entry_pasted)
    # rows written before the text was kept hold neither: nothing to show (not an empty message)
    kept = d.get("match") == SAME_PLACE and ("title" in d or "text" in d)
    return Reporter(d.get("reporter"), d.get("note"), _link(d.get("reported_url") or d.get("url")), at,
                    _page(d, d.get("url"), pasted), pasted=pasted,
                    match=str(d["match"]) if d.get("match") else None,
                    title=str(d.get("title") or "") if kept else None,
                    text=str(d.get("text") or "") if kept else None, audit_id=audit_id)


def _page(d: dict[str, Any], url: object, pasted: bool) -> str | None:
    """Where the citizen's link led, when that is not the link itself: the page read (stored under it, the link
    kept as `reported_url`), or, pasted, where the link was followed to (`RESOLVED_URL`, the page not read)."""
    if pasted and isinstance(d.get(RESOLVED_URL), str) and d[RESOLVED_URL]:
        return str(d[RESOLVED_URL])
    if d.get("reported_url") and url and not str(url).startswith(TEXT_REPORT_PREFIX):
        return str(url)
    return None


def _joined_pasted(d: dict[str, Any], entry_pasted: bool) -> bool:
    """Whether the report an audit row `report` records was pasted as text. Recorded (`pasted`) since the
    rows kept the text of a report joined by place; before that: no address of its own, or a link followed
    without reading the page (`RESOLVED_URL`), or the same place as an entry of a page that was read (a fetched
    report meets only pasted ones by place, `review.citizen._same_place`)."""
    if "pasted" in d:
        return d["pasted"] is True
    return (str(d.get("url") or "").startswith(TEXT_REPORT_PREFIX) or bool(d.get(RESOLVED_URL))
            or (d.get("match") == SAME_PLACE and not entry_pasted))
