"""Stage 4: store items with their scores, then mark their feed entries handled.

A batch of items (each a new revision when its text changed, placed in its story cluster, with its
score and review entry and its feed entry's fingerprint) is written in one transaction
(`Store.add_scored_items`), so a kill at any point stores all of a batch or none of it: nothing is
lost (an unstored item's entry was not marked seen, the next run fetches it) and nothing is stored
twice (items are unique on canonical URL and content hash).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from scrapy.crawler import Crawler

from crawler.context import CrawlContext, crawl_context
from crawler.items import REPORT, CollectedItem
from crawler.pipelines.batch import BatchedStage, process_one
from review.items import AddResult, NewItem
from review.scoring import ScoredItem

log = logging.getLogger(__name__)


def to_new_item(item: CollectedItem) -> NewItem:
    return NewItem(url=item.url, canonical_url=item.canonical_url, kind=item.kind, title=item.title, text=item.text,
                   content_hash=item.content_hash, source_name=item.source_name, author=item.author,
                   published_at=item.published_at, raw_hash=item.raw_hash, language=item.language,
                   locality=item.locality, official=item.official, extra=item.extra, minhash=item.minhash,
                   band_keys=item.band_keys)


def to_scored_item(item: CollectedItem) -> ScoredItem:
    return ScoredItem(to_new_item(item), item.score, is_report=item.kind == REPORT, entry_url=item.entry_url,
                      entry_hash=item.entry_hash)


class StoreStage:
    def __init__(self, ctx: CrawlContext) -> None:
        self.ctx = ctx

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BatchedStage:
        return BatchedStage(cls(crawl_context(crawler)), **BatchedStage.options(crawler.settings))

    def process_item(self, item: CollectedItem) -> CollectedItem:
        return process_one(self, item)

    def process_batch(self, items: Sequence[CollectedItem]) -> list[CollectedItem | BaseException]:
        """One transaction for the batch; if it fails, one per item, so a bad item fails alone."""
        office = self.ctx.config.review.locality
        try:
            results: list[AddResult | BaseException] = list(
                self.ctx.store.add_scored_items([to_scored_item(it) for it in items], office_locality=office))
        except Exception:
            if len(items) == 1:
                raise
            log.warning("storing a batch of %d items failed; storing them one by one", len(items), exc_info=True)
            results = []
            for item in items:
                try:
                    results.extend(self.ctx.store.add_scored_items([to_scored_item(item)], office_locality=office))
                except Exception as exc:  # noqa: BLE001 - this item's error, raised in its process_item
                    results.append(exc)
        out: list[CollectedItem | BaseException] = []
        for item, result in zip(items, results, strict=True):
            if isinstance(result, BaseException):
                out.append(result)
                continue
            item.item_id = result.item_id
            self.ctx.items_new += result.created
            out.append(item)
        return out
