"""Reading labelled texts from CSV or JSONL files, with label maps and several labels per cell."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from classifier.normalize import nfc

CLEAN = "clean"


class DataError(Exception):
    """A data file is missing or malformed; the message is one line naming file and row."""


@dataclass(frozen=True)
class LabelledData:
    texts: list[str]
    labels: list[list[str]]  # [] = clean
    source: str
    sha256: str

    def info(self) -> dict[str, object]:
        return {"source": self.source, "sha256": self.sha256, "rows": len(self.texts)}


def parse_label_map(spec: str | None) -> dict[str, str]:
    """"0=clean,1=offensive,2=hate" → {"0": "clean", ...}."""
    if not spec:
        return {}
    out = {}
    for part in spec.split(","):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise DataError(f"bad --label-map entry {part!r}: expected VALUE=LABEL")
        out[key.strip()] = value.strip()
    return out


def split_labels(value: object, label_map: Mapping[str, str]) -> list[str]:
    if value is None:
        return []
    cells = [str(v) for v in value] if isinstance(value, list) else str(value).split("|")
    labels = []
    for cell in cells:
        cell = cell.strip()
        if not cell:
            continue
        name = label_map.get(cell, cell) if label_map else cell
        for part in name.split("|"):
            part = part.strip()
            if part and part.lower() != CLEAN and part not in labels:
                labels.append(part)
    return labels


def read_texts(path: str, text_column: str = "text") -> list[str]:
    """Only the texts (for `classify`); "-" is not handled here."""
    return [r[0] for r in _rows(path, text_column, None, keep_form=True)]


def read_meta(path: str, columns: Sequence[str]) -> list[dict[str, str]]:
    """Per row, the values of `columns` (light metadata for models built with `shape`, e.g. sender_type);
    rows in the same order as read_texts/read_labelled; a missing/empty cell is ""."""
    per_column = [[str(v) if v is not None else "" for _, v in _rows(path, c, c)] for c in columns]
    n = len(per_column[0]) if per_column else 0
    return [{c: col[i] for c, col in zip(columns, per_column, strict=True)} for i in range(n)]


def read_labelled(path: str, text_column: str, label_column: str, label_map: Mapping[str, str] | None = None
                  ) -> LabelledData:
    texts, labels = [], []
    for text, value in _rows(path, text_column, label_column):
        texts.append(text)
        labels.append(split_labels(value, label_map or {}))
    h = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return LabelledData(texts, labels, Path(path).name, h)


def _rows(path: str, text_column: str, label_column: str | None, *, keep_form: bool = False
          ) -> list[tuple[str, object]]:
    """(text, label) per row; texts NFC-normalised, unless `keep_form` (classify: the scorer normalises
    itself and its evidence offsets must index the text exactly as it is in the file)."""
    p = Path(path)
    if not p.is_file():
        raise DataError(f"data file not found: {path}")
    try:
        raw = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if p.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        rows = _jsonl_rows(path, raw, text_column, label_column)
    else:
        rows = _csv_rows(path, raw, text_column, label_column)
    return rows if keep_form else [(nfc(t), v) for t, v in rows]


def _jsonl_rows(path: str, raw: str, text_column: str, label_column: str | None) -> list[tuple[str, object]]:
    rows = []
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}:{n}: malformed JSON ({exc.msg})") from exc
        if not isinstance(obj, dict):
            raise DataError(f"{path}:{n}: expected a JSON object per line")
        if text_column not in obj:
            raise DataError(f"{path}:{n}: no field {text_column!r} (have: {', '.join(obj)})")
        if label_column is not None and label_column not in obj:
            raise DataError(f"{path}:{n}: no field {label_column!r} (have: {', '.join(obj)})")
        rows.append((str(obj[text_column] or ""), obj.get(label_column) if label_column else None))
    return rows


def _csv_rows(path: str, raw: str, text_column: str, label_column: str | None) -> list[tuple[str, object]]:
    import io

    reader = csv.DictReader(io.StringIO(raw, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
        for col in (text_column, label_column):
            if col is not None and col not in header:
                raise DataError(f"{path}: no column {col!r} (have: {', '.join(h for h in header if h) or 'none'})")
        rows = []
        for row in reader:
            if None in row:
                raise DataError(f"{path}:{reader.line_num}: malformed CSV row (more fields than the header)")
            rows.append((row[text_column] or "", row.get(label_column) if label_column else None))
    except csv.Error as exc:
        raise DataError(f"{path}:{reader.line_num}: malformed CSV ({exc})") from exc
    return rows


def combine(parts: Sequence[LabelledData]) -> tuple[list[str], list[list[str]]]:
    texts: list[str] = []
    labels: list[list[str]] = []
    for p in parts:
        texts.extend(p.texts)
        labels.extend(p.labels)
    return texts, labels
