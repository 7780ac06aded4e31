"""Store a batch of collected items in a few statements: their revisions, story clusters and band keys.

What `ItemsMixin.add_item` did for one item with a dozen ORM round trips (look up, flush, insert the
cluster, update the item) is done here for a whole batch with SQLAlchemy Core: one look-up of what is
stored under the batch's URLs, one candidate query per item without a previous revision, one lock per
story cluster joined, then multi-row inserts of clusters, items and band keys. The result is the same
as adding the items one by one in batch order: an item may be a new revision of, or join the cluster
of, an item earlier in the same batch.

Concurrency rests on the database: the batch first takes the per-page lock of each of its URLs
(`review.page_locks`, the lock a citizen report of the same page takes too), so a concurrent writer of
the same page (another crawler worker, a report) waits for this transaction and then sees its rows. Items
are also unique on (canonical URL, content hash) and on (canonical URL, revision): should two writers of
one page still collide, the transaction fails with an IntegrityError and the caller retries (the retry
sees the other writer's rows). New pages then take the story locks of their band keys (`lock_stories`), so
two writers storing copies of one story under different URLs take turns and the second joins the first's
cluster. Every stored cluster the batch may join is locked before any is counted into, all at once and in id
order (`_lock_clusters`): two batches joining the same clusters, in whatever order their items come, take
turns instead of each holding one and waiting for the other's (a deadlock, which PostgreSQL ends by failing
one of them).

A page the crawler may fetch as two copies filed under one canonical URL (an AMP copy and its normal copy) is
owned by the copy stored first: the other is not stored (`NewItem.other_copy`, asked here, after the page lock,
so two workers storing the two copies at once cannot both find the page unstored). Where the crawler remembers such
a copy's fingerprint (`CopyFingerprint`), this transaction saves it, with the batch: a copy refused here keeps the
one it was first seen with, the other copy's edit stored as a revision the one it now has. A crash cannot mark the
copy's feed entry handled without it (the next fetch of that copy would otherwise not tell an edit).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, cast

import numpy as np
from sqlalchemy import Connection, Table, bindparam, exists, func, insert, select, update

from review.models import Cluster, FeedState, Item, ItemBand, Score, Source
from review.page_locks import lock_pages, lock_stories

if TYPE_CHECKING:
    from review.items import AddResult, NewItem

CLUSTER_THRESHOLD = 0.5  # estimated Jaccard of word 3-shingles: reposts with a changed intro still match
CANDIDATES = 50

ITEMS = cast(Table, Item.__table__)
CLUSTERS = cast(Table, Cluster.__table__)
ITEM_BANDS = cast(Table, ItemBand.__table__)
FEEDS = cast(Table, FeedState.__table__)


@dataclass(frozen=True)
class CopyFingerprint:
    """A `NewItem.other_copy` that also names where the crawler remembers this copy's fingerprint (a feed_state row,
    `crawler.pipelines.dedupe.copy_key`), for the store transaction to save it with the batch. `rule`: the copy
    rule proper (None: this copy is never refused, it is the other copy's edit, stored as the page's revision).
    `edit`: this copy's fingerprint is replaced by its content now (the edit is seen); otherwise it is saved only
    when the copy is refused and none is saved yet (the first seen is what an edit is told from)."""

    rule: Callable[[str], str | None] | None
    key: str
    edit: bool = False

    def __call__(self, first_stored: str) -> str | None:
        return self.rule(first_stored) if self.rule is not None else None


@dataclass
class _ClusterState:
    """A story cluster the batch puts items in: its size and sources as counted so far and what it holds.
    A stored cluster is locked and read on first use (`loaded`); `id` None: created by this batch."""

    id: int | None
    size: int = 1
    sources: int = 1
    pages: set[str] = field(default_factory=set)
    source_ids: set[int] = field(default_factory=set)
    loaded: bool = False
    gone: bool = False
    changed: bool = False


@dataclass
class _Row:
    """An item row of one of the batch's URLs: stored before, or added by this batch (`new`)."""

    id: int | None
    revision: int
    cluster: _ClusterState | None
    scored: bool
    new: NewItem | None = None
    source_id: int | None = None
    prev: _Row | None = None
    fetched: str | None = None  # a stored row: the address it was fetched at (`Item.url`)


