"""A data file's bytes as text: UTF-8 only (a byte order mark dropped), lines exactly as the file holds them.

No newline translation, so evidence offsets index the file's text; UTF-16 or a legacy encoding is an error naming
the line of the first bad byte and how to save the file as UTF-8.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable, Iterator

from classifier.data_errors import DataError

_AFTER_LONE_CR = re.compile(r"(?<=\r)(?!\n)")  # where a CR that is no CRLF ends a line (universal newlines)
SAVE_AS_UTF8 = "hãy lưu lại tệp với bảng mã UTF-8 (Excel: CSV UTF-8; Notepad: mục Encoding chọn UTF-8)"


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
