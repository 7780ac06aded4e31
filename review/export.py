"""Exports for sharing between agencies: decisions, flagged items, the audit log — CSV, JSONL or XLSX.

Rows are streamed from the database in id order (keyset batches), so a year of data never sits in memory; an XLSX
sheet's rows are written as openpyxl's write-only mode writes them (`write_xlsx`). CSV is UTF-8 with a byte order
mark (to a file and to stdout alike), so Excel reads Vietnamese correctly. In the machine format — CSV and JSONL
unless asked otherwise — columns have English names and times are ISO 8601 UTC strings, so a file re-imports to the
same values (`read_export`); XLSX is for officers by default, with Vietnamese headers, verdicts, categories,
statuses, item kinds, audit actions and details, yes/no, and local times, and for items who decided and why
(`review.export_headers.for_officers`). Text cells that a spreadsheet would run as a formula (leading = + - @, tab
or CR) get a leading apostrophe in CSV, undone on read; XLSX writes every text as a string-typed cell, which is
never a formula, so it is stored and shown as written (an XLSX written before kept the apostrophe, and reads back
with it).
XLSX cannot hold everything CSV and JSONL do: control characters XML cannot carry become U+FFFD, and a text
longer than an Excel cell's 32767 characters is cut, marked in the cell (`xlsx_cell`).
Items are the *flagged* ones (those with a review entry), selected by when they entered the queue, with the links
citizens reported (`reported_url`); decisions by when they were made, only those that stand unless undone ones are
asked for (`include_undone`: an `undone` column tells them apart); audit rows by their time. Items and decisions
may be narrowed to categories, statuses or verdicts (`review.export_filter`).
The audit log records who reported what (`reporter`: a citizen's name, phone or e-mail); an export leaves the
office, so that value is masked unless asked for (`include_reporters`). A masked row no longer matches its
hash — the chain is verified where it lives (`canhgac audit verify`), not from an export.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from review.errors import UsageError
from review.export_filter import EVERYTHING, ExportFilter
from review.export_headers import TEXT_TIME_FORMAT, XLSX_TIME_FORMAT, columns_read
from review.export_links import reported_links
from review.export_values import values_read
from review.filters import SelectT
from review.models import AuditLog, Decision, Item, ReviewEntry, Source
from review.store import Store

KINDS = ("decisions", "items", "audit")
_UNDO = ("undone", "undone_at", "undone_by", "undo_reason")
#: Each kind's columns, in order (decisions: the undo columns only with `include_undone`).
COLUMNS: dict[str, tuple[str, ...]] = {
    "decisions": ("decision_id", "entry_id", "item_id", "url", "source", "moderator", "verdict", "category", "note",
                  "decided_at", "bulk", *_UNDO, "top_category", "top_score"),
    "items": ("entry_id", "item_id", "url", "canonical_url", "source", "kind", "title", "text", "author",
              "published_at", "fetched_at", "queued_at", "top_category", "top_score", "is_report", "reported_url",
              "status", "verdict", "verdict_category", "decided_at"),
    "audit": ("id", "at", "actor", "action", "entry_id", "details", "prev_hash", "hash"),
}
FORMATS = ("csv", "jsonl", "xlsx")
BATCH = 2000
#: CSV starts with a UTF-8 byte order mark: without it Excel on Windows reads the file as the ANSI code page
#: and garbles Vietnamese. Readers that know UTF-8 skip it (`utf-8-sig`).
BOM = "\ufeff"


#: What a masked reporter reads in an exported audit row.
REPORTER_MASK = "(đã ẩn khi xuất)"


@dataclass(frozen=True)
class Export:
    kind: str
    columns: tuple[str, ...]
    rows: Iterator[tuple[Any, ...]]
    #: how many rows had a citizen's details masked so far (filled while `rows` is consumed)
    masked: list[int] = field(default_factory=lambda: [0])
    #: the officers' shape only: the rows with the cells of `review.export_headers.OFFICER_COLUMNS` added, read
    #: instead of `rows` (in the same query, so they agree)
    more: Callable[[], Iterator[tuple[Any, ...]]] | None = None


#: The values `_cell` writes otherwise.
_CHANGED = (datetime, dict, list)


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


class _InterruptedClose(logging.Filter):
    """Drops SQLAlchemy's "Error closing cursor" (and its traceback) when the close failed because Ctrl-C stopped a
    fetch: SQLAlchemy drops the connection a KeyboardInterrupt interrupted, then closes the result's cursor on it
    ("Cannot operate on a closed database"), and logs that above the CLI's one line "đã dừng (Ctrl-C)". Any other
    failure to close a cursor is still logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (record.msg == "Error closing cursor" and exc is not None
                    and isinstance(exc.__context__, KeyboardInterrupt))


