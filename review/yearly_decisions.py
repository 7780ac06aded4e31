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

from sqlalchemy import exists, select

from classifier.categories import CATEGORIES, VI_LABELS
from review.below_threshold import last_flagged_categories
from review.citizen import TEXT_REPORT_PREFIX
from review.models import HARM_VERDICTS, VERDICTS, Decision, Item, ReviewEntry, ReviewFlag
from review.vi import VERDICT_VI, VN_TZ
from review.yearly_rows import with_harm_subtotal

HANDLED_SHEET, COMMENDED_SHEET = "Xử lý trong kỳ", "Nội dung được tôn vinh"
#: The source shown for an entry that came from no crawled source (a citizen report), on every sheet.
NO_SOURCE_VI = "(phản ánh của người dân)"
#: The last row of Tổng hợp, Theo nguồn, Theo tháng and Xử lý trong kỳ: the column sums, which are distinct entries
#: because an entry counts on one row only (its confirmed category, else its top flag, never once per category it
#: was flagged for; its source; its month).
TOTAL_VI = "Tổng cộng"


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
    """The entries whose standing (not undone) decision was made in [since, until). The decisions are streamed
    and only what is counted is kept: a year holds ~100 000 of them, and their articles' texts (megabytes each)
    are read only for the few commended entries, by id (`entry_pages`)."""
    d, e = Decision, ReviewEntry
    q = (select(d.entry_id, d.verdict, d.category, d.created_at, e.verdict_category, e.top_category, e.created_at,
                e.source_name, exists().where(ReviewFlag.entry_id == e.id))
         .join(e, e.id == d.entry_id)
         .where(d.undone_at.is_(None), d.created_at >= since, d.created_at < until)
         .order_by(d.created_at, d.id))
    # entry id: (category, verdict, flagged before the period, decided at): one count per entry, even were two
    # standing decisions ever recorded (the later one counts)
    latest: dict[int, tuple[str, str, bool, datetime, str | None]] = {}
    # no flag, no category decided: flagged when queued and below every threshold since a re-score (reported or not;
    # `last_flagged_categories` leaves out a citizen report no score ever flagged)
    fallen: dict[int, bool] = {}
    for eid, verdict, dcat, at, vcat, top, flagged_at, source, kept in s.execute(q.execution_options(yield_per=5000)):
        latest[eid] = (dcat or vcat or top, verdict, flagged_at < since, at, source)
        fallen[eid] = not kept and (verdict == "dismiss" or not (dcat or vcat))  # see below_threshold.fallen_category
    for eid, cat in last_flagged_categories(s, [i for i, f in fallen.items() if f]).items():
        latest[eid] = (cat, *latest[eid][1:])  # on the row of the category it was flagged for, as in Tổng hợp
    out = Handled()
    commended: list[tuple[int, str, datetime, str | None]] = []
    for eid, (cat, verdict, earlier, at, source) in latest.items():
        out.by_category[(cat, verdict)] += 1
        out.earlier[cat] += earlier
        if verdict == "commend":
            commended.append((eid, cat, at, source))
    pages = entry_pages(s, [c[0] for c in commended])
    for eid, cat, at, source in commended:
        author, first, url = pages.get(eid, ("", "", ""))
        out.commended.append((eid, at.astimezone(VN_TZ).strftime("%d/%m/%Y"), VI_LABELS.get(cat, cat),
                              source or NO_SOURCE_VI, author, first, url))
    return out


def entry_pages(s: Any, entry_ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """Each entry's page: its author, first line (title, else text; 200 characters) and address."""
    out: dict[int, tuple[str, str, str]] = {}
    for start in range(0, len(entry_ids), 500):
        for eid, author, title, text, url in s.execute(
                select(ReviewEntry.id, Item.author, Item.title, Item.text, Item.url)
                .join(Item, Item.id == ReviewEntry.item_id)
                .where(ReviewEntry.id.in_(entry_ids[start:start + 500]))):
            first = (title or text or "").strip().split("\n", 1)[0][:200]
            out[eid] = (author or "", first, page_address(url))
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
    """The header and rows of the handled sheet: a row per category (every one), one column per verdict, the
    harm categories under their subtotal (`with_harm_subtotal`)."""
    head = ["Nhóm nội dung", *[VERDICT_VI[v] for v in VERDICTS], "Tổng số đã xử lý",
            "Trong đó: mục vào hàng chờ trước kỳ báo cáo"]
    cats = sorted(set(CATEGORIES) | {c for c, _ in handled.by_category},  # every category, zeros included
                  key=lambda c: CATEGORIES.index(c) if c in CATEGORIES else len(CATEGORIES))
    rows = []
    for c in cats:
        counts = [handled.by_category[(c, v)] for v in VERDICTS]
        rows.append([VI_LABELS.get(c, c), *counts, sum(counts), handled.earlier[c]])
    return head, [*with_harm_subtotal(rows), total_row(rows)]


def total_row(rows: list[list[Any]], width: int = 0) -> list[Any]:
    """The "Tổng cộng" row under rows of a label then counts: each column's sum. Only for rows that do not
    overlap (an entry on one row only), so that the sum counts every entry once. `width`: the number of columns,
    label included, for zeros under no rows at all (a year with no source)."""
    width = len(rows[0]) if rows else width
    return [TOTAL_VI, *(sum(r[i] for r in rows) for i in range(1, width))]


COMMENDED_HEAD = ["Mã", "Ngày tôn vinh", "Nhóm", "Nguồn", "Người đăng", "Dòng đầu", "Đường dẫn"]


def handled_notes(handled: Handled) -> list[list[Any]]:
    """The Ghi chú rows about the decisions made in the period."""
    by_verdict = Counter[str]()
    for (_, v), n in handled.by_category.items():
        by_verdict[v] += n
    return [
        ["Số mục đã xử lý (có quyết định) trong kỳ", handled.total],
        ["Trong đó theo kết luận", "; ".join(f"{VERDICT_VI[v]}: {by_verdict[v]}" for v in VERDICTS)],
        [f"Trong đó: vi phạm đã xác nhận ({', '.join(VERDICT_VI[v] for v in HARM_VERDICTS)})",
         sum(by_verdict[v] for v in HARM_VERDICTS)],
        ["Trong đó: mục vào hàng chờ trước kỳ báo cáo", sum(handled.earlier.values())],
        ["Cách đếm xử lý", f"Sheet «{HANDLED_SHEET}» đếm mỗi mục có quyết định (chưa bị hoàn tác) đưa ra trong kỳ "
                           "một lần, theo ngày quyết định, kể cả mục vào hàng chờ trước kỳ (gắn cờ hoặc do người dân "
                           f"phản ánh); các sheet khác đếm theo ngày gắn cờ. Sheet «{COMMENDED_SHEET}» liệt kê các nội "
                           "dung được tôn vinh trong kỳ."],
    ]
