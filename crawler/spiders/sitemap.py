"""Sitemaps, sitemap indexes and news sitemaps (also gzipped), parsed without expanding entities.

A URL whose <lastmod> (or news publication date) is unchanged since it was stored is not fetched
again; a URL without dates is fetched once. A listed date is the article's publication date (a news
sitemap's <news:publication_date>, else <lastmod>), so the page itself is not searched for one.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from typing import Any

import lxml.etree
from scrapy.http import Response
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from crawler.extract import parse_date
from crawler.spiders.base import SourceSpider
from crawler.urls import canonical_url, is_crawlable

MAX_SUB_SITEMAPS = 100


class SitemapSpider(SourceSpider):
    name = "sitemap"
    kind = "sitemap"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sub_sitemaps = 0

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except Exception as exc:  # noqa: BLE001 - a bad or oversized gzip is one failed sitemap
                self.ctx.error(f"{response.url}: không giải nén được sitemap ({type(exc).__name__}: {exc})")
                self._fail(response)
                return
        try:
            sitemap = Sitemap(body)
            entries = list(sitemap)
            published = _publication_dates(body) if b"publication_date" in body else {}
        except Exception as exc:  # noqa: BLE001 - lxml raises several kinds on garbage
            self.ctx.error(f"{response.url}: không phải sitemap ({type(exc).__name__}: {str(exc)[:200]})")
            self._fail(response)
            return
        if sitemap.type not in ("urlset", "sitemapindex"):  # an HTML page, a feed, a soft-404 ...
            self.ctx.error(f"{response.url}: không phải sitemap (phần tử gốc là <{sitemap.type}>)")
            self._fail(response)
            return
        if damage := _xml_damage(body):  # lxml recovers what it can: keep that, but say the rest was lost
            # lxml closes what a truncated file left open, so the <loc> it was cut in reads as a whole URL
            # (".../tin-tuc/bai-viet-123.ht", ".../tin-tuc/"): followed, it fetches and stores the wrong page
            cut = _cut_entries(entries, body)
            entries, dropped = entries[:len(entries) - cut], entries[len(entries) - cut:]
            note = f"{response.url}: sitemap sai cấu trúc ({damage}); giữ {len(entries)} mục"
            if dropped:
                note += f", bỏ mục bị cắt dở ở cuối tệp: {dropped[0].get('loc', '')[:200]!r}"
            self.ctx.error(note)
        self.start_succeeded(response)
        if sitemap.type == "sitemapindex":
            for entry in entries:
                loc = entry.get("loc", "")
                if is_crawlable(loc) and self.sub_sitemaps < MAX_SUB_SITEMAPS:
                    self.sub_sitemaps += 1
                    yield response.follow(loc, callback=self.parse, errback=self.on_error)
            return
        urls, unusable = [], []
        for entry in entries:
            loc = entry.get("loc", "")
            if not is_crawlable(loc):
                unusable.append(loc)
                continue
            news_date = published.get(loc, "")
            stamp = entry.get("lastmod") or news_date
            urls.append((loc, canonical_url(loc), stamp, news_date or stamp))
        if unusable:
            self.ctx.error(f"{response.url}: bỏ qua {len(unusable)} <loc> không có địa chỉ http(s) dùng được "
                           f"(đầu tiên: {unusable[0][:200]!r})")
        seen = self.ctx.store.entry_hashes(self.entry_key(c) for _, c, _, _ in urls)
        known = self.ctx.store.known_urls(c for _, c, s, _ in urls if not s)
        for loc, canon, stamp, date in urls:
            if (stamp and seen.get(self.entry_key(canon)) == stamp) or (not stamp and canon in known) or not self.first_time(canon):
                continue
            yield self.article_request(loc, meta={"entry_url": self.entry_key(canon), "entry_hash": stamp or None,
                                                  "sitemap_date": parse_date(date) if date else None})

    def _fail(self, response: Response) -> None:
        if start := response.meta.get("start_url"):
            self.ctx.start_failed.add(start)


def _xml_damage(body: bytes) -> str:
    """The first error lxml recovered from in `body` (truncated, broken markup), or "" for a well-formed document.
    Parsed as `Sitemap` parses it: no entities, no network."""
    parser = lxml.etree.XMLParser(recover=True, remove_comments=True, resolve_entities=False, no_network=True,
                                  huge_tree=False)
    try:
        lxml.etree.fromstring(body, parser=parser)
    except lxml.etree.XMLSyntaxError as exc:
        return str(exc)[:200]
    for err in parser.error_log:
        if err.level_name in ("ERROR", "FATAL"):
            return f"line {err.line}: {err.message.strip()[:200]}"
    return ""


class _OpenEntries:
    """lxml parser target: the <loc> text of each <url>/<sitemap> entry still open where the document ended. A
    parser target sees an element's end only where the document closes it (its end tag began), not where
    recovery closes it at the end of a truncated file, as `Sitemap`'s tree parser does."""

    def __init__(self) -> None:
        # per element not yet closed: [local name, text]; an entry's text is its (last) <loc>'s, as `Sitemap` keeps
        # it; a <loc>'s is None once a child element began (`Sitemap` keeps the text before it)
        self.open: list[list[Any]] = []

    def start(self, tag: str, attrib: Any, nsmap: Any = None) -> None:
        name = tag.rpartition("}")[2] if isinstance(tag, str) else ""
        if self.open and self.open[-1][0] == "loc":
            self.open[-1][1] = None
        elif name == "loc" and self.open:
            self.open[-1][1] = ""
        self.open.append([name, ""])

    def data(self, text: str) -> None:
        if len(self.open) >= 2 and self.open[-1][0] == "loc" and self.open[-1][1] is not None:
            self.open[-2][1] = (self.open[-2][1] or "") + text

    def end(self, tag: str) -> None:
        if self.open:
            self.open.pop()

    def close(self) -> list[str]:
        return [(text or "").strip() for name, text in self.open if name in ("url", "sitemap")]