def quiet_interrupted_close(store: Store) -> None:
    """`_InterruptedClose` on the logger of `store`'s connection pool (where SQLAlchemy logs it), once."""
    pool_logger: Any = store.engine.pool.logger
    logger: logging.Logger = getattr(pool_logger, "logger", pool_logger)  # an InstanceLogger (echo_pool) wraps it
    if not any(isinstance(f, _InterruptedClose) for f in logger.filters):
        logger.addFilter(_InterruptedClose())


def _batched(store: Store, build: Callable[[int], Any],
             finish: Callable[[Session, list[Any]], list[tuple[Any, ...]]] | None = None) -> Iterator[tuple[Any, ...]]:
    """Run `build(last_id)` repeatedly; the first column of each row is the id to continue after. `finish` makes a
    batch's rows what is written, in the batch's session (to read what the rows' query cannot join). Ctrl-C while
    rows are fetched leaves the CLI's one line, no SQLAlchemy traceback (`quiet_interrupted_close`)."""
    quiet_interrupted_close(store)
    last = 0
    while True:
        with store.session() as s:
            rows = s.execute(build(last).limit(BATCH)).all()
            if not rows:
                return
            last = rows[-1][0]
            out = finish(s, list(rows)) if finish is not None else rows
        for r in out:  # `_cell` only for what it changes: a call per value was a tenth of an export's time
            yield tuple([_cell(v) if isinstance(v, _CHANGED) else v for v in r])


def _window(q: SelectT, col: Any, since: datetime | None, until: datetime | None) -> SelectT:
    if since is not None:
        q = q.where(col >= since)
    if until is not None:
        q = q.where(col < until)
    return q


def decisions(store: Store, since: datetime | None, until: datetime | None, *, include_undone: bool = False,
              only: ExportFilter = EVERYTHING) -> Export:
    """The decisions that stand; with `include_undone` the undone ones too, told apart by the `undone` column;
    `only` those of its categories and verdicts."""
    d, e = Decision, ReviewEntry
    cols = tuple(c for c in COLUMNS["decisions"] if include_undone or c not in _UNDO)
    undo = (d.undone_at, d.undone_by, d.undo_reason) if include_undone else ()

    def build(last: int) -> Any:
        q = (select(d.id, d.entry_id, e.item_id, Item.url, e.source_name, d.moderator, d.verdict, d.category,
                    d.note, d.created_at, d.bulk, *undo, e.top_category, e.top_score)
             .join(e, e.id == d.entry_id).join(Item, Item.id == e.item_id).where(d.id > last))
        if not include_undone:
            q = q.where(d.undone_at.is_(None))
        q = only.decisions(q)
        return _window(q, d.created_at, since, until).order_by(d.id)

    def marked(s: Session, rows: list[Any]) -> list[tuple[Any, ...]]:  # `undone`: true/false in every backend
        return [(*r[:11], r[11] is not None, *r[11:]) for r in rows]

    return Export("decisions", cols, _batched(store, build, marked if include_undone else None))


def items(store: Store, since: datetime | None, until: datetime | None, *,
          only: ExportFilter = EVERYTHING) -> Export:
    """The flagged items (`only` those of its categories and statuses); `reported_url`: the links citizens
    reported for the entry (`review.export_links`). The officers' shape adds who made the standing decision and its
    note, read by the same query as the verdict (read apart, an undo and a new decision in between would put one
    officer's verdict next to another's name)."""
    cols = COLUMNS["items"]
    e, src, d, later = ReviewEntry, aliased(Source), aliased(Decision), aliased(Decision)
    standing = (select(func.max(later.id)).where(later.entry_id == e.id, later.undone_at.is_(None))
                .correlate(e).scalar_subquery())

    def build(last: int, *, deciders: bool) -> Any:
        more = (d.moderator, d.note) if deciders else ()
        q = (select(e.id, Item.id, Item.url, Item.canonical_url, src.name, Item.kind, Item.title, Item.text,
                    Item.author, Item.published_at, Item.fetched_at, e.created_at, e.top_category, e.top_score,
                    e.is_report, e.status, e.verdict, e.verdict_category, e.decided_at, Item.extra, *more)
             .join(Item, Item.id == e.item_id).outerjoin(src, src.id == Item.source_id).where(e.id > last))
        if deciders:
            q = q.outerjoin(d, d.id == standing)
        q = only.items(q)
        return _window(q, e.created_at, since, until).order_by(e.id)

    def finish(s: Session, rows: list[Any]) -> list[tuple[Any, ...]]:
        links = reported_links(s, [(r[0], r[5], r[2], r[19]) for r in rows])
        return [(*r[:15], links.get(r[0]), *r[15:19], *r[20:]) for r in rows]

    def with_deciders() -> Iterator[tuple[Any, ...]]:
        return _batched(store, lambda last: build(last, deciders=True), finish)

    return Export("items", cols, _batched(store, lambda last: build(last, deciders=False), finish),
                  more=with_deciders)


