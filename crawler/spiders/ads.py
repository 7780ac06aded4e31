"""Classified/ad boards: each listing on the board is one item of kind `ad`, with price and contact.

With `selectors.item` each listing is read on the board itself (title, text, price, contact, link);
a listing without its own link is identified by the board URL plus a hash of its text. Without
`selectors.item`, `selectors.link` points at detail pages, read with the same selectors.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from parsel import Selector
from scrapy.http import Response

from crawler.extract import select_text
from crawler.items import AD, CollectedItem
from crawler.spiders.base import sha256
from crawler.spiders.listing import ListingSpider, hrefs, select
from crawler.urls import canonical_url, is_crawlable, join_url


class AdsSpider(ListingSpider):
    name = "ads"
    kind = "ads"

    def parse_listing(self, response: Response, sel: Selector) -> Iterator[Any]:
        s = self.cfg.selectors
        if not s.item:
            yield from super().parse_listing(response, sel)
            return
        nodes = select(sel, s.item)
        if not nodes and not self.only_refreshes(response, sel):
            self.nothing_matched(response, "item", s.item, "tin rao")
        base = self.base_url(response)
        for node in nodes:
            item = self.ad_from(node, response.url, fragment=True, base=base)
            if item is not None and self.first_time(item.canonical_url):
                yield item

    def ad_from(self, node: Selector, page_url: str, *, fragment: bool, base: str | None = None) -> CollectedItem | None:
        """The listing in `node` of the page at `page_url`; its link is relative to `base` (the page's <base href>,
        `ListingSpider.base_url`), else to `page_url`."""
        s = self.cfg.selectors
        title = select_text(node, s.title) if s.title else ""
        text = select_text(node, s.text) if s.text else select_text(node, "./descendant-or-self::*")
        price = select_text(node, s.price) if s.price else ""
        contact = select_text(node, s.contact) if s.contact else ""
        if not (title or text):
            return None
        joined = [join_url(base or page_url, h) for h in (hrefs(node, s.link) if s.link else [])]
        links = [u for u in joined if u is not None and is_crawlable(u)]  # a malformed link: as if it had none
        url = links[0] if links else page_url
        extra: dict[str, Any] = {k: v for k, v in (("price", price), ("contact", contact)) if v}
        item = self.new_item(url, kind=AD, title=title, text=text, extra=extra)
        item.canonical_url = canonical_url(url)
        if not links and fragment:  # one board URL, many listings: tell them apart by content
            item.canonical_url += "#ad-" + sha256(f"{title}\x1f{text}")[:16]
        return item

    def parse_article(self, response: Response) -> Iterator[Any]:
        # as HTML even when the body parses as JSON (an API answer served as text/html): CSS on JSON raises
        sel = Selector(text=self.page_text(response) or "<html></html>", type="html", base_url=response.url)
        item = self.ad_from(sel, response.url, fragment=False, base=self.base_url(response))
        if item is None:
            self.ctx.error(f"{response.url}: trang tin rao không có nội dung")
            return
        item.raw_hash = sha256(response.body)
        item.entry_url, item.entry_hash = response.meta.get("entry_url"), response.meta.get("entry_hash")
        yield item