def add_items(conn: Connection, batch: Sequence[NewItem], now: datetime) -> list[AddResult]:
    """Store the batch in the caller's transaction; one result per item, in order."""
    from review.items import AddResult

    urls = list(dict.fromkeys(n.canonical_url for n in batch))
    lock_pages(conn, urls)  # before reading what is stored under them: one writer per page at a time
    clusters: dict[int, _ClusterState] = {}
    stored, latest = _stored_rows(conn, urls, clusters)
    first_urls = _first_urls(stored)
    source_ids = _source_ids(conn, {n.source_name for n in batch if n.source_name})
    # new pages look for stored copies of their story: a copy another writer is storing now must be seen
    lock_stories(conn, [k for n in batch if n.canonical_url not in latest and n.minhash is not None
                        for k in n.band_keys])
    candidates = _candidates(conn, [(pos, n) for pos, n in enumerate(batch) if n.canonical_url not in latest])
    _lock_clusters(conn, batch, stored, latest, candidates)

    results: list[tuple[_Row, bool, int, str | None]] = []  # row, created, its cluster's size then, other copy
    added: list[_Row] = []
    earlier: list[tuple[np.ndarray, frozenset[str], _Row]] = []  # this batch's new items, as cluster candidates
    fingerprints: dict[str, tuple[str, bool]] = {}  # copies' fingerprints to save: key -> (content hash, replace)
    for pos, new in enumerate(batch):
        copy = new.other_copy if isinstance(new.other_copy, CopyFingerprint) else None
        if copy is not None and copy.edit:  # the other copy's edit: seen as it now is, stored or found stored
            fingerprints[copy.key] = (new.content_hash, True)
        key = (new.canonical_url, new.content_hash)
        if key in stored:  # stored before (a re-run, another worker) or earlier in this batch
            found = stored[key]
            results.append((found, False, found.cluster.size if found.cluster is not None else 1, None))
            continue
        prev = latest.get(new.canonical_url)
        owner = _other_copy(new, first_urls)
        if prev is not None and owner is not None:  # the page is stored from its other copy's address
            if copy is not None:
                fingerprints.setdefault(copy.key, (new.content_hash, False))
            results.append((prev, False, prev.cluster.size if prev.cluster is not None else 1, owner))
            continue
        source_id = source_ids.get(new.source_name or "")
        mine = np.frombuffer(new.minhash, dtype=np.uint64) if new.minhash is not None else None
        cluster = prev.cluster if prev is not None else None
        if cluster is None and mine is not None and new.band_keys:
            cluster = _best_cluster(mine, candidates.get(pos, []), earlier, set(new.band_keys), clusters)
        if cluster is not None and not _join(conn, cluster, new.canonical_url, source_id, urls, now):
            cluster = None  # the cluster was purged meanwhile
        if cluster is None:  # no similar story: a cluster of its own
            cluster = _ClusterState(None, pages={new.canonical_url},
                                    source_ids={source_id} if source_id is not None else set(), loaded=True)
        row = _Row(None, prev.revision + 1 if prev else 1, cluster, False, new, source_id, prev)
        stored[key] = latest[new.canonical_url] = row
        first_urls.setdefault(new.canonical_url, new.url)
        if mine is not None:
            earlier.append((mine, frozenset(new.band_keys), row))
        added.append(row)
        results.append((row, True, cluster.size, None))
    _write(conn, added, clusters, now)
    _save_fingerprints(conn, fingerprints, now)
    out = []
    for row, created, size, owner in results:
        assert row.id is not None
        out.append(AddResult(row.id, created, row.revision, row.cluster.id if row.cluster is not None else None,
                             size, row.scored or owner is not None, owner))
    return out


