"""The yearly summary workbook (the year-end report is due before 10 December).

Sheets: Tổng hợp (flags and verdicts per category), Theo nguồn (per source), Theo tháng (per month, Vietnam time),
each ending with a "Tổng cộng" row (an entry is on one row of each, so the three totals agree), Vụ việc nổi bật
(escalations and the highest-priority confirmed violations), Ghi chú (period, area, totals, what retention deleted,
definitions: `review.yearly_notes`). Undone decisions are not counted: the entry's current verdict is.

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

An entry a re-score left below every threshold (`canhgac rescore --apply`: no flag any more) was a flag when it
entered the queue, and these sheets count entries by the day they were flagged: it still counts once as flagged,
on the row of the category it was last flagged for (`review.below_threshold`, from the score rows the re-score
keeps; while undecided: the first), never as an unflagged report, whether or not a citizen also reported it (a reported one stays a citizen
report on the report columns and in Ghi chú). Ghi chú says how many such entries the flagged total holds. A flag
is never lost to a re-score. An UNDECIDED entry counts on the row of the category it was FIRST flagged for (the top
flag of the earliest score of its page that flagged anything, `review.yearly_rows.first_flagged_categories`; the
score rows are kept), not its current top flag: a re-score (`canhgac rescore`, or a crawl's) that changes its top
category does not move it from row to row between two drafts of the report; a decision fixes the row (the category
it confirmed). Except across the line between tôn vinh and the harm categories (`undecided_categories`): first
flagged `positive` and carrying a harm flag since, it counts under its highest harm flag, a possible violation inside
the harm subtotal; first flagged for a harm and flagged only `positive` since, on the tôn vinh row. An entry no
stored score flagged (none kept) counts under its top category.

Tổng hợp and Xử lý trong kỳ put the harm categories (all but `positive`, tôn vinh) under a "Vi phạm Bộ Quy tắc ứng
xử" subtotal row (`review.yearly_rows.with_harm_subtotal`), not counted again in "Tổng cộng"; the subtotal is bold
and the rows it sums are indented and grouped under it (outline level 1), so it reads as a sum, not a category (a
whole column summed by hand must leave it out: Ghi chú says so). The verdict `warn` ("đã cảnh báo": a violation
confirmed and a warning issued) has its own column beside "vi phạm"; Vụ việc nổi bật lists it as it does a violation.

Those sheets go by the day an entry was flagged; Xử lý trong kỳ (what was handled: decided in the period, whenever
flagged) and Nội dung được tôn vinh (the content commended, with its author) go by the day of the decision
(`review.yearly_decisions`). Ghi chú opens with what the regular review covered (`review.yearly_coverage`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import exists, select

from classifier.categories import CATEGORIES, VI_LABELS
from review.below_threshold import fallen_category, last_flagged_categories
from review.export import sheet_safe, text_cells
from review.models import HARM_VERDICTS, VERDICTS, Cluster, Item, ReviewEntry, ReviewFlag
from review.stats import citizen_reports, reported_entry_ids
from review.store import Store
from review.vi import VERDICT_VI, VN_TZ
from review.yearly_cases import REPORTED_HEAD, report_cells
from review.yearly_coverage import Coverage, coverage_in
from review.yearly_decisions import (
    COMMENDED_HEAD,
    COMMENDED_SHEET,
    HANDLED_SHEET,
    NO_SOURCE_VI,
    Handled,
    decision_notes,
    entry_pages,
    handled_in,
    handled_rows,
    total_row,
)
from review.yearly_notes import FLAGGED_VI, UNASSIGNED_VI, UNFLAGGED_VI, print_heading, summary_notes
from review.yearly_retention import retention_cut
from review.yearly_rows import (
    HARM_GROUP_VI,
    HARM_LABELS,
    MONTHS_FILLED_MAX,
    count_rows,
    period_months,
    row_keys,
    undecided_categories,
    with_harm_subtotal,
)

__all__ = ["MONTHS_FILLED_MAX", "NOTABLE_MAX", "UNASSIGNED", "Summary", "period_months", "row_category", "summarize",
           "write_summary"]

NOTABLE_MAX = 100
UNASSIGNED = ""  # the category of an unflagged report no decision has given one yet


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
    below_threshold: int = 0  # flagged entries (in `total`) below every threshold since a re-score
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
    retention_cut: datetime | None = None  # retention deleted unflagged pages and crawl runs before this instant
    retention_days: int | None = None  # `[review] retention_days`, to name in Ghi chú (None: not known here)
    locality: str = ""  # `[review] locality`: the office's province/ward, named on every printed sheet
    office: str = ""  # `[review] office`: the reporting office, named on every printed sheet instead of the area

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


def _outcomes(s: Any, entry_ids: set[int], categories: dict[int, str]) -> dict[int, tuple[str, str]]:
    """The row (as in Tổng hợp; `categories`: those already placed) and verdict of each entry reports joined."""
    e = ReviewEntry
    rows = s.execute(select(e.id, e.top_category, e.verdict_category, e.verdict, _has_flag(), e.is_report)
                     .where(e.id.in_(list(entry_ids)))).all()
    was = last_flagged_categories(s, [r[0] for r in rows if not r[4] and r[0] not in categories])
    first = undecided_categories(s, [r[0] for r in rows if r[3] is None and r[0] not in categories])
    return {eid: (categories.get(eid) or first.get(eid) or (fallen_category(verdict, vcat, was[eid]) if eid in was
                                                            else row_category(bool(has_flag), top, vcat)),
                  verdict or "")
            for eid, top, vcat, verdict, has_flag, _ in rows}


def summarize(store: Store, since: datetime, until: datetime, *, year: int | None = None,
              retention_days: int | None = None, locality: str = "", office: str = "") -> Summary:
    out = Summary(since, until, year, retention_days=retention_days, locality=locality, office=office)
    e = ReviewEntry
    q = (select(e.id, e.top_category, e.verdict, e.verdict_category, e.source_name, e.created_at, e.priority,
                e.top_score, Cluster.size, Item.cluster_id, _has_flag(), e.is_report)
         .join(Item, Item.id == e.item_id).outerjoin(Cluster, Cluster.id == Item.cluster_id)
         .where(e.created_at >= since, e.created_at < until))
    candidates: list[tuple[Any, ...]] = []
    categories: dict[int, str] = {}
    flagged: set[int] = set()
    stories: set[tuple[str, int]] = set()

    def count(eid: int, cat: str, has_flag: bool, verdict: str | None, source: str | None, created: datetime,
              priority: float, score: float, size: int | None, cluster: int | None) -> None:
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
        if verdict in HARM_VERDICTS:
            rank = (verdict == "escalate", priority)
            candidates.append((rank, story, eid, created.astimezone(VN_TZ).strftime("%d/%m/%Y"), VI_LABELS.get(cat, cat),
                               VERDICT_VI.get(verdict, verdict), source or "", size or 1, round(score, 2)))

    with store.session() as s:
        # no titles nor texts here (megabytes per article, for every entry of the year): only the cases listed
        # in Vụ việc nổi bật need their first line, read by id below
        fallen: list[tuple[Any, ...]] = []  # flagged when queued, below every threshold since a re-score: few
        undecided: list[tuple[Any, ...]] = []  # flagged, no decision yet: on the row of the first flag
        for (eid, top, verdict, vcat, source, created, priority, score,
             size, cluster, has_flag, is_report) in s.execute(q.execution_options(yield_per=5000)):
            if not has_flag:  # a report never flagged, or a flag a re-score left below every threshold: few
                fallen.append((eid, is_report, top, verdict, vcat, source, created, priority, score, size, cluster))
                continue
            if verdict is None:
                undecided.append((eid, top, source, created, priority, score, size, cluster))
                continue
            count(eid, row_category(True, top, vcat), True, verdict, source, created, priority, score, size, cluster)
        first = undecided_categories(s, [u[0] for u in undecided]
                                         + [f[0] for f in fallen if f[3] is None])
        for eid, top, *rest in undecided:
            count(eid, first.get(eid, top), True, None, *rest)
        was = last_flagged_categories(s, [f[0] for f in fallen])
        for eid, is_report, top, verdict, vcat, *rest in fallen:
            if eid in was or not is_report:  # still a flag, on the row of the category it was flagged for
                out.below_threshold += 1
                cat = first.get(eid) or fallen_category(verdict, vcat, was.get(eid, top))
                count(eid, cat, True, verdict, *rest)
            else:  # a citizen report no score ever flagged
                count(eid, row_category(False, top, vcat), False, verdict, *rest)
        reported = reported_entry_ids(s, categories)
        for eid in reported:
            out.reported_by_category[categories[eid]] += 1
            out.reported_flagged += eid in flagged
        received = citizen_reports(s, since, until)
        outcome = _outcomes(s, {r.entry_id for r in received}, categories) if received else {}
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
        out.retention_cut = retention_cut(s)
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
        # as `show` tells them apart: pasted or fetched; only the reports received in the period
        reports = report_cells(s, [n[0] for n in out.notable if n[6]] + [c[0] for c in out.handled.commended],
                               until)
    out.notable = [(*n[:6], reports.get(n[0], ""), *n[7:], *pages.get(n[0], ("", "", ""))[1:],
                    notes.get(n[0], "")) for n in out.notable]
    out.handled.commended = [(*c, reports.get(c[0], "")) for c in out.handled.commended]
    return out


def write_summary(summary: Summary, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    header = ["", FLAGGED_VI, UNFLAGGED_VI, *[VERDICT_VI[v] for v in VERDICTS], "Chưa quyết định"]
    bold = Font(bold=True)
    indented = Alignment(indent=1)
    heading = print_heading(summary)

    def sheet(title: str, head: list[str], rows: list[list[Any]], first: bool = False, total: bool = False) -> None:
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        ws.title = title
        ws.append(head)
        for cell in ws[1]:
            cell.font = bold
        for r in rows:  # titles, sources and URLs are crawled: never formulas, nor control characters XML cannot hold
            ws.append(text_cells(ws, [sheet_safe(v) for v in r]))  # "#N/A" a text, not an error
        for cell in ws[ws.max_row] if total else ():  # the "Tổng cộng" row
            cell.font = bold
        for row in ws.iter_rows(min_row=2):  # the "Vi phạm Bộ Quy tắc ứng xử" subtotal: bold, its rows indented
            if row[0].value == HARM_GROUP_VI:
                for cell in row:
                    cell.font = bold
            elif row[0].value in HARM_LABELS and any(r[0] == HARM_GROUP_VI for r in rows):
                row[0].alignment = indented  # and grouped under it (Excel's outline, summary row above)
                ws.row_dimensions[row[0].row].outline_level = 1
        ws.sheet_properties.outlinePr.summaryBelow = False
        ws.column_dimensions["A"].width = 38
        ws.oddHeader.center.text = heading  # printed atop each page: a sheet printed alone still says what it is
        ws.print_title_rows = "1:1"

    reported_head, received_head = "Mục có người dân phản ánh", "Phản ánh của người dân nhận được"
    # every category has its line, zeros included: a missing line reads as "not reported", not as none
    cats = sorted(set(CATEGORIES) | row_keys(summary.by_category, summary.unflagged_by_category)
                  | set(summary.reports_by_category),
                  key=lambda c: CATEGORIES.index(c) if c in CATEGORIES else len(CATEGORIES) + (c == UNASSIGNED))
    cat_rows = [[UNASSIGNED_VI if r[0] == UNASSIGNED else VI_LABELS.get(r[0], r[0]), *r[1:]]
                for r in count_rows(summary.by_category, summary.unflagged_by_category, cats,
                                 summary.reported_by_category, summary.reports_by_category)]
    sheet("Tổng hợp", ["Nhóm nội dung", *header[1:], reported_head, received_head],
          [*with_harm_subtotal(cat_rows), total_row(cat_rows)], first=True, total=True)
    sources = sorted(row_keys(summary.by_source, summary.unflagged_by_source))
    source_rows = count_rows(summary.by_source, summary.unflagged_by_source, sources)
    sheet("Theo nguồn", ["Nguồn", *header[1:]], [*source_rows, total_row(source_rows, len(header))], total=True)
    months = sorted(row_keys(summary.by_month, summary.unflagged_by_month) | set(summary.reports_by_month)
                    | period_months(summary))
    month_rows = count_rows(summary.by_month, summary.unflagged_by_month, months, summary.reports_by_month)
    month_rows = [[f"{r[0][5:]}/{r[0][:4]}", *r[1:]] for r in month_rows]  # "12/2026": Vietnamese, as the period
    sheet("Theo tháng", ["Tháng", *header[1:], received_head], [*month_rows, total_row(month_rows, len(header) + 1)],
          total=True)
    sheet("Vụ việc nổi bật", ["Mã", "Ngày", "Nhóm", "Kết luận", "Nguồn", "Số bản sao", REPORTED_HEAD, "Điểm",
                              "Dòng đầu", "Đường dẫn", "Ghi chú của cán bộ"],
          [list(r) for r in summary.notable])
    sheet(HANDLED_SHEET, *handled_rows(summary.handled), total=True)
    sheet(COMMENDED_SHEET, [*COMMENDED_HEAD, REPORTED_HEAD], [list(r) for r in summary.handled.commended])
    sheet("Ghi chú", ["Mục", "Nội dung"], summary_notes(summary))
    wb.save(path)
