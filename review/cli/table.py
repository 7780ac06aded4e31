"""Plain-text tables for the terminal (no colours: output is often piped or mailed)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from review.vi import VN_TZ

# Escape sequences (7-bit and their 8-bit C1 forms): terminated OSC/DCS/APC/PM/SOS strings (an unterminated
# one loses only its introducer, so it cannot hide the text after it), CSI with its parameters, any other
# ESC + one character; then every remaining C0/C1 control but \n and \t.
_ESCAPES = re.compile(r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)"
                      r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
                      r"|\x1b[ -/]*[0-~]?")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_C1 = re.compile(r"[\x7f-\x9f]")


def printable(text: str) -> str:
    """Crawled text made safe for a terminal: escape sequences and control characters (C0, DEL, C1)
    removed, except newline and tab. Apply it to content before adding our own highlighting."""
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def json_text(value: object) -> str:
    """Indented JSON for the terminal: non-ASCII kept readable, but DEL and C1 controls escaped too
    (json escapes only C0), so the output is the same data and still cannot drive a terminal."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
               for ch in text)


#: The narrowest the last column (a first line of text) gets to fit a terminal: narrower tells nothing.
LAST_MIN = 16


def render(headers: Sequence[str], rows: Sequence[Sequence[object]], max_col: int = 60,
           width: int | None = None) -> str:
    """`width`: the terminal's, when printing to one: the last column (the text) is cut so that no line wraps,
    which would break every row in two. The other columns are never cut; when even `LAST_MIN` characters of the
    last one would not fit beside them, the lines wrap anyway and nothing is cut."""
    cells = [[_cell(v, max_col) for v in row] for row in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    if width is not None and headers and sum(widths) + 2 * (len(widths) - 1) > width:
        last = width - sum(widths[:-1]) - 2 * (len(widths) - 1)
        if LAST_MIN <= last < widths[-1]:
            cells = [[*r[:-1], _fit(r[-1], last)] for r in cells]
            widths[-1] = max([_width(headers[-1])] + [_width(r[-1]) for r in cells])
    lines = ["  ".join(h + " " * (widths[i] - _width(h)) for i, h in enumerate(headers)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for r in cells:
        lines.append("  ".join(c + " " * (widths[i] - _width(c)) for i, c in enumerate(r)).rstrip())
    return "\n".join(lines)


def _cell(value: object, max_col: int) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return when(value)
    return _fit(" ".join(printable(str(value)).split()), max_col)


def _fit(text: str, width: int) -> str:
    """`text` cut to `width` terminal columns, "…" included; a letter keeps its combining marks (decomposed text)."""
    if _width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = _width(ch)
        if w and used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def terminal_width(out: object) -> int | None:
    """The width of the terminal `out` prints to, or None when it is no terminal (a pipe, a file: nothing is cut)."""
    import shutil

    isatty = getattr(out, "isatty", None)
    if not (isatty and isatty()):
        return None
    return shutil.get_terminal_size().columns


def when(value: datetime | None, tz: str | None = None) -> str:
    """Date and clock time as officials write them, dd/mm/yyyy HH:MM, like the weekly digest: in the time zone `tz`
    (`status` and `digest` pass `[digest] timezone`), else Vietnam time like `show` and `claim` (`review.vi.hhmm`)."""
    if value is None:
        return "-"
    return value.astimezone(ZoneInfo(tz) if tz else VN_TZ).strftime("%d/%m/%Y %H:%M")


def hhmm_in(value: datetime | None, tz: str | None, *, day_if_midnight: bool = False) -> str:
    """`review.vi.hhmm` in the time zone `tz` (`[digest] timezone`, as `show` and `claim` pass it; None: Vietnam
    time): the clock time, with the date when it is not today there and the year when it is not this year;
    `day_if_midnight`: exactly 00:00:00 there is a date a site wrote without a time, shown as dd/mm/yyyy."""
    if value is None:
        return "-"
    zone = ZoneInfo(tz) if tz else VN_TZ
    local = value.astimezone(zone)
    if day_if_midnight and (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return local.strftime("%d/%m/%Y")
    today = datetime.now(zone).date()
    if local.date() == today:
        return local.strftime("%H:%M")
    return local.strftime("%d/%m %H:%M") if local.year == today.year else local.strftime("%d/%m/%Y %H:%M")


#: The zones Vietnam's offices are in: their times are "giờ Việt Nam".
_VIETNAM_ZONES = ("Asia/Ho_Chi_Minh", "Asia/Saigon")


def zone_vi(tz: str) -> str:
    """How a screen names the time zone its times are in: "giờ Việt Nam (UTC+7)", or the configured zone's name."""
    return "giờ Việt Nam (UTC+7)" if tz in _VIETNAM_ZONES else f"múi giờ {tz}"


def iso(value: datetime | None) -> str | None:
    """For --json: ISO 8601 with the offset (UTC, as stored), or null when there is no time."""
    return value.isoformat() if value is not None else None


def age(value: datetime | None, now: datetime | None = None) -> str:
    """Human age in Vietnamese-friendly short units: 5ph, 3g, 2ng (phút, giờ, ngày)."""
    if value is None:
        return "-"
    seconds = int(((now or datetime.now(UTC)) - value).total_seconds())
    if seconds < 3600:
        return f"{max(seconds, 0) // 60}ph"
    if seconds < 86400:
        return f"{seconds // 3600}g"
    return f"{seconds // 86400}ng"
