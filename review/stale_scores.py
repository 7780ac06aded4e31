"""Pages an earlier run stored unscored (scoring off, no model then, or the run died before scoring them), scored
by a later crawl batch: the review entries that batch will write, row-locked before it writes anything audited.

`decide`, `undo`, `claim` and a rescore batch lock their entries' rows first and take the audit lock last
(`review.audit`), and `review.report_joins.record_joins` locks every entry a call joins (id order) before its first
audit row. A crawl batch scores its stale pages one at a time (`ScoringMixin._record_score`), each with its own
`record_joins` call, and then its new pages (one `record_joins` for them all): so the first page joining a report's
entry held the audit lock while a later page still had to lock the entry it joins, or its own entry. A moderator
holding that entry and wanting the audit lock, or a second crawl worker holding it, closed a cycle, and PostgreSQL
aborted one transaction (40P01): a moderator's verdict lost, or a crawl batch.

So before scoring its stale pages a batch locks, in one id order, every entry it will write: each stale page's
own entry, and the citizen report entries its stale pages and its new flagged pages join (`reported_entries`, as
the scoring will find them). The batch holds its pages' locks (`review.page_locks`) throughout, so no report of
those pages is filed meanwhile, and the entries locked here cannot be decided or undone. What is left: an entry
that was not the best match when locked here and becomes the best before the page is scored (another entry of
the same content undone in between) is locked when its join is written, after an audit row.

SQLite: nothing to take (BEGIN IMMEDIATE already excludes every other writer).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from review.models import Item, ItemBand, ReviewEntry, Source
from review.report_joins import CrawledPage, reported_entries
from review.report_match import REPORT_KIND

_CHUNK = 500  # ids per IN (...) list: a bounded statement however large the batch


@dataclass(frozen=True)
class StaleScore:
    """A stored page without a score that a batch scores: what decides which entries its score writes."""

    item_id: int
    flagged: bool  # the new score flags a category
    is_report: bool  # stored as, or now marked, a citizen's report


def stored_pages(s: Session, item_ids: Iterable[int]) -> dict[int, CrawledPage]:
    """Stored items as `reported_entries` compares them with the citizen reports, by item id."""
    ids = sorted(set(item_ids))
    bands: dict[int, list[str]] = {}
    out: dict[int, CrawledPage] = {}
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i:i + _CHUNK]
        for iid, key in s.execute(select(ItemBand.item_id, ItemBand.band_key).where(ItemBand.item_id.in_(chunk))):
            bands.setdefault(iid, []).append(key)
        for iid, canonical, title, body, raw, sig, url, source in s.execute(
                select(Item.id, Item.canonical_url, Item.title, Item.text, Item.raw_hash, Item.minhash, Item.url,
                       Source.name).outerjoin(Source, Source.id == Item.source_id).where(Item.id.in_(chunk))):
            out[iid] = CrawledPage(iid, canonical, title, body, raw, sig, bands.get(iid, []), url, source)
    return out


def lock_written_entries(s: Session, stale: Sequence[StaleScore], fresh: Sequence[CrawledPage]) -> None:
    """Row-lock (PostgreSQL, id order, until the transaction ends) every review entry a crawl batch scoring the
    `stale` pages and storing the `fresh` pages (its new flagged pages, which are no reports) will write: the stale
    pages' own entries and the report entries the pages join. Call it holding the pages' locks, before scoring any
    stale page (see the module doc)."""
    if s.get_bind().dialect.name != "postgresql":
        return
    reaching = {x.item_id: x for x in stale if x.flagged or x.is_report}  # others end at their score row
    ids = sorted(reaching)
    entries: set[int] = set()
    joining: list[int] = []  # stale pages without an entry of their own: they may join a report's
    for i in range(0, len(ids), _CHUNK):
        for iid, kind, entry_id in s.execute(
                select(Item.id, Item.kind, ReviewEntry.id).outerjoin(ReviewEntry, ReviewEntry.item_id == Item.id)
                .where(Item.id.in_(ids[i:i + _CHUNK]))):
            if entry_id is not None:
                entries.add(entry_id)
            elif not reaching[iid].is_report and kind != REPORT_KIND:
                joining.append(iid)
    pages = [*stored_pages(s, joining).values(), *fresh]
    if pages:
        entries.update(j.entry_id for j in reported_entries(s.connection(), pages).values())
    ordered = sorted(entries)
    for i in range(0, len(ordered), _CHUNK):  # FOR UPDATE takes the rows as the ORDER BY yields them
        s.execute(select(ReviewEntry.id).where(ReviewEntry.id.in_(ordered[i:i + _CHUNK])).order_by(ReviewEntry.id)
                  .with_for_update())
