"""Exports for people: Vietnamese column headers and local times, the way ward officers read a sheet in Excel.

An export has two readers. Other tools read the machine format — English column names and ISO 8601 UTC times —
and CSV and JSONL keep it unless asked (`--headers vi`, CSV only). Officers open XLSX in Excel, so XLSX gets the
Vietnamese headers by default (`--headers en` gives the machine format): each column named in Vietnamese, and
every time in the office's time zone (`[digest] timezone`) — in XLSX a real date cell shown dd/mm/yyyy hh:mm
(Excel sorts and filters it as a date), in CSV the text yyyy-mm-dd HH:MM. CSV carries no format, and Excel reads a
date in CSV by the computer's regional settings: "03/12/2026" is 3 December on a Vietnamese Windows and 12 March
on an en-US one (and "13/12/2026" stays text there), while "2026-12-03 03:34" is read as the same date cell by
every Excel, then shown in that computer's own date format. The time columns' headers name the zone.
Verdicts, categories, statuses, item kinds, audit actions and yes/no columns are written by their Vietnamese names,
and an audit row's details as lines in Vietnamese (`review.export_values`). The officers' shape also says who
decided an item and why (`OFFICER_COLUMNS`: the standing decision's moderator and note, which the machine format
of `items` does not have). `read_export` maps the headers and those names back to the column names and codes; the
times it reads are local, to the minute (re-import the machine format for exact values).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

from review.errors import UsageError
from review.export_values import vi_values

if TYPE_CHECKING:
    from review.export import Export

HEADER_MODES: Final = ("vi", "en")

#: The Vietnamese header of each export column (`review.export`); unique within each kind.
HEADERS_VI: Final[dict[str, str]] = {
    "decision_id": "Mã quyết định",
    "entry_id": "Mã mục",
    "item_id": "Mã tin",
    "url": "Địa chỉ",
    "canonical_url": "Địa chỉ chuẩn",
    "source": "Nguồn",
    "moderator": "Cán bộ duyệt",
    "verdict": "Quyết định",
    "category": "Nhóm theo quyết định",
    "verdict_category": "Nhóm theo quyết định",
    "note": "Ghi chú của cán bộ",
    "decided_at": "Thời điểm quyết định",
    "bulk": "Quyết định hàng loạt",
    "undone": "Đã hoàn tác",
    "undone_at": "Thời điểm hoàn tác",
    "undone_by": "Người hoàn tác",
    "undo_reason": "Lý do hoàn tác",
    "top_category": "Nhóm điểm cao nhất",
    "top_score": "Điểm cao nhất",
    "kind": "Loại tin",
    "title": "Tiêu đề",
    "text": "Nội dung",
    "author": "Tác giả",
    "published_at": "Thời điểm đăng",
    "fetched_at": "Thời điểm thu thập",
    "queued_at": "Thời điểm vào hàng chờ",
    "is_report": "Do người dân phản ánh",
    "reported_url": "Liên kết người dân phản ánh",
    "status": "Trạng thái",
    "id": "Số thứ tự nhật ký",
    "at": "Thời điểm",
    "actor": "Người thực hiện",
    "action": "Thao tác",
    "details": "Chi tiết",
    "prev_hash": "Mã băm dòng trước",
    "hash": "Mã băm",
}

#: The columns holding a time (ISO 8601 UTC strings in the machine format).
TIME_COLUMNS: Final = frozenset({"decided_at", "undone_at", "published_at", "fetched_at", "queued_at", "at"})

#: How Excel shows a time cell: as officials write it (`review.cli.table.when`).
XLSX_TIME_FORMAT: Final = "dd/mm/yyyy hh:mm"
#: The text a CSV time gets: ISO 8601 to the minute, which Excel reads as a date whatever the regional settings.
TEXT_TIME_FORMAT: Final = "%Y-%m-%d %H:%M"

#: Columns only the officers' shape has, by kind, after the machine format's columns (`review.export.Export.more`).
OFFICER_COLUMNS: Final[dict[str, tuple[str, ...]]] = {"items": ("moderator", "note")}


def header_mode(asked: str | None, fmt: str) -> str:
    """The headers an export gets: `--headers`, else Vietnamese for XLSX (officers open it in Excel) and English
    for CSV and JSONL (what other tools read). JSONL is for programs only: Vietnamese keys are refused."""
    if asked is None:
        return "vi" if fmt == "xlsx" else "en"
    if asked == "vi" and fmt == "jsonl":
        raise UsageError("--headers vi dùng cho xlsx và csv; jsonl là định dạng cho máy đọc, giữ tên cột tiếng Anh "
                         "và giờ UTC (bỏ --headers, hoặc xuất --format csv --headers vi)")
    return asked


def zone_header(column: str, zone: str) -> str:
    """A column's Vietnamese header; a time's says the zone it is in ("Thời điểm quyết định (giờ Việt Nam (UTC+7))")."""
    header = HEADERS_VI.get(column, column)
    return f"{header} ({zone})" if column in TIME_COLUMNS else header


def vi_columns(columns: tuple[str, ...], zone: str) -> tuple[str, ...]:
    return tuple(zone_header(c, zone) for c in columns)


def local_times(columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]], tz: str) -> Iterator[tuple[Any, ...]]:
    """`rows` with each time cell (an ISO 8601 string) turned into a naive datetime in `tz`, to the minute: what
    an Excel date cell holds (it has no zone) and what the CSV writer prints dd/mm/yyyy HH:MM."""
    zone = ZoneInfo(tz)
    at = [i for i, c in enumerate(columns) if c in TIME_COLUMNS]
    for row in rows:
        cells = list(row)
        for i in at:
            if isinstance(cells[i], str) and cells[i]:
                t = datetime.fromisoformat(cells[i])
                cells[i] = t.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)
        yield tuple(cells)


def for_officers(export: Export, tz: str, zone: str) -> Export:
    """`export` as officers read it: Vietnamese headers and values (`review.export_values`), times in `tz`
    (`[digest] timezone`); `zone` names it in the time columns' headers ("giờ Việt Nam (UTC+7)")."""
    from review.export import Export

    columns, rows = export.columns, export.rows
    if export.more is not None:
        columns, rows = (*columns, *OFFICER_COLUMNS[export.kind]), export.more()
    rows = vi_values(columns, local_times(columns, rows, tz), tz)
    return Export(export.kind, vi_columns(columns, zone), rows, export.masked)


def columns_read(header: list[str]) -> list[str]:
    """The column names of an export's header row: a Vietnamese header (with or without its zone) is mapped back
    to its column name, for the one kind whose headers they all are; an English header stays as it is."""
    if not any(_strip_zone(h) in _BY_HEADER for h in header):
        return header
    from review.export import COLUMNS

    for kind, columns in COLUMNS.items():
        names = {HEADERS_VI[c]: c for c in (*columns, *OFFICER_COLUMNS.get(kind, ()))}
        if all(_strip_zone(h) in names for h in header):
            return [names[_strip_zone(h)] for h in header]
    return header


_BY_HEADER: Final = set(HEADERS_VI.values())


def _strip_zone(header: str) -> str:
    head, sep, _ = header.partition(" (")
    return head if sep and head in _BY_HEADER else header
