"""The text of an operator's rules file, and TOML syntax errors explained in the terms of the slip that made them.

An office edits its rules file in whatever editor it has: Windows Notepad saves UTF-8 with a byte order mark (which
tomllib refuses at line 1) or UTF-16 ("Unicode"); a word processor turns quotes into “curly” ones; a regex written
between double quotes needs every backslash doubled. tomllib says "Invalid value (at line 12, column 12)"; the
operator needs to know what to type instead. classifier.rule_file raises the RulesError; this module says why.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

_LINE = re.compile(r"at line (\d+)")
_KEY = re.compile(r"""^\s*([A-Za-z0-9_-]+|"[^"]*"|'[^']*')\s*=""")
_HEADER = re.compile(r"^\s*\[")


class RulesTextError(Exception):
    """The file cannot be read as text (`line` None) or as TOML (`line`: where, when it can be told)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def read_rules_text(path: Path) -> str:
    """The file's text: UTF-8, a leading byte order mark dropped (so line numbers are the editor's). OSError for
    a file that cannot be read; RulesTextError for UTF-16 or bytes that are not UTF-8, saying how to save it."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise RulesTextError("tệp được lưu với bảng mã UTF-16 (Notepad gọi là \"Unicode\"), không phải UTF-8: hãy lưu "
                             "lại tệp với bảng mã UTF-8 (Notepad: File > Save As..., mục Encoding chọn UTF-8)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RulesTextError(f"không phải văn bản UTF-8 ({exc.reason} ở byte {exc.start}): hãy lưu lại tệp với bảng "
                             "mã UTF-8") from exc


def parse_rules_toml(text: str) -> dict[str, object]:
    """tomllib.loads, its errors a RulesTextError with the line and, for the usual slips, what to write."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = _LINE.search(message)
        line = int(m.group(1)) if m else None
        lines = text.splitlines()
        if "Cannot overwrite a value" in message:
            line = _repeated_key(lines) or line
        elif line is None and "end of document" in message:
            line = next((i + 1 for i in range(len(lines) - 1, -1, -1) if lines[i].strip()), None)
        written = lines[line - 1] if line is not None and 0 < line <= len(lines) else ""
        raise RulesTextError(f"không phải TOML hợp lệ: {message}{_explain(message, written)}", line) from exc


def _explain(message: str, written: str) -> str:
    """What the operator most likely meant, for the TOML error `message` on the line `written`; "" if unclear."""
    if any(q in written for q in "“”‘’„"):
        return ("; dùng dấu nháy thẳng \" (hoặc ') thay cho dấu nháy cong “ ” ‘ ’ mà trình soạn thảo văn bản tự đổi")
    if message.startswith("Unescaped '\\'"):
        key = _KEY.match(written)
        value = written.split("=", 1)[1].strip() if "=" in written else ""
        if key and value.startswith('"') and value.endswith('"') and "'" not in value:
            return (f"; trong chuỗi nháy kép \"…\" dấu \\ phải viết \\\\; một regex nên viết trong nháy đơn (giữ "
                    f"nguyên văn): {key.group(1)} = '{value[1:-1]}'")
        return "; trong chuỗi nháy kép \"…\" dấu \\ phải viết \\\\ (hoặc viết cả chuỗi trong nháy đơn '…')"
    if message.startswith("Illegal character '\\n'") and written.count('"') % 2:
        return "; chuỗi chưa đóng: thiếu dấu \" đóng ở cuối dòng này?"
    if message.startswith("Cannot overwrite a value"):
        return "; một khoá được viết hai lần trong cùng một quy tắc (hãy gộp các giá trị vào một khoá)"
    if "end of document" in message:
        return "; tệp kết thúc giữa chừng: một danh sách [ hoặc chuỗi \"\"\" chưa đóng?"
    return ""


def _repeated_key(lines: list[str]) -> int | None:
    """The line of the first key written a second time in one table (tomllib names the end of the document)."""
    seen: set[str] = set()
    for i, raw in enumerate(lines):
        if _HEADER.match(raw):
            seen = set()
            continue
        m = _KEY.match(raw)
        if m:
            key = m.group(1).strip("\"'")
            if key in seen:
                return i + 1
            seen.add(key)
    return None
