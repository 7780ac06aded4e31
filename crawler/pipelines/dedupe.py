"""Stage 2: drop exact content already stored; fingerprint the rest (MinHash + LSH band keys).

A citizen's report already stored, scored and decided is the exception: sent again word for word, it goes on to
`review.citizen.file_report`, which tells the verdict (a resend of a report still waiting is dropped: `canhgac report`
says it was there before and is in the queue).

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
from crawler.items import REPORT, CollectedItem
from crawler.pipelines.batch import BatchedStage, process_one
from review.citizen import decided_items


class DedupeStage:
    def __init__(self, ctx: CrawlContext) -> None:
        self.ctx = ctx

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
        out: list[CollectedItem | BaseException] = []
        for item in items:
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
