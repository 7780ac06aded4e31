"""Rows of a CSV file: the separator (',' or Excel's ';' or a tab), the header, and errors naming file and line.

A missing column lists a few of the header's names and says when the file looks like plain text or like another
separator; a column read whose name is repeated in the header, a row of the wrong width or an over-long field is
refused. Excel's "sep=;" first line names the separator. Header names match as classifier.column_names says (stray spaces and decomposed marks do not count).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from classifier.column_names import find_column
from classifier.data_errors import DataError

FIELD_LIMIT = 10 * 1024 * 1024  # characters per CSV field (the csv module's own default is 131,072)
SEPARATORS = (",", ";", "\t")  # CSV field separators read: ',' first; ';' is Excel's in a Vietnamese locale
SEPARATOR_VI = {",": "','", ";": "';'", "\t": "tab"}
HEADER_SCAN = 64 * 1024  # characters of the file's start searched for the header
SEP_LINE = re.compile(r"sep=([,;\t])\r?\n")  # Excel's first line naming the separator: "sep=;"
SHOWN_COLUMNS = 8  # column names an error lists at most ...
SHOWN_NAME_CHARS = 40  # ... each cut to this many characters


# the csv module's error messages (their start) in the user's words
CSV_ERRORS_VI = (
    ("unexpected end of data", "tệp kết thúc khi một ô mở bằng dấu \" chưa được đóng"),
    ("' expected after '", "sau dấu \" đóng ô phải là dấu phân cách hoặc hết dòng (dấu \" trong ô phải viết là \"\")"),
)


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
    fits = [sep for sep, header in headers.items() if all(find_column(c, header) for c in columns)]
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
    sep_line = SEP_LINE.match(head)
    headers: dict[str, list[str]] = {}
    if sep_line:  # the separator is said, not guessed; the header is the line below
        separator = sep_line.group(1)
    else:
        separator, headers = _separator(head, columns)
    reader = csv.reader(lines, delimiter=separator, strict=True)
    start = 1  # the line where the current record starts
    try:
        if sep_line:
            next(reader, None)
        header = next(reader, None) or []
        start = reader.line_num + 1
        index: dict[str, int] = {}
        for col in columns:
            found = find_column(col, header)
            if not found and sep_line:
                have = (f"tệp có các cột: {_column_list(header)}" if any(header) else
                        "dòng tiêu đề của tệp không có tên cột nào")
                raise DataError(f"{path}: không có cột {col!r} ({have})")
            if not found:
                raise _missing_column(path, head, col, headers, plain_hint if col == columns[0] else "")
            if len(found) > 1:  # a repeated name of a column nobody reads (two "Ghi chú") is no matter
                raise DataError(f"{path}:{2 if sep_line else 1}: cột {_short(col)!r} xuất hiện hai lần ở dòng tiêu đề (cột thứ "
                                f"{found[0] + 1} và {found[1] + 1})")
            index[col] = found[0]
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
