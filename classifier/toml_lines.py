"""Line numbers of keys in TOML text, for error messages that point at the line at fault.

tomllib parses without positions; an operator editing a rules file needs "dòng 12", so the text is scanned
again, best effort: table headers, keys at the start of a line, multi-line strings skipped.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"""^\s*(\[\[?)\s*([^\[\]#]+?)\s*\]\]?\s*(?:#.*)?$""")


class TomlLines:
    """Best-effort line numbers (1-based) of keys in the TOML text, for error messages."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: list[tuple[int, str, bool]] = []  # (index, dotted name, is an array table [[...]])
        self.in_string: list[bool] = []  # the line starts inside a multi-line string (its text, not keys)
        quote: str | None = None  # inside a multi-line string: its delimiter
        for i, raw in enumerate(self.lines):
            self.in_string.append(quote is not None)
            if quote is None:
                m = _HEADER.match(raw)
                if m:
                    name = ".".join(part.strip().strip("\"'") for part in m.group(2).split("."))
                    self.headers.append((i, name, m.group(1) == "[["))
            for delim in ('"""', "'''"):
                if quote in (None, delim) and raw.count(delim) % 2:
                    quote = delim if quote is None else None

    def _key_in(self, start: int, end: int, key: str) -> int | None:
        pat = re.compile(rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*[=.]""")
        for i in range(start, end):
            if not self.in_string[i] and pat.match(self.lines[i]):
                return i + 1
        return None

    def top_level(self, key: str) -> int | None:
        """`key = ...` before the first table, or the first `[key]` / `[[key]]` / `[key.x]` header."""
        first = self.headers[0][0] if self.headers else len(self.lines)
        line = self._key_in(0, first, key)
        if line is not None:
            return line
        for i, name, _ in self.headers:
            if name == key or name.startswith(key + "."):
                return i + 1
        return None

    def rule(self, n: int, key: str | None = None) -> int | None:
        """Line of `key` in the n-th (1-based) `[[rule]]` table, else of the table's header; None when the rules
        are not written as `[[rule]]` tables (an inline array: then the line of `rule =`)."""
        tables = [k for k, (_, name, array) in enumerate(self.headers) if name == "rule" and array]
        if n > len(tables):
            return self.top_level("rule")
        k = tables[n - 1]
        start = self.headers[k][0]
        end = len(self.lines)
        for i, name, _ in self.headers[k + 1:]:
            if not name.startswith("rule."):
                end = i
                break
        if key is not None:
            for i, name, _ in self.headers[k + 1:]:  # a sub-table `[rule.key]`
                if i >= end:
                    break
                if name == f"rule.{key}" or name.startswith(f"rule.{key}."):
                    return i + 1
            nxt = next((i for i, _, _ in self.headers[k + 1:] if i < end), end)
            line = self._key_in(start + 1, nxt, key)
            if line is not None:
                return line
        return start + 1
