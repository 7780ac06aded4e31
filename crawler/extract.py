"""From downloaded bytes to title, main text, author, date and language.

trafilatura finds the main text and metadata; a source's configured selectors override any field.
Pages are read as UTF-8 when they are (whatever a Western charset they declare says), else in their
declared charset (unless a Western one is declared over Windows-1258 Vietnamese), else as Windows-1258 (what
older Vietnamese portals use); every string comes out NFC-normalised, since Vietnamese text arrives in NFD too.
Dates come out as aware UTC datetimes; a time of day written without a zone is Vietnam time (UTC+7), and a day
written without a time is 00:00 that day in Vietnam.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from html.entities import name2codepoint

import trafilatura
from parsel import Selector
from trafilatura.settings import set_date_params
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from classifier import legacy_encoding, mojibake
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
    navigation_only: bool = False  # the page's text was only its menus and link lists (`_without_navigation`)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean_text(text: str) -> str:
    """NFC text, spaces collapsed, at most one blank line between paragraphs; UTF-8 that was read as a Windows
    code page before it reached us ("Cáº£nh bÃ¡o" for "Cảnh báo") repaired first (classifier.mojibake)."""
    lines = [_WS.sub(" ", line).strip() for line in nfc(mojibake.repair(text)).splitlines()]
    return _NL.sub("\n\n", "\n".join(lines)).strip()


def _legacy_bytes(err: UnicodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 inside a UTF-8 page are read as Windows-1258 (a page
    assembled from a UTF-8 template and old Windows-1258 content) instead of becoming U+FFFD."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    return err.object[err.start:err.end].decode("cp1258", errors="replace"), err.end


codecs.register_error("canhgac-cp1258", _legacy_bytes)
# Charsets a server or template declares by default (Apache's ISO-8859-1, an editor's Windows-1252) while the
# page is really UTF-8: a body that is valid UTF-8 is read as UTF-8 whatever one of these says.
_ASCII_COMPATIBLE = {"utf-8", "ascii", "cp1250", "cp1252", "cp1258", "latin-1", "iso8859-15", "cp874"}
_XML_ENCODING = re.compile(rb"""\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str | None]:
    """The page's text (NFC) and, when its bytes were damaged, a note saying how they were read.

    A byte-order mark wins; then a body that is valid UTF-8 is UTF-8 (whatever a Western charset declared);
    then a declared charset (header, then <meta>), except that Windows-1258 Vietnamese declared as
    ISO-8859-1/15 or Windows-1252 (Apache's default) is read as Windows-1258, with a note; else a page mostly
    in UTF-8 is UTF-8 with its stray bytes read as Windows-1258, and anything else is Windows-1258 (what older
    Vietnamese portals use).
    Vietnamese typed in a legacy font encoding (TCVN3 ".VnTime", VNI "VNI-Times") is converted to Unicode."""
    text, note = _decode_html(body, content_type)
    hint = legacy_encoding.font_hint(text)  # a page styled with a .Vn* / VNI-* font: a strong hint
    if not text.isascii() and (read_bom(body)[0] is None and _single_byte(body, content_type)):
        # the legacy bytes as the font's author saw them (Windows-1252), not as Windows-1258 re-read them
        western = body.decode("cp1252", errors="canhgac-latin1")
        if legacy_encoding.detect(western, hint=hint):
            return nfc(legacy_encoding.to_unicode(_latin1_references(western), hint=hint)), note
    if legacy_encoding.detect(text, hint=hint):
        return nfc(legacy_encoding.to_unicode(_latin1_references(text), hint=hint)), note
    return text, note


_REFERENCE = re.compile(r"&(?:#(\d{2,3})|#[xX]([0-9a-fA-F]{2})|([A-Za-z]{2,8}));")


def _latin1_references(html: str) -> str:
    """Character references to Latin-1 letters and signs ("&#181;", "&micro;") in a legacy-encoded page stand
    for legacy codes too: written out, so they are converted with the rest."""
    def char(m: re.Match[str]) -> str:
        cp = int(m[1]) if m[1] else int(m[2], 16) if m[2] else name2codepoint.get(m[3], -1)
        return chr(cp) if 0xA1 <= cp <= 0xFF else m[0]
    return _REFERENCE.sub(char, html)