def _save_fingerprints(conn: Connection, fingerprints: dict[str, tuple[str, bool]], now: datetime) -> None:
    """Save the copies' fingerprints (`CopyFingerprint`) in the batch's transaction: a new row each, or, for an
    edit, the stored row's hash replaced (a refused copy keeps a saved one). One read, one insert, one update."""
    if not fingerprints:
        return
    keys = list(fingerprints)
    saved: set[str] = set()
    for i in range(0, len(keys), 500):
        saved.update(conn.scalars(select(FEEDS.c.url).where(FEEDS.c.url.in_(keys[i:i + 500]))))
    new = [{"url": k, "entry_hash": h, "checked_at": now} for k, (h, _) in fingerprints.items() if k not in saved]
    changed = [{"b_url": k, "b_hash": h, "b_at": now} for k, (h, replace) in fingerprints.items()
               if k in saved and replace]
    if new:
        conn.execute(insert(FEEDS), new)
    if changed:
        conn.execute(update(FEEDS).where(FEEDS.c.url == bindparam("b_url"))
                     .values(entry_hash=bindparam("b_hash"), checked_at=bindparam("b_at")), changed)


def _other_copy(new: NewItem, first_urls: dict[str, str]) -> str | None:
    """The address of another copy of `new`'s page that owns it (`NewItem.other_copy`), or None."""
    first = first_urls.get(new.canonical_url)
    return new.other_copy(first) if new.other_copy is not None and first is not None else None


def _first_urls(stored: dict[tuple[str, str], _Row]) -> dict[str, str]:
    """The address the first item stored under each URL was fetched at."""
    first: dict[str, tuple[int, str]] = {}
    for (url, _), row in stored.items():
        if row.id is not None and row.fetched is not None and (url not in first or row.id < first[url][0]):
            first[url] = (row.id, row.fetched)
    return {url: fetched for url, (_, fetched) in first.items()}


def _stored_rows(conn: Connection, urls: list[str], clusters: dict[int, _ClusterState]
                 ) -> tuple[dict[tuple[str, str], _Row], dict[str, _Row]]:
    """Every stored revision of these URLs by (URL, content hash), and the latest revision of each URL."""
    has_score = exists().where(Score.item_id == Item.id)
    stored: dict[tuple[str, str], _Row] = {}
    latest: dict[str, _Row] = {}
    for i in range(0, len(urls), 200):
        rows = conn.execute(select(Item.id, Item.canonical_url, Item.content_hash, Item.revision, Item.cluster_id,
                                   Cluster.size, has_score.label("scored"), Item.url)
                            .outerjoin(Cluster, Cluster.id == Item.cluster_id)
                            .where(Item.canonical_url.in_(urls[i:i + 200])))
        for iid, url, chash, revision, cid, size, scored, fetched in rows:
            cluster = None
            if cid is not None:
                cluster = clusters.setdefault(cid, _ClusterState(cid, size or 1))
            row = _Row(iid, revision, cluster, bool(scored), fetched=fetched)
            stored[(url, chash)] = row
            if url not in latest or latest[url].revision < revision:
                latest[url] = row
    return stored, latest


def _source_ids(conn: Connection, names: set[str]) -> dict[str, int]:
    if not names:
        return {}
    return {name: sid for sid, name in conn.execute(select(Source.id, Source.name).where(Source.name.in_(names)))}


_Candidate = tuple[int, np.ndarray, int | None]  # a stored item: id, MinHash signature, cluster id


def _candidates(conn: Connection, fresh: Sequence[tuple[int, NewItem]]) -> dict[int, list[_Candidate]]:
    """For each new page (by batch position), the stored items sharing most band keys with it. One grouped
    query per page, one query for the signatures of all."""
    q = (select(ItemBand.item_id).where(ItemBand.band_key.in_(bindparam("keys", expanding=True)))
         .group_by(ItemBand.item_id).order_by(func.count().desc(), ItemBand.item_id).limit(CANDIDATES))
    ids_by_pos: dict[int, list[int]] = {}
    for pos, n in fresh:
        if n.minhash is not None and n.band_keys:
            ids = list(conn.scalars(q, {"keys": list(dict.fromkeys(n.band_keys))}))
            if ids:
                ids_by_pos[pos] = ids
    wanted = list({i for ids in ids_by_pos.values() for i in ids})
    sigs: dict[int, tuple[np.ndarray, int | None]] = {}
    for i in range(0, len(wanted), 500):
        for iid, sig, cid in conn.execute(select(Item.id, Item.minhash, Item.cluster_id)
                                          .where(Item.id.in_(wanted[i:i + 500]))):
            if sig is not None:
                sigs[iid] = (np.frombuffer(sig, dtype=np.uint64), cid)
    return {pos: [(iid, *sigs[iid]) for iid in ids if iid in sigs] for pos, ids in ids_by_pos.items()}


