"""Sitemaps, sitemap indexes and news sitemaps (also gzipped), parsed without expanding entities.

A URL whose <lastmod> (or news publication date) is unchanged since it was stored is not fetched
again; a URL without dates is fetched once. A listed date is the article's publication date (a news
sitemap's <news:publication_date>, else <lastmod>), so the page itself is not searched for one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import BytesIO
from typing import Any

import lxml.etree
from scrapy.http import Response
from scrapy.utils._compression import _DecompressionMaxSizeExceeded
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from crawler.extract import parse_date
from crawler.spiders.base import LISTED, SourceSpider
from crawler.urls import canonical_url, is_crawlable

MAX_SUB_SITEMAPS = 100


class SitemapSpider(SourceSpider):
    name = "sitemap"
    kind = "sitemap"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sub_sitemaps = 0
        # the sitemaps read or requested, by their exact address: an index may list itself; a CMS pages its
        # sitemap with ?from=1000, a parameter canonical_url drops from a page's address
        self.sitemaps_seen: set[str] = set()

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        body = response.body
        self.sitemaps_seen.update((response.url, *response.meta.get("redirect_urls", ())))
        if body[:2] == b"\x1f\x8b":
            maxsize = self.settings.getint("DOWNLOAD_MAXSIZE")
            try:
                body = gunzip(body, max_size=maxsize)
            except _DecompressionMaxSizeExceeded as exc:  # a gzip bomb, or a sitemap larger than the cap
                self.ctx.error(f"{response.url}: sitemap giải nén lớn hơn giới hạn tải về ({maxsize / 1024 / 1024:g} "
                               f"MB, [crawler] download_maxsize_mb): không đọc ({type(exc).__name__}: {exc})")
                self._fail(response)
                return
            except Exception as exc:  # noqa: BLE001 - a bad gzip is one failed sitemap
                self.ctx.error(f"{response.url}: không giải nén được sitemap ({type(exc).__name__}: {exc})")
                self._fail(response)
                return
        body, repaired = repair_ampersands(body)
        if repaired:  # a common publisher mistake, not damage: nothing of it is lost, so no note on the source
            self.logger.info("%s: read %d bare '&' as '&amp;'", response.url, repaired)
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
        undated: dict[int, set[str]] = {}
        if damage := _xml_damage(body):  # lxml recovers what it can: keep that, but say the rest was lost
            # lxml closes what a truncated file left open, so the <loc> it was cut in reads as a whole URL
            # (".../tin-tuc/bai-viet-123.ht", ".../tin-tuc/"): followed, it fetches and stores the wrong page.
            # An entry cut after its </loc> is kept, without the date it was cut in ("2026-")
            cut, undated = _cut_entries(entries, body)
            entries, dropped = entries[:len(entries) - cut], entries[len(entries) - cut:]
            note = f"{response.url}: sitemap sai cấu trúc ({damage}); giữ {len(entries)} mục"
            if dropped:
                note += f", bỏ mục bị cắt dở ở cuối tệp: {dropped[0].get('loc', '')[:200]!r}"
            self.ctx.error(note)
        self.start_succeeded(response)
        if sitemap.type == "sitemapindex":
            yield from self.follow_index(response, entries)
            return
        urls, unusable = [], []
        for index, entry in enumerate(entries):
            loc = entry.get("loc", "")
            if not is_crawlable(loc):
                unusable.append(loc)
                continue
            cut_dates = undated.get(index, set())
            news_date = "" if "publication_date" in cut_dates else published.get(loc, "")
            stamp = ("" if "lastmod" in cut_dates else entry.get("lastmod")) or news_date
            urls.append((loc, canonical_url(loc), stamp, news_date or stamp))
        if unusable:
            self.ctx.error(f"{response.url}: bỏ qua {len(unusable)} <loc> không có địa chỉ http(s) dùng được "
                           f"(đầu tiên: {unusable[0][:200]!r})")
        seen = self.ctx.store.entry_hashes(self.entry_key(c) for _, c, _, _ in urls)
        known = self.ctx.store.known_urls(c for _, c, s, _ in urls if not s)
        for loc, canon, stamp, date in urls:
            key = self.entry_key(canon)
            if (seen.get(key) == (stamp or LISTED)) or (not stamp and canon in known) or not self.first_time(canon):
                continue
            yield self.article_request(loc, meta={"entry_url": key, "entry_hash": stamp or LISTED,
                                                  "sitemap_date": parse_date(date) if date else None})

    def follow_index(self, response: Response, entries: list[dict[str, Any]]) -> Iterator[Any]:
        """The sub-sitemaps an index lists, each once by exact address (an index may list itself), at most
        `MAX_SUB_SITEMAPS` per crawl; a <loc> that is not an http(s) address (file://), one already read or
        requested and those over the limit are named on the run."""
        unusable, again, over = [], [], 0
        for entry in entries:
            loc = entry.get("loc", "")
            if not is_crawlable(loc):
                unusable.append(loc)
                continue
            if (url := response.urljoin(loc)) in self.sitemaps_seen:
                again.append(url)
                continue
            if self.sub_sitemaps >= MAX_SUB_SITEMAPS:
                over += 1
                continue
            self.sitemaps_seen.add(url)
            self.sub_sitemaps += 1
            yield response.follow(loc, callback=self.parse, errback=self.on_error)
        if unusable:
            self.ctx.error(f"{response.url}: bỏ qua {len(unusable)} <loc> không có địa chỉ http(s) dùng được "
                           f"(đầu tiên: {unusable[0][:200]!r})")
        if again:
            self.ctx.error(f"{response.url}: bỏ qua {len(again)} sitemap con đã đọc trong lượt này (đầu tiên: "
                           f"{again[0][:200]!r})")
        if over:
            self.ctx.error(f"{response.url}: chỉ đọc {MAX_SUB_SITEMAPS} sitemap con đầu tiên, bỏ qua {over} sitemap "
                           "con còn lại")

    def _fail(self, response: Response) -> None:
        if start := response.meta.get("start_url"):
            self.ctx.start_failed.add(start)


# what a sitemap (no DTD) lets follow "&": one of XML's five predefined entities or a character reference,
# ended by ";". Any other "&" is a bare one, which lxml's recovery drops with the text up to the next separator
# ("?id=5&cat=2" reads "?id=5=2"; an undefined "&copy;b=2" cuts the URL there). CDATA sections and comments,
# where "&" is plain text, are matched first and kept as they are (also when the file ends in one)
_AMPERSAND = re.compile(rb"(<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--.*?(?:-->|\Z))|&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)",
                        re.DOTALL)


def repair_ampersands(body: bytes) -> tuple[bytes, int]:
    """(`body` with each bare "&" written as "&amp;", how many). Publishers often leave the "&" of a URL's
    query bare (`<loc>https://a.vn/tin?id=5&cat=2</loc>`): read as meant, the URL comes out whole. A predefined
    entity or character reference ("&amp;", "&#38;", "&#x26;") is left to the parser; any other name
    ("&copy;", "&lol9;": undefined without a DTD, and no sitemap has one) is text too. Only for encodings in
    which "&" is the byte 0x26 (not UTF-16/32: a NUL byte at the start)."""
    if b"&" not in body or b"\x00" in body[:4] or body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return body, 0
    count = 0

    def fix(match: re.Match[bytes]) -> bytes:
        nonlocal count
        if match.group(1) is not None:
            return match.group(1)
        count += 1
        return b"&amp;"

    repaired = _AMPERSAND.sub(fix, body)
    return repaired, count


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
    """lxml parser target: the <url>/<sitemap> entries still open where the document ended, outermost first. A
    parser target sees an element's end only where the document closes it (its end tag began: its text is
    then whole), not where recovery closes it at the end of a truncated file, as `Sitemap`'s tree parser does."""

    def __init__(self) -> None:
        # per element not yet closed: [local name, text, names of the children whose end tag began]; an entry's
        # text is its (last) <loc>'s, as `Sitemap` keeps it; a <loc>'s is None once a child element began
        # (`Sitemap` keeps the text before it)
        self.open: list[list[Any]] = []
        self.entries: list[list[Any]] = []  # the entries among `open`

    def start(self, tag: str, attrib: Any, nsmap: Any = None) -> None:
        name = tag.rpartition("}")[2] if isinstance(tag, str) else ""
        if self.open and self.open[-1][0] == "loc":
            self.open[-1][1] = None
        elif name == "loc" and self.open:
            self.open[-1][1] = ""
            self.open[-1][2].discard("loc")  # a second <loc>: `Sitemap` keeps it, so it is the one that counts
        self.open.append([name, "", set()])
        if name in ("url", "sitemap"):
            self.entries.append(self.open[-1])

    def data(self, text: str) -> None:
        if len(self.open) >= 2 and self.open[-1][0] == "loc" and self.open[-1][1] is not None:
            self.open[-2][1] = (self.open[-2][1] or "") + text

    def end(self, tag: str) -> None:
        if not self.open:
            return
        closed = self.open.pop()
        if self.entries and self.entries[-1] is closed:
            self.entries.pop()
        for entry in self.entries:  # a date is nested (<news:news><news:publication_date>): every open entry
            entry[2].add(closed[0])

    def close(self) -> list[tuple[str, frozenset[str]]]:
        """(loc text, names of the elements closed inside) of each entry still open, outermost first."""
        return [((text or "").strip(), frozenset(closed)) for _, text, closed in self.entries]


