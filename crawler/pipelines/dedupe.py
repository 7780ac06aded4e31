"""Stage 2: drop exact content already stored; fingerprint the rest (MinHash + LSH band keys).

A citizen's report already stored, scored and decided is the exception: sent again word for word, it goes on to
`review.citizen.file_report`, which tells the verdict (a resend of a report still waiting is dropped: `canhgac report`
says it was there before and is in the queue).

An AMP copy is filed under its normal copy's address (`crawler.pipelines.extract`), and the copy stored first at
that address owns it: the other copy, from another address, is dropped whether it comes in the same run or a later
one (its text differs a little, a figure caption, so it would otherwise be stored as the page's revision 2); the
owner's own later fetches make revisions as before (`AmpCopies`). The other copy's fingerprint is remembered
(`copy_key`): when it changes, the article was edited, and the other copy is then stored as a revision (the owner
may never be fetched again: a listing's link is fetched once), so an edit seen only through it is not lost.

The near-duplicate cluster itself is chosen by the store stage, inside the transaction that inserts
the item, from the band keys of every item any process has stored. Items are checked in batches
(one read transaction for the batch) in a worker thread, like scoring and storing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from sqlalchemy import select

from classifier.fingerprint import band_keys, minhash, signature_bytes
from crawler.context import CrawlContext, crawl_context
from crawler.items import AD, REPORT, CollectedItem
from crawler.pipelines.batch import BatchedStage, process_one
from crawler.urls import canonical_url
from review.citizen import decided_items
from review.items import feed_state_key
from review.models import Item
from review.store import Store

#: who owns a canonical address: the address its first copy was fetched at (canonical spelling), and whether
#: that copy is an AMP copy
Owner = tuple[str, bool]


class AmpCopies:
    """Which address owns each canonical address an AMP copy may share with its normal copy: the first copy's,
    stored (`stored_owners`) or seen by this stage. An AMP copy is filed under the normal address its `<link
    rel="canonical">` names (its `canonical_url`, while its `url` is the AMP one). Only where an AMP copy is one
    of the two is the other dropped: a stored page whose address spells differently today (an older
    `canonical_url` rule) is not another copy of itself."""

    def __init__(self) -> None:
        self.owners: dict[str, Owner] = {}

    @staticmethod
    def applies(item: CollectedItem) -> bool:
        return item.kind not in (AD, REPORT)  # an ad's or a report's address is not its page's

    def other_copy(self, item: CollectedItem, stored_owner: Owner | None = None) -> str | None:
        """The address of another copy that owns `item`'s canonical address, or None (and `item`'s own address
        owns it from now on, if nobody did)."""
        if not self.applies(item):
            return None
        mine = canonical_url(item.url)
        amp = mine != item.canonical_url
        owner = stored_owner or self.owners.get(item.canonical_url)
        if owner is not None and (other := _owned_by(owner, mine, amp)) is not None:
            return other
        self.owners.setdefault(item.canonical_url, (mine, amp))
        return None

    @classmethod
    def store_rule(cls, item: CollectedItem) -> Callable[[str], str | None] | None:
        """`other_copy` as the store transaction asks it (`review.items.NewItem.other_copy`), after the page lock,
        of the first item stored under `item`'s canonical address: a copy another process stored after this
        batch's checks is seen. None where no copy is dropped (an ad, a report, the other copy's edit)."""
        if not cls.applies(item) or item.copy_key:
            return None
        mine = canonical_url(item.url)
        return partial(_stored_copy_owner, mine, mine != item.canonical_url, item.canonical_url)

    @staticmethod
    def remember(store: Store, refused: Sequence[CollectedItem]) -> None:
        """Save the fingerprint of each copy not stored because the other copy owns its page under its `copy_key`,
        unless one is saved (that earlier one is what an edit is told from): as `DedupeStage` does for the copies
        it drops, so an edit seen only through a copy the store stage refused is not lost either. Call before the
        copy's feed entry is marked handled where possible."""
        if not refused:
            return
        saved = store.entry_hashes(copy_key(it) for it in refused)
        for it in refused:
            if (key := copy_key(it)) not in saved:
                store.save_entry_hash(key, it.content_hash)
                saved[key] = it.content_hash


def _owned_by(owner: Owner, mine: str, amp: bool) -> str | None:
    """The owner's address when it is another copy of the page (`mine`, an AMP copy when `amp`), else None."""
    return owner[0] if owner[0] != mine and (amp or owner[1]) else None


