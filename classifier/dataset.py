"""Reading labelled texts from CSV or JSONL files, with label maps and several labels per cell.

Rules (the CLI contract of `canhgac train/classify/evaluate`):
- A label cell may hold several labels separated by `|` (JSONL: also a list); `clean` means no category;
  an empty cell (JSONL: null, "" or []) is clean; `clean` together with a category in one cell is an error.
- Without a label map, label names are stripped and lowercased ("Scam" and "scam " are the same category).
- With a label map (`0=clean,1=offensive`), EVERY label value must be a key of the map (keys match exactly,
  after stripping); JSON numbers match as written without a fraction (3 and 3.0 both match "3"), and so does a
  text cell holding a whole number with a fraction ("3.0" matches "3" when "3.0" is no key). The
  map's labels are lowercased too. Duplicate keys are an error.
- `canhgac train` accepts only canhgac's categories (classifier.categories) and clean, checked by
  check_label_map/check_known_labels: a typo ("sacm") is an error naming file, line and the closest name,
  not a new category. The library (read_labelled, classifier.train.fit) takes any names (benchmarks do).
- Texts must be strings (CSV always is; JSONL null counts as empty text only for `classify`, whose row still
  gets an output line). A labelled row with empty text and a category is an error.
- CSV: fields are separated by ',', or by ';' or a tab when only that split of the header has the wanted
  columns (Excel in a Vietnamese locale saves ';'). A missing column is an error listing a few of the header's
  names, shortened, and saying when the file looks like plain text or like another separator.
- CSV: a duplicate header name, a row with fewer or more fields than the header, or a field over
  FIELD_LIMIT characters is an error naming the file and the line where the row starts.
- Texts are kept exactly as the file holds them (no newline translation: a CRLF inside a quoted CSV field stays
  CRLF; a CSV row's own terminator is never part of a field); JSONL lines are split at LF only (U+2028, U+0085 ...
  inside a JSON string are text). A leading UTF-8 byte order mark is dropped; another encoding is an error
  naming the line of the first bad byte.
- `iter_texts` (for `classify`) reads the same rows, by the same rules and with the same errors, one at a time as
  it reads the file (memory does not grow with the file); an error in a row is raised only when that row is reached.
Every error is a DataError with one line of Vietnamese text naming file and line; nothing is dropped silently.
The readers per format are classifier.csv_rows, classifier.jsonl_rows and classifier.text_decoding; label cells and
maps, classifier.label_cells; their public names stay importable from here.
"""

from __future__ import annotations

import hashlib
import io
import json
import shlex
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from classifier.csv_rows import FIELD_LIMIT, HEADER_SCAN, SEPARATORS, _csv_rows
from classifier.data_errors import DataError, _type_name, _where
from classifier.jsonl_rows import _jsonl_rows
from classifier.label_cells import (
    CLEAN,
    _label_values,
    check_known_labels,
    check_label_map,
    map_key,
    parse_label_map,
    split_labels,
)
from classifier.normalize import nfc
from classifier.text_decoding import _decode, _file_lines, _universal_lines

__all__ = ["CLEAN", "FIELD_LIMIT", "SEPARATORS", "DataError", "LabelledData", "check_known_labels", "check_label_map",
           "combine", "iter_texts", "parse_label_map", "read_labelled", "read_meta", "read_texts", "split_labels"]


@dataclass(frozen=True)
class LabelledData:
    texts: list[str]
    labels: list[list[str]]  # [] = clean
    source: str
    sha256: str
    lines: tuple[int, ...] = ()  # the line in the file where each row starts (empty: not from a file)

    def info(self) -> dict[str, object]:
        return {"source": self.source, "sha256": self.sha256, "rows": len(self.texts)}


def _classify_hint(path: str) -> str:
    return ("để chấm mỗi dòng của tệp văn bản thường như một văn bản, hãy dùng --input -: canhgac classify "
            f"--input - < {shlex.quote(path)}")


def read_texts(path: str, text_column: str = "text") -> list[str]:
    """Only the texts (for `classify`), as they are in the file (the scorer normalises them itself and its
    evidence offsets must index the text exactly as it is); JSON null is an empty text. "-" is not handled
    here."""
    return [_text(path, line, rec[text_column], text_column, allow_null=True)
            for line, rec in _records(path, [text_column], _classify_hint(path))]


def iter_texts(path: str, text_column: str = "text",
               meta_columns: Sequence[str] = ()) -> Iterator[tuple[str, dict[str, str] | None]]:
    """What read_texts (and read_meta for `meta_columns`) return, one row at a time while the file is read:
    (text, its metadata or None without meta_columns). Same rules and messages; a bad row is raised when it is
    reached, after the rows before it were yielded. A missing file or column is raised by the first next()."""
    columns = [text_column, *(c for c in meta_columns if c != text_column)]
    for line, rec in _iter_records(path, columns, _classify_hint(path)):
        text = _text(path, line, rec[text_column], text_column, allow_null=True)
        yield text, (_meta_row(path, line, rec, meta_columns) if meta_columns else None)


