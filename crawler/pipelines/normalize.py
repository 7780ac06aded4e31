"""Stage 1: NFC text, canonical URL, content hash; drops items with nothing in them."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.context import CrawlContext, crawl_context
from crawler.extract import clean_text
from crawler.items import REPORT, CollectedItem
from crawler.spiders.base import sha256
from crawler.urls import canonical_url


def content_hash(item: CollectedItem) -> str:
    """What makes a revision: the visible text (and an ad's price and contact), not markup or ads around it."""
    parts = [item.title, item.text, str(item.extra.get("price", "")), str(item.extra.get("contact", ""))]
    if item.kind == REPORT:  # each distinct report is its own row, even of a page already collected
        parts += ["report", str(item.extra.get("note", "")), str(item.extra.get("reporter", ""))]
    return sha256("\x1f".join(parts))


class NormalizeStage:
    def __init__(self, ctx: CrawlContext | None = None) -> None:
        self.ctx = ctx

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalizeStage:
        return cls(crawl_context(crawler))

    def process_item(self, item: CollectedItem) -> CollectedItem:
        item.title = clean_text(item.title)[:1000]
        item.text = clean_text(item.text)
        if item.author:
            item.author = clean_text(item.author)[:256] or None
        for key in ("price", "contact"):
            if isinstance(item.extra.get(key), str):
                item.extra[key] = clean_text(item.extra[key])[:500]
        if not item.text and not item.title:
            if self.ctx is not None:
                self.ctx.error(f"{item.url}: bỏ mục trống (không có tiêu đề hay nội dung)")
            raise DropItem(f"empty: no title and no text at {item.url}")
        item.canonical_url = item.canonical_url or canonical_url(item.url)
        item.content_hash = content_hash(item)
        return item