def stored_owner(fetched: str, filed_under: str) -> Owner:
    """Who owns a canonical address, from the first item stored there: fetched at `fetched`, filed under
    `filed_under`. It is an AMP copy when its own address does not spell `filed_under`: only an AMP page's
    `<link rel="canonical">` files a page elsewhere (`crawler.extract.amp_canonical`), whether the page was
    AMP by its address or by its `<html amp>` at an ordinary-looking one (`/amphtml/...`)."""
    mine = canonical_url(fetched)
    return mine, mine != filed_under


def _stored_copy_owner(mine: str, amp: bool, filed_under: str, first_stored: str) -> str | None:
    return _owned_by(stored_owner(first_stored, filed_under), mine, amp)


def copy_key(item: CollectedItem) -> str:
    """Where the fingerprint of the copy `item` was fetched at is remembered (a feed_state row, like an entry's)."""
    return feed_state_key(f"copy:{canonical_url(item.url)}")


def stored_owners(store: Store, canonical_urls: Iterable[str]) -> dict[str, Owner]:
    """The fetched address (canonical spelling) of the first item stored at each of `canonical_urls`, and whether
    it is an AMP copy (`stored_owner`)."""
    wanted = list(dict.fromkeys(canonical_urls))
    owners: dict[str, Owner] = {}
    with store.session() as s:
        for i in range(0, len(wanted), 500):
            rows = s.execute(select(Item.canonical_url, Item.url).where(Item.canonical_url.in_(wanted[i:i + 500]))
                             .order_by(Item.id))
            for canonical, url in rows:
                if canonical not in owners:
                    owners[canonical] = stored_owner(url, canonical)
    return owners


class DedupeStage:
    def __init__(self, ctx: CrawlContext) -> None:
        self.ctx = ctx
        self.copies = AmpCopies()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BatchedStage:
        return BatchedStage(cls(crawl_context(crawler)), **BatchedStage.options(crawler.settings))

    def process_item(self, item: CollectedItem) -> CollectedItem:
        return process_one(self, item)

    @staticmethod
    def _key(item: CollectedItem) -> tuple[str, str]:
        return item.canonical_url, item.content_hash

    def process_batch(self, items: Sequence[CollectedItem]) -> list[CollectedItem | BaseException]:
        stored = self.ctx.store.stored_items((it.canonical_url, it.content_hash) for it in items)
        # a report sent again after its entry was decided goes on: `file_report` tells the verdict, stores nothing
        reports = [
            found[0]
            for it in items
            if it.kind == REPORT and (found := stored.get(self._key(it))) and found[1]
        ]
        decided = decided_items(self.ctx.store, reports) if reports else set()
        owners = stored_owners(self.ctx.store, (it.canonical_url for it in items if AmpCopies.applies(it)))
        others = {i: owner for i, it in enumerate(items)
                  if (owner := self.copies.other_copy(it, owners.get(it.canonical_url))) is not None}
        seen = self.ctx.store.entry_hashes(copy_key(items[i]) for i in others) if others else {}
        out: list[CollectedItem | BaseException] = []
        for i, item in enumerate(items):
            if (owner := others.get(i)) is not None:
                before = seen.get(copy_key(item))
                if before is None or before == item.content_hash:  # first seen, or unchanged since: not an edit
                    if before is None:
                        self.ctx.store.save_entry_hash(copy_key(item), item.content_hash)
                    if item.entry_url and item.entry_hash:
                        self.ctx.store.save_entry_hash(item.entry_url, item.entry_hash)
                    out.append(DropItem(f"another copy of {item.canonical_url} is stored from {owner}: {item.url}"))
                    continue
                item.copy_key = copy_key(item)  # changed since last seen: the article's edit, a revision
            found = stored.get(self._key(item))
            if found is not None and found[0] not in decided:
                item_id, scored = found
                if scored or not self.ctx.scoring:
                    if item.entry_url and item.entry_hash:
                        self.ctx.store.save_entry_hash(item.entry_url, item.entry_hash)
                    out.append(DropItem(f"already stored as item {item_id}: {item.canonical_url}"))
                    continue
                item.existing_item_id = item_id  # stored by a run that died before scoring it
            m = minhash(f"{item.title}\n{item.text}")
            item.minhash = signature_bytes(m)
            item.band_keys = band_keys(m)
            out.append(item)
        return out