def read_meta(path: str, columns: Sequence[str]) -> list[dict[str, str]]:
    """Per row, the values of `columns` (light metadata for models built with `shape`, e.g. sender_type);
    rows in the same order as read_texts/read_labelled; a missing/empty cell is ""."""
    if not columns:
        return []
    return [_meta_row(path, line, rec, columns) for line, rec in _records(path, list(columns))]


def _meta_row(path: str, line: int, rec: Mapping[str, object], columns: Sequence[str]) -> dict[str, str]:
    row = {}
    for c in columns:
        v = rec[c]
        if isinstance(v, dict | list):
            raise DataError(f"{_where(path, line)}: trường {c!r} phải là chuỗi hoặc số, không phải {_type_name(v)}")
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        row[c] = "" if v is None else str(v)
    return row


def read_labelled(path: str, text_column: str, label_column: str, label_map: Mapping[str, str] | None = None,
                  *, skip_empty: bool = False) -> LabelledData:
    """`skip_empty`: drop rows with empty text instead of refusing a labelled one (for third-party research
    data read by the benchmarks; a user's training data gets the error)."""
    texts: list[str] = []
    labels: list[list[str]] = []
    lines: list[int] = []
    label_map = label_map or {}
    unmapped: dict[str, None] = {}
    first_unmapped = 0
    for line, rec in _records(path, [text_column, label_column]):
        where = _where(path, line)
        text = nfc(_text(path, line, rec[text_column], text_column, allow_null=False))
        raw = _label_values(rec[label_column], f"{where}: cột {label_column!r}")
        if label_map:
            raw = [map_key(v, label_map) for v in raw]
        missing = [v for v in raw if v not in label_map] if label_map else []
        if missing:
            first_unmapped = first_unmapped or line
            unmapped.update(dict.fromkeys(missing))
            continue
        row = split_labels(raw, label_map, where)
        if skip_empty and not text.strip():
            continue
        if row and not text.strip():
            raise DataError(f"{where}: văn bản trống nhưng có nhãn {'|'.join(row)} (chỉ dòng clean mới được để trống "
                            "văn bản)")
        texts.append(text)
        labels.append(row)
        lines.append(line)
    if unmapped:
        shown = ", ".join(repr(v) for v in sorted(unmapped)[:20]) + (" ..." if len(unmapped) > 20 else "")
        raise DataError(f"{_where(path, first_unmapped)}: giá trị nhãn không có trong --label-map: {shown} "
                        f"(--label-map chỉ có: {', '.join(label_map)}); hãy khai báo mọi giá trị, ví dụ "
                        f"{sorted(unmapped)[0]}=clean")
    h = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return LabelledData(texts, labels, Path(path).name, h, tuple(lines))


def _text(path: str, line: int, value: object, column: str, *, allow_null: bool) -> str:
    if isinstance(value, str):
        return value
    if value is None and allow_null:
        return ""
    raise DataError(f"{_where(path, line)}: trường văn bản {column!r} phải là chuỗi, không phải {_type_name(value)}"
                    + ("" if value is None else f" ({json.dumps(value, ensure_ascii=False)[:40]})"))


def _records(path: str, columns: Sequence[str], plain_hint: str = "") -> list[tuple[int, dict[str, object]]]:
    """(line where the row starts, {column: value}) per row, for the given columns (all required). `plain_hint`
    ends the error for a plain text file given instead of a CSV (what the caller can do with one)."""
    p = Path(path)
    if not p.is_file():
        raise DataError(f"không tìm thấy tệp dữ liệu: {path}")
    raw = _decode(path, p.read_bytes())
    if _is_jsonl(p):
        return list(_jsonl_rows(path, enumerate(raw.split("\n"), 1), columns))
    return list(_csv_rows(path, raw[:HEADER_SCAN], io.StringIO(raw, newline=""), columns, plain_hint))


def _is_jsonl(p: Path) -> bool:
    return p.suffix.lower() in (".jsonl", ".ndjson", ".json")


def _iter_records(path: str, columns: Sequence[str], plain_hint: str = "") -> Iterator[tuple[int, dict[str, object]]]:
    """_records one row at a time, reading the file line by line (so a bad byte or row far down is raised when
    it is reached, not before the first row)."""
    p = Path(path)
    if not p.is_file():
        raise DataError(f"không tìm thấy tệp dữ liệu: {path}")
    if _is_jsonl(p):
        yield from _jsonl_rows(path, ((n, line.removesuffix("\n")) for n, line in enumerate(_file_lines(path), 1)),
                               columns)
        return
    head: list[str] = []
    size = 0
    start = _file_lines(path)
    try:
        for line in start:  # the header is looked for in the file's first HEADER_SCAN characters
            head.append(line)
            size += len(line)
            if size >= HEADER_SCAN:
                break
    finally:
        start.close()
    yield from _csv_rows(path, "".join(head)[:HEADER_SCAN], _universal_lines(_file_lines(path)), columns, plain_hint)


def combine(parts: Sequence[LabelledData]) -> tuple[list[str], list[list[str]]]:
    texts: list[str] = []
    labels: list[list[str]] = []
    for p in parts:
        texts.extend(p.texts)
        labels.extend(p.labels)
    return texts, labels
