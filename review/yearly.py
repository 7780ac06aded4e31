"""The yearly summary workbook (the year-end report is due before 10 December).

Sheets: Tổng hợp (flags and verdicts per category, and their total), Theo nguồn (per source), Theo tháng (per month,
Vietnam time), Vụ việc nổi bật (escalations and the highest-priority confirmed violations), Ghi chú
(period, totals and definitions). Undone decisions are not counted: the entry's current verdict is.

Citizen reports (the year-end report is about the citizens' report channels) are counted as they were
received in the period (`review.stats.citizen_reports`): reports that opened an entry plus reports that
joined an existing one, whenever that entry was flagged. Received, not filed: a report that waited for the
model (stored unscored, queued by a later crawl) counts in the period it was received, though its entry (or
its joining one) dates from when it was queued. Tổng hợp has, per category, the entries
flagged in the period that any citizen reported and the reports received; Theo tháng the reports
received per month; Ghi chú the total, split into opened/joined and by the entry's current outcome.
A report counts under its entry's category and verdict (the confirmed category when there is one).

Flags and unflagged reports. "Tổng số gắn cờ" counts only entries the model flagged (a `ReviewFlag`: a score
over its category's threshold). A citizen report opens an entry even when it is over no threshold (a report
"thử" scored misinformation 0.15): that is not a flag and is never counted as one. Such entries are counted
in their own column, "Phản ánh không gắn cờ": on the row "Phản ánh chưa xác định nhóm" (`UNASSIGNED`) while
undecided, and on the row of the category a moderator's decision recorded once decided. In every row of
Tổng hợp, Theo nguồn and Theo tháng: flagged + unflagged = the verdict columns + undecided.

Those sheets go by the day an entry was flagged; Xử lý trong kỳ (what was handled: decided in the period, whenever
flagged) and Nội dung được tôn vinh (the content commended, with its author) go by the day of the decision
(`review.yearly_decisions`). Ghi chú opens with what the regular review covered (`review.yearly_coverage`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import exists, select

from classifier.categories import CATEGORIES, VI_LABELS
from review.export import sheet_safe, xlsx_cell
from review.models import VERDICTS, Cluster, Item, ReviewEntry, ReviewFlag
from review.stats import citizen_reports, reported_entry_ids
from review.store import Store
from review.vi import VERDICT_VI, VN_TZ
from review.yearly_coverage import Coverage, coverage_in, coverage_notes
from review.yearly_decisions import (
    COMMENDED_HEAD,
    COMMENDED_SHEET,
    HANDLED_SHEET,
    NO_SOURCE_VI,
    Handled,
    decision_notes,
    entry_pages,
    handled_in,
    handled_notes,
    handled_rows,
    total_note,
    total_row,
)
from review.yearly_period import period_text, report_title

NOTABLE_MAX = 100
UNASSIGNED = ""  # the category of an unflagged report no decision has given one yet
UNASSIGNED_VI = "Phản ánh chưa xác định nhóm"
FLAGGED_VI, UNFLAGGED_VI = "Tổng số gắn cờ", "Phản ánh không gắn cờ"


@dataclass
class Summary:
    since: datetime
    until: datetime
    year: int | None = None  # the calendar year reported on ("năm Y"); None: a period of the user's choosing
    # flagged entries (a score over a threshold): (category, verdict|""), (source, verdict|""), (YYYY-MM, verdict|"")
    by_category: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_source: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_month: Counter[tuple[str, str]] = field(default_factory=Counter)
    # entries a citizen report opened with no flag; category: the decision's, or UNASSIGNED while undecided
    unflagged_by_category: Counter[tuple[str, str]] = field(default_factory=Counter)
    unflagged_by_source: Counter[tuple[str, str]] = field(default_factory=Counter)
    unflagged_by_month: Counter[tuple[str, str]] = field(default_factory=Counter)
    notable: list[tuple[Any, ...]] = field(default_factory=list)
    total: int = 0  # flagged entries
    stories: int = 0  # distinct stories among them: copies of a story and a page's revisions share a cluster
    unflagged: int = 0  # unflagged report entries
    reported_flagged: int = 0  # flagged entries a citizen reported
    reported_by_category: Counter[str] = field(default_factory=Counter)  # entries (of the row) a citizen reported
    reports_by_category: Counter[str] = field(default_factory=Counter)  # citizen reports received in the period
    reports_by_month: Counter[str] = field(default_factory=Counter)  # YYYY-MM (Vietnam time) received
    reports_by_verdict: Counter[str] = field(default_factory=Counter)  # the entry's current verdict|""
    reports_opened: int = 0  # reports that opened an entry
    reports_joined: int = 0  # reports that joined an existing entry
    coverage: Coverage = Coverage(0, 0, 0)  # what the regular review collected (review.yearly_coverage)
    handled: Handled = field(default_factory=Handled)  # decisions made in the period (review.yearly_decisions)
    counted_at: datetime = field(default_factory=lambda: datetime.now(UTC))  # the data is as of this instant

    @property
    def reports(self) -> int:
        """Citizen reports received in the period."""
        return self.reports_opened + self.reports_joined


def _has_flag() -> Any:
    """True for an entry the model flagged for at least one category (portable EXISTS)."""
    return exists().where(ReviewFlag.entry_id == ReviewEntry.id).label("has_flag")


def row_category(has_flag: bool, top: str, verdict_category: str | None) -> str:
    """The Tổng hợp row an entry counts in: the decision's category, else the top flag; an unflagged report
    without a decision has no category yet (its top score passed no threshold): UNASSIGNED."""
    return verdict_category or (top if has_flag else UNASSIGNED)


def summarize(store: Store, since: datetime, until: datetime, *, year: int | None = None) -> Summary:
    out = Summary(since, until, year)
    e = ReviewEntry
    q = (select(e.id, e.top_category, e.verdict, e.verdict_category, e.source_name, e.created_at, e.priority,
                e.top_score, Cluster.size, Item.cluster_id, _has_flag())
         .join(Item, Item.id == e.item_id).outerjoin(Cluster, Cluster.id == Item.cluster_id)
         .where(e.created_at >= since, e.created_at < until))
    candidates: list[tuple[Any, ...]] = []
    categories: dict[int, str] = {}
    flagged: set[int] = set()
    stories: set[tuple[str, int]] = set()
    with store.session() as s:
        # no titles nor texts here (megabytes per article, for every entry of the year): only the cases listed
        # in Vụ việc nổi bật need their first line, read by id below
        for (eid, top, verdict, vcat, source, created, priority, score,
             size, cluster, has_flag) in s.execute(q.execution_options(yield_per=5000)):
            cat = row_category(bool(has_flag), top, vcat)
            categories[eid] = cat
            v = verdict or ""
            month = created.astimezone(VN_TZ).strftime("%Y-%m")
            source_key = source or NO_SOURCE_VI
            story = ("cluster", cluster) if cluster is not None else ("entry", eid)
            if has_flag:
                flagged.add(eid)
                stories.add(story)
                out.total += 1
                out.by_category[(cat, v)] += 1
                out.by_source[(source_key, v)] += 1
                out.by_month[(month, v)] += 1
            else:
                out.unflagged += 1
                out.unflagged_by_category[(cat, v)] += 1
                out.unflagged_by_source[(source_key, v)] += 1
                out.unflagged_by_month[(month, v)] += 1
            if verdict in ("escalate", "violation"):
                rank = (verdict == "escalate", priority)
                candidates.append((rank, story, eid, created.astimezone(VN_TZ).strftime("%d/%m/%Y"), VI_LABELS.get(cat, cat),
                                   VERDICT_VI.get(verdict, verdict), source or "", size or 1, round(score, 2)))
        reported = reported_entry_ids(s, categories)
        for eid in reported:
            out.reported_by_category[categories[eid]] += 1
            out.reported_flagged += eid in flagged
        received = citizen_reports(s, since, until)
        outcome = {eid: (row_category(bool(has_flag), top, vcat), verdict or "")
                   for eid, top, vcat, verdict, has_flag in s.execute(
                       select(e.id, e.top_category, e.verdict_category, e.verdict, _has_flag())
                       .where(e.id.in_(list({r.entry_id for r in received}))))} if received else {}
        for r in received:
            cat, v = outcome.get(r.entry_id, (UNASSIGNED, ""))
            out.reports_by_category[cat] += 1
            out.reports_by_verdict[v] += 1
            out.reports_by_month[r.at.astimezone(VN_TZ).strftime("%Y-%m")] += 1
            if r.opened:
                out.reports_opened += 1
            else:
                out.reports_joined += 1
        out.handled = handled_in(s, since, until)
        out.coverage = coverage_in(s, since, until)
    out.stories = len(stories)
    candidates.sort(key=lambda c: c[0], reverse=True)
    listed: set[tuple[str, int]] = set()
    for c in candidates:  # a story once, by its highest-ranked copy (its copies are in "Số bản sao")
        if c[1] not in listed and len(out.notable) < NOTABLE_MAX:
            listed.add(c[1])
            out.notable.append((*c[2:8], "có" if c[2] in reported else "", *c[8:]))
    with store.session() as s:
        ids = [n[0] for n in out.notable]
        notes = decision_notes(s, ids)  # whom an escalation went to, what was done
        pages = entry_pages(s, ids)
    out.notable = [(*n, *pages.get(n[0], ("", "", ""))[1:], notes.get(n[0], "")) for n in out.notable]
    return out


def _matrix(flagged: Counter[tuple[str, str]], unflagged: Counter[tuple[str, str]], keys: list[str],
            *extra: Counter[str]) -> list[list[Any]]:
    """A row per key: flagged entries, unflagged report entries, one column per verdict and undecided (both
    kinds of entry), then each of `extra` for the key."""
    rows = []
    for k in keys:
        counts = [flagged[(k, v)] + unflagged[(k, v)] for v in VERDICTS]
        open_ = flagged[(k, "")] + unflagged[(k, "")]
        n_flagged = sum(n for (key, _), n in flagged.items() if key == k)
        n_unflagged = sum(n for (key, _), n in unflagged.items() if key == k)
        rows.append([k, n_flagged, n_unflagged, *counts, open_, *(x[k] for x in extra)])
    return rows


def _keys(*counters: Counter[tuple[str, str]]) -> set[str]:
    return {k for c in counters for k, _ in c}


MONTHS_FILLED_MAX = 24  # a longer period (--since 2000) lists only the months with something in them


def period_months(summary: Summary) -> set[str]:
    """Every month (YYYY-MM, Vietnam time) of the period up to when the data was counted, so a month with
    nothing in it shows zeros rather than a gap; months still to come are not shown (not yet zero)."""
    first = summary.since.astimezone(VN_TZ)
    last = (min(summary.until, summary.counted_at) - timedelta(microseconds=1)).astimezone(VN_TZ)
    if last < first or (last.year - first.year) * 12 + last.month - first.month >= MONTHS_FILLED_MAX:
        return set()
    out, y, m = set(), first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.add(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def as_of_note(summary: Summary) -> list[list[Any]]:
    """A report made before its period ends (the year's report is due before 10 December) holds the data up to
    the moment it was made, not to the period's last day: say so next to the period."""
    if summary.counted_at >= summary.until:
        return []
    at = summary.counted_at.astimezone(VN_TZ).strftime("%H:%M ngày %d/%m/%Y")
    return [["Số liệu tính đến", f"{at} (kỳ báo cáo chưa kết thúc: số liệu từ sau thời điểm này chưa được tính)"]]


def write_summary(summary: Summary, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    header = ["", FLAGGED_VI, UNFLAGGED_VI, *[VERDICT_VI[v] for v in VERDICTS], "Chưa quyết định"]
    bold = Font(bold=True)

    def sheet(title: str, head: list[str], rows: list[list[Any]], first: bool = False, total: bool = False) -> None:
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        ws.title = title
        ws.append(head)
        for cell in ws[1]:
            cell.font = bold
        for r in rows:  # titles, sources and URLs are crawled: never formulas, nor control characters XML cannot hold
            ws.append([xlsx_cell(sheet_safe(v)) for v in r])
        for cell in ws[ws.max_row] if total else ():  # the "Tổng cộng" row
            cell.font = bold
        ws.column_dimensions["A"].width = 38

    reported_head, received_head = "Mục có người dân phản ánh", "Phản ánh của người dân nhận được"
    # every category has its line, zeros included: a missing line reads as "not reported", not as none
    cats = sorted(set(CATEGORIES) | _keys(summary.by_category, summary.unflagged_by_category)
                  | set(summary.reports_by_category),
                  key=lambda c: CATEGORIES.index(c) if c in CATEGORIES else len(CATEGORIES) + (c == UNASSIGNED))
    cat_rows = [[UNASSIGNED_VI if r[0] == UNASSIGNED else VI_LABELS.get(r[0], r[0]), *r[1:]]
                for r in _matrix(summary.by_category, summary.unflagged_by_category, cats,
                                 summary.reported_by_category, summary.reports_by_category)]
    sheet("Tổng hợp", ["Nhóm nội dung", *header[1:], reported_head, received_head], [*cat_rows, total_row(cat_rows)],
          first=True, total=True)
    sources = sorted(_keys(summary.by_source, summary.unflagged_by_source))
    sheet("Theo nguồn", ["Nguồn", *header[1:]], _matrix(summary.by_source, summary.unflagged_by_source, sources))
    months = sorted(_keys(summary.by_month, summary.unflagged_by_month) | set(summary.reports_by_month)
                    | period_months(summary))
    month_rows = _matrix(summary.by_month, summary.unflagged_by_month, months, summary.reports_by_month)
    sheet("Theo tháng", ["Tháng", *header[1:], received_head],  # "12/2026": Vietnamese order, as the period
          [[f"{r[0][5:]}/{r[0][:4]}", *r[1:]] for r in month_rows])
    sheet("Vụ việc nổi bật", ["Mã", "Ngày", "Nhóm", "Kết luận", "Nguồn", "Số bản sao", "Người dân phản ánh",
                              "Điểm", "Dòng đầu", "Đường dẫn", "Ghi chú của cán bộ"], [list(r) for r in summary.notable])
    sheet(HANDLED_SHEET, *handled_rows(summary.handled), total=True)
    sheet(COMMENDED_SHEET, COMMENDED_HEAD, [list(r) for r in summary.handled.commended])
    by_outcome = "; ".join(f"{VERDICT_VI[v]}: {summary.reports_by_verdict[v]}" for v in VERDICTS)
    notes: list[list[Any]] = [
        ["Báo cáo", report_title(summary.year, summary.since, summary.until)],
        ["Kỳ báo cáo", period_text(summary.since, summary.until)],
        *as_of_note(summary),
        *coverage_notes(summary.coverage),
        ["Tổng số mục gắn cờ", summary.total],
        ["Trong đó: số tin khác nhau (gộp bản sao, bài sửa lại)", summary.stories],
        ["Số mục từ phản ánh không gắn cờ (dưới mọi ngưỡng)", summary.unflagged],
        ["Tổng số phản ánh của người dân nhận được", summary.reports],
        ["Trong đó: phản ánh tạo mục mới", summary.reports_opened],
        ["Trong đó: phản ánh bổ sung vào mục đã có", summary.reports_joined],
        ["Phản ánh theo kết luận hiện tại của mục", f"{by_outcome}; chưa quyết định: {summary.reports_by_verdict['']}"],
        ["Số mục gắn cờ có người dân phản ánh", summary.reported_flagged],
        *handled_notes(summary.handled),
        ["Lập lúc", datetime.now(VN_TZ).strftime("%d/%m/%Y %H:%M")],
        ["Ghi chú", "Công cụ chỉ gắn cờ; mọi kết luận do cán bộ kiểm duyệt đưa ra. "
                    "Quyết định đã hoàn tác không được tính; nhóm là nhóm đã được cán bộ xác nhận nếu có."],
        ["Cách đếm gắn cờ", f"«{FLAGGED_VI}» chỉ gồm các mục có điểm vượt ngưỡng của ít nhất một nhóm. Phản ánh của "
                            "người dân luôn vào hàng chờ, kể cả khi không vượt ngưỡng nào: các mục đó không phải là "
                            f"gắn cờ, được đếm riêng ở cột «{UNFLAGGED_VI}», ở dòng «{UNASSIGNED_VI}» khi chưa có "
                            "quyết định và ở dòng nhóm mà cán bộ đã quyết định khi đã có quyết định. Ở mỗi dòng: gắn "
                            "cờ + phản ánh không gắn cờ = tổng các cột kết luận + chưa quyết định."],
        total_note(UNASSIGNED_VI),
        ["Cách đếm phản ánh", "Mỗi phản ánh nhận được trong kỳ được đếm một lần, gồm phản ánh tạo mục mới và phản "
                              "ánh trùng nội dung một mục đã có (kể cả mục đã quyết định); phản ánh gửi lại y hệt "
                              "không đếm lại. Phản ánh được tính theo nhóm và kết luận của mục mà nó thuộc về, dù mục "
                              "đó được gắn cờ hay không (mục tạo từ phản ánh dưới mọi ngưỡng: dòng "
                              f"«{UNASSIGNED_VI}» khi chưa có quyết định), kể cả mục vào hàng chờ trước kỳ báo cáo. "
                              "Phản ánh được tính theo ngày nhận, kể cả phản ánh phải chờ chấm điểm (chưa tải được mô "
                              "hình) và được đưa vào hàng chờ sau đó."]]
    sheet("Ghi chú", ["Mục", "Nội dung"], notes)
    wb.save(path)
