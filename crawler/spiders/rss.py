"""RSS 0.9x/1.0/2.0 and Atom feeds (feedparser, on bytes), fetched with conditional GET.

Each entry has a fingerprint (link, title, summary, dates); an entry whose fingerprint is already
stored is not fetched again. The feed's ETag/Last-Modified are saved at the end of a run only if every
entry of that fetch now has its fingerprint stored (the "seen" marker written with its item), so a crash
or a failed article never hides an entry. The check reads the database, not this process's memory: with
several workers sharing a queue, an entry taken by a worker that was killed, or whose article failed
there, is as unstored as one that failed here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import feedparser
import scrapy
from scrapy.http import Response
from w3lib.encoding import http_content_type_encoding, read_bom

from classifier import legacy_encoding
from crawler.extract import (  # the private names: extract's charset decision, shared with pages
    _WESTERN,
    _XML_ENCODING,
    _codec,
    _reads_as_vietnamese,
    clean_text,
    nfc,
    parse_date,
    repair_utf8,
)
from crawler.spiders.base import SourceSpider, sha256
from crawler.urls import canonical_url, is_crawlable
from review.items import storable_validators


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


def _vietnamese_declared_western(body: bytes, ctype: str) -> tuple[bytes, str | None]:
    """A feed that declares ISO-8859-1/15 or Windows-1252 (the HTTP header's charset, as feedparser reads it, else
    its XML declaration) but whose bytes are Windows-1258 Vietnamese (`crawler.charset._reads_as_vietnamese`):
    re-encoded as UTF-8, its XML declaration saying so, with a note. Anything else, a genuine Latin-1 feed
    included, is returned unchanged (note None) for feedparser to read in its declared charset."""
    if read_bom(body)[0]:
        return body, None
    decl = _XML_ENCODING.match(body[:200])
    declared = _codec(http_content_type_encoding(ctype)) or (_codec(decl.group(1).decode("ascii")) if decl else None)
    if declared not in _WESTERN:
        return body, None
    try:
        body.decode("utf-8")  # UTF-8 under a Western label: not this repair's case
        return body, None
    except UnicodeDecodeError:
        pass
    if not _reads_as_vietnamese(body, declared):
        return body, None
    if decl:
        body = body[:decl.start(1)] + b"utf-8" + body[decl.end(1):]
    return (nfc(body.decode("cp1258", errors="replace")).encode("utf-8"),
            f"khai báo {_WESTERN[declared]} nhưng nội dung là tiếng Việt Windows-1258, đã đọc theo Windows-1258")


class RssSpider(SourceSpider):
    name = "rss"
    kind = "rss"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.validators: dict[str, tuple[str | None, str | None]] = {}
        self.listed: dict[str, dict[str, str]] = {}  # feed URL -> {entry key: fingerprint} it must have stored

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
        body, note = _vietnamese_declared_western(response.body, ctype)
        if not note:
            body, note = repair_utf8(body, ctype)
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
        fields = _feed_fields([entry for _, _, _, entry in entries])
        listed = self.listed.setdefault(feed_url, {})
        for link, canon, fingerprint, entry in entries:
            key = self.entry_key(canon)
            if seen.get(key) == fingerprint:
                continue
            if not self.first_time(canon):  # requested by another feed or worker: its marker still counts
                listed.setdefault(key, fingerprint)
                continue
            title, summary, author = fields[id(entry)]
            fallback = self.new_item(link, title=title, text=summary, author=author or None,
                                     published_at=parse_date(entry.get("published") or entry.get("updated")),
                                     extra={"from_feed_only": True})
            request = self.article_request(link, meta={"entry_url": key, "entry_hash": fingerprint,
                                                       "feed_url": feed_url, "fallback": fallback})
            if request is not None:  # else a URL too long to store: an error of this run, not a pending entry
                listed[key] = fingerprint
                yield request

    def closed(self, reason: str) -> None:
        if reason != "finished":
            return
        for url, (etag, modified) in self.validators.items():
            try:
                self.save_validators(url, etag, modified)
            except Exception as exc:  # noqa: BLE001 - one feed's state must not keep the next feed's unsaved
                self.logger.exception("saving the validators of %s failed", url)
                self.ctx.error(f"{url}: không lưu được ETag/Last-Modified của kênh, lượt sau tải lại toàn bộ kênh "
                               f"({type(exc).__name__})")

    def save_validators(self, url: str, etag: str | None, modified: str | None) -> None:
        """Save the feed's validators if every entry of this fetch is stored, whichever worker stored it."""
        listed = self.listed.get(url, {})
        stored = self.ctx.store.entry_hashes(listed)
        missing = [key for key, fingerprint in listed.items() if stored.get(key) != fingerprint]
        if missing:
            self.logger.info("feed %s: %d entries not stored (first: %s); validators not saved", url,
                             len(missing), missing[0][:200])
            return
        fitting = storable_validators(etag, modified)
        if fitting != (etag, modified):
            self.logger.warning("feed %s: ETag/Last-Modified longer than the database keeps (%d/%d characters); "
                                "left out, so this feed is fetched in full each run", url, len(etag or ""),
                                len(modified or ""))
        if any(fitting):
            self.ctx.store.save_feed_validators(url, *fitting)


_FIELD_SEP = "\n\x1e\n"  # a line of its own between two entries' fields: lines are converted one by one


def _feed_fields(entries: list[Any]) -> dict[int, tuple[str, str, str]]:
    """Each entry's (title, summary, author) as stored when it stands in for its page (by the entry's `id()`):
    cleaned like a page's text, and converted to Unicode when typed in a legacy Vietnamese font encoding (TCVN3
    ".VnTime", VNI), as old district portals' feeds are ("Th«ng b¸o" is "Thông báo"). The encoding is judged
    once over the whole feed: a short title or an author alone ("GiÊy mêi häp", "Lª V¨n A") is too few words to
    tell legacy text from other text, the feed is not. Then each line that reads as that encoding is converted,
    and the others are left as they are ("Mai", "30°C", "Café"). A feed that as a whole is not legacy has each
    field judged on its own (one TCVN3 entry among Unicode ones)."""
    flat = [part.replace("\x1e", "") for entry in entries
            for part in (entry.get("title", ""), _strip_tags(entry.get("summary", "")), entry.get("author") or "")]
    joined = _FIELD_SEP.join(flat)
    parts = legacy_encoding.to_unicode(joined).split(_FIELD_SEP)
    if len(parts) != len(flat) or _FIELD_SEP.join(parts) == joined:  # not legacy as a whole
        parts = [legacy_encoding.to_unicode(part) for part in flat]
    cleaned = [clean_text(part) for part in parts]
    return {id(entry): (cleaned[3 * k], cleaned[3 * k + 1], cleaned[3 * k + 2]) for k, entry in enumerate(entries)}


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _strip_tags(html: str) -> str:
    if "<" not in html:
        return html
    from parsel import Selector

    return "\n".join(t.strip() for t in Selector(text=f"<div>{html}</div>").xpath("//text()").getall() if t.strip())
