"""Reading labelled texts from CSV or JSONL files, with label maps and several labels per cell.

Rules (the CLI contract of `canhgac train/classify/evaluate`):
- A label cell may hold several labels separated by `|` (JSONL: also a list); `clean` means no category;
  an empty cell (JSONL: null, "" or []) is clean; `clean` together with a category in one cell is an error.
- Without a label map, label names are stripped and lowercased ("Scam" and "scam " are the same category).
- With a label map (`0=clean,1=offensive`), EVERY label value must be a key of the map (keys match exactly,
  after stripping); JSON numbers match as written without a fraction (3 and 3.0 both match "3"). The
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
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import re
import shlex
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from classifier.normalize import nfc

CLEAN = "clean"
FIELD_LIMIT = 10 * 1024 * 1024  # characters per CSV field (the csv module's own default is 131,072)
SEPARATORS = (",", ";", "\t")  # CSV field separators read: ',' first; ';' is Excel's in a Vietnamese locale
SEPARATOR_VI = {",": "','", ";": "';'", "\t": "tab"}
HEADER_SCAN = 64 * 1024  # characters of the file's start searched for the header
_AFTER_LONE_CR = re.compile(r"(?<=\r)(?!\n)")  # where a CR that is no CRLF ends a line (universal newlines)
SHOWN_COLUMNS = 8  # column names an error lists at most ...
SHOWN_NAME_CHARS = 40  # ... each cut to this many characters
SAVE_AS_UTF8 = "hãy lưu lại tệp với bảng mã UTF-8 (Excel: CSV UTF-8; Notepad: mục Encoding chọn UTF-8)"
# json's error messages (the start of JSONDecodeError.msg) in the words the user reads
JSON_ERRORS_VI = (
    ("Expecting value", "thiếu giá trị hoặc giá trị không hợp lệ (chuỗi phải nằm trong dấu \" \")"),
    ("Expecting property name", "cần tên trường đặt trong dấu \" \""),
    ("Expecting ':'", "thiếu dấu ':' sau tên trường"),
    ("Expecting ','", "thiếu dấu ',' giữa hai phần tử"),
    ("Unterminated string", "chuỗi bắt đầu ở đây không được đóng (thiếu dấu \" cuối chuỗi)"),
    ("Invalid control character", "ký tự điều khiển (tab, ...) phải được viết dạng \\t hoặc \\uXXXX trong chuỗi"),
    ("Invalid \\uXXXX", "mã \\uXXXX không hợp lệ"),
    ("Invalid \\escape", "sau dấu \\ không phải ký tự thoát hợp lệ (muốn viết dấu \\ thì viết \\\\)"),
    ("Extra data", "còn dữ liệu thừa sau đối tượng JSON (mỗi dòng chỉ được có một đối tượng)"),
)
# the csv module's error messages (their start) in the user's words
CSV_ERRORS_VI = (
    ("unexpected end of data", "tệp kết thúc khi một ô mở bằng dấu \" chưa được đóng"),
    ("' expected after '", "sau dấu \" đóng ô phải là dấu phân cách hoặc hết dòng (dấu \" trong ô phải viết là \"\")"),
)


class DataError(Exception):
    """A data file is missing or malformed; the message is one line naming file and row."""


@dataclass(frozen=True)
class LabelledData:
    texts: list[str]
    labels: list[list[str]]  # [] = clean
    source: str
    sha256: str
    lines: tuple[int, ...] = ()  # the line in the file where each row starts (empty: not from a file)

    def info(self) -> dict[str, object]:
        return {"source": self.source, "sha256": self.sha256, "rows": len(self.texts)}


def parse_label_map(spec: str | None) -> dict[str, str]:
    """"0=clean,1=offensive,2=hate" → {"0": "clean", ...}; labels lowercased, a key given twice is an error."""
    if not spec:
        return {}
    out: dict[str, str] = {}
    for part in spec.split(","):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            raise DataError(f"mục {part!r} trong --label-map không hợp lệ: cần dạng GIÁ_TRỊ=NHÃN, ví dụ 0=clean")
        if key in out:
            raise DataError(f"--label-map ghi {key!r} hai lần ({key}={out[key]} và {key}={value.lower()})")
        out[key] = value.lower()
    return out


def _where(path: str, line: int) -> str:
    return f"{path}:{line}"


def _type_name(value: object) -> str:
    """The JSON type of `value`, in words the user reads."""
    return {dict: "đối tượng", list: "mảng", bool: "true/false", int: "số", float: "số",
            type(None): "null"}.get(type(value), type(value).__name__)


def _label_values(value: object, where: str) -> list[str]:
    """The raw label values of one cell: strings split at `|`, JSON numbers as written without a
    fraction (3.0 → "3"), lists element by element; stripped, empty ones dropped."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise DataError(f"{where}: nhãn phải là chuỗi hoặc số, không phải {_type_name(item)} ({item!r})")
        if isinstance(item, float) and item.is_integer():
            item = int(item)
        out.extend(v.strip() for v in str(item).split("|") if v.strip())
    return out


