"""Stage 2: drop exact content already stored; fingerprint the rest (MinHash + LSH band keys).

The near-duplicate cluster itself is chosen by the store stage, inside the transaction that inserts
the item, from the band keys of every item any process has stored. Items are checked in batches
(one read transaction for the batch) in a worker thread, like scoring and storing.
"""

from __future__ import annotations

from collections.abc import Sequence

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from classifier.fingerprint import band_keys, minhash, signature_bytes
from crawler.context import CrawlContext, crawl_context
from crawler.items import CollectedItem
from crawler.pipelines.batch import BatchedStage, process_one


class DedupeStage:
    def __init__(self, ctx: CrawlContext) -> None:
        self.ctx = ctx

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BatchedStage:
        return BatchedStage(cls(crawl_context(crawler)), **BatchedStage.options(crawler.settings))

    def process_item(self, item: CollectedItem) -> CollectedItem:
        return process_one(self, item)

    def process_batch(self, items: Sequence[CollectedItem]) -> list[CollectedItem | BaseException]:
        stored = self.ctx.store.stored_items((it.canonical_url, it.content_hash) for it in items)
        out: list[CollectedItem | BaseException] = []
        for item in items:
            found = stored.get((item.canonical_url, item.content_hash))
            if found is not None:
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
