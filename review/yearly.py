"""The yearly summary workbook (the year-end report is due before 10 December).

Sheets: Tổng hợp (flags and verdicts per category), Theo nguồn (per source), Theo tháng (per month,
Vietnam time), Vụ việc nổi bật (escalations and the highest-priority confirmed violations), Ghi chú
(period and definitions). Undone decisions are not counted: the entry's current verdict is.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from classifier.categories import CATEGORIES, VI_LABELS
from review.export import sheet_safe
from review.models import VERDICTS, Cluster, Item, ReviewEntry
from review.store import Store
from review.vi import VERDICT_VI, VN_TZ

NOTABLE_MAX = 100


@dataclass
class Summary:
    since: datetime
    until: datetime
    by_category: Counter[tuple[str, str]] = field(default_factory=Counter)  # (category, verdict|"")
    by_source: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_month: Counter[tuple[str, str]] = field(default_factory=Counter)  # (YYYY-MM, verdict|"")
    notable: list[tuple[Any, ...]] = field(default_factory=list)
    total: int = 0


def year_window(year: int) -> tuple[datetime, datetime]:
    """The calendar year in Vietnam time, as UTC instants."""
    return (datetime(year, 1, 1, tzinfo=VN_TZ).astimezone(UTC), datetime(year + 1, 1, 1, tzinfo=VN_TZ).astimezone(UTC))


def summarize(store: Store, since: datetime, until: datetime) -> Summary:
    out = Summary(since, until)
    e = ReviewEntry
    q = (select(e.id, e.top_category, e.verdict, e.verdict_category, e.source_name, e.created_at, e.priority,
                e.top_score, e.is_report, Item.title, Item.text, Item.url, Cluster.size)
         .join(Item, Item.id == e.item_id).outerjoin(Cluster, Cluster.id == Item.cluster_id)
         .where(e.created_at >= since, e.created_at < until))
    candidates: list[tuple[Any, ...]] = []
    with store.session() as s:
        for (eid, top, verdict, vcat, source, created, priority, score, report, title, text, url,
             size) in s.execute(q.execution_options(yield_per=5000)):
            out.total += 1
            cat = vcat or top
            v = verdict or ""
            out.by_category[(cat, v)] += 1
            out.by_source[(source or "(phản ánh/không rõ)", v)] += 1
            out.by_month[(created.astimezone(VN_TZ).strftime("%Y-%m"), v)] += 1
            if verdict in ("escalate", "violation"):
                first = (title or text or "").strip().split("\n", 1)[0][:200]
                rank = (verdict == "escalate", priority)
                candidates.append((rank, eid, created.astimezone(VN_TZ).strftime("%Y-%m-%d"), VI_LABELS.get(cat, cat),
                                   VERDICT_VI.get(verdict, verdict), source or "", size or 1,
                                   "có" if report else "", round(score, 2), first, url))
    candidates.sort(key=lambda c: c[0], reverse=True)
    out.notable = [c[1:] for c in candidates[:NOTABLE_MAX]]
    return out


def _matrix(counter: Counter[tuple[str, str]], keys: list[str]) -> list[list[Any]]:
    rows = []
    for k in keys:
        counts = [counter[(k, v)] for v in VERDICTS]
        open_ = counter[(k, "")]
        rows.append([k, sum(counts) + open_, *counts, open_])
    return rows


def write_summary(summary: Summary, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    header = ["", "Tổng số gắn cờ", *[VERDICT_VI[v] for v in VERDICTS], "Chưa quyết định"]
    bold = Font(bold=True)

    def sheet(title: str, head: list[str], rows: list[list[Any]], first: bool = False) -> None:
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        ws.title = title
        ws.append(head)
        for cell in ws[1]:
            cell.font = bold
        for r in rows:
            ws.append([sheet_safe(v) for v in r])  # titles, sources and URLs are crawled: never formulas
        ws.column_dimensions["A"].width = 38

    cats = sorted({c for c, _ in summary.by_category},
                  key=lambda c: CATEGORIES.index(c) if c in CATEGORIES else len(CATEGORIES))
    cat_rows = [[VI_LABELS.get(r[0], r[0]), *r[1:]] for r in _matrix(summary.by_category, cats)]
    sheet("Tổng hợp", ["Nhóm nội dung", *header[1:]], cat_rows, first=True)
    sources = sorted({s for s, _ in summary.by_source})
    sheet("Theo nguồn", ["Nguồn", *header[1:]], _matrix(summary.by_source, sources))
    months = sorted({m for m, _ in summary.by_month})
    sheet("Theo tháng", ["Tháng", *header[1:]], _matrix(summary.by_month, months))
    sheet("Vụ việc nổi bật", ["Mã", "Ngày", "Nhóm", "Kết luận", "Nguồn", "Số bản sao", "Người dân phản ánh",
                              "Điểm", "Dòng đầu", "Đường dẫn"], [list(r) for r in summary.notable])
    fmt = "%d/%m/%Y"
    notes: list[list[Any]] = [["Kỳ báo cáo", f"{summary.since.astimezone(VN_TZ).strftime(fmt)} – "
                            f"{summary.until.astimezone(VN_TZ).strftime(fmt)} (không gồm ngày cuối)"],
             ["Tổng số mục gắn cờ", summary.total],
             ["Lập lúc", datetime.now(VN_TZ).strftime("%d/%m/%Y %H:%M")],
             ["Ghi chú", "Công cụ chỉ gắn cờ; mọi kết luận do cán bộ kiểm duyệt đưa ra. "
                         "Quyết định đã hoàn tác không được tính; nhóm là nhóm đã được cán bộ xác nhận nếu có."]]
    sheet("Ghi chú", ["Mục", "Nội dung"], notes)
    wb.save(path)