def audit(store: Store, since: datetime | None, until: datetime | None, *, include_reporters: bool = False) -> Export:
    cols = COLUMNS["audit"]
    a = AuditLog
    masked = [0]

    def build(last: int) -> Any:
        q = select(a.id, a.at, a.actor, a.action, a.entry_id, a.details, a.prev_hash, a.hash).where(a.id > last)
        return _window(q, a.at, since, until).order_by(a.id)

    def masking(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        for row in rows:
            details = row[5]
            if isinstance(details, str) and '"reporter"' in details:  # stored as its canonical JSON text
                try:
                    details = json.loads(details)
                except ValueError:
                    pass
            if isinstance(details, dict) and details.get("reporter"):
                masked[0] += 1
                text = json.dumps({**details, "reporter": REPORTER_MASK}, ensure_ascii=False, sort_keys=True)
                row = (*row[:5], text, *row[6:])
            yield row

    rows = _batched(store, build)
    return Export("audit", cols, rows if include_reporters else masking(rows), masked)


def build_export(store: Store, kind: str, since: datetime | None, until: datetime | None, *,
                 include_reporters: bool = False, include_undone: bool = False,
                 only: ExportFilter = EVERYTHING) -> Export:
    if kind == "audit":
        return audit(store, since, until, include_reporters=include_reporters)
    if kind == "decisions":
        return decisions(store, since, until, include_undone=include_undone, only=only)
    if kind == "items":
        return items(store, since, until, only=only)
    raise UsageError(f"không xuất được {kind!r} (dùng: {', '.join(KINDS)})")


def write_text(export: Export, fmt: str, out: IO[str]) -> int:
    """CSV or JSONL to a text stream; returns the number of rows."""
    n = 0
    if fmt == "csv":
        out.write(BOM)
        writer = csv.writer(out)
        writer.writerow(export.columns)
        for row in export.rows:
            writer.writerow(["" if v is None else v.strftime(TEXT_TIME_FORMAT) if isinstance(v, datetime)
                             else sheet_safe(v) for v in row])
            n += 1
    elif fmt == "jsonl":
        for row in export.rows:
            out.write(json.dumps(dict(zip(export.columns, row, strict=True)), ensure_ascii=False) + "\n")
            n += 1
    else:
        raise UsageError(f"định dạng {fmt!r} cần ghi ra tệp (--output)")
    return n


@dataclass(frozen=True)
class XlsxWritten:
    rows: int
    cut: int  # cells cut to Excel's limit (`XLSX_CELL_MAX`)


def write_xlsx(export: Export, path: Path) -> XlsxWritten:
    """The rows' XML is written here (`_SheetData`), cell by cell as openpyxl's write-only sheet writes it, to a
    temporary file; openpyxl writes the rest of the package (workbook, styles, properties) around a sheet without
    rows, and the rows go in its place (`_package`). Through openpyxl's cell objects, one per value, the sheet
    took 5–10 times as long as the same rows in CSV (`bench/export.py`)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(export.kind)
    with tempfile.TemporaryFile() as data:
        sheet = _SheetData(ws, data)
        sheet.append(export.columns)
        for row in export.rows:
            sheet.append(row)
        sheet.flush()
        template = io.BytesIO()
        wb.save(template)  # the sheet without rows; the styles its time cells use (`_SheetData.time_style`)
        _package(template, ws.path[1:], data, path)
    return XlsxWritten(sheet.rows - 1, sheet.cut[0])


#: An empty sheet's rows in openpyxl's sheet XML (`_package` puts the rows there).
_NO_ROWS = b"<sheetData></sheetData>"


def _package(template: IO[bytes], sheet: str, rows: IO[bytes], path: Path) -> None:
    """`template` (openpyxl's package) written to `path` part by part, in its order, with `rows` (the XML of the
    rows) in the sheet `sheet`'s empty sheetData."""
    with zipfile.ZipFile(template) as parts, \
            zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as out:
        for info in parts.infolist():
            content = parts.read(info)
            if info.filename != sheet:
                out.writestr(info, content)
                continue
            head, found, tail = content.partition(_NO_ROWS)
            if not found:
                raise RuntimeError(f"openpyxl wrote {sheet} without an empty sheetData")
            part = zipfile.ZipInfo(info.filename, info.date_time)
            part.compress_type, part.external_attr = info.compress_type, info.external_attr
            size = rows.seek(0, io.SEEK_END)
            part.file_size = len(head) + len(_NO_ROWS) + size + len(tail)  # so that zip64 is used only when needed
            rows.seek(0)
            with out.open(part, "w") as f:
                f.write(head + b"<sheetData>")
                shutil.copyfileobj(rows, f, 1 << 20)
                f.write(b"</sheetData>" + tail)


class _SheetData:
    """A sheet's rows as openpyxl's write-only sheet writes them (openpyxl 3.1: inline strings, numbers as
    "%.16g", a time as its Excel serial number in a cell styled `XLSX_TIME_FORMAT`), encoded as lxml writes them
    (ASCII, every other character a decimal reference), to `out` about every million characters. One difference: a
    text spelled like an Excel error value ("#N/A", what officers write for "not applicable") is a text, not that
    error."""

    def __init__(self, ws: Any, out: IO[bytes]) -> None:
        from openpyxl.utils.datetime import to_excel

        self.to_excel = to_excel
        self.ws, self.out = ws, out
        self.rows = 0
        self.cut = [0]
        self.letters: list[str] = []
        self.style: str | None = None
        self.pending: list[str] = []
        self.size = 0

    def append(self, values: tuple[Any, ...]) -> None:
        self.rows += 1
        r = self.rows
        if len(values) > len(self.letters):
            from openpyxl.utils import get_column_letter

            self.letters = [get_column_letter(n) for n in range(1, len(values) + 1)]
        cells = [f'<row r="{r}">']
        for letter, value in zip(self.letters, values):  # noqa: B905 - letters may be more than values
            if value is None:
                continue
            if isinstance(value, str):  # the most cells: a plain text is written here, not by `_cell` (half the time)
                value = xlsx_cell(value, self.cut)
                if value and value == value.strip():
                    cells.append(f'<c r="{letter}{r}" t="inlineStr"><is><t>{_xml_text(value)}</t></is></c>')
                    continue
            cells.append(self._cell(f"{letter}{r}", value))
        cells.append("</row>")
        row = "".join(cells)
        self.pending.append(row)
        self.size += len(row)
        if self.size >= 1 << 20:  # characters held (a row of long texts is megabytes of character references)
            self.flush()

    def flush(self) -> None:
        self.out.write("".join(self.pending).encode("ascii", "xmlcharrefreplace"))
        self.pending.clear()
        self.size = 0

    def _cell(self, ref: str, value: Any) -> str:
        if isinstance(value, str):  # cut by `append`; never a formula nor an error value: string-typed, as written
            if not value:
                return f'<c r="{ref}" t="inlineStr"></c>'
            space = ' xml:space="preserve"' if value != value.strip() else ""
            return f'<c r="{ref}" t="inlineStr"><is><t{space}>{_xml_text(value)}</t></is></c>'
        if isinstance(value, bool):
            return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | float | Decimal):
            return f'<c r="{ref}" t="n"><v>{_number(value)}</v></c>'
        if isinstance(value, datetime):  # a local time (`review.export_headers.for_officers`): a date cell
            if value.tzinfo is not None:
                raise TypeError(f"an XLSX time cell holds no time zone: {value!r}")
            serial = self.to_excel(value, self.ws.parent.epoch)
            return f'<c r="{ref}" s="{self.time_style(value)}" t="n"><v>{_number(serial)}</v></c>'
        raise ValueError(f"Cannot convert {value!r} to Excel")

    def time_style(self, value: datetime) -> str:
        """The style of a time cell, registered with the workbook the first time (as a write-only cell does)."""
        if self.style is None:
            from openpyxl.cell import WriteOnlyCell

            cell = WriteOnlyCell(self.ws, value)
            cell.number_format = XLSX_TIME_FORMAT
            self.style = str(cell.style_id)
        return self.style


