"""Rows of a JSONL file: one JSON object per line (split at LF only), with json's errors in the user's words."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence

from classifier.column_names import find_column
from classifier.data_errors import DataError, _type_name

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
        row: dict[str, object] = {}
        for col in columns:
            if col in obj:
                row[col] = obj[col]
                continue
            keys = list(obj)
            found = find_column(col, keys)  # "nội dung" with decomposed marks, "text " with a space
            if len(found) > 1:
                raise DataError(f"{path}:{n}: có hai trường cùng là {col!r}: {keys[found[0]]!r} và {keys[found[1]]!r}")
            if not found:
                have = f"dòng này có: {', '.join(obj)}" if obj else "dòng này không có trường nào"
                raise DataError(f"{path}:{n}: không có trường {col!r} ({have})")
            row[col] = obj[keys[found[0]]]
        yield n, row
