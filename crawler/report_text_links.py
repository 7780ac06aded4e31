"""The link inside a pasted report's text: a Zalo or Facebook message is often pasted whole, its link inside it,
with no address given (`canhgac report --text "xem link nay lua dao http://…/bai.html nhe"`). When the text holds
exactly one link, the report is filed as if that link had been given with the text (`canhgac report LINK --text …`:
the same checks, and it meets the entry of the page the link leads to); several links are not guessed between."""

from __future__ import annotations

import re

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
        link = _strip_trailing(link)
        key = canonical_url(link) or link
        if "//" in link and link.split("//", 1)[1] and key not in seen:
            seen.add(key)
            out.append(link)
    return out


def _strip_trailing(link: str) -> str:
    while link and link[-1] in _TRAILING:
        if link[-1] == ")" and link.count("(") >= link.count(")"):
            break
        link = link[:-1]
    return link


def link_of_pasted_text(text: str) -> tuple[str | None, str | None]:
    """For a text pasted without an address: the link to file it with (None: without one), and the line
    (Vietnamese) that tells the officer what was done with the links in it (None: it has none)."""
    links = links_in_text(text)
    if not links:
        return None, None
    if len(links) > 1:
        listed = "; ".join(links)
        command = "canhgac report LIÊN_KẾT --text …"
        return None, (f"Nội dung có {len(links)} liên kết, không tự chọn liên kết nào: {listed}. Phản ánh được lưu "
                      f"không kèm liên kết; nếu phản ánh là về một trang trong số đó, dùng: {command}")
    try:
        check_report_url(links[0])
    except CanhgacError as exc:  # too long to be stored: the text is filed as it was pasted
        return None, f"Liên kết trong nội dung không dùng được ({exc}); phản ánh được lưu không kèm liên kết."
    return links[0], f"Đã lấy liên kết trong nội dung: {links[0]}"