def split_labels(value: object, label_map: Mapping[str, str], where: str = "nhãn") -> list[str]:
    """A cell → its categories ([] = clean). Raises DataError for a value missing from a non-empty map."""
    labels: list[str] = []
    clean_given: str | None = None  # the value that said clean
    for raw in _label_values(value, where):
        if label_map:
            if raw not in label_map:
                raise DataError(f"{where}: giá trị nhãn {raw!r} không có trong --label-map")
            name = label_map[raw]
        else:
            name = raw
        for part in name.split("|"):
            part = part.strip().lower()
            if part == CLEAN:
                clean_given = raw
            elif part and part not in labels:
                labels.append(part)
    if labels and clean_given is not None:  # "clean|scam": an annotation slip, not a scam row to train on silently
        raise DataError(f"{where}: nhãn {clean_given!r} (clean = không thuộc nhóm nào) ghi cùng nhóm "
                        f"{'|'.join(labels)} trong một ô; hãy bỏ một trong hai")
    return labels


def _closest(name: str, allowed: Sequence[str]) -> str:
    """" — có phải 'scam'?" for the allowed name closest to `name`, or "" when none is close."""
    found = difflib.get_close_matches(name, list(allowed), n=1, cutoff=0.6)
    return f" — có phải {found[0]!r}?" if found else ""


def _allowed_text(allowed: Sequence[str]) -> str:
    return ", ".join([*allowed, CLEAN])


def check_label_map(label_map: Mapping[str, str], allowed: Sequence[str]) -> None:
    """Every label a --label-map maps to must be one of `allowed` (or clean): `0=clean,1=ofensive` is refused,
    naming the map entry and the closest allowed name."""
    for key, value in label_map.items():
        for part in (p.strip().lower() for p in value.split("|")):
            if part and part != CLEAN and part not in allowed:
                raise DataError(f"--label-map {key}={value}: {part!r} không phải nhóm hợp lệ{_closest(part, allowed)} "
                                f"(các nhóm hợp lệ: {_allowed_text(allowed)})")


def check_known_labels(data: LabelledData, path: str, allowed: Sequence[str]) -> None:
    """Every label of `data` (read from `path`) must be one of `allowed` (clean is already []): a typo such as
    `sacm` would otherwise become a category of its own. The error names the file and line of the first unknown
    label, the closest allowed name, every other unknown label, and the allowed names."""
    first: dict[str, int] = {}
    for i, row in enumerate(data.labels):
        for lab in row:
            if lab not in allowed and lab not in first:
                first[lab] = data.lines[i] if i < len(data.lines) else i + 1
    if not first:
        return
    (label, line), *others = sorted(first.items(), key=lambda kv: kv[1])
    more = ""
    if others:
        shown = ", ".join(f"{lab!r} (dòng {n}){_closest(lab, allowed)}" for lab, n in others[:10])
        more = f"; các nhãn lạ khác: {shown}" + (" ..." if len(others) > 10 else "")
    guess = (difflib.get_close_matches(label, list(allowed), n=1, cutoff=0.6) or [CLEAN])[0]
    how = (f"sửa nhãn trong tệp, hoặc ánh xạ mọi giá trị nhãn sang nhóm hợp lệ bằng --label-map (ví dụ --label-map "
           f"{label}={guess},...; có --label-map thì mọi giá trị nhãn trong tệp đều phải được ánh xạ)")
    raise DataError(f"{_where(path, line)}: nhãn {label!r} không phải nhóm hợp lệ{_closest(label, allowed)}{more} "
                    f"(các nhóm hợp lệ: {_allowed_text(allowed)}); {how}")


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


