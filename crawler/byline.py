"""What Vietnamese article pages put around their text, told apart from it: the heading and dateline trafilatura
keeps at the top, the author's line and the "Theo Báo ..." credit, and a paywall notice standing where the
article would be."""

from __future__ import annotations

import re

from parsel import Selector

from crawler.charset import nfc

#: Classes Vietnamese CMSs give the author's block (trafilatura knows only English ones: author, byline ...).
_AUTHOR_BLOCKS = ".tac-gia, .tacgia, .tac_gia, .tennguoiviet, .nguoi-viet, .nguoiviet, .but-danh, .butdanh"
_MAX_NAME = 60
# "Nguyễn Văn An - Phòng VH&TT", "Trần Bình (Trung tâm VH)": the person, not the office
_NAME_END = re.compile(r"\s+[-–—|]\s+|\s*\(")
_CREDIT = re.compile(r"\(?\s*(?:Theo|Nguồn)\s*:?\s+([^\W\d_][^,;:!?()]{1,58}?)\s*\)?\.?", re.IGNORECASE)
# what a dateline is made of: "Thứ hai, 01/12/2025 - 08:30 (GMT+7)", "Ngày đăng: 05/12/2025", "cách đây 2 giờ";
# a line that is nothing else is a dateline ("Ngày 30/11, tỉnh khai mạc lễ hội" is a sentence)
_DATELINE_PARTS = re.compile(
    r"\d{1,4}\s*[/.:hH-]\s*\d{1,2}(?:\s*[/.:-]\s*\d{1,4})?|(?:GMT|UTC|ICT)\s*(?:[+-]\s*\d{1,2}(?::?\d{2})?)?"
    r"|thứ\s+(?:hai|ba|tư|năm|sáu|bảy|\d)|chủ nhật|ngày đăng|đăng lúc|đăng ngày|cập nhật|lúc|ngày|tháng|năm"
    r"|cách đây\s+\d+\s+(?:giây|phút|giờ|ngày|tuần)|\d+\s+(?:giây|phút|giờ|ngày|tuần)\s+trước|hôm (?:nay|qua)"
    r"|\b(?:AM|PM|SA|CH)\b",
    re.IGNORECASE,
)


def _is_dateline(line: str) -> bool:
    if len(line) > _DATELINE_LEN:
        return False
    rest = _DATELINE_PARTS.sub(" ", line)
    return rest != line and not any(ch.isalnum() for ch in rest)


_HEAD_LINES = 3
_DATELINE_LEN = 80
# a paywall or login notice: "chỉ dành cho bạn đọc đăng ký gói ...", "Vui lòng đăng nhập để đọc tiếp"
_PAYWALL = re.compile(
    r"dành (?:riêng )?cho (?:bạn đọc|độc giả|thành viên|hội viên|tài khoản|người dùng)"
    r"[^.\n]{0,40}(?:đăng ký|trả phí|vip|premium|gói)"
    r"|đăng (?:nhập|ký)[^.\n]{0,40}để (?:đọc|xem)(?: tiếp| toàn bộ| đầy đủ| bài| nội dung)"
    r"|nội dung (?:trả phí|có phí|dành cho hội viên)|mua gói (?:cước|đọc|thành viên)",
    re.IGNORECASE,
)
_SITE = re.compile(r"[\w-]+(?:\.[\w-]+)*\.(?:vn|com|net|org)", re.IGNORECASE)
_PAYWALL_KEEP = 200  # what is left besides the notice must be a paragraph's worth to be the article


def _fold(text: str) -> str:
    return " ".join(nfc(text).lower().split())


def without_heading(text: str, title: str) -> str:
    """`text` without the title and dateline trafilatura keeps when a page's <h1> and date line are inside its
    <article>: the title is stored on its own, and the same words at the top of every page's text would weigh
    in the copies-of-one-story comparison and the classifier. Only the first few short lines are looked at."""
    lines = text.split("\n")
    i = 0
    while i < min(_HEAD_LINES, len(lines) - 1):
        line = lines[i].strip()
        if not line or (title and _fold(line) == _fold(title)) or _is_dateline(line):
            i += 1
            continue
        break
    return "\n".join(lines[i:]).strip() if i else text


def paywall_only(text: str) -> str:
    """`text`, or "" when it is a paywall or login notice with less than a paragraph of anything else: a
    subscription site's every locked article would read alike, be grouped as copies of one story and scored
    for the notice's words. The caller then keeps the feed's summary, or the title alone."""
    if not _PAYWALL.search(text):
        return text
    rest = "\n".join(
        line for line in text.split("\n") if not _PAYWALL.search(line) and "đăng nhập" not in line.lower()
    )
    return text if len(rest.strip()) >= _PAYWALL_KEEP else ""


def _name(value: str) -> str | None:
    name = _NAME_END.split(nfc(value).strip(), maxsplit=1)[0].strip(" .,:")
    return name if 2 <= len(name) <= _MAX_NAME and not any(ch.isdigit() for ch in name) else None


def author_block(sel: Selector) -> str | None:
    """The author named in a block of a Vietnamese class (`.tac-gia` ...): "Đinh Văn Tâm - Phòng VH&TT" gives
    "Đinh Văn Tâm"."""
    for node in sel.css(_AUTHOR_BLOCKS):
        value = " ".join(t.strip() for t in node.xpath(".//text()").getall() if t.strip())
        if value and (name := _name(value)):
            return name
    return None


def credit_line(text: str) -> str | None:
    """The outlet a republished article names on its last lines, "Theo Báo Nghệ An" or "(Nguồn: VnExpress)"."""
    for line in reversed([line.strip() for line in text.split("\n") if line.strip()][-2:]):
        m = _CREDIT.fullmatch(line)
        outlet = m[1].strip() if m else ""
        # a name ("Báo Nghệ An", "TTXVN") or a site ("baochinhphu.vn"), not a sentence ("Theo kế hoạch ...")
        words = outlet.split()
        named = (
            bool(words) and words[0][0].isupper() and sum(w[0].isupper() for w in words) >= 0.6 * len(words)
        )
        if _SITE.fullmatch(outlet) or (named and not any(ch.isdigit() for ch in outlet)):
            return outlet
    return None
