"""What the year's report calls handled: the decisions made in the period, and the content commended.

The main sheets of the yearly workbook count the entries flagged in the period, by their current verdict. The
year-end report (Decision 423/QĐ-BVHTTDL) also asks what was handled in the year and who was commended for
valuable content. An entry flagged at 23:59 on 31 December and decided on 2 January is handled in the new year:
counted by its flagging date alone, it is in no year's "handled" figure (the old year's report, made before
10 December, showed it undecided; the new year's does not show it at all). Here each entry decided in the
period counts once, by its standing decision, whenever it was flagged; a decision later undone is not
counted (the entry's standing decision is, if it was made in the period). Commended entries are listed with
the page's author, so the officer can name who published the content.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from classifier.categories import CATEGORIES, VI_LABELS
from review.citizen import TEXT_REPORT_PREFIX
from review.models import VERDICTS, Decision, Item, ReviewEntry
from review.vi import VERDICT_VI, VN_TZ

HANDLED_SHEET, COMMENDED_SHEET = "Xử lý trong kỳ", "Nội dung được tôn vinh"


@dataclass
class Handled:
    by_category: Counter[tuple[str, str]] = field(default_factory=Counter)  # (category, verdict) decided in the period
    earlier: Counter[str] = field(default_factory=Counter)  # category: of those, flagged before the period
    commended: list[tuple[Any, ...]] = field(default_factory=list)  # rows of the commended sheet, oldest first

    @property
    def total(self) -> int:
        return sum(self.by_category.values())


def page_address(url: str | None) -> str:
    """The page's address for the workbook: none for a citizen report pasted as text, whose stored address
    ("report:text/…") is only an internal key that no browser opens."""
    return "" if not url or url.startswith(TEXT_REPORT_PREFIX) else url


def handled_in(s: Any, since: datetime, until: datetime) -> Handled:
    """The entries whose standing (not undone) decision was made in [since, until)."""
    d, e = Decision, ReviewEntry
    q = (select(d.entry_id, d.verdict, d.category, d.created_at, e.verdict_category, e.top_category, e.created_at,
                e.source_name, Item.author, Item.title, Item.text, Item.url)
         .join(e, e.id == d.entry_id).join(Item, Item.id == e.item_id)
         .where(d.undone_at.is_(None), d.created_at >= since, d.created_at < until)
         .order_by(d.created_at, d.id))
    latest: dict[int, tuple[Any, ...]] = {}
    for row in s.execute(q):
        latest[row[0]] = tuple(row)  # one count per entry, even were two standing decisions ever recorded
    out = Handled()
    for eid, verdict, dcat, at, vcat, top, flagged_at, source, author, title, text, url in latest.values():
        cat = dcat or vcat or top
        out.by_category[(cat, verdict)] += 1
        out.earlier[cat] += flagged_at < since
        if verdict == "commend":
            first = (title or text or "").strip().split("\n", 1)[0][:200]
            out.commended.append((eid, at.astimezone(VN_TZ).strftime("%d/%m/%Y"), VI_LABELS.get(cat, cat),
                                  source or "(phản ánh của người dân)", author or "", first, page_address(url)))
    return out


def decision_notes(s: Any, entry_ids: list[int]) -> dict[int, str]:
    """The note of each entry's standing (not undone) decision: whom an escalation went to, what was done."""
    out: dict[int, str] = {}
    for start in range(0, len(entry_ids), 500):
        out.update({eid: note or "" for eid, note in s.execute(
            select(Decision.entry_id, Decision.note)
            .where(Decision.entry_id.in_(entry_ids[start:start + 500]), Decision.undone_at.is_(None))
            .order_by(Decision.id))})
    return out


def handled_rows(handled: Handled) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of the handled sheet: a row per category (every one), one column per verdict."""
    head = ["Nhóm nội dung", *[VERDICT_VI[v] for v in VERDICTS], "Tổng số đã xử lý",
            "Trong đó: mục gắn cờ trước kỳ báo cáo"]
    cats = sorted(set(CATEGORIES) | {c for c, _ in handled.by_category},  # every category, zeros included
                  key=lambda c: CATEGORIES.index(c) if c in CATEGORIES else len(CATEGORIES))
    rows = []
    for c in cats:
        counts = [handled.by_category[(c, v)] for v in VERDICTS]
        rows.append([VI_LABELS.get(c, c), *counts, sum(counts), handled.earlier[c]])
    return head, rows


COMMENDED_HEAD = ["Mã", "Ngày tôn vinh", "Nhóm", "Nguồn", "Người đăng", "Dòng đầu", "Đường dẫn"]


def handled_notes(handled: Handled) -> list[list[Any]]:
    """The Ghi chú rows about the decisions made in the period."""
    by_verdict = Counter[str]()
    for (_, v), n in handled.by_category.items():
        by_verdict[v] += n
    return [
        ["Số mục đã xử lý (có quyết định) trong kỳ", handled.total],
        ["Trong đó theo kết luận", "; ".join(f"{VERDICT_VI[v]}: {by_verdict[v]}" for v in VERDICTS)],
        ["Trong đó: mục gắn cờ trước kỳ báo cáo", sum(handled.earlier.values())],
        ["Cách đếm xử lý", f"Sheet «{HANDLED_SHEET}» đếm mỗi mục có quyết định (chưa bị hoàn tác) đưa ra trong kỳ "
                           "một lần, theo ngày quyết định, kể cả mục gắn cờ trước kỳ; các sheet khác đếm theo ngày "
                           f"gắn cờ. Sheet «{COMMENDED_SHEET}» liệt kê các nội dung được tôn vinh trong kỳ."],
    ]
