"""Exports for sharing between agencies: decisions, flagged items, the audit log — CSV, JSONL or XLSX.

Rows are streamed from the database in id order (keyset batches), so a year of data never sits in
memory; XLSX is written in openpyxl's write-only mode. CSV is UTF-8 with a byte order mark (to a file
and to stdout alike), so Excel reads Vietnamese correctly. Times are ISO 8601 UTC strings in every
format, so a file re-imports to the same values (`read_export`). Text cells that a spreadsheet would
run as a formula (leading = + - @, tab or CR) get a leading apostrophe in CSV and XLSX, undone on read.
Items are the *flagged* ones (those with a review entry), selected by when they entered the queue;
decisions by when they were made; audit rows by their time.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from review.errors import UsageError
from review.filters import SelectT
from review.models import AuditLog, Decision, Item, ReviewEntry, Source
from review.store import Store

KINDS = ("decisions", "items", "audit")
FORMATS = ("csv", "jsonl", "xlsx")
BATCH = 2000
#: CSV starts with a UTF-8 byte order mark: without it Excel on Windows reads the file as the ANSI code page
#: and garbles Vietnamese. Readers that know UTF-8 skip it (`utf-8-sig`).
BOM = "\ufeff"


@dataclass(frozen=True)
class Export:
    kind: str
    columns: tuple[str, ...]
    rows: Iterator[tuple[Any, ...]]


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _batched(store: Store, build: Callable[[int], Any]) -> Iterator[tuple[Any, ...]]:
    """Run `build(last_id)` repeatedly; the first column of each row is the id to continue after."""
    last = 0
    while True:
        with store.session() as s:
            rows = s.execute(build(last).limit(BATCH)).all()
        if not rows:
            return
        for r in rows:
            yield tuple(_cell(v) for v in r)
        last = rows[-1][0]


def _window(q: SelectT, col: Any, since: datetime | None, until: datetime | None) -> SelectT:
    if since is not None:
        q = q.where(col >= since)
    if until is not None:
        q = q.where(col < until)
    return q


def decisions(store: Store, since: datetime | None, until: datetime | None) -> Export:
    cols = ("decision_id", "entry_id", "item_id", "url", "source", "moderator", "verdict", "category", "note",
            "decided_at", "bulk", "undone_at", "undone_by", "undo_reason", "top_category", "top_score")
    d, e = Decision, ReviewEntry

    def build(last: int) -> Any:
        q = (select(d.id, d.entry_id, e.item_id, Item.url, e.source_name, d.moderator, d.verdict, d.category,
                    d.note, d.created_at, d.bulk, d.undone_at, d.undone_by, d.undo_reason, e.top_category,
                    e.top_score)
             .join(e, e.id == d.entry_id).join(Item, Item.id == e.item_id).where(d.id > last))
        return _window(q, d.created_at, since, until).order_by(d.id)

    return Export("decisions", cols, _batched(store, build))


def items(store: Store, since: datetime | None, until: datetime | None) -> Export:
    cols = ("entry_id", "item_id", "url", "canonical_url", "source", "kind", "title", "text", "author",
            "published_at", "fetched_at", "queued_at", "top_category", "top_score", "is_report", "status",
            "verdict", "verdict_category", "decided_at")
    e, src = ReviewEntry, aliased(Source)

    def build(last: int) -> Any:
        q = (select(e.id, Item.id, Item.url, Item.canonical_url, src.name, Item.kind, Item.title, Item.text,
                    Item.author, Item.published_at, Item.fetched_at, e.created_at, e.top_category, e.top_score,
                    e.is_report, e.status, e.verdict, e.verdict_category, e.decided_at)
             .join(Item, Item.id == e.item_id).outerjoin(src, src.id == Item.source_id).where(e.id > last))
        return _window(q, e.created_at, since, until).order_by(e.id)

    return Export("items", cols, _batched(store, build))


def audit(store: Store, since: datetime | None, until: datetime | None) -> Export:
    cols = ("id", "at", "actor", "action", "entry_id", "details", "prev_hash", "hash")
    a = AuditLog

    def build(last: int) -> Any:
        q = select(a.id, a.at, a.actor, a.action, a.entry_id, a.details, a.prev_hash, a.hash).where(a.id > last)
        return _window(q, a.at, since, until).order_by(a.id)

    return Export("audit", cols, _batched(store, build))


def build_export(store: Store, kind: str, since: datetime | None, until: datetime | None) -> Export:
    makers = {"decisions": decisions, "items": items, "audit": audit}
    if kind not in makers:
        raise UsageError(f"không xuất được {kind!r} (dùng: {', '.join(KINDS)})")
    return makers[kind](store, since, until)


def write_text(export: Export, fmt: str, out: IO[str]) -> int:
    """CSV or JSONL to a text stream; returns the number of rows."""
    n = 0
    if fmt == "csv":
        out.write(BOM)
        writer = csv.writer(out)
        writer.writerow(export.columns)
        for row in export.rows:
            writer.writerow(["" if v is None else sheet_safe(v) for v in row])
            n += 1
    elif fmt == "jsonl":
        for row in export.rows:
            out.write(json.dumps(dict(zip(export.columns, row, strict=True)), ensure_ascii=False) + "\n")
            n += 1
    else:
        raise UsageError(f"định dạng {fmt!r} cần ghi ra tệp (--output)")
    return n


def write_xlsx(export: Export, path: Path) -> int:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(export.kind)
    ws.append(list(export.columns))
    n = 0
    for row in export.rows:
        ws.append([sheet_safe(v) for v in row])
        n += 1
    wb.save(path)
    return n


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
            return [{k: _unescape_cell(v) for k, v in r.items()} for r in csv.DictReader(f)]
    if fmt == "jsonl":
        with path.open(encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    if fmt == "xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        rows = list(wb.worksheets[0].iter_rows(values_only=True))
        wb.close()
        header = [str(h) for h in rows[0]] if rows else []
        # read-only mode may drop trailing empty cells: pad each row to the header
        return [dict(zip(header, _unescape(tuple(r) + (None,) * (len(header) - len(r))), strict=True))
                for r in rows[1:]]
    raise UsageError(f"định dạng không hỗ trợ: {fmt!r} (dùng: {', '.join(FORMATS)})")


def _unescape(row: tuple[Any, ...]) -> list[Any]:
    return [_unescape_cell(v) for v in row]


def _unescape_cell(value: Any) -> Any:
    return value[1:] if isinstance(value, str) and _escaped(value) else value
