"""Collected items, their revisions, near-duplicate story clusters and feed validators.

Crash safety rests on two rules: an item row is unique on (canonical_url, content_hash), so a re-run
after a kill cannot store a copy twice; and a feed entry's fingerprint is saved only after the item it
produced was stored and scored, so "entry already seen" never hides an item that was not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from sqlalchemy import Table, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from review.models import Cluster, FeedState, Item, ItemBand, Score, Source
from review.types import utcnow

if TYPE_CHECKING:
    from review.store import StoreBase

    _Base = StoreBase
else:
    _Base = object

CLUSTER_THRESHOLD = 0.5  # estimated Jaccard of word 3-shingles: reposts with a changed intro still match
_CANDIDATES = 50
_ITEM_BANDS = cast(Table, ItemBand.__table__)  # Core insert: no ORM unit of work for 32 tiny rows


@dataclass(frozen=True)
class NewItem:
    """Everything the crawler knows about one collected text, ready to store."""

    url: str
    canonical_url: str
    kind: str
    title: str
    text: str
    content_hash: str
    source_name: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    raw_hash: str | None = None
    language: str | None = None
    locality: Sequence[str] = ()
    official: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    minhash: bytes | None = None
    band_keys: Sequence[str] = ()


@dataclass(frozen=True)
class AddResult:
    item_id: int
    created: bool  # False: this exact content was already stored (a re-run, a concurrent worker)
    revision: int
    cluster_id: int | None
    cluster_size: int
    scored: bool  # an existing item that already has a score needs no scoring


@dataclass(frozen=True)
class FeedValidators:
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class SimilarItem:
    item_id: int
    title: str
    url: str
    similarity: float


@dataclass(frozen=True)
class ClusterInfo:
    id: int
    size: int
    sources: int
    representative_item_id: int | None


class ItemsMixin(_Base):
    # ------------------------------------------------------------------ feed validators and entry hashes
    def feed_validators(self, url: str) -> FeedValidators | None:
        with self.session() as s:
            row = s.get(FeedState, url)
            return None if row is None else FeedValidators(row.etag, row.last_modified)

    def save_feed_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self.session() as s:
            row = s.get(FeedState, url)
            if row is None:
                s.add(FeedState(url=url, etag=etag, last_modified=last_modified, checked_at=utcnow()))
            else:
                row.etag, row.last_modified, row.checked_at = etag, last_modified, utcnow()

    def entry_hashes(self, urls: Iterable[str]) -> dict[str, str]:
        """The saved fingerprint of each listed entry (absent: never stored)."""
        wanted = list(dict.fromkeys(urls))
        out: dict[str, str] = {}
        with self.session() as s:
            for i in range(0, len(wanted), 500):
                rows = s.execute(select(FeedState.url, FeedState.entry_hash)
                                 .where(FeedState.url.in_(wanted[i:i + 500]))).all()
                out.update({u: h for u, h in rows if h})
        return out

    def save_entry_hash(self, url: str, entry_hash: str) -> None:
        """Mark a feed entry as handled: call only after its item is stored (and scored)."""
        with self.session() as s:
            save_entry_hash(s, url, entry_hash)

    def known_urls(self, canonical_urls: Iterable[str]) -> set[str]:
        """Which of these canonical URLs already have a stored item (any revision)."""
        wanted = list(dict.fromkeys(canonical_urls))
        found: set[str] = set()
        with self.session() as s:
            for i in range(0, len(wanted), 500):
                found.update(s.scalars(select(Item.canonical_url).distinct()
                                       .where(Item.canonical_url.in_(wanted[i:i + 500]))))
        return found

    # ------------------------------------------------------------------------------------------ items
    def stored_item(self, canonical_url: str, content_hash: str) -> tuple[int, bool] | None:
        """(item id, has a score) of this exact content, or None."""
        with self.session() as s:
            item_id = s.scalar(select(Item.id).where(Item.canonical_url == canonical_url,
                                                     Item.content_hash == content_hash))
            if item_id is None:
                return None
            return item_id, _has_score(s, item_id)

    def stored_items(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, bool]]:
        """`stored_item` for many (canonical URL, content hash) pairs in one transaction; absent: not stored."""
        out: dict[tuple[str, str], tuple[int, bool]] = {}
        wanted = list(dict.fromkeys(keys))
        with self.session() as s:
            for i in range(0, len(wanted), 200):
                chunk = wanted[i:i + 200]
                chunk_keys = set(chunk)
                rows = s.execute(select(Item.id, Item.canonical_url, Item.content_hash)
                                 .where(Item.canonical_url.in_({u for u, _ in chunk}))).all()
                found = {(u, h): iid for iid, u, h in rows if (u, h) in chunk_keys}
                scored = set(s.scalars(select(Score.item_id).where(Score.item_id.in_(found.values())))) if found else set()
                out.update({k: (iid, iid in scored) for k, iid in found.items()})
        return out

    def add_item(self, new: NewItem) -> AddResult:
        """Store one item (a new revision when the URL's text changed) and place it in a story cluster."""
        try:
            with self.session() as s:
                return self._add_item(s, new)
        except IntegrityError:
            # another worker stored the same content between our check and insert
            with self.session() as s:
                return self._add_item(s, new)

    def _add_item(self, s: Session, new: NewItem) -> AddResult:
        has_score = exists().where(Score.item_id == Item.id)
        found = s.execute(select(Item.id, Item.revision, Item.cluster_id, Cluster.size, has_score)
                          .outerjoin(Cluster, Cluster.id == Item.cluster_id)
                          .where(Item.canonical_url == new.canonical_url, Item.content_hash == new.content_hash)
                          .limit(1)).first()
        if found is not None:
            iid, revision, cid, csize, scored = found
            return AddResult(iid, False, revision, cid, (csize or 1) if cid is not None else 1, bool(scored))
        prev = s.execute(select(Item.id, Item.revision, Item.cluster_id).where(Item.canonical_url == new.canonical_url)
                         .order_by(Item.revision.desc()).limit(1)).first()
        source_id = None
        if new.source_name:
            source_id = s.scalar(select(Source.id).where(Source.name == new.source_name))
        now = utcnow()
        cluster_id: int | None = prev.cluster_id if prev is not None else None
        if cluster_id is None and new.minhash is not None and new.band_keys:
            # the item and its bands are not inserted yet, so it cannot match itself
            cluster_id = _best_cluster(s, new.minhash, list(dict.fromkeys(new.band_keys)))
        size: int | None = None
        if cluster_id is not None:
            size = _join_cluster(s, cluster_id, new.canonical_url, source_id, now,
                                 page_known=prev is not None and prev.cluster_id == cluster_id)
        item = Item(source_id=source_id, url=new.url, canonical_url=new.canonical_url, kind=new.kind,
                    title=new.title, text=new.text, author=new.author, published_at=new.published_at,
                    fetched_at=now, content_hash=new.content_hash, raw_hash=new.raw_hash,
                    language=new.language, locality=list(new.locality), official=new.official,
                    extra=dict(new.extra), minhash=new.minhash,
                    revision=(prev.revision + 1) if prev else 1, supersedes_id=prev.id if prev else None,
                    cluster_id=cluster_id if size is not None else None)
        s.add(item)
        s.flush()
        if size is None:  # no similar story (or its cluster was purged meanwhile): a cluster of its own
            cluster_id = s.execute(insert(Cluster).values(representative_item_id=item.id, size=1, sources=1,
                                                          first_seen_at=now, last_seen_at=now)
                                   .returning(Cluster.id)).scalar_one()
            item.cluster_id, size = cluster_id, 1
        keys = list(dict.fromkeys(new.band_keys))
        if keys:
            s.execute(insert(_ITEM_BANDS), [{"item_id": item.id, "band_key": k} for k in keys])
        return AddResult(item.id, True, item.revision, cluster_id, size, False)

    def cluster_of(self, item_id: int) -> ClusterInfo | None:
        with self.session() as s:
            cid = s.scalar(select(Item.cluster_id).where(Item.id == item_id))
            c = s.get(Cluster, cid) if cid is not None else None
            return None if c is None else ClusterInfo(c.id, c.size, c.sources, c.representative_item_id)

    def similar_items(self, minhash: bytes, band_keys: Sequence[str], *, official_only: bool = True,
                      limit: int = 3, threshold: float = 0.3) -> list[SimilarItem]:
        """Stored items sharing LSH bands with this signature, most similar first (official ones only)."""
        return self.similar_items_many([(minhash, band_keys)], official_only=official_only, limit=limit,
                                       threshold=threshold)[0]

    def similar_items_many(self, queries: Sequence[tuple[bytes, Sequence[str]]], *, official_only: bool = True,
                           limit: int = 3, threshold: float = 0.3) -> list[list[SimilarItem]]:
        """`similar_items` for several (signature, band keys) in one transaction, in order."""
        with self.session() as s:
            return [[h for h in _matches(s, None, sig, list(keys), official_only=official_only)
                     if h.similarity >= threshold][:limit] for sig, keys in queries]

    def item_count(self, *, kind: str | None = None) -> int:
        with self.session() as s:
            q = select(func.count()).select_from(Item)
            if kind:
                q = q.where(Item.kind == kind)
            return s.scalar(q) or 0


def save_entry_hash(s: Session, url: str, entry_hash: str) -> None:
    """`ItemsMixin.save_entry_hash` inside a caller's transaction (the one that stored the item)."""
    row = s.get(FeedState, url)
    if row is None:
        s.add(FeedState(url=url, entry_hash=entry_hash, checked_at=utcnow()))
    else:
        row.entry_hash, row.checked_at = entry_hash, utcnow()


def _has_score(s: Session, item_id: int) -> bool:
    return s.scalar(select(Score.id).where(Score.item_id == item_id).limit(1)) is not None


def _matches(s: Session, self_id: int | None, minhash: bytes, keys: list[str], *,
             official_only: bool) -> list[SimilarItem]:
    if not keys:
        return []
    q = (select(ItemBand.item_id, func.count().label("n")).where(ItemBand.band_key.in_(keys))
         .group_by(ItemBand.item_id).order_by(func.count().desc()).limit(_CANDIDATES))
    if official_only:  # filter before the candidate limit, so unofficial look-alikes cannot crowd out official ones
        q = q.join(Item, Item.id == ItemBand.item_id).where(Item.official.is_(True))
    if self_id is not None:
        q = q.where(ItemBand.item_id != self_id)
    ids = [row[0] for row in s.execute(q)]
    if not ids:
        return []
    rows = s.execute(select(Item.id, Item.title, Item.url, Item.minhash, Item.official).where(Item.id.in_(ids))).all()
    mine = np.frombuffer(minhash, dtype=np.uint64)
    out = []
    for iid, title, url, sig, official in rows:
        if sig is None or (official_only and not official):
            continue
        theirs = np.frombuffer(sig, dtype=np.uint64)
        if len(theirs) == len(mine):  # MinHash's Jaccard estimate: the share of equal hash values
            out.append(SimilarItem(iid, title, url, float(np.count_nonzero(mine == theirs)) / len(mine)))
    out.sort(key=lambda h: (-h.similarity, h.item_id))
    return out


def _best_cluster(s: Session, minhash: bytes, keys: list[str]) -> int | None:
    """The cluster of the most similar stored item at or above `CLUSTER_THRESHOLD`, or None."""
    ids = s.scalars(select(ItemBand.item_id).where(ItemBand.band_key.in_(keys)).group_by(ItemBand.item_id)
                    .order_by(func.count().desc()).limit(_CANDIDATES)).all()
    if not ids:
        return None
    mine = np.frombuffer(minhash, dtype=np.uint64)
    best: tuple[float, int, int | None] | None = None  # (-similarity, item id, cluster id): the same order as `_matches`
    for iid, sig, cid in s.execute(select(Item.id, Item.minhash, Item.cluster_id).where(Item.id.in_(ids))):
        if sig is None:
            continue
        theirs = np.frombuffer(sig, dtype=np.uint64)
        if len(theirs) != len(mine):
            continue
        sim = float(np.count_nonzero(mine == theirs)) / len(mine)
        if sim >= CLUSTER_THRESHOLD and (best is None or (-sim, iid) < best[:2]):
            best = (-sim, iid, cid)
    return best[2] if best is not None else None


def _join_cluster(s: Session, cluster_id: int, canonical_url: str, source_id: int | None, now: datetime, *,
                  page_known: bool) -> int | None:
    """Count an item about to be stored into its cluster, before the item row exists; returns the cluster's new
    size, or None when the cluster is gone.

    Size is the number of distinct pages (canonical URLs) and sources the number of distinct sources (at least 1)
    of the cluster's items, kept incrementally instead of recounted. The first UPDATE locks the cluster row
    (PostgreSQL waits there for a concurrent writer of the same cluster to commit; SQLite has one writer at a
    time), so the EXISTS check that follows, a new statement, sees that writer's items and no page or source is
    counted twice or missed."""
    size = s.execute(update(Cluster).where(Cluster.id == cluster_id).values(last_seen_at=now)
                     .returning(Cluster.size)).scalar()
    if size is None:
        return None
    in_cluster = Item.cluster_id == cluster_id
    checks = []
    if not page_known:
        checks.append(exists().where(in_cluster, Item.canonical_url == canonical_url))
    if source_id is not None:
        checks += [exists().where(in_cluster, Item.source_id == source_id),
                   exists().where(in_cluster, Item.source_id.is_not(None))]
    if not checks:
        return int(size)
    row = s.execute(select(*checks)).one()
    new_page = not page_known and not row[0]
    new_source = source_id is not None and not row[-2] and bool(row[-1])  # a first source keeps sources at 1
    if new_page or new_source:
        s.execute(update(Cluster).where(Cluster.id == cluster_id)
                  .values(size=Cluster.size + int(new_page), sources=Cluster.sources + int(new_source)))
    return int(size) + int(new_page)
