"""The citizen reports behind each case the yearly workbook lists (Vụ việc nổi bật, Nội dung được tôn vinh), as
`show` tells them apart (`review.listing.reporters_of`): whether the citizen pasted a text or sent a link whose
page was read (`review.report_marks`). Only the reports received before the period ends: a report for a period
describes what was known then.

The workbook goes to the officer's superior, and names no reporter: the words a citizen sent (which may carry
their name or phone number) are not written out. A case a report joined only by where its link leads, with a text
of its own never compared with the case's, says so and where the officer reads it (`canhgac show ID`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from review.listing import reporters_of
from review.report_marks import reports_cell, sent_texts

REPORTED_HEAD = "Người dân phản ánh"


def report_cells(s: Any, entry_ids: Sequence[int], until: datetime) -> dict[int, str]:
    """For each of `entry_ids` a citizen reported before `until`: the "Người dân phản ánh" cell ("có — dán nội
    dung", …), pointing to `canhgac show` when a report joined only by its link's page carried a text."""
    out: dict[int, str] = {}
    for eid, reps in reporters_of(s, list(dict.fromkeys(entry_ids))).items():
        reps = [rep for rep in reps if rep.at < until]
        if not reps:
            continue
        texts = len(sent_texts(reps))
        out[eid] = reports_cell(reps) + (f"; kèm {texts} nội dung người dân gửi chưa đối chiếu (chỉ trùng đường "
                                          f"dẫn): xem bằng canhgac show {eid}" if texts else "")
    return out
