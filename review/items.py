"""Collected items, their revisions, near-duplicate story clusters and feed validators.

Crash safety rests on two rules: an item row is unique on (canonical_url, content_hash), so a re-run
after a kill cannot store a copy twice (and on (canonical_url, revision), so two workers storing a
changed page at once cannot both write revision N+1: the second retries and writes N+2); and a feed
entry's fingerprint is saved only after the item it produced was stored and scored, so "entry already
seen" never hides an item that was not.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from review.item_writer import CANDIDATES, add_items
from review.models import (
    ETAG_LENGTH,
    FEED_STATE_KEY_LENGTH,
    LAST_MODIFIED_LENGTH,
    Cluster,
    FeedState,
    Item,
    ItemBand,
    Score,
)
from review.types import utcnow

if TYPE_CHECKING:
    from review.store import StoreBase

    _Base = StoreBase
else:
    _Base = object

RETRIES = 4  # a batch that collides with another worker's rows is retried this often; each retry sees them


def retryable(exc: DBAPIError) -> bool:
    """Another worker got there first: a unique row it committed (IntegrityError), or PostgreSQL gave up on
    one of two transactions waiting for each other (deadlock, serialization failure). Retrying sees its rows."""
    if isinstance(exc, IntegrityError):
        return True
    return getattr(exc.orig, "sqlstate", None) in ("40P01", "40001")


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
    #: For a page the crawler may fetch as two copies filed under one canonical URL (an AMP copy and its normal
    #: copy): given the address the first item stored under `canonical_url` was fetched at, the address of the
    #: other copy that owns the page (this item is then not stored: `AddResult.other_copy`), or None. Asked under
    #: the page lock (`review.item_writer`), so two workers storing the two copies at once still keep one.
    other_copy: Callable[[str], str | None] | None = None


@dataclass(frozen=True)
class AddResult:
    item_id: int
    created: bool  # False: this exact content was already stored (a re-run, a concurrent worker)
    revision: int
    cluster_id: int | None
    cluster_size: int
    scored: bool  # an existing item that already has a score (or a copy not stored) needs no scoring
    #: not stored: the page is stored from this address, another copy's (`NewItem.other_copy`); `item_id` is
    #: the page's latest revision
    other_copy: str | None = None


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


def feed_state_key(key: str) -> str:
    """The feed_state row of `key` (a feed URL, an entry marker "entry:<source>|<URL>"): the key itself, or,
    when it is longer than the column, its part before the first "|" (or ":") and the SHA-256 of the whole."""
    if len(key) <= FEED_STATE_KEY_LENGTH:
        return key
    head = key[:key.index("|") + 1] if "|" in key[:100] else ""
    return f"{head}sha256:{hashlib.sha256(key.encode('utf-8')).hexdigest()}"


def storable_validators(etag: str | None, last_modified: str | None) -> tuple[str | None, str | None]:
    """The validators that fit their columns; a longer one is left out (the feed is then fetched in full)."""
    return (etag if etag is None or len(etag) <= ETAG_LENGTH else None,
            last_modified if last_modified is None or len(last_modified) <= LAST_MODIFIED_LENGTH else None)


class ItemsMixin(_Base):
    # ------------------------------------------------------------------ feed validators and entry hashes
    def feed_validators(self, url: str) -> FeedValidators | None:
        with self.session() as s:
            row = s.get(FeedState, feed_state_key(url))
            return None if row is None else FeedValidators(row.etag, row.last_modified)

    def save_feed_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """Save what fits (`storable_validators`); the caller says when something was left out."""
        etag, last_modified = storable_validators(etag, last_modified)
        url = feed_state_key(url)
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
        return self.add_items([new])[0]

    def add_items(self, batch: Sequence[NewItem]) -> list[AddResult]:
        """`add_item` for a batch, in one transaction (`review.item_writer`); results in batch order."""
        for attempt in range(RETRIES + 1):
            try:
                with self.session() as s:
                    return self._add_items(s, batch)
            except DBAPIError as exc:
                if attempt == RETRIES or not retryable(exc):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _add_items(self, s: Session, batch: Sequence[NewItem]) -> list[AddResult]:
        return add_items(s.connection(), batch, utcnow())

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
         .group_by(ItemBand.item_id).order_by(func.count().desc()).limit(CANDIDATES))
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
