"""From downloaded bytes to title, main text, author, date and language.

trafilatura finds the main text and metadata; a source's configured selectors override any field. The bytes
are read as text by `crawler.charset` (which charset a page is really in) and dates by `crawler.dates`
(aware UTC datetimes; Vietnam time where a site writes no zone); both are re-exported here, where the
spiders, pipelines and reports import them from. Every string comes out NFC-normalised, since Vietnamese
text arrives in NFD too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from urllib.parse import urljoin, urlsplit

import trafilatura
from parsel import Selector
from trafilatura.settings import set_date_params
from w3lib.html import get_base_url
from w3lib.url import safe_url_string

from classifier import legacy_encoding, mojibake
from crawler.byline import _LURE, author_block, credit_line, labelled_author, paywall_only, without_heading
from crawler.charset import _WESTERN as _WESTERN  # the private names: shared with crawler.spiders.rss
from crawler.charset import _XML_ENCODING as _XML_ENCODING
from crawler.charset import _codec as _codec
from crawler.charset import _reads_as_vietnamese as _reads_as_vietnamese
from crawler.charset import decode_body as decode_body
from crawler.charset import decode_html as decode_html
from crawler.charset import nfc
from crawler.charset import repair_utf8 as repair_utf8
from crawler.dates import _YMD, _dated_page, _timed, parse_date, relative_date, relative_on_page
from crawler.dates import VN_TZ as VN_TZ
from crawler.urls import is_amp_url, same_site_canonical
from review.config import Selectors

_VI_LETTERS = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùýđ")
_WS = re.compile(r"[ \t\r\f\v]+")
_NL = re.compile(r"\n\s*\n+")


@dataclass(frozen=True)
class Extracted:
    title: str
    text: str
    author: str | None
    published_at: datetime | None
    language: str | None
    # the page's text was only its menus and link lists (`_without_navigation`) or a "turn on JavaScript" notice
    navigation_only: bool = False
    paywalled: bool = False  # the page's text was only a paywall or login notice (`crawler.byline.paywall_only`)
    credited: bool = False  # `author` is the outlet a closing credit names ("Theo Báo Nghệ An"), not a person
    canonical: str | None = None  # an AMP page's own address on its site (`amp_canonical`)


def clean_text(text: str) -> str:
    """NFC text, spaces collapsed, at most one blank line between paragraphs; UTF-8 that was read as a Windows
    code page before it reached us ("Cáº£nh bÃ¡o" for "Cảnh báo") repaired first (classifier.mojibake). NUL
    characters (an RSS entry's `&#0;`) are removed: PostgreSQL refuses them in text."""
    lines = [_WS.sub(" ", line).strip() for line in nfc(mojibake.repair(text.replace("\x00", ""))).splitlines()]
    return _NL.sub("\n\n", "\n".join(lines)).strip()


def guess_language(text: str) -> str | None:
    letters = [ch for ch in text.lower()[:4000] if ch.isalpha()]
    if len(letters) < 20:
        return None
    vi = sum(1 for ch in letters if ch in _VI_LETTERS)
    return "vi" if vi / len(letters) > 0.03 else "en" if all(ord(ch) < 128 for ch in letters) else None


def html_selector(html: str) -> Selector:
    """The page as HTML, whatever it holds: parsel reads a text that parses as JSON as JSON (a site's API answer
    served as text/html), and then fails on every CSS selector; as HTML it is a page without an article."""
    return Selector(text=html or "<html></html>", type="html")


def select_text(sel: Selector, query: str) -> str:
    """Text of a CSS or XPath (starting with / or ( ) selector; blocks joined by newlines."""
    if not query:
        return ""
    nodes = sel.xpath(query) if query.startswith(("/", "(", "./")) else sel.css(query)
    parts = []
    for node in nodes:
        if isinstance(node.root, str):
            parts.append(node.root)
        else:
            parts.append("\n".join(t.strip() for t in node.xpath(".//text()").getall() if t.strip()))
    return clean_text("\n".join(p for p in parts if p.strip()))


def extract_article(html: str, url: str, selectors: Selectors | None = None, *,
                    date_known: bool = False, fetched_at: datetime | None = None) -> Extracted:
    """Main text and metadata of a page. `date_known`: the caller already has the page's date (its feed entry's),
    which overrides the page's own; a date selector that matches does too. Either way trafilatura skips its
    extensive date search (the costliest part of its metadata, ~1.7 ms a page), keeping only the quick one.
    `fetched_at`: when the page was downloaded (default: now), which a relative date ("2 giờ trước") on a page
    with no other date is counted back from (`crawler.dates.relative_date`)."""
    selectors = selectors or Selectors()
    sel = None
    sel_date = ""
    if selectors.date:
        sel = html_selector(html)
        sel_date = select_text(sel, selectors.date)
    doc = None
    if html.strip():
        date_params = set_date_params(extensive=False) if date_known or sel_date else None
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                          include_tables=True, fast=True, date_extraction_params=date_params)
    title = getattr(doc, "title", None) or ""
    text = getattr(doc, "text", None) or ""
    author = getattr(doc, "author", None)
    date = getattr(doc, "date", None)
    if date and not _dated_page(date, html, url):
        date = None
    sel_text = ""
    if any((selectors.title, selectors.text, selectors.author, selectors.date)) or not title:
        sel = sel or html_selector(html)
        title = select_text(sel, selectors.title) or title or select_text(sel, "title")
        sel_text = select_text(sel, selectors.text)
        text = sel_text or text
        author = select_text(sel, selectors.author) or author
        date = sel_date or date
    # legacy font encodings the page's bytes did not show (character references such as "&#181;")
    text, title = clean_text(legacy_encoding.to_unicode(text)), clean_text(legacy_encoding.to_unicode(title))
    published = parse_date(date)
    if published is not None and date and not sel_date and _YMD.fullmatch(date):
        published = _timed(date, html) or published  # trafilatura's date is a day: the page may write its time
    navigation_only = paywalled = credited = False
    if text and not sel_text:  # what the operator's selector picked is content by definition
        kept = _without_script_notice(_without_navigation(text, html, sel), title, html, sel)
        navigation_only, text = kept != text, kept
        day = _vn_date(published)
        text = without_heading(text, title, day)
        kept = paywall_only(text, title, day)
        paywalled, text = kept != text, kept
    if published is None and not date_known:
        when = fetched_at or datetime.now(UTC)
        published = relative_date(sel_date, when) if sel_date else relative_on_page(html, title, text, when)
    if not author and not selectors.author:
        sel = sel or html_selector(html)
        author = author_block(sel) or labelled_author(text)
        if not author and (author := credit_line(text)):
            credited = True
    return Extracted(title=title, text=text, author=clean_text(author) if author else None,
                     published_at=published, language=guess_language(f"{title}\n{text}"),
                     navigation_only=navigation_only, paywalled=paywalled, credited=credited,
                     canonical=amp_canonical(html, url, sel))