def _xml_text(text: str) -> str:
    """`text` escaped as lxml escapes a text node (quotes stay; CR as a reference, so it is not read as a newline)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def _number(value: float | int | Decimal) -> str:
    return "%.16g" % value if math.isfinite(value) else ""  # noqa: UP031 - openpyxl's format


#: The most characters (UTF-16 units) an Excel cell holds: with a longer text Excel calls the whole file damaged
#: ("We found a problem with some content") and cuts it itself.
XLSX_CELL_MAX = 32767
XLSX_CUT_MARK = " … [đã cắt bớt: một ô Excel chứa tối đa 32767 ký tự; bản đầy đủ: --format csv hoặc jsonl]"
# C0 controls but tab, newline and CR, U+FFFE, U+FFFF and a lone surrogate: XML cannot hold them (openpyxl refused
# the whole cell, lxml the whole file; crawled text has them)
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xlsx_cell(value: Any, cut: list[int] | None = None) -> Any:
    """`value` as an XLSX cell can hold it: control characters XML cannot carry become U+FFFD; a text longer than
    Excel's limit is cut, marked so (`cut[0]` counts those)."""
    if not isinstance(value, str):
        return value
    value = _XML_ILLEGAL.sub("\ufffd", value)
    if len(value) <= XLSX_CELL_MAX // 2 or len(value) + sum(ord(ch) > 0xFFFF for ch in value) <= XLSX_CELL_MAX:
        return value
    if cut is not None:
        cut[0] += 1
    keep, units, end = XLSX_CELL_MAX - len(XLSX_CUT_MARK), 0, 0
    for end, ch in enumerate(value):  # noqa: B007 - `end` is where the loop stopped
        units += 2 if ord(ch) > 0xFFFF else 1  # a character beyond the BMP is two UTF-16 units
        if units > keep:
            break
    return value[:end] + XLSX_CUT_MARK