def _cut_entries(entries: list[dict[str, Any]], body: bytes) -> int:
    """How many of `entries` (last first) a truncated sitemap was cut in: `Sitemap` yields them last, with
    whatever text their <loc> had where the file ended. Parsed as safely as `Sitemap` does: no entities, no
    network."""
    parser = lxml.etree.XMLParser(target=_OpenEntries(), recover=True, remove_comments=True, remove_pis=True,
                                  resolve_entities=False, no_network=True, huge_tree=False)
    try:
        open_locs: list[str] = lxml.etree.fromstring(body, parser=parser)
    except lxml.etree.XMLSyntaxError:
        return 0
    cut = 0
    for loc in reversed(open_locs):  # innermost first, as recovery closes them
        if cut < len(entries) and entries[len(entries) - 1 - cut].get("loc") == loc:
            cut += 1
    return cut


def _publication_dates(body: bytes) -> dict[str, str]:
    """loc -> <news:publication_date> of a news sitemap (Scrapy's `Sitemap` keeps only direct children of
    <url>, and the date is nested in <news:news>). Parsed as safely as `Sitemap` does: no entities, no network."""
    out: dict[str, str] = {}
    loc = date = ""
    for _, elem in lxml.etree.iterparse(BytesIO(body), events=("end",), recover=True, resolve_entities=False,
                                        no_network=True, remove_comments=True, remove_pis=True, huge_tree=False):
        tag = elem.tag.rpartition("}")[2] if isinstance(elem.tag, str) else ""
        if tag == "loc":
            loc = (elem.text or "").strip()
        elif tag == "publication_date":
            date = (elem.text or "").strip()
        elif tag == "url":
            if loc and date:
                out[loc] = date
            loc = date = ""
            elem.clear()
    return out