_AMP_HTML = re.compile(r"<html\b[^>]*?\s(?:amp|⚡)(?:[\s=>/])", re.IGNORECASE)


def amp_canonical(html: str, url: str, sel: Selector | None = None) -> str | None:
    """An AMP page's `<link rel="canonical">` when it names the same site (`crawler.urls.same_site_canonical`):
    the address the article is stored under, so that its AMP and normal copies are one item. A page counts as AMP
    by its `<html amp>` (or `⚡`) or its address (`crawler.urls.is_amp_url`); other pages' canonical links are
    not followed (many CMSs name the home page, or the first page of a listing, as every page's)."""
    if not (is_amp_url(url) or _AMP_HTML.search(html[:4000])):
        return None
    sel = sel or html_selector(html)
    rel = "contains(concat(' ', translate(normalize-space(@rel), 'CANOIL', 'canoil'), ' '), ' canonical ')"
    hrefs = sel.xpath(f"//link[{rel}]/@href").getall()
    return same_site_canonical(url, hrefs[0]) if len(hrefs) >= 1 else None


def _vn_date(when: datetime | None) -> date | None:
    """`when`'s day in Vietnam: the day a page's own dateline names."""
    if when is None:
        return None
    return (when if when.tzinfo is not None else when.replace(tzinfo=UTC)).astimezone(VN_TZ).date()


