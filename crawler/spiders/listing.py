"""Listing pages (a ward portal's news list, an ad board): links by configured selectors, pagination
followed up to `max_pages` pages per start URL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy
from parsel import Selector, SelectorList
from scrapy.http import Response

from crawler.extract import decode_body, is_auto_reload, meta_refresh
from crawler.spiders.base import LISTED, SourceSpider
from crawler.urls import canonical_url, is_crawlable, join_url, looks_like_web_link


def select(sel: Selector | SelectorList[Selector], query: str) -> SelectorList[Selector]:
    return sel.xpath(query) if query.startswith(("/", "(", "./")) else sel.css(query)


def hrefs(sel: Selector | SelectorList[Selector], query: str) -> list[str]:
    """Link targets of a selector that picks <a> elements or attribute/text nodes."""
    out = []
    for node in select(sel, query):
        value = node.attrib.get("href") if not isinstance(node.root, str) else node.root
        if value and value.strip():
            out.append(value.strip())
    return out


class ListingSpider(SourceSpider):
    def page_selector(self, response: Response) -> Selector:
        ctype = (response.headers.get("Content-Type") or b"").decode("latin-1")
        # always as HTML: parsel reads a body that parses as JSON (an API answer served as text/html) as JSON,
        # and every CSS selector on it raises
        return Selector(text=decode_body(response.body, ctype) or "<html></html>", type="html", base_url=response.url)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        self.start_succeeded(response)
        page = response.meta.get("page", 1)
        sel = self.page_selector(response)
        yield from self.parse_listing(response, sel)
        nxt = self.cfg.selectors.next_page
        if nxt and page < self.cfg.max_pages:
            for url in self.crawlable_links(response, hrefs(sel, nxt)[:1]):
                yield scrapy.Request(url, callback=self.parse, errback=self.on_error, meta={"page": page + 1})

    @staticmethod
    def base_url(response: Response) -> str:
        """What the page's relative links are relative to: its <base href>, else its URL."""
        try:
            return response.urljoin("")
        except ValueError:
            return response.url

    def crawlable_links(self, response: Response, found: list[str]) -> list[str]:
        """The http(s) links among `found`, made absolute; a malformed web link is skipped and recorded, a
        mailto:/javascript: link skipped quietly."""
        base = self.base_url(response)
        links, bad = [], []
        for href in found:
            url = join_url(base, href)
            if url is not None and is_crawlable(url):
                links.append(url)
            elif looks_like_web_link(href):
                bad.append(href)
        if bad:
            self.ctx.error(f"{response.url}: bỏ qua {len(bad)} liên kết sai định dạng (đầu tiên: {bad[0][:200]!r})")
        return links

    def nothing_matched(self, response: Response, key: str, query: str, what: str) -> None:
        """A configured selector found nothing on a listing page: a typo or a redesigned site, which would
        otherwise look like a quiet day (0 new items, run ok). Recorded on the run and the source's health."""
        self.ctx.error(f"{response.url}: bộ chọn selectors.{key} = {query!r} không khớp {what} nào trên trang danh "
                       f"sách (sai bộ chọn, hoặc trang đã đổi giao diện?) — kiểm tra [[sources]] {self.cfg.name} "
                       "trong tệp cấu hình")

    def only_refreshes(self, response: Response, sel: Selector) -> bool:
        """A listing page without links that moves on with <meta http-equiv="refresh"> (a portal that moved its
        news list): refreshes are not followed (a hijacked page's is how it sends readers to a casino), so the run
        names the target to put in the config instead of blaming the selector."""
        delay, target = meta_refresh(sel.get(), response.url)
        if not target or is_auto_reload(response.url, target, delay):  # reloading itself: the selector is to blame
            return False
        self.ctx.error(f"{response.url}: trang danh sách chỉ chuyển hướng (meta refresh) tới {target[:200]!r}, không "
                       f"đi theo — nếu đó là trang danh sách mới, sửa urls của [[sources]] {self.cfg.name} trong tệp "
                       "cấu hình")
        return True

    def parse_listing(self, response: Response, sel: Selector) -> Iterator[Any]:
        s = self.cfg.selectors
        query, key = (s.link, "link") if s.link else (f"{s.item} a", "item")
        found = hrefs(sel, query)
        if not found and not self.only_refreshes(response, sel):
            self.nothing_matched(response, key, s.link or s.item, "liên kết")
        links = [(url, canonical_url(url)) for url in self.crawlable_links(response, found)]
        known = self.ctx.store.known_urls(canon for _, canon in links)
        listed = self.ctx.store.entry_hashes(self.entry_key(canon) for _, canon in links)
        for url, canon in links:
            key = self.entry_key(canon)
            if canon not in known and listed.get(key) != LISTED and self.first_time(canon):
                yield self.article_request(url, meta={"entry_url": key, "entry_hash": LISTED})