DATES = ("lastmod", "publication_date")


def _cut_entries(entries: list[dict[str, Any]], body: bytes) -> tuple[int, dict[int, set[str]]]:
    """(n, undated) for a truncated sitemap: `Sitemap` yields the entries the file ended in last, with whatever
    text their elements had where it ended. The last n of `entries` were cut inside their <loc> (its end tag
    not begun), so their URL may be cut: drop them. `undated` maps the index of each entry cut after its <loc>
    was whole (kept) to the dates (`lastmod`, `publication_date`) that had not ended there, whose text may be
    cut ("2026-"): not to be used. Parsed as safely as `Sitemap` does: no entities, no network."""
    parser = lxml.etree.XMLParser(target=_OpenEntries(), recover=True, remove_comments=True, remove_pis=True,
                                  resolve_entities=False, no_network=True, huge_tree=False)
    try:
        open_entries: list[tuple[str, frozenset[str]]] = lxml.etree.fromstring(body, parser=parser)
    except lxml.etree.XMLSyntaxError:
        return 0, {}
    matched = cut = 0
    undated: dict[int, set[str]] = {}
    for loc, closed in reversed(open_entries):  # innermost first, as recovery closes them
        index = len(entries) - 1 - matched
        if index < 0 or entries[index].get("loc") != loc:
            continue
        matched += 1
        if "loc" not in closed:
            cut = matched  # this one and the (inner) ones after it
        else:
            undated[index] = {d for d in DATES if d not in closed}
    return cut, {i: d for i, d in undated.items() if i < len(entries) - cut}


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