_LINK_LINE = 150  # longer lines are paragraphs, not the text of a link
_NAV_LINES = 5  # a menu has more entries than that; a short post's few short paragraphs are not worth a parse
_NAV_SHARE = 0.8
_NAV_KEEP = 200  # a paragraph's worth


def _without_navigation(text: str, html: str, sel: Selector | None) -> str:
    """`text` without the page's menus and link lists when they are nearly all of it.

    On a page whose content is not in its HTML (drawn by JavaScript, shown in a PDF viewer or an iframe),
    trafilatura falls back on the whole page's text: its menus, "Tin mới" titles, footer links. Every page of
    such a site then reads alike and is grouped as copies of one story, the classifier scores menus, and a
    feed entry's own summary is discarded for them. When at least 80% of the text is in lines that are the
    text of a link on the page, those lines are dropped and the rest is kept only if it is a paragraph's worth
    (200 characters); otherwise the text is empty and the caller falls back on the feed's summary, or the title
    alone."""
    lines = [line for line in text.splitlines() if line]
    total = sum(map(len, lines))
    if len(lines) < _NAV_LINES or sum(len(line) for line in lines if len(line) <= _LINK_LINE) < _NAV_SHARE * total:
        return text  # paragraphs: no need to read the page's links (a second parse of the page)
    sel = sel or html_selector(html)
    anchors = {clean_text(a) for a in sel.xpath("//a").xpath("normalize-space(string())").getall()}
    anchors.discard("")
    if sum(len(line) for line in lines if line in anchors) < _NAV_SHARE * total:
        return text
    rest = clean_text("\n".join(line for line in text.splitlines() if line not in anchors))
    return rest if len(rest) >= _NAV_KEEP else ""


_SCRIPT_NOTICE_MAX = 200  # "Vui lòng bật JavaScript để xem nội dung": a sentence or two, not an article
# "bật JavaScript", "kích hoạt lại JavaScript", "enable JavaScript", "turn on JavaScript", also typed without marks;
# at most two words between: "cho phép kẻ gian chèn mã JavaScript" is an article's sentence, not a notice
_SCRIPT_NOTICE = re.compile(r"\b(?:bật|bat|kích hoạt|kich hoat|cho phép|cho phep|enable|turn on|activate)\s+"
                            r"(?:\S+\s+){0,2}?javascript\b", re.IGNORECASE)