def _file_lines(path: str) -> Generator[str, None, None]:
    """The file's text as _decode gives it (same errors, same line numbers), one LF-ended line at a time."""
    with open(path, "rb") as fh:
        for n, data in enumerate(fh, 1):
            if n == 1:
                _check_not_utf16(path, data)
                data = data.removeprefix(b"\xef\xbb\xbf")
            try:
                yield data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise _not_utf8(path, data, exc, n, exc.start + 1) from None


def _universal_lines(lines: Iterable[str]) -> Iterator[str]:
    """LF-ended lines cut also after a lone CR: the lines io.StringIO(text, newline="") gives, which the csv
    module reads (its line numbers count them)."""
    for line in lines:
        if "\r" in line:
            yield from (part for part in _AFTER_LONE_CR.split(line) if part)
        else:
            yield line


def _decode(path: str, data: bytes) -> str:
    """The file's text exactly as it holds it (no newline translation: a CRLF inside a quoted CSV field stays
    CRLF, so evidence offsets index the file's text), a leading UTF-8 byte order mark dropped. Not UTF-8: an
    error naming the line of the first bad byte."""
    _check_not_utf16(path, data)
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _not_utf8(path, data, exc, line, column) from None


def _check_not_utf16(path: str, start: bytes) -> None:
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(f"{path}:1: tệp được lưu với bảng mã UTF-16 (Notepad gọi là \"Unicode\"), không phải UTF-8: "
                        f"{SAVE_AS_UTF8}")


def _not_utf8(path: str, data: bytes, exc: UnicodeDecodeError, line: int, column: int) -> DataError:
    """The error for the first byte of `data` that is not UTF-8 (`exc`), at `line` and byte `column` of it."""
    what = ("tệp kết thúc giữa một ký tự" if exc.reason == "unexpected end of data"
            else f"byte thứ {column} của dòng (0x{data[exc.start]:02X}) không hợp lệ")
    return DataError(f"{path}:{line}: không phải văn bản UTF-8 ({what}; có thể tệp được lưu với bảng mã cũ như "
                     f"Windows-1258 hoặc TCVN3): {SAVE_AS_UTF8}")


def _jsonl_rows(path: str, lines: Iterable[tuple[int, str]],
                columns: Sequence[str]) -> Iterator[tuple[int, dict[str, object]]]:
    """`lines`: (number, text) of the lines split at LF only (a CR before it dropped here): U+2028, U+0085, a form
    feed ... are ordinary characters of a JSON string, whatever str.splitlines thinks."""
    for n, line in lines:
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            what = next((vi for en, vi in JSON_ERRORS_VI if exc.msg.startswith(en)), "sai cú pháp")
            raise DataError(f"{path}:{n}: JSON không hợp lệ ở cột {exc.colno}: {what}") from exc
        if not isinstance(obj, dict):
            raise DataError(f"{path}:{n}: mỗi dòng phải là một đối tượng JSON, không phải {_type_name(obj)}")
        for col in columns:
            if col not in obj:
                have = f"dòng này có: {', '.join(obj)}" if obj else "dòng này không có trường nào"
                raise DataError(f"{path}:{n}: không có trường {col!r} ({have})")
        yield n, {c: obj[c] for c in columns}


def _first_record(raw: str, separator: str) -> list[str]:
    """The header as `separator` would split it ([] when it is not even CSV that way), from the file's start
    only: a header longer than HEADER_SCAN characters is no header."""
    try:
        return next(csv.reader(io.StringIO(raw[:HEADER_SCAN], newline=""), delimiter=separator, strict=True), [])
    except csv.Error:
        return []


def _separator(raw: str, columns: Sequence[str]) -> tuple[str, dict[str, list[str]]]:
    """The field separator: ',' when its header has every wanted column, else the one other of SEPARATORS whose
    header has them (Excel in a Vietnamese locale saves ';'); ',' when none (or more than one) does, for the
    error. Also each separator's header, for that error."""
    headers = {sep: _first_record(raw, sep) for sep in SEPARATORS}
    fits = [sep for sep, header in headers.items() if all(c in header for c in columns)]
    return (fits[0] if fits and (fits[0] == "," or len(fits) == 1) else ","), headers


def _short(name: str, limit: int = SHOWN_NAME_CHARS) -> str:
    name = " ".join(name.split())
    return name if len(name) <= limit else name[:limit - 1].rstrip() + "…"