def _best_cluster(mine: np.ndarray, stored: list[_Candidate], earlier: list[tuple[np.ndarray, frozenset[str], _Row]],
                  keys: set[str], clusters: dict[int, _ClusterState]) -> _ClusterState | None:
    """The cluster of the most similar item at or above `CLUSTER_THRESHOLD` (ties: the older item), among the
    stored candidates and this batch's earlier items sharing a band key, or None."""
    best: tuple[float, int, int] | None = None
    found: _ClusterState | None = None
    options: list[tuple[int, int, np.ndarray, _ClusterState | None]] = []
    for iid, sig, cid in stored:
        options.append((0, iid, sig, clusters.setdefault(cid, _ClusterState(cid)) if cid is not None else None))
    for n, (sig, their_keys, row) in enumerate(earlier):
        if keys & their_keys:
            options.append((1, n, sig, row.cluster))
    for batch_rank, order, sig, cluster in options:
        if len(sig) != len(mine):
            continue
        sim = float(np.count_nonzero(mine == sig)) / len(mine)
        rank = (-sim, batch_rank, order)
        if sim >= CLUSTER_THRESHOLD and (best is None or rank < best):
            best, found = rank, cluster
    return found


def _lock_clusters(conn: Connection, batch: Sequence[NewItem], stored: dict[tuple[str, str], _Row],
                   latest: dict[str, _Row], candidates: dict[int, list[_Candidate]]) -> None:
    """Lock, in id order, every stored cluster the batch may join: that of each page it stores a new revision
    of, and that of each stored copy similar enough for a new page to join (`_best_cluster` picks among
    those). `_join` would otherwise lock them one by one in batch order, and two batches joining clusters X
    and Y in opposite orders would each hold one and wait for the other. SQLite: nothing to take (BEGIN
    IMMEDIATE already excludes every other writer)."""
    if conn.dialect.name != "postgresql":
        return
    ids: set[int] = set()
    for pos, new in enumerate(batch):
        if (new.canonical_url, new.content_hash) in stored:
            continue  # stored already: joins nothing
        prev = latest.get(new.canonical_url)
        if prev is not None and prev.cluster is not None and prev.cluster.id is not None:
            ids.add(prev.cluster.id)
        if new.minhash is not None:
            mine = np.frombuffer(new.minhash, dtype=np.uint64)
            ids.update(cid for _, sig, cid in candidates.get(pos, ()) if cid is not None and len(sig) == len(mine)
                       and np.count_nonzero(mine == sig) / len(mine) >= CLUSTER_THRESHOLD)
    ordered = sorted(ids)
    for i in range(0, len(ordered), 500):  # FOR UPDATE takes the rows as the ORDER BY yields them
        conn.execute(select(Cluster.id).where(Cluster.id.in_(ordered[i:i + 500])).order_by(Cluster.id)
                     .with_for_update())


