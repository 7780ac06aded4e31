"""Published dates as Vietnamese sites and their feeds write them, to aware UTC datetimes.

A time of day written without a zone is Vietnam time (UTC+7), and a day written without a time is 00:00 that day
in Vietnam. Also which date trafilatura found on a page can be believed, and at what time of that day.
"""

from __future__ import annotations

import html as html_lib
import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone, tzinfo

#: Where the collected sites are: a time of day written without a zone is Vietnam time.
VN_TZ = timezone(timedelta(hours=7), "ICT")
_ZONE = re.compile(r"\(?(?<![A-Za-z])(GMT|UTC|ICT)\s*(?:([+-])\s*(\d{1,2})(?::?(\d{2}))?)?\)?", re.IGNORECASE)
_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)"
                  r"|(?<!\d)(\d{1,2})\s+th[áa]ng\s+(\d{1,2})\s*(?:,|n[ăa]m|/)?\s*(\d{4})(?!\d)", re.IGNORECASE)
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
    which moderators are shown as the date alone (`review.vi.hhmm`). Relative dates ("2 giờ trước": `relative_date`) and
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


def unaccented(text: str) -> str:
    """`text` with every letter's diacritics off ("Tác giả" -> "Tac gia", "đ" -> "d"), one character for one, so
    a match in it is at the same offsets in `text` (NFC). Pages typed without diacritics ("Ngay dang", "2 gio
    truoc") are then read by the same patterns as those with."""
    out = []
    for ch in text:
        if ch in "đĐ":
            out.append("d" if ch == "đ" else "D")
        elif ord(ch) < 0xC0:
            out.append(ch)
        else:
            base = unicodedata.normalize("NFD", ch)[0]
            out.append(base if base.isalpha() else ch)
    return "".join(out)


_FETCH_SKEW = timedelta(days=1)  # a Date header further from our clock than that is a misconfigured server's
_RELATIVE_LABEL = r"(?:(?:ngay dang|dang luc|dang ngay|dang|cap nhat|thoi gian|luc)\s*:?\s*)?"
_AGO_UNITS = {"giay": timedelta(seconds=1), "phut": timedelta(minutes=1), "gio": timedelta(hours=1),
              "tieng": timedelta(hours=1), "ngay": timedelta(days=1), "tuan": timedelta(weeks=1),
              "thang": timedelta(days=30)}
_UNIT = r"(giay|phut|gio|tieng|ngay|tuan|thang)"
_HM = r"(\d{1,2})\s*[:h]\s*(\d{2})"
# matched against the folded, unaccented line: "2 giờ trước", "cách đây 3 ngày", "hôm qua 14:30", "14:30 hôm
# nay", "Hôm nay", "vừa xong", "1 tuần trước", each after an optional label ("Đăng: ", "Cập nhật ")
_RELATIVE = re.compile(
    _RELATIVE_LABEL + r"(?:(?P<now>vua xong|vua dang|vua moi dang|moi dang|moi day)"
    rf"|cach day\s*(?P<n1>\d{{1,3}})\s*{_UNIT}(?:\s*truoc)?|(?P<n2>\d{{1,3}})\s*{_UNIT}\s*truoc"
    rf"|hom (?P<d1>nay|qua)(?:\s*,?\s*(?:luc\s*)?{_HM})?|{_HM}\s*,?\s*hom (?P<d2>nay|qua))"
)
_DAY_UNITS = ("ngay", "tuan", "thang")


def fetch_time(date_header: str | bytes | None, now: datetime) -> datetime:
    """When a page was fetched, in UTC: its response's Date header when it parses and is within a day of `now`
    (our clock), else `now`. The server's clock is the page's own: "2 giờ trước" was written against it."""
    from email.utils import parsedate_to_datetime

    value = date_header.decode("latin-1") if isinstance(date_header, bytes) else date_header
    try:
        sent = parsedate_to_datetime(value) if value else None
    except (ValueError, TypeError, IndexError):
        sent = None
    if sent is None or sent.tzinfo is None or abs(sent - now) > _FETCH_SKEW:
        return now.astimezone(UTC)
    return sent.astimezone(UTC)


