"""RSS 0.9x/1.0/2.0 and Atom feeds (feedparser, on bytes), fetched with conditional GET.

Each entry has a fingerprint (link, title, summary, dates); an entry whose fingerprint is already
stored is not fetched again. The feed's ETag/Last-Modified are saved at the end of a run only if every
changed entry of that feed was collected, so a crash or a failed article never hides an entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import feedparser
import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.extract import clean_text, parse_date, repair_utf8
from crawler.spiders.base import SourceSpider, sha256
from crawler.urls import canonical_url, is_crawlable


def _harmless(exc: Exception, body: bytes) -> bool:
    """feedparser's complaints about the Content-Type header rather than the feed: a UTF-8 feed served as text/xml
    (which RFC 3023 makes US-ASCII), or served as text/html. (Bytes that were not UTF-8 are repaired and recorded
    before parsing, and a truncated feed's parse error replaces these.)"""
    if isinstance(exc, feedparser.NonXMLContentType):
        return True
    if isinstance(exc, feedparser.CharacterEncodingOverride):
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    return False


class RssSpider(SourceSpider):
    name = "rss"
    kind = "rss"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.validators: dict[str, tuple[str | None, str | None]] = {}
        self.incomplete_feeds: set[str] = set()

    def start_request(self, url: str) -> scrapy.Request:
        headers = {}
        saved = self.ctx.store.feed_validators(url)
        if saved is not None:
            if saved.etag:
                headers["If-None-Match"] = saved.etag
            if saved.last_modified:
                headers["If-Modified-Since"] = saved.last_modified
        return scrapy.Request(url, callback=self.parse, errback=self.on_error, headers=headers, dont_filter=True,
                              meta={"start_url": url, "feed_url": url, "handle_httpstatus_list": [304]})

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        feed_url = response.meta["feed_url"]
        if response.status == 304:
            self.start_succeeded(response)
            self.logger.info("feed not modified: %s", feed_url)
            return
        ctype = (response.headers.get("Content-Type") or b"application/xml").decode("latin-1")
        body, note = repair_utf8(response.body, ctype)
        if note:
            self.ctx.error(f"{feed_url}: {note}")
            ctype = "application/xml; charset=utf-8"
        parsed = feedparser.parse(body, response_headers={"content-type": ctype, "content-location": response.url})
        if not parsed.get("version") and not parsed.entries:  # an empty body, an error page, a JSON answer ...
            problem = "phản hồi rỗng" if not body.strip() else "phản hồi không chứa RSS hay Atom"
            self.ctx.error(f"{feed_url}: không phải kênh RSS/Atom ({problem})")
            self.ctx.start_failed.add(feed_url)
            return
        if parsed.bozo and _harmless(parsed.bozo_exception, body):
            # served as text/xml or text/html, as many portals do; the entries parsed: not worth an error a run
            self.logger.info("feed %s: %s", feed_url, parsed.bozo_exception)
        elif parsed.bozo:
            self.ctx.error(f"{feed_url}: kênh RSS/Atom sai cấu trúc ({type(parsed.bozo_exception).__name__}: "
                           f"{str(parsed.bozo_exception)[:200]}); giữ {len(parsed.entries)} mục")
            if not parsed.entries:
                self.ctx.start_failed.add(feed_url)
                return
        self.start_succeeded(response)
        self.validators[feed_url] = (_header(response, b"ETag"), _header(response, b"Last-Modified"))
        entries, unusable = [], []
        for entry in parsed.entries:
            link = (entry.get("link") or entry.get("id") or "").strip()
            if not link or not is_crawlable(link):
                unusable.append(link or clean_text(entry.get("title", ""))[:80] or "?")
                continue
            canon = canonical_url(link)
            # what the entry says, not how the feed spells it: an RSS feed and its Atom twin list one article
            # with other link parameters, date formats and markup, and must give it the same fingerprint
            date = parse_date(entry.get("published") or entry.get("updated"))
            fingerprint = sha256("\x1f".join((canon, clean_text(entry.get("title", "")),
                                              clean_text(_strip_tags(entry.get("summary", ""))),
                                              date.isoformat() if date else "")))
            entries.append((link, canon, fingerprint, entry))
        malformed = parsed.bozo and not _harmless(parsed.bozo_exception, body)
        if unusable and not malformed:  # in a malformed feed, the entry it was cut in: already said
            self.ctx.error(f"{feed_url}: bỏ qua {len(unusable)} mục không có liên kết http(s) dùng được "
                           f"(đầu tiên: {unusable[0][:200]!r})")
        seen = self.ctx.store.entry_hashes(self.entry_key(c) for _, c, _, _ in entries)
        for link, canon, fingerprint, entry in entries:
            if seen.get(self.entry_key(canon)) == fingerprint or not self.first_time(canon):
                continue
            summary = clean_text(_strip_tags(entry.get("summary", "")))
            fallback = self.new_item(link, title=clean_text(entry.get("title", "")), text=summary,
                                     author=entry.get("author"), published_at=parse_date(
                                         entry.get("published") or entry.get("updated")),
                                     extra={"from_feed_only": True})
            yield self.article_request(link, meta={"entry_url": self.entry_key(canon), "entry_hash": fingerprint,
                                                   "feed_url": feed_url, "fallback": fallback})

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> RssSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, RssSpider)
        crawler.signals.connect(spider.item_failed, signal=signals.item_error)
        return spider

    def item_failed(self, item: Any, response: Response | None, spider: Any, failure: Any) -> None:
        """An entry's item could not be stored, so its entry is not marked seen; the feed must not answer 304 next
        run either, or the entry would not be listed again until the feed changes."""
        feed = response.meta.get("feed_url") if response is not None else None
        self.incomplete_feeds.update([feed] if feed else self.cfg.urls)

    def on_error(self, failure: Any) -> Iterator[Any]:
        if feed := failure.request.meta.get("feed_url"):
            self.incomplete_feeds.add(feed)
        yield from super().on_error(failure)

    def closed(self, reason: str) -> None:
        if reason != "finished":
            return
        for url, (etag, modified) in self.validators.items():
            if url not in self.incomplete_feeds and (etag or modified):
                self.ctx.store.save_feed_validators(url, etag, modified)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _strip_tags(html: str) -> str:
    if "<" not in html:
        return html
    from parsel import Selector

    return "\n".join(t.strip() for t in Selector(text=f"<div>{html}</div>").xpath("//text()").getall() if t.strip())