def text_cells(ws: Any, values: Iterable[Any], cut: list[int] | None = None) -> list[Any]:
    """`values` for `ws.append` on a sheet of a normal (not write-only) openpyxl workbook, each text as an export
    writes it: as `xlsx_cell` makes it, in a string-typed cell. openpyxl types a text spelled like an Excel error
    value ("#N/A", what officers write for "not applicable", "#REF!") as that error, and one starting with "=" as a
    formula; here every text is a text."""
    from openpyxl.cell.cell import Cell

    out: list[Any] = []
    for value in values:
        if isinstance(value, str):
            cell = Cell(ws, value=xlsx_cell(value, cut))
            cell.data_type = "s"
            value = cell
        out.append(value)
    return out


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def sheet_safe(value: Any) -> Any:
    """Spreadsheet apps run cells starting with = + - @ (or tab/CR before one) as formulas, and exported
    text is untrusted: prefix an apostrophe. Text that already starts with one before such a character
    gets another, so `read_export` can undo exactly what was added."""
    if isinstance(value, str) and (value[:1] in _FORMULA or (value[:1] == "'" and _escaped(value))):
        return "'" + value
    return value


def _escaped(value: str) -> bool:
    """`value` starts with apostrophes followed by a formula character."""
    rest = value.lstrip("'")
    return rest != value and rest[:1] in _FORMULA


def read_export(path: Path, fmt: str | None = None) -> list[dict[str, Any]]:
    """Read an export back (CSV, JSONL or XLSX) as a list of dicts keyed by column."""
    fmt = fmt or path.suffix.lstrip(".")
    if fmt == "csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            raw = list(reader.fieldnames or [])
            names = dict(zip(raw, columns_read(raw), strict=True))
            return [_read_row({names.get(k, k): _unescape_cell(v) for k, v in r.items()}, names, fmt) for r in reader]
    if fmt == "jsonl":
        with path.open(encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    if fmt == "xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        rows = list(wb.worksheets[0].iter_rows(values_only=True))
        wb.close()
        raw = [str(h) for h in rows[0]] if rows else []
        names = dict(zip(raw, columns_read(raw), strict=True))
        header = list(names.values())
        # read-only mode may drop trailing empty cells: pad each row to the header
        return [_read_row(dict(zip(header, tuple(r) + (None,) * (len(header) - len(r)), strict=True)), names, fmt)
                for r in rows[1:]]
    raise UsageError(f"định dạng không hỗ trợ: {fmt!r} (dùng: {', '.join(FORMATS)})")


def _read_row(row: dict[str, Any], names: dict[str, str], fmt: str) -> dict[str, Any]:
    """In the officers' shape (`names`: Vietnamese headers mapped to column names), the Vietnamese names of codes
    mapped back (`review.export_values`)."""
    return values_read(row, fmt) if any(h != c for h, c in names.items()) else row


def _unescape_cell(value: Any) -> Any:
    return value[1:] if isinstance(value, str) and _escaped(value) else value
