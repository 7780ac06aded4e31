"""What a list of entries says of the citizen reports behind each one, as `show` tells them apart
(`review.listing.reporters_of`, the `Reporter`s `show` prints): whether the citizen pasted a text (no page was
read: what the entry holds is only what they sent) or sent a link whose page was read, and the text a report
joined only by where its link leads (`SAME_PLACE`) carried, which was never compared with the entry's own.

`queue` marks them in its table and the year-end workbook in its lists of cases; `show` prints the texts
(`sent_text_lines`). The wording, and the rule of when a headline is the text's first line, are here once.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from datetime import timedelta

from review.listing import EntryRow, Reporter
from review.vi import VN_TZ

#: what a report pasted as text is called; a report whose link was read is "đường dẫn"
PASTED_VI = "dán nội dung"
FETCHED_VI = "gửi đường dẫn, đã đọc trang"
#: what the text of a report joined only by its link's page is called (`show` and `queue` head it so)
SENT_TEXT_LABEL = "nội dung người dân gửi (chỉ trùng đường dẫn)"


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


def entry_mark(row: EntryRow, reports: Mapping[int, Sequence[Reporter]] | None) -> str:
    """" [PA]", " [PA dán]" after a row of `queue` or of `bulk`'s dry run (`queue_mark`), "" for an entry no citizen
    reported: also one a report joined after the entry was decided (it joins without making the entry a report
    again), as `show` lists it. `reports`: `Store.reporters_by_entry` of the rows."""
    reps = (reports or {}).get(row.id, [])
    if not row.is_report and not reps:
        return ""
    return " " + queue_mark(reps)


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


#: a pasted report's headline is its first line cut at this many characters (`crawler.report`), before the text
#: is cleaned (NFC, spaces collapsed, the ends stripped: `crawler.extract.clean_text`)
HEADLINE_CHARS = 200
#: how much shorter than `HEADLINE_CHARS` cleaning may have left such a headline: a space stripped at the cut, runs
#: of spaces collapsed. A headline this long that the first line merely continues reads the same there.
HEADLINE_CLEANED = 20


def headline_is_first_line(title: str, text: str) -> bool:
    """The text's first line is its headline (a pasted report's headline is its first line, cut at
    `HEADLINE_CHARS`): said once, in the text. A body that merely begins with a short headline's words is not.
    Compared decomposed (NFD): the cut was made on the text as the citizen sent it, which a phone may send
    decomposed, so the headline, composed since, can be far shorter than `HEADLINE_CHARS` and end in a letter whose
    tone marks the cut left out; decomposed, only cleaning (`HEADLINE_CLEANED`) made it shorter than the cut."""
    title = unicodedata.normalize("NFD", title).strip()
    lines = unicodedata.normalize("NFD", text).strip().splitlines()
    first = lines[0].strip() if lines else ""
    return bool(title) and (first == title or (len(title) >= HEADLINE_CHARS - HEADLINE_CLEANED
                                               and first.startswith(title)))


def sent_text(rep: Reporter) -> str | None:
    """The whole text a report joined only by where its link leads carried (its headline first, unless that is
    its first line), NFC so that no letter is split from its tone mark when cut; None for any other report (and
    for one recorded before such texts were kept)."""
    if rep.text is None and rep.title is None:
        return None
    title = unicodedata.normalize("NFC", rep.title or "").strip()
    text = unicodedata.normalize("NFC", rep.text or "").strip()
    if title and not headline_is_first_line(title, text):
        text = f"{title[:HEADLINE_CHARS]}\n{text}" if text else title[:HEADLINE_CHARS]
    return text


#: how much of what a citizen sent, joined only by where its link leads, `show` prints (all of it: `show --json`)
SENT_TEXT_CHARS = 600


def sent_text_lines(rep: Reporter, entry_id: int) -> list[str]:
    """`show`'s lines for the text a report joined only by where its link leads carried (`sent_text`), indented
    under its reporter: never compared with the entry's text, so the officer reads it there. Cut at
    `SENT_TEXT_CHARS` (after NFC: no letter split from its tone mark), saying how much is left and where. The
    caller makes the lines safe for a terminal."""
    text = sent_text(rep) or ""
    out = [f"    ↳ {SENT_TEXT_LABEL}, chưa đối chiếu với nội dung mục này:"]
    shown = text[:SENT_TEXT_CHARS]
    out += [f"      {line.strip()}" for line in shown.splitlines() if line.strip()] or ["      (trống)"]
    if len(text) > SENT_TEXT_CHARS:
        out[-1] += " …"
        day = rep.at.astimezone(VN_TZ)
        after = day + timedelta(days=1)
        out.append(f"      (đã cắt bớt: còn {len(text) - SENT_TEXT_CHARS} ký tự; xem toàn văn: canhgac show {entry_id} "
                   f"--json, hoặc dòng nhật ký #{rep.audit_id} trong canhgac export audit --since "
                   f"{day:%d/%m/%Y} --until {after:%d/%m/%Y})")
    return out


def sent_texts(reporters: Sequence[Reporter]) -> list[str]:
    """The texts of `sent_text`, in the order the reports came; an empty one is kept as empty."""
    return [t for t in (sent_text(rep) for rep in reporters) if t is not None]