def relative_date(value: str, fetched_at: datetime) -> datetime | None:
    """A relative date ("2 giờ trước", "cách đây 3 ngày", "hôm qua 14:30", "Hôm nay", "vừa xong", "1 tuần
    trước", also typed without diacritics) as an aware UTC datetime, counted back from `fetched_at` in Vietnam
    time. How exact it is shows in the result: seconds, minutes and hours ago, "vừa xong" and a day with its time
    give that minute; days, weeks and months ago and "hôm nay"/"hôm qua" alone give that calendar day in Vietnam
    at 00:00, the way a date written without a time is stored (and shown as the date alone): the day is all such
    a line tells. Anything else gives None."""
    m = _RELATIVE.fullmatch(" ".join(unaccented(value).lower().split()).strip(" .,:;-–—()"))
    if m is None:
        return None
    local = fetched_at.astimezone(VN_TZ).replace(second=0, microsecond=0)
    if m["now"]:
        return local.astimezone(UTC)
    if m["n1"] or m["n2"]:
        count, unit = (int(m["n1"]), m[3]) if m["n1"] else (int(m["n2"]), m[5])
        back = local - count * _AGO_UNITS[unit]
        if unit in _DAY_UNITS:
            back = back.replace(hour=0, minute=0)
        return back.astimezone(UTC)
    which, hour, minute = (m["d1"], m[7], m[8]) if m["d1"] else (m["d2"], m[9], m[10])
    day = local - timedelta(days=1 if which == "qua" else 0)
    if hour is None:
        return day.replace(hour=0, minute=0).astimezone(UTC)
    try:
        return day.replace(hour=int(hour), minute=int(minute)).astimezone(UTC)
    except ValueError:  # "hôm qua 25:70"
        return None


_HIDDEN = re.compile(r"<!--.*?-->|<(script|style|template|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"\s+")
_SITE_SUFFIX = re.compile(r"\s+[|–—-]\s+")
_HEAD = re.compile(r"^.*?</head\s*>", re.IGNORECASE | re.DOTALL)


def _flat(text: str) -> str:
    """`text` of a page as its reader sees it: entities decoded, NFC, runs of white space one space."""
    text = html_lib.unescape(text) if "&" in text else text
    return _SPACES.sub(" ", text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text))


def relative_on_page(html: str, title: str, text: str, fetched_at: datetime) -> datetime | None:
    """The first short text node of a page writing a relative date (`relative_date`) between the article's title
    and its text's first line (the dateline's place): above the title are a "Tin mới" list's or a sidebar's
    "2 giờ trước", below the text's first line comments' and related articles', other pages' times. The page is
    read as its text shows (entities decoded, NFC, inline tags joined), so that a first paragraph opening in bold
    or holding "&quot;" still ends the window; a page whose title or first line is not found gives None."""
    title = _flat(title).strip()
    # the title as the page heads the article: "Hội nghị di sản | Báo Tỉnh" (og:title) is "Hội nghị di sản" there
    named = max((t.strip() for t in _SITE_SUFFIX.split(title)), key=len)
    first = next((line.strip() for line in text.splitlines() if line.strip()
                  and _flat(line).strip() not in (title, named) and relative_date(line, fetched_at) is None), "")
    first = _flat(first).strip()[:40]
    if not first or not title:
        return None
    nodes: list[tuple[int, str]] = []  # each text node with where it starts in the page's flattened text
    parts: list[str] = []
    at, end, tail = 0, -1, ""
    for raw in _TAG.split(_HIDDEN.sub("", _HEAD.sub("", html, count=1))):  # read down to the first line only
        if not raw:
            continue  # between two tags
        node = _flat(raw)
        if node.strip():
            nodes.append((at, node.strip()))
        parts.append(node)
        at += len(node)
        if (found := (tail + node).find(first)) >= 0:
            end = at - len(tail + node) + found
            break
        tail = (tail + node)[-len(first):]
    flat = "".join(parts)
    start, title = next(((at, t) for t in (title, named) if len(t) >= 8 and end >= 0
                         and (at := flat.rfind(t, 0, end)) >= 0), (-1, title))
    if start < 0:
        return None
    for at, line in nodes:
        if start + len(title) <= at < end and len(line) <= 60 and (when := relative_date(line, fetched_at)):
            return when
    return None
