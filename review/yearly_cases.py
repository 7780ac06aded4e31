"""The citizen reports behind each case the yearly workbook lists (Vụ việc nổi bật, Nội dung được tôn vinh), as
`show` tells them apart (`review.listing.reporters_of`): whether the citizen pasted a text or sent a link whose
page was read, and the text of a report joined only by where its link leads, never compared with the entry's own
(`review.report_marks`). The superior reading the workbook has no `show`: what the officer saw is written out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from review.listing import reporters_of
from review.report_marks import SENT_TEXT_VI, reports_cell, sent_texts

REPORTED_HEAD = "Người dân phản ánh"
SENT_TEXT_HEAD = SENT_TEXT_VI[:1].upper() + SENT_TEXT_VI[1:]
#: an Excel cell holds 32,767 characters: a longer text is cut there, saying so (the whole is in the audit log)
CELL_CHARS = 32_000


def report_cells(s: Any, entry_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """For each of `entry_ids` a citizen reported: the "Người dân phản ánh" cell ("có — dán nội dung", …) and the
    texts of its reports joined only by their link's page, one paragraph each ("" when none)."""
    out: dict[int, tuple[str, str]] = {}
    for eid, reps in reporters_of(s, list(dict.fromkeys(entry_ids))).items():
        text = "\n\n".join(t or "(trống)" for t in sent_texts(reps))
        if len(text) > CELL_CHARS:
            text = text[:CELL_CHARS] + f" … (đã cắt bớt {len(text) - CELL_CHARS} ký tự; toàn văn: canhgac show {eid} --json)"
        out[eid] = (reports_cell(reps), text)
    return out
