"""Where each key, and each element of an array, is written in a TOML text that `tomllib` has accepted.

`tomllib` gives values without positions. Looking a key up in the text line by line misses quoted keys
(`"download_timeout_s" = ...`, `'x' = ...`, `"a.b" = ...`, `["crawler"]`) and is fooled by values that span
lines (a multi-line array, a multi-line string holding `key = ...`). This module walks the text token by token
instead, the way TOML reads it, and records the line of every key path: table names, array-of-tables and array
indexes, inline tables included (`("sources", 1, "selectors", "link")`, `("review", "moderators", 2)`).
"""

from __future__ import annotations

import bisect
import re
import tomllib

KeyPath = tuple[str | int, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_SPACE = " \t"


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.breaks = [i for i, c in enumerate(text) if c == "\n"]
        self.lines: dict[KeyPath, int] = {}
        self.arrays: dict[KeyPath, int] = {}  # array of tables (its path) -> entries seen so far

    def line(self, pos: int) -> int:
        return bisect.bisect_left(self.breaks, pos) + 1

    def record(self, path: KeyPath, pos: int) -> None:
        line = self.line(pos)
        for n in range(1, len(path)):  # a table known only through a dotted key or a sub-table: its first line
            self.lines.setdefault(path[:n], line)
        self.lines[path] = line

    def skip(self, newlines: bool) -> None:
        """Past spaces (and line breaks, comments when `newlines`)."""
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c in _SPACE or (newlines and c in "\r\n"):
                self.pos += 1
            elif newlines and c == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                return

    def string(self) -> str:
        """The string at `pos` (any of TOML's four kinds), decoded; `pos` moves past it."""
        text, start = self.text, self.pos
        c = text[start]
        quote = c * 3 if text.startswith(c * 3, start) else c
        j = start + len(quote)
        while not text.startswith(quote, j):
            j += 2 if c == '"' and text[j] == "\\" else 1
        while len(quote) == 3 and text.startswith(quote + c, j):  # `""""`: the first quote is the string's
            j += 1
        self.pos = j + len(quote)
        value = tomllib.loads(f"k = {text[start:self.pos]}")["k"]
        return str(value)

    def key(self) -> list[str]:
        """A dotted key (`a`, `"a.b"`, `a . 'b'`); `pos` moves past it."""
        parts: list[str] = []
        while True:
            self.skip(newlines=False)
            if self.text[self.pos] in "\"'":
                parts.append(self.string())
            else:
                m = _BARE.match(self.text, self.pos)
                if m is None:
                    return parts
                parts.append(m.group())
                self.pos = m.end()
            self.skip(newlines=False)
            if not self.text.startswith(".", self.pos):
                return parts
            self.pos += 1

    def value(self, path: KeyPath) -> None:
        """Past the value at `pos`, recording the keys and elements inside it under `path`."""
        text = self.text
        c = text[self.pos]
        if c in "\"'":
            self.string()
        elif c == "[":
            self.pos += 1
            index = 0
            while True:
                self.skip(newlines=True)
                if text[self.pos] == "]":
                    self.pos += 1
                    return
                if text[self.pos] == ",":
                    self.pos += 1
                    index += 1
                    continue
                self.record((*path, index), self.pos)
                self.value((*path, index))
        elif c == "{":
            self.pos += 1
            while True:
                self.skip(newlines=False)
                if text[self.pos] == "}":
                    self.pos += 1
                    return
                if text[self.pos] == ",":
                    self.pos += 1
                    continue
                self.pair(path)
        else:  # a number, a boolean, a date: up to what ends a value
            m = re.compile(r"[^,\]}\n#]*").match(text, self.pos)
            assert m is not None
            self.pos = m.end()

    def pair(self, table: KeyPath) -> None:
        at = self.pos
        full = (*table, *self.key())
        self.record(full, at)
        self.skip(newlines=False)
        self.pos += 1  # "="
        self.skip(newlines=False)
        self.value(full)

    def header(self) -> KeyPath:
        """A `[table]` or `[[array.of.tables]]` header at `pos`: the path its keys go under."""
        at = self.pos
        array = self.text.startswith("[[", at)
        self.pos += 2 if array else 1
        names = self.key()
        self.skip(newlines=False)
        self.pos += 2 if array else 1
        path: KeyPath = ()
        for n, name in enumerate(names):
            path = (*path, name)
            if n < len(names) - 1 and path in self.arrays:  # `[[sources.x]]` / `[sources.x]`: in the last entry
                path = (*path, self.arrays[path] - 1)
        if array:
            self.arrays[path] = self.arrays.get(path, 0) + 1
            self.record(path, at)
            path = (*path, self.arrays[path] - 1)
        self.record(path, at)
        return path

    def document(self) -> dict[KeyPath, int]:
        table: KeyPath = ()
        while True:
            self.skip(newlines=True)
            if self.pos >= len(self.text):
                return self.lines
            if self.text[self.pos] == "[":
                table = self.header()
            else:
                self.pair(table)


def key_lines(text: str) -> dict[KeyPath, int]:
    """The line (from 1) of every key path written in `text`, which `tomllib` has accepted; {} if the walk fails
    on something it does not understand (then callers fall back to less precise lines)."""
    try:
        return _Scanner(text).document()
    except (IndexError, ValueError, tomllib.TOMLDecodeError):
        return {}
