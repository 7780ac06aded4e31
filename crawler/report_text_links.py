"""The links inside a pasted report's text: a Zalo or Facebook message is often pasted whole, its link inside it,
with no address given (`canhgac report --text "xem link nay lua dao http://…/bai.html nhe"`). The text is filed as
pasted (matched by its words only) and the officer is shown the link(s) with the command that files the report
about a page (`canhgac report LINK --text …`, which meets the entry of the page the link leads to). Not done
silently: a message often cites an unrelated page (a bank's real site as cover, "Nguồn: …", a festival's schedule)
and joined by that page's address the scam would sit, unscored, in the entry of a harmless page — the officer
decides which page, if any, the report is about."""

from __future__ import annotations

import re
import shlex
import unicodedata

from crawler.report_fetch import check_report_url
from crawler.urls import canonical_url
from review.errors import CanhgacError

_LINK = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
#: link shorteners (and Zalo's links) as chat apps show them, without a scheme; not inside a longer address
_BARE_SHORT_LINK = re.compile(
    r"(?<![\w./@:-])(?:bit\.ly|zalo\.me|tinyurl\.com|goo\.gl|shorturl\.at|cutt\.ly|rb\.gy|is\.gd|t\.ly|s\.id|"
    r"t\.co|fb\.me|fb\.watch)/[^\s<>\"'`]+", re.IGNORECASE)
#: punctuation a sentence puts right after a link, never part of it ("xem http://a.vn/b.html, nhé")
_TRAILING = ".,;:!?…\"'”’»)]}>"


def links_in_text(text: str) -> list[str]:
    """The distinct http(s) links in `text`, in the order written: trailing punctuation stripped (a closing
    parenthesis only when the link opened none), a known shortener written without a scheme read as https."""
    found: list[tuple[int, str]] = [(m.start(), m.group()) for m in _LINK.finditer(text)]
    found += [(m.start(), "https://" + m.group()) for m in _BARE_SHORT_LINK.finditer(text)]
    out: list[str] = []
    seen: set[str] = set()
    for _, link in sorted(found):
        link = _strip_trailing(_before_invisible(link))
        try:
            key = canonical_url(link) or link
        except ValueError:  # "http://[tên-ngân-hàng]-hotro.com", a port 99999: a warning's example, no address
            continue
        if "//" in link and link.split("//", 1)[1] and key not in seen:
            seen.add(key)
            out.append(link)
    return out


def _before_invisible(link: str) -> str:
    """The link up to the first invisible format character (zero-width space, direction marks, BOM) a chat app
    copies with the text: never part of an address, and unseen in the line that shows it."""
    for i, ch in enumerate(link):
        if unicodedata.category(ch) == "Cf":
            return link[:i]
    return link


_OPENERS = {")": "(", "]": "[", "}": "{"}


def _strip_trailing(link: str) -> str:
    while link and link[-1] in _TRAILING:
        opener = _OPENERS.get(link[-1])
        if opener and link.count(opener) >= link.count(link[-1]):  # the link opened it: "…/Hà_Nội_(tỉnh)"
            break
        link = link[:-1]
    return link


def link_of_pasted_text(text: str) -> tuple[str | None, str | None]:
    """For a text pasted without an address: the link to file it with (always None: the officer chooses, see the
    module's docstring), and the line (Vietnamese) that shows the officer the links in it and the command that
    files the report about one of them (None: it has none usable)."""
    links = []
    for link in links_in_text(text):
        try:
            check_report_url(link)
        except (CanhgacError, ValueError):  # too long to be stored, not a usable address
            continue
        links.append(link)
    if not links:
        return None, None
    listed = "; ".join(links)
    one = shlex.quote(links[0]) if len(links) == 1 else "LIÊN_KẾT"
    return None, (f"Nội dung có {len(links)} liên kết: {listed}. Phản ánh được lưu theo nội dung (không theo liên "
                  f"kết). Nếu phản ánh là về trang của liên kết, gửi lại kèm liên kết để gộp với mục của trang đó: "
                  f"canhgac report {one} --text …")