def _column_list(header: Sequence[str]) -> str:
    names = [h for h in header if h]
    shown = ", ".join(_short(h) for h in names[:SHOWN_COLUMNS])
    return shown + (f", … (tổng cộng {len(names)} cột)" if len(names) > SHOWN_COLUMNS else "")


def _looks_like_text(path: str, headers: Mapping[str, list[str]]) -> bool:
    """Whether the "header" is rather a line of prose: a .txt file, a column name that is a sentence (six words,
    or over SHOWN_NAME_CHARS characters with spaces), or one column of four words or more whatever the
    separator."""
    if Path(path).suffix.lower() == ".txt":
        return True
    names = [n.strip() for n in headers[","]]
    if any(len(n.split()) >= 6 or (len(n) > SHOWN_NAME_CHARS and " " in n) for n in names):
        return True
    return all(len(h) <= 1 for h in headers.values()) and len(names) == 1 and len(names[0].split()) >= 4


def _missing_column(path: str, raw: str, column: str, headers: Mapping[str, list[str]], plain_hint: str) -> DataError:
    header = headers[","]
    if not any(header):
        return DataError(f"{path}: không có cột {column!r} (dòng tiêu đề của tệp không có tên cột nào)")
    if _looks_like_text(path, headers):
        first = _short(raw[:HEADER_SCAN].lstrip().split("\n", 1)[0])
        return DataError(f"{path}: không có cột {column!r}: tệp có vẻ là văn bản thường, không phải CSV/JSONL (dòng "
                         f"đầu: {first!r}); tệp CSV cần dòng tiêu đề ghi tên cột (ví dụ: {column}), mỗi dòng sau là "
                         f"một văn bản" + (f"; {plain_hint}" if plain_hint else ""))
    other = max((s for s in SEPARATORS if s != ","), key=lambda s: len(headers[s]))
    if len(headers[other]) > max(len(header), 1):
        return DataError(f"{path}: không có cột {column!r} (có vẻ tệp dùng dấu {SEPARATOR_VI[other]} làm dấu phân "
                         f"cách; tệp có các cột: {_column_list(headers[other])})")
    return DataError(f"{path}: không có cột {column!r} (tệp có các cột: {_column_list(header)})")


def _csv_rows(path: str, head: str, lines: Iterable[str], columns: Sequence[str],
              plain_hint: str = "") -> Iterator[tuple[int, dict[str, object]]]:
    """`head`: the file's first HEADER_SCAN characters; `lines`: all its lines as io.StringIO(newline="") cuts
    them. `plain_hint` ends the error for the first of `columns` only (the one the caller reads the file for)."""
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    separator, headers = _separator(head, columns)
    reader = csv.reader(lines, delimiter=separator, strict=True)
    start = 1  # the line where the current record starts
    try:
        header = next(reader, None) or []
        start = reader.line_num + 1
        for col in columns:
            if col not in header:
                raise _missing_column(path, head, col, headers, plain_hint if col == columns[0] else "")
        seen: dict[str, int] = {}
        for i, name in enumerate(header, 1):
            if name.strip() and name in seen:
                raise DataError(f"{path}:1: cột {_short(name)!r} xuất hiện hai lần ở dòng tiêu đề (cột thứ "
                                f"{seen[name]} và {i})")
            seen.setdefault(name, i)
        index = {c: seen[c] - 1 for c in columns}
        for fields in reader:
            if fields:  # a blank line is no row
                if len(fields) != len(header):
                    more = "nhiều hơn" if len(fields) > len(header) else "ít hơn"
                    raise DataError(f"{path}:{start}: dòng CSV sai cấu trúc: có {len(fields)} ô, {more} dòng tiêu "
                                    f"đề ({len(header)} ô)")
                yield start, {c: fields[i] for c, i in index.items()}
            start = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            limit = f"{FIELD_LIMIT:,}".replace(",", ".")  # Vietnamese digit grouping: 10.485.760
            raise DataError(f"{path}:{start}: có ô dài quá {limit} ký tự") from exc
        what = next((vi for en, vi in CSV_ERRORS_VI if en in str(exc)), "sai cú pháp")
        raise DataError(f"{path}:{start}: CSV không hợp lệ: {what}") from exc


def combine(parts: Sequence[LabelledData]) -> tuple[list[str], list[list[str]]]:
    texts: list[str] = []
    labels: list[list[str]] = []
    for p in parts:
        texts.extend(p.texts)
        labels.extend(p.labels)
    return texts, labels