def _join(conn: Connection, cluster: _ClusterState, url: str, source_id: int | None, batch_urls: list[str],
          now: datetime) -> bool:
    """Count an item into its cluster: a page (canonical URL) not in it yet adds to its size, a source not in
    it yet to its sources (a first source keeps sources at 1). False when the stored cluster is gone.

    A stored cluster is locked first (on PostgreSQL by `_lock_clusters`, which waits for a concurrent writer of
    the same cluster to commit, and again by the UPDATE; SQLite has one writer at a time), so the reads that
    follow see that writer's items and no page or source is counted twice or missed."""
    if cluster.gone:
        return False
    if not cluster.loaded:
        assert cluster.id is not None
        row = conn.execute(update(Cluster).where(Cluster.id == cluster.id).values(last_seen_at=now)
                           .returning(Cluster.size, Cluster.sources)).first()
        if row is None:
            cluster.gone = True
            return False
        cluster.size, cluster.sources, cluster.loaded = int(row[0]), int(row[1]), True
        for i in range(0, len(batch_urls), 200):
            cluster.pages.update(conn.scalars(select(Item.canonical_url).where(
                Item.cluster_id == cluster.id, Item.canonical_url.in_(batch_urls[i:i + 200]))))
        cluster.source_ids.update(conn.scalars(select(Item.source_id).distinct().where(
            Item.cluster_id == cluster.id, Item.source_id.is_not(None))))
    if url not in cluster.pages:
        cluster.pages.add(url)
        cluster.size += 1
        cluster.changed = True
    if source_id is not None and source_id not in cluster.source_ids:
        if cluster.source_ids:
            cluster.sources += 1
            cluster.changed = True
        cluster.source_ids.add(source_id)
    return True


def _write(conn: Connection, added: list[_Row], clusters: dict[int, _ClusterState], now: datetime) -> None:
    """Insert the batch's new clusters, items and band keys, and update the stored clusters it joined."""
    if not added:
        return
    fresh = list({id(r.cluster): r.cluster for r in added if r.cluster is not None and r.cluster.id is None}.values())
    if fresh:
        ids = conn.scalars(insert(CLUSTERS).returning(CLUSTERS.c.id, sort_by_parameter_order=True),
                           [{"representative_item_id": None, "size": c.size, "sources": c.sources,
                             "first_seen_at": now, "last_seen_at": now} for c in fresh]).all()
        for c, cid in zip(fresh, ids, strict=True):
            c.id = cid
    rows = []
    for r in added:
        new = r.new
        assert new is not None and r.cluster is not None
        rows.append({"source_id": r.source_id, "url": new.url, "canonical_url": new.canonical_url, "kind": new.kind,
                     "title": new.title, "text": new.text, "author": new.author, "published_at": new.published_at,
                     "fetched_at": now, "content_hash": new.content_hash, "raw_hash": new.raw_hash,
                     "language": new.language, "locality": list(new.locality), "official": new.official,
                     "extra": dict(new.extra), "minhash": new.minhash, "revision": r.revision,
                     "supersedes_id": r.prev.id if r.prev is not None else None, "cluster_id": r.cluster.id})
    ids = conn.scalars(insert(ITEMS).returning(ITEMS.c.id, sort_by_parameter_order=True), rows).all()
    for r, iid in zip(added, ids, strict=True):
        r.id = iid
    unrepresented = {id(c) for c in fresh}
    reps = []
    for r in added:  # a new cluster's representative: its first item
        assert r.cluster is not None
        if id(r.cluster) in unrepresented:
            unrepresented.discard(id(r.cluster))
            reps.append({"b_id": r.cluster.id, "b_rep": r.id})
    if reps:
        conn.execute(update(CLUSTERS).where(CLUSTERS.c.id == bindparam("b_id"))
                     .values(representative_item_id=bindparam("b_rep")), reps)
    chained = [{"b_id": r.id, "b_prev": r.prev.id} for r in added
               if r.prev is not None and r.prev.new is not None]  # a revision of an item earlier in the batch
    if chained:
        conn.execute(update(ITEMS).where(ITEMS.c.id == bindparam("b_id"))
                     .values(supersedes_id=bindparam("b_prev")), chained)
    grown = [{"b_id": c.id, "b_size": c.size, "b_sources": c.sources} for c in clusters.values() if c.changed]
    if grown:
        conn.execute(update(CLUSTERS).where(CLUSTERS.c.id == bindparam("b_id"))
                     .values(size=bindparam("b_size"), sources=bindparam("b_sources")), grown)
    bands = [{"item_id": r.id, "band_key": k} for r in added if r.new is not None
             for k in dict.fromkeys(r.new.band_keys)]
    if bands:
        conn.execute(insert(ITEM_BANDS), bands)