def _without_script_notice(text: str, title: str, html: str, sel: Selector | None) -> str:
    """`text`, or "" when it is nothing but a "turn on JavaScript" notice (a JavaScript app's <noscript>: "Vui lòng
    bật JavaScript", "You need to enable JavaScript to run this app."), with the page's title around it. Such a
    site serves every article as the same shell: stored, all of them would read alike, be grouped as copies of one
    story and be scored for the notice. A notice line is the text of one of the page's <noscript> elements or a
    line asking to turn JavaScript on (`_SCRIPT_NOTICE`), and all of them together are at most 200 characters: a
    short article ABOUT JavaScript ("Cảnh báo lỗ hổng trong thư viện JavaScript") is text. A link, site, phone
    number or bank in it keeps it (`crawler.byline._LURE`: "Bật JavaScript để nhận quà tại ..." is what the
    office monitors)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    folded_title = clean_text(title).casefold()
    notices = [line for line in lines if line.casefold() != folded_title]
    if not notices or sum(map(len, notices)) > _SCRIPT_NOTICE_MAX or _LURE.search(text):
        return text
    other = [line for line in notices if not _SCRIPT_NOTICE.search(line)]
    if other and "noscript" in html.lower():
        sel = sel or html_selector(html)
        shown = {clean_text(t) for node in sel.xpath("//noscript")
                 for t in (node.xpath("normalize-space(string())").get(""), *node.xpath(".//text()").getall())}
        other = [line for line in other if line not in shown]
    return "" if not other else text


#: a refresh on the same site after this many seconds or more reloads the reader's page (news front pages and
#: articles refresh themselves or go to the home page every few minutes): no redirect, nothing to note
AUTO_RELOAD_S = 30


def is_auto_reload(url: str, target: str, delay: float | None) -> bool:
    """The refresh reloads the page itself (any delay), or moves on within the site only after `AUTO_RELOAD_S`."""
    if target.split("#")[0] == url.split("#")[0]:
        return True
    same_site = _site(target) == _site(url)
    return same_site and delay is not None and delay >= AUTO_RELOAD_S


def _site(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


_HTML_WS = " \t\n\f\r"


def meta_refresh(html: str, url: str) -> tuple[float, str] | tuple[None, None]:
    """`(delay, absolute target)` of the page's first <meta http-equiv="refresh"> a browser would act on, or
    `(None, None)`. Read as browsers read the content attribute (HTML's "shared declarative refresh steps"):
    "0; url=https://…", and also "0; https://…", "0, https://…", "0 https://…" and "0; URL='…'", which w3lib's
    `get_meta_refresh` (it requires `url=`) misses; "5" alone reloads the page itself (`url`). A refresh inside
    <script> or <noscript> is not one, as for w3lib. Relative targets are read against the page's <base href>."""
    # a linear look first (most pages have no refresh): a plain substring search, never a pattern that backtracks
    # (`<meta\b[^>]*refresh` was quadratic on a page of "<meta " without ">"); lxml decides what is an element.
    # The attribute's name, not its value: browsers decode `http-equiv="&#82;efresh"`, a name is never encoded
    if "http-equiv" not in html.lower():
        return None, None
    sel = html_selector(html)
    for meta in sel.xpath("//meta[@http-equiv][@content][not(ancestor::script)][not(ancestor::noscript)]"):
        if meta.attrib.get("http-equiv", "").strip(_HTML_WS).lower() != "refresh":
            continue
        parsed = _refresh_content(meta.attrib.get("content", ""))
        if parsed is None:
            continue
        delay, target = parsed
        if not target:
            return delay, url
        base = get_base_url(html, url)
        if urlsplit(base).scheme in ("http", "https"):
            target = target.replace("\\", "/")  # browsers read `\\casino.example\` as `//casino.example/` there
        try:
            absolute = urljoin(base, safe_url_string(target))
            urlsplit(absolute).port  # noqa: B018 - raises on a port out of range, as an invalid host did above
        except ValueError:
            return None, None  # a target browsers cannot parse (`http://[::1`): they ignore the refresh
        return delay, absolute
    return None, None


def _refresh_content(content: str) -> tuple[float, str] | None:
    """`(delay, target as written; "" for the page itself)` of a refresh's content attribute, or None when a
    browser would ignore it. The delay is its whole seconds ("1.5" refreshes after 1 s, as browsers do)."""
    s, i, n = content, 0, len(content)
    while i < n and s[i] in _HTML_WS:
        i += 1
    start = i
    while i < n and s[i].isascii() and s[i].isdigit():
        i += 1
    if i == start and (i >= n or s[i] != "."):
        return None
    delay = float(s[start:i]) if i > start else 0.0
    while i < n and (s[i] == "." or (s[i].isascii() and s[i].isdigit())):
        i += 1
    if i < n:
        if s[i] not in ";," + _HTML_WS:
            return None
        while i < n and s[i] in _HTML_WS:
            i += 1
        if i < n and s[i] in ";,":
            i += 1
        while i < n and s[i] in _HTML_WS:
            i += 1
    if i >= n:
        return delay, ""
    written = s[i:]
    if s[i] in "Uu":
        i += 1
        if not (i < n and s[i] in "Rr"):
            return delay, written.strip(_HTML_WS)
        i += 1
        if not (i < n and s[i] in "Ll"):
            return delay, written.strip(_HTML_WS)
        i += 1
        while i < n and s[i] in _HTML_WS:
            i += 1
        if not (i < n and s[i] == "="):
            return delay, written.strip(_HTML_WS)
        i += 1
        while i < n and s[i] in _HTML_WS:
            i += 1
    quote = s[i] if i < n and s[i] in "'\"" else ""
    target = s[i + 1:] if quote else s[i:]
    if quote and quote in target:
        target = target[:target.index(quote)]
    target = target.strip(_HTML_WS + "\x00")
    return delay, target


#: what a page's note says when its refresh points at another host (`crawler.pipelines.extract`)
REFRESH_ELSEWHERE = "trang chuyển hướng (meta refresh) sang máy chủ khác"


_NOTED_TARGET = re.compile(r"""(['"])(.*?)\1""")  # the target's repr in a note (linear: no nested repeats)
_NOTE_HOSTS = 10  # target hosts a folded note names at most; the others are counted
_NOTE_BUDGET = 1200  # characters the named hosts take at most (a source keeps 2,000 of its last error)
_NOTE_HOST_CHARS = 80  # of a target host's name in a folded note
_NOTE_PAGE_CHARS = 100  # of its example page's address


@dataclass
class RefreshNotes:
    """One run's notes of refreshes to another host, folded into one. A hijacked site puts the casino's refresh
    on every page: one note per page would bury every other problem of the run under hundreds of copies, and
    count each as an error. The run's first such note is noted as it is; each later one replaces it with a note
    that counts the pages per target host, each with its first page's address as the example (`fold`), so a crawl
    stopped half-way still says how many, and a casino is named even when an earlier page refreshed to a legitimate
    portal. Over several hosts the note names the most frequent ones, shortened, and counts the others: it stays
    well under the 2,000 characters a source keeps as its last error. Not thread-safe by itself:
    `crawler.context.CrawlContext.error` holds a lock around it."""

    first: str | None = None  # the first page's note
    noted: str | None = None  # the note standing for all of them now
    pages: int = 0
    hosts: dict[str, int] = field(default_factory=dict)  # target host: pages refreshing to it (in first-seen order)
    examples: dict[str, str] = field(default_factory=dict)  # target host: its first page's address

    def fold(self, message: str) -> tuple[str, str] | None:
        """None: note `message` as usual (not a refresh to another host, or the run's first). Else (the note
        standing for them so far, the one that replaces it)."""
        marker = f": {REFRESH_ELSEWHERE}: "
        if marker not in message:
            return None
        self.pages += 1
        page, rest = message.split(marker, 1)
        host = _noted_host(rest)
        self.hosts[host] = self.hosts.get(host, 0) + 1
        self.examples.setdefault(host, page)
        if self.first is None or self.noted is None:
            self.first = self.noted = message
            return None
        if len(self.hosts) == 1:
            note = f"{self.pages} {REFRESH_ELSEWHERE}; trang đầu tiên: {self.first}"
        else:
            ranked = sorted(self.hosts.items(), key=lambda kv: -kv[1])  # stable: first seen first among equals
            parts: list[str] = []
            used = 0
            for h, n in ranked[:_NOTE_HOSTS]:
                part = (f"{n} trang tới {_shortened(h, _NOTE_HOST_CHARS) or '?'} "
                        f"(trang đầu tiên: {_shortened(self.examples[h], _NOTE_PAGE_CHARS)})")
                if parts and used + len(part) > _NOTE_BUDGET:
                    break
                parts.append(part)
                used += len(part) + 2
            if len(ranked) > len(parts):
                others = ranked[len(parts):]
                parts.append(f"{sum(n for _, n in others)} trang tới {len(others)} máy chủ khác")
            note = f"{self.pages} {REFRESH_ELSEWHERE}, tới {len(self.hosts)} máy chủ: " + "; ".join(parts)
        before, self.noted = self.noted, note
        return before, self.noted


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _noted_host(rest: str) -> str:
    """The target host of a note's `'target', không đi theo: …` part ("" when it cannot be read)."""
    if (m := _NOTED_TARGET.match(rest)) is None:
        return ""
    try:
        return (urlsplit(m.group(2)).hostname or "").lower()
    except ValueError:
        return ""
