"""Reading the TOML text for what `tomllib` does not give: the line of a key, and typos told apart from types.

`tomllib` returns plain dicts without positions, so errors are located by looking the dotted key up in the
text (tables, `[[arrays of tables]]`, dotted keys, inline tables); keys and value types are checked against the
section dataclasses' fields, and an unknown key names the known key it is closest to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from review.config_inline import blank_strings_and_comments, inline_entry, inline_key
from review.config_keys import KeyPath, key_lines
from review.errors import ConfigError

_HEADER = re.compile(r"^\s*\[\[?\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")


class ConfigReader:
    """Walks the parsed TOML, checking each key against the dataclass fields and remembering lines."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        # TOML ends a line at "\n" (or "\r\n") only; str.splitlines() also breaks at U+2028, U+0085, form feed...,
        # which may sit in a comment or a string, and every later line number would be off by one
        self.lines = [raw.removesuffix("\r") for raw in text.split("\n")]
        self._masked: str | None = None  # the text for `config_inline`, made when an error needs it
        self._keys: dict[KeyPath, int] | None = None  # `config_keys.key_lines`, made when an error needs it

    def _written(self, section: str, key: str | None, index: int | None, element: int | None = None) -> int | None:
        """The line `config_keys` found for the key (and the array element), trying `key` as one quoted name
        (`"a.b" = 1`) and as a dotted one, and a dotted key's table when the leaf is not written; None when the
        walk found neither (or failed: then the line-by-line search below answers)."""
        if self._keys is None:
            self._keys = key_lines("\n".join(self.lines))
        base: KeyPath = (*(section.split(".") if section else ()), *(() if index is None else (index,)))
        tails: list[KeyPath] = [()] if key is None else [(key,), tuple(key.split("."))]
        for tail in tails:
            line = self._keys.get((*base, *tail, *(() if element is None else (element,))))
            if line is None and element is not None:
                line = self._keys.get((*base, *tail))
            if line is not None:
                return line
        if key and "." in key:
            return self._written(section, key.rpartition(".")[0], index)
        return None

    def _inline_line(self, section: str, key: str | None, index: int) -> int | None:
        """Line of `key` in the `index`-th entry of a top-level inline array `section = [ {...}, ... ]`, else the
        entry's own line (a missing key, or one written in a way not looked for); None when there is no entry."""
        if self._masked is None:
            self._masked = blank_strings_and_comments("\n".join(self.lines))
        first_header = next((i for i, raw in enumerate(self.lines) if _HEADER.match(raw)), len(self.lines))
        root_end = sum(len(raw) + 1 for raw in self.lines[:first_header])
        entry = inline_entry(self._masked, root_end, section, index)
        if entry is None:
            return None
        tried = (inline_key(self._masked, *entry, k) for k in ([key, key.rpartition(".")[0]] if key else []) if k)
        at = next((offset for offset in tried if offset is not None), None)
        return self._masked.count("\n", 0, entry[0] if at is None else at) + 1

    def _block(self, section: str, index: int | None) -> tuple[int, int] | None:
        """Line range [start, end) of `[section]` (or the index-th `[[section]]`), its sub-tables included."""
        start: int | None = None
        seen = -1
        for i, raw in enumerate(self.lines):
            m = _HEADER.match(raw)
            if start is None:
                if m and m.group(1) == section:
                    seen += 1
                    if index is None or seen == index:
                        start = i
                continue
            if m and not m.group(1).startswith(f"{section}."):
                return start, i
        return (start, len(self.lines)) if start is not None else None

    def _top_level_line(self, key: str) -> int | None:
        """A top-level `key = ...` / `key.x = ...` before any table, or a `[key]`, `[[key]]`, `[key.x]` header."""
        in_root = True
        for i, raw in enumerate(self.lines):
            m = _HEADER.match(raw)
            if m:
                in_root = False
                if m.group(1) == key or m.group(1).startswith(f"{key}."):
                    return i + 1
            elif in_root and re.match(rf"^\s*{re.escape(key)}\s*[=.]", raw):
                return i + 1
        return None

    def line_of(self, section: str, key: str | None, index: int | None = None) -> int | None:
        """Best-effort line of `key` inside `[section]` (or the index-th `[[section]]`, or the index-th entry of a
        top-level inline array of tables `section = [ {...}, ... ]`).

        `key` may be dotted one level (`selectors.link`): then it is found as `selectors.link = ...`, inside
        an inline table `selectors = { link = ... }`, or under a `[section.selectors]` sub-table. Found by walking
        the TOML (`config_keys`: quoted keys, values over several lines); the line-by-line search below answers
        only when that walk failed."""
        written = self._written(section, key, index)
        if written is not None or self._keys:
            return written
        if not section:
            return self._top_level_line(key) if key else None
        block = self._block(section, index)
        inline = self._inline_line(section, key, index) if block is None and index is not None else None
        if inline is not None:
            return inline
        if block is None:  # `[review.x]` alone: the section exists only through its sub-table, or it is written
            # at the top (`crawler.timeout = 5`)
            found = self._subtable_line(section, key.partition(".")[0], -1, len(self.lines)) if key else None
            if found is None and key:
                found = self._top_level_line(f"{section}.{key.partition('.')[0]}")
            return found if found is not None else self._top_level_line(section)
        start, end = block
        if key is None:
            return start + 1
        sub, _, leaf = key.rpartition(".")
        if not sub:
            for i in range(start + 1, end):
                raw = self.lines[i]
                if _HEADER.match(raw):
                    break
                if re.match(rf"^\s*{re.escape(key)}\s*[=.]", raw):
                    return i + 1
            return self._subtable_line(section, key, start, end)
        s_, l_ = re.escape(sub), re.escape(leaf)
        in_sub = False
        for i in range(start + 1, end):
            raw = self.lines[i]
            m = _HEADER.match(raw)
            if m:
                in_sub = m.group(1) == f"{section}.{sub}"
                continue
            if in_sub and re.match(rf"^\s*{l_}\s*=", raw):
                return i + 1
            if not in_sub and (re.match(rf"^\s*{s_}\s*\.\s*{l_}\s*=", raw)
                               or re.match(rf"^\s*{s_}\s*=\s*\{{(.*[,{{])?\s*{l_}\s*=", raw)):
                return i + 1
        return self.line_of(section, sub, index)

    def _subtable_line(self, section: str, key: str, start: int, end: int) -> int | None:
        for i in range(start + 1, end):
            m = _HEADER.match(self.lines[i])
            if m and (m.group(1) == f"{section}.{key}" or m.group(1).startswith(f"{section}.{key}.")):
                return i + 1
        return None

    def error(self, message: str, section: str, key: str | None, index: int | None = None,
              element: int | None = None) -> ConfigError:
        """ConfigError naming file, dotted key and line; `element`: the index of the wrong value in the array `key`,
        whose own line is named (an array written over several lines)."""
        dotted = ".".join(p for p in (section + (f"[{index}]" if index is not None else ""), key) if p)
        line = self._written(section, key, index, element) if element is not None else None
        line = line if line is not None else self.line_of(section, key, index)
        if line is None and section:
            line = self.line_of(section, None, index)  # at least the table the key belongs in
        return ConfigError(message, file=self.path, key=dotted or None, line=line)