def _single_byte(body: bytes, content_type: str | None) -> bool:
    """The page was read in a Western single-byte charset (declared, or the Windows-1258 fallback)."""
    declared = _codec(http_content_type_encoding(content_type or "") or html_body_declared_encoding(body[:4096]))
    if declared is not None and declared not in _ASCII_COMPATIBLE:
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _latin1_bytes(err: UnicodeError) -> tuple[str, int]:
    """Codec error handler: the five bytes Windows-1252 leaves undefined read as Latin-1."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    return err.object[err.start:err.end].decode("latin-1"), err.end


codecs.register_error("canhgac-latin1", _latin1_bytes)


def _decode_html(body: bytes, content_type: str | None) -> tuple[str, str | None]:
    bom, bom_bytes = read_bom(body)
    if bom and bom_bytes:
        return nfc(body[len(bom_bytes):].decode(bom, errors="replace")), None
    declared = _codec(http_content_type_encoding(content_type or "") or html_body_declared_encoding(body[:4096]))
    if declared is None or declared in _ASCII_COMPATIBLE:
        try:
            return nfc(body.decode("utf-8")), None
        except UnicodeDecodeError:
            pass
    if declared in _WESTERN and _reads_as_vietnamese(body, declared):
        return (nfc(body.decode("cp1258", errors="replace")),
                f"khai báo {_WESTERN[declared]} nhưng nội dung là tiếng Việt Windows-1258, đã đọc theo Windows-1258")
    if declared is not None and declared != "utf-8":
        return nfc(body.decode(declared, errors="replace")), None
    loose = body.decode("utf-8", errors="replace")
    bad = loose.count("\ufffd")
    non_ascii = len(loose) - len(loose.encode("ascii", "ignore"))  # counted in C: a 10 MB page stays fast
    if non_ascii - bad > bad:  # more good multi-byte characters than broken ones
        return (nfc(body.decode("utf-8", errors="canhgac-cp1258")),
                f"{bad} chuỗi byte không phải UTF-8, đã đọc theo Windows-1258")
    note = "khai báo UTF-8 nhưng không phải UTF-8, đã đọc theo Windows-1258" if declared == "utf-8" else None
    return nfc(body.decode("cp1258", errors="replace")), note


# Western charsets a server or template declares by default over old Windows-1258 Vietnamese pages (w3lib reads
# ISO-8859-1 and ASCII labels as Windows-1252), with the name an officer knows them by
_WESTERN = {"cp1252": "ISO-8859-1/Windows-1252", "iso8859-1": "ISO-8859-1", "iso8859-15": "ISO-8859-15"}
_WORD = re.compile(r"[A-Za-z\x8a\x8c\x8e\x9a\x9c\x9e\x9f\xc0-\xd6\xd8-\xf6\xf8-\xff]+")  # letters, in latin-1
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_VOWELS = set("aăâeêioôơuưy")
# a Vietnamese syllable without its tone: initial consonant, then a rhyme (vowels and a final consonant). c, g, ng
# are not written before e ê (c, ng not before i either: k, gh, ngh are, and only there); p starts loanwords only.
_SYLLABLE = re.compile(r"""
    (?: (?:c|ng)(?![eêi]) | g(?![eê]) | (?:k|gh|ngh)(?=[eêiy]) | ch|gi|kh|nh|ph|qu|th|tr|[bdđhlmnrstvx] )?
    (?: a(?:ch|nh|ng|[cmnptiouy])? | ă(?:ng|[cmnpt]) | â(?:ng|[cmnptuy]) | e(?:ng|[cmnpto])? | ê(?:ch|nh|[cmnptu])?
      | i(?:ch|nh|[cmnptua]|ê(?:ng|[cmnptu]))? | o(?:ng|[cmnpti]|a(?:ch|nh|ng|[cmnptiouy])?|ă(?:ng|[cmnpt])|e(?:[cmnpto])?
      |o(?:ng|[cmnpt]))? | ô(?:ng|[cmnpti])? | ơ(?:[cmnpti])?
      | u(?:ng|[cmnptia]|ô(?:ng|[cmnpti])|y(?:ch|nh|[cntau]|ê(?:[nt]))?|â(?:ng|[cmnpty])|ơ|ê(?:ch|nh|[cmnpt])?|e)?
      | ư(?:ng|[cmnptiua]|ơ(?:ng|[cmnptiu]))? | y(?:ê(?:ng|[cmnptu]))? )
    """, re.VERBOSE)


def _vietnamese_syllable(word: str) -> bool:
    """A word Vietnamese spelling allows: one syllable, at most one tone mark, on a vowel."""
    tones = 0
    previous = ""
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            tones += 1
            if unicodedata.normalize("NFC", previous) not in _VOWELS:
                return False
        elif unicodedata.combining(ch):
            previous += ch
        else:
            previous = ch
    bare = unicodedata.normalize("NFC", "".join(ch for ch in unicodedata.normalize("NFD", word.lower())
                                                if ch not in _TONES))
    return tones <= 1 and _SYLLABLE.fullmatch(bare) is not None


def _reads_as_vietnamese(body: bytes, declared: str) -> bool:
    """Whether a page declared in a Western charset is Windows-1258 Vietnamese: the two code pages differ in a
    few bytes only (Windows-1258's tone marks 0xCC 0xD2 0xDE 0xEC 0xF2 and ă ơ ư đ ₫ where Windows-1252 has
    Ì Ò Þ ì ò ã õ ý ð þ ...), so the words holding such bytes decide: read as Windows-1258, nearly all of them
    must be Vietnamese syllables (Portuguese "não", Italian "può", Icelandic "það" are not)."""
    table = bytes(range(0x80, 0x100))
    differ = {chr(b) for b, x, y in zip(table, table.decode("cp1258", "replace"), table.decode(declared, "replace"),
                                        strict=True) if x != y}
    vietnamese = other = 0
    seen: set[str] = set()
    for m in _WORD.finditer(body[:1 << 19].decode("latin-1")):  # half a megabyte is evidence enough
        word = m[0]
        if word in seen or differ.isdisjoint(word):
            continue
        seen.add(word)
        if _vietnamese_syllable(word.encode("latin-1").decode("cp1258", errors="replace")):
            vietnamese += 1
        else:
            other += 1
    return vietnamese >= 2 and vietnamese >= 3 * other


def decode_body(body: bytes, content_type: str | None) -> str:
    """`decode_html` without the note."""
    return decode_html(body, content_type)[0]


def repair_utf8(body: bytes, content_type: str | None = None) -> tuple[bytes, str | None]:
    """An XML document (a feed) that declares UTF-8, or no encoding, but is not valid UTF-8: re-encoded as UTF-8
    the way `decode_html` reads it, with its note; anything else unchanged. Without this feedparser reads the
    whole feed, links included, in a Western charset because of one bad byte. A charset in the HTTP
    `content_type` other than UTF-8 (feedparser honours it, RFC 3023) leaves the body to feedparser too."""
    if read_bom(body)[0]:
        return body, None
    header = _codec(http_content_type_encoding(content_type or ""))
    if header is not None and header != "utf-8":
        return body, None
    m = _XML_ENCODING.match(body[:200])
    if m and _codec(m.group(1).decode("ascii")) != "utf-8":
        return body, None
    try:
        body.decode("utf-8")
        return body, None
    except UnicodeDecodeError:
        pass
    text, note = decode_html(body, "application/xml; charset=utf-8")
    return text.encode("utf-8"), note


def guess_language(text: str) -> str | None:
    letters = [ch for ch in text.lower()[:4000] if ch.isalpha()]
    if len(letters) < 20:
        return None
    vi = sum(1 for ch in letters if ch in _VI_LETTERS)
    return "vi" if vi / len(letters) > 0.03 else "en" if all(ord(ch) < 128 for ch in letters) else None


#: Where the collected sites are: a time of day written without a zone is Vietnam time.
VN_TZ = timezone(timedelta(hours=7), "ICT")
_ZONE = re.compile(r"\(?(?<![A-Za-z])(GMT|UTC|ICT)\s*(?:([+-])\s*(\d{1,2})(?::?(\d{2}))?)?\)?", re.IGNORECASE)
_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)"
                  r"|(?<!\d)(\d{1,2})\s+tháng\s+(\d{1,2})\s*(?:,|năm|/)?\s*(\d{4})(?!\d)", re.IGNORECASE)
_TIME = re.compile(r"(?<!\d)(\d{1,2})\s*[:hH]\s*(\d{2})(?:\s*:\s*(\d{2}))?(?!\d)(?:\s*(AM|PM|SA|CH)(?![A-Za-z]))?"
                   r"(?:\s*([+-])(\d{2}):?(\d{2})(?!\d))?", re.IGNORECASE)

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?"
          r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?")
_EN_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
# "4 Dec 2026", "04 December, 2026", "Dec 4, 2026", "December 4th 2026": an RFC 2822 pubDate without its time,
# which email.utils refuses, or an English byline
_EN_DATE = re.compile(rf"(?<![\d\w]){_EN_DAY}\s+{_MONTH},?\s+(\d{{4}})(?!\d)"
                      rf"|(?<![\w]){_MONTH}\s+{_EN_DAY},?\s+(\d{{4}})(?!\d)", re.IGNORECASE)


def _numeric_months(value: str) -> str:
    """English month names written as numbers ("04 Dec 2026" -> "04/12/2026"), for `_vietnamese_date`."""
    def numeric(m: re.Match[str]) -> str:
        day, month, year = (m[1], m[2], m[3]) if m[1] else (m[5], m[4], m[6])
        return f"{day}/{_MONTHS.index(month[:3].lower()) + 1}/{year}"
    return _EN_DATE.sub(numeric, value)


_FIRST_YEAR = 1900  # earlier "publication" dates are placeholders: .NET's DateTime.MinValue, a CMS's zero date


def parse_date(value: str | None) -> datetime | None:
    """A published date as an aware UTC datetime. ISO 8601 and RFC 2822 keep the zone they write; a time of day
    without one is Vietnam time (UTC+7), as is Vietnamese "Thứ Hai, 02/12/2026 - 08:15", "08:15 02/12/2026",
    "02/12/2026 08:15 GMT+7". A date without a time ("ngày 2/12/2026", "2026-12-02", an RFC 2822 pubDate without
    its time "Wed, 02 Dec 2026") is that calendar day in Vietnam: 00:00 Vietnam time (17:00 UTC the day before),
    which moderators are shown as the date alone (`review.vi.hhmm`). Relative dates ("2 giờ trước") and
    impossible dates give None, as do dates that leave the calendar when moved to UTC (.NET's "no date",
    DateTime.MinValue, "0001-01-01T00:00:00" in a feed or on a page, is before year 1 in UTC) and any date
    before 1900 ("0001-01-01T00:00:00Z", the same "no date" with a zone): a placeholder, not a publication."""
    if not value or not value.strip():
        return None
    try:
        parsed = _parse_date(value.strip())
    except OverflowError:
        return None
    return parsed if parsed is None or parsed.year >= _FIRST_YEAR else None


def _parse_date(value: str) -> datetime | None:
    from email.utils import parsedate_to_datetime

    try:
        iso = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    else:  # a date alone is a naive midnight: Vietnam's, like a time without a zone
        return _to_utc(iso, VN_TZ)
    try:
        rfc = parsedate_to_datetime(value)
    except (ValueError, TypeError, IndexError):
        pass
    else:  # "-0000" is UTC of unknown origin; no zone at all is a Vietnamese site's local time
        year = re.search(r"(?<![\d+-])(\d{4})(?!\d)", value)
        if year and int(year[1]) != rfc.year:  # email.utils reads year "0001" as 2001
            return None
        return _to_utc(rfc, UTC if re.search(r"-0000\s*$", value) else VN_TZ)
    return _vietnamese_date(_numeric_months(value))


def _to_utc(dt: datetime, zone: tzinfo) -> datetime:
    return (dt.replace(tzinfo=zone) if dt.tzinfo is None else dt).astimezone(UTC)


def _vietnamese_date(value: str) -> datetime | None:
    """dd/mm/yyyy (or "2 tháng 12 năm 2026") with an optional time of day before or after it and an optional
    zone ("GMT+7", "(UTC+07:00)", "+07:00"); AM/PM and SA/CH (sáng/chiều) after the time."""
    zone: tzinfo = VN_TZ
    z = _ZONE.search(value)
    if z:
        name, sign, hours, minutes = z.groups()
        offset = timedelta(hours=7) if name.upper() == "ICT" and not sign else timedelta(
            hours=int(hours or 0), minutes=int(minutes or 0)) * (-1 if sign == "-" else 1)
        zone = timezone(offset)
        value = value[:z.start()] + " " + value[z.end():]
    d = _DMY.search(value)
    if d is None:
        return None
    day, month, year = (int(g) for g in (d.groups()[:3] if d[1] else d.groups()[3:]))
    t = _TIME.search(value[:d.start()] + " " + value[d.end():])
    try:
        if t is None:  # a day: that calendar day in Vietnam, whatever zone the line names
            return datetime(year, month, day, tzinfo=VN_TZ).astimezone(UTC)
        hour, minute, second = int(t[1]), int(t[2]), int(t[3] or 0)
        if t[4] and t[4].upper() in ("PM", "CH") and hour < 12:
            hour += 12
        elif t[4] and t[4].upper() in ("AM", "SA") and hour == 12:
            hour = 0
        if t[5]:
            zone = timezone(timedelta(hours=int(t[6]), minutes=int(t[7])) * (-1 if t[5] == "-" else 1))
        return datetime(year, month, day, hour, minute, second, tzinfo=zone).astimezone(UTC)
    except ValueError:
        return None


_YMD = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _dated_page(date: str, html: str, url: str) -> bool:
    """Whether a date trafilatura found can be believed. When a page has no date of its own, trafilatura (htmldate)
    falls back on a year alone, the copyright footer's ("© 2026") first, and dates the page January 1 of that year:
    a forum post would show "đăng: 01/01". So January 1 is kept only when the page or its URL writes that very day
    (2026-01-01, 01/01/2026, 1.1.2026, 20260101, "1 tháng 1 năm 2026", "January 1, 2026" ...)."""
    m = _YMD.match(date)
    if m is None or (m[2], m[3]) != ("01", "01"):
        return True
    year = m[1]
    day = r"0?1(?:st)?"
    patterns = (
        rf"{year}\s*[-/.]\s*0?1\s*[-/.]\s*0?1(?!\d)",  # 2026-01-01, 2026/1/1, /2026/01/01/
        rf"(?<!\d)0?1\s*[-/.]\s*0?1\s*[-/.]\s*{year}",  # 01/01/2026, 1.1.2026, 01-01-2026
        rf"(?<!\d){year}0101(?!\d)",  # 20260101 (URLs, compact datetimes)
        rf"(?<!\d){day}\s+tháng\s+0?1(?!\d)[\s,/-]*(?:năm\s*)?{year}",  # 1 tháng 1 năm 2026, 01 tháng 01, 2026
        rf"(?<!\d){day}\s+jan(?:uary|\.)?,?\s+{year}",  # 1 January 2026, 1 Jan 2026
        rf"jan(?:uary|\.)?\s+{day},?\s+{year}",  # January 1, 2026, Jan 1st 2026
    )
    page = f"{url}\n{html}"
    return any(re.search(p, page, re.IGNORECASE) for p in patterns)


_ISO_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")
_TAG = re.compile(r"<[^>]*>")


def _timed(day: str, html: str) -> datetime | None:
    """The time of the day trafilatura dated a page by (htmldate gives the day alone): the page's first ISO
    datetime of that day (a meta tag's, JSON-LD's), else the first short line of its text writing that day with
    a time ("Thứ Hai, 02/12/2026 - 08:15"). A line is a text node: a long paragraph's times are events'."""
    for m in _ISO_TIME.finditer(html):
        if m[1] == day:
            return parse_date(m[0])
    year, month, date = (int(x) for x in day.split("-"))
    for line in _TAG.sub("\n", html).splitlines():
        if len(line) > 100 or not _TIME.search(line):
            continue
        for d in _DMY.finditer(line):
            if tuple(int(g) for g in (d.groups()[:3] if d[1] else d.groups()[3:])) == (date, month, year):
                return parse_date(line)
    return None


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
                    date_known: bool = False) -> Extracted:
    """Main text and metadata of a page. `date_known`: the caller already has the page's date (its feed entry's),
    which overrides the page's own; a date selector that matches does too. Either way trafilatura skips its
    extensive date search (the costliest part of its metadata, ~1.7 ms a page), keeping only the quick one."""
    selectors = selectors or Selectors()
    sel = None
    sel_date = ""
    if selectors.date:
        sel = Selector(text=html or "<html></html>")
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
        sel = sel or Selector(text=html or "<html></html>")
        title = select_text(sel, selectors.title) or title or select_text(sel, "title")
        sel_text = select_text(sel, selectors.text)
        text = sel_text or text
        author = select_text(sel, selectors.author) or author
        date = sel_date or date
    # legacy font encodings the page's bytes did not show (character references such as "&#181;")
    text, title = clean_text(legacy_encoding.to_unicode(text)), clean_text(legacy_encoding.to_unicode(title))
    navigation_only = False
    if text and not sel_text:  # what the operator's selector picked is content by definition
        kept = _without_navigation(text, html, sel)
        navigation_only, text = kept != text, kept
    published = parse_date(date)
    if published is not None and date and not sel_date and _YMD.fullmatch(date):
        published = _timed(date, html) or published  # trafilatura's date is a day: the page may write its time
    return Extracted(title=title, text=text, author=clean_text(author) if author else None,
                     published_at=published, language=guess_language(f"{title}\n{text}"),
                     navigation_only=navigation_only)


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
    sel = sel or Selector(text=html or "<html></html>")
    anchors = {clean_text(a) for a in sel.xpath("//a").xpath("normalize-space(string())").getall()}
    anchors.discard("")
    if sum(len(line) for line in lines if line in anchors) < _NAV_SHARE * total:
        return text
    rest = clean_text("\n".join(line for line in text.splitlines() if line not in anchors))
    return rest if len(rest) >= _NAV_KEEP else ""
