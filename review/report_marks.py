"""What a list of entries says of the citizen reports behind each one, as `show` tells them apart
(`review.listing.reporters_of`, the `Reporter`s `show` prints): whether the citizen pasted a text (no page was
read: what the entry holds is only what they sent) or sent a link whose page was read, and the text a report
joined only by where its link leads (`SAME_PLACE`) carried, which was never compared with the entry's own.

`queue` marks them in its table and the year-end workbook in its lists of cases; the wording is here once.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from review.listing import Reporter

#: what a report pasted as text is called; a report whose link was read is "đường dẫn"
PASTED_VI = "dán nội dung"
FETCHED_VI = "gửi đường dẫn, đã đọc trang"
#: what the text of a report joined only by its link's page is called (as `show` heads it)
SENT_TEXT_VI = "nội dung người dân gửi (chỉ trùng đường dẫn)"


def pasted_count(reporters: Sequence[Reporter]) -> int:
    return sum(rep.pasted for rep in reporters)


def queue_mark(reporters: Sequence[Reporter]) -> str:
    """The `queue` table's mark of a reported entry: "[PA]" (links whose pages were read), "[PA dán]" (texts
    pasted, no page read), "[PA dán 1/3]" (some of each)."""
    pasted = pasted_count(reporters)
    if not pasted:
        return "[PA]"
    if pasted == len(reporters):
        return "[PA dán]"
    return f"[PA dán {pasted}/{len(reporters)}]"


def reports_cell(reporters: Sequence[Reporter]) -> str:
    """The workbook's "Người dân phản ánh" cell: "có — dán nội dung", "có — gửi đường dẫn, đã đọc trang", or
    "có — 2 phản ánh: 1 dán nội dung, 1 gửi đường dẫn, đã đọc trang"; "có" alone when the reports are not known
    apart (none read)."""
    if not reporters:
        return "có"
    pasted = pasted_count(reporters)
    if pasted == len(reporters):
        return f"có — {PASTED_VI}"
    if not pasted:
        return f"có — {FETCHED_VI}"
    return f"có — {len(reporters)} phản ánh: {pasted} {PASTED_VI}, {len(reporters) - pasted} {FETCHED_VI}"


def headline_is_first_line(title: str, text: str) -> bool:
    """The text's first line is its headline (a pasted report's headline is its first line, cut at 200
    characters): said once, in the text. A body that merely begins with the headline's words is not."""
    title, lines = title.strip(), text.strip().splitlines()
    first = lines[0].strip() if lines else ""
    return bool(title) and (first == title or (len(title) >= 200 and first.startswith(title)))


def sent_text(rep: Reporter) -> str | None:
    """The whole text a report joined only by where its link leads carried (its headline first, unless that is
    its first line), NFC so that no letter is split from its tone mark when cut; None for any other report (and
    for one recorded before such texts were kept)."""
    if rep.text is None and rep.title is None:
        return None
    title = unicodedata.normalize("NFC", rep.title or "").strip()
    text = unicodedata.normalize("NFC", rep.text or "").strip()
    if title and not headline_is_first_line(title, text):
        text = f"{title[:200]}\n{text}" if text else title[:200]
    return text


def sent_texts(reporters: Sequence[Reporter]) -> list[str]:
    """The texts of `sent_text`, in the order the reports came; an empty one is kept as empty."""
    return [t for t in (sent_text(rep) for rep in reporters) if t is not None]