def _typename(t: Any) -> str:
    return {str: "chuỗi ký tự", int: "số nguyên", bool: "true hoặc false", float: "số"}.get(t, str(t))


def check_table(reader: ConfigReader, section: str, table: Mapping[str, Any], spec: Mapping[str, type],
                index: int | None = None, prefix: str = "") -> dict[str, Any]:
    """The keys of `table` checked against `spec` (an unknown key, a wrong type: ConfigError), lists as tuples.
    `prefix` names a nested table inside `section` (`selectors.`), for error keys and lines."""
    out: dict[str, Any] = {}
    for name, value in table.items():
        key = prefix + name
        if name not in spec:
            known = ", ".join(sorted(spec))
            raise reader.error(f"khoá không xác định{closest_hint(name, sorted(spec))} (các khoá hợp lệ: {known})", section,
                               key, index)
        want = spec[name]
        if want is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if want is tuple:
            if not isinstance(value, list):
                raise reader.error("cần một danh sách chuỗi ký tự", section, key, index)
            wrong = next((i for i, v in enumerate(value) if not isinstance(v, str)), None)
            if wrong is not None:
                raise reader.error(f"cần một danh sách chuỗi ký tự; phần tử thứ {wrong + 1} là {value[wrong]!r}",
                                   section, key, index, element=wrong)
            value = tuple(value)
        elif want is dict:
            if not isinstance(value, dict):
                raise reader.error("cần một bảng", section, key, index)
        elif not isinstance(value, want) or (want is int and isinstance(value, bool)):
            raise reader.error(f"cần {_typename(want)}, nhận được {type(value).__name__} {value!r}", section, key, index)
        out[name] = value
    return out


def field_types(cls: type) -> dict[str, type]:
    """The TOML type each field of dataclass `cls` takes (tables as dict, lists as tuple), for `check_table`."""
    spec: dict[str, type] = {}
    for name, f in cls.__dataclass_fields__.items():  # type: ignore[attr-defined]
        t = str(f.type)
        spec[name] = (tuple if t.startswith("tuple") else dict if t.startswith(("Mapping", "dict", "Selectors"))
                      else bool if t == "bool" else int if t == "int" else float if t == "float" else str)
    return spec


def closest_hint(name: str, choices: Sequence[str]) -> str:
    """" (có phải 'scam'?)" after a misspelt category name, naming the closest of `choices`; "" when none is close."""
    import difflib

    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" (có phải {close[0]!r}?)" if close else ""
