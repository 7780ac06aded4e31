"""Where the entries of an inline array of tables stand in the TOML text (`sources = [ { ... }, { ... } ]`).

Each entry usually has a line of its own, and an error about `sources[2].kind` should name that line, not the
one that opens the array. Brackets are matched in a copy of the text whose strings and comments are blanked,
so a `{` in a URL or a comment does not count as an entry.
"""

from __future__ import annotations

import re


def blank_strings_and_comments(text: str) -> str:
    """`text` with the insides of its strings and its comments replaced by spaces, newlines kept, so offsets and
    line numbers are those of `text`. Only for text `tomllib` has accepted: quoted keys are blanked too."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            start, i = i, (n if end < 0 else end)
            end = i
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j) and (len(quote) == 3 or text[j] != "\n"):
                j += 2 if c == '"' and text[j] == "\\" else 1
            while len(quote) == 3 and text.startswith(quote + c, j):  # `""""`: the first quote is the string's
                j += 1
            start, end, i = i + len(quote), j, j + len(quote)
        else:
            i += 1
            continue
        out[start:end] = [ch if ch == "\n" else " " for ch in text[start:end]]
    return "".join(out)


def inline_entry(masked: str, root_end: int, section: str, index: int) -> tuple[int, int] | None:
    """Offsets [start, end) of the `index`-th `{ ... }` of a top-level `section = [ ... ]` written before offset
    `root_end` (the first table header), in text blanked by `blank_strings_and_comments`; None if there is none."""
    opening = re.compile(rf"^[ \t]*{re.escape(section)}[ \t]*=[ \t]*\[", re.MULTILINE).search(masked, 0, root_end)
    if opening is None:
        return None
    depth, seen, start = 0, -1, -1
    for pos in range(opening.end() - 1, len(masked)):
        c = masked[pos]
        if c in "[{":
            depth += 1
            if depth == 2 and c == "{":
                seen += 1
                start = pos if seen == index else -1
        elif c in "]}":
            depth -= 1
            if depth == 1 and start >= 0:
                return start, pos + 1
            if depth == 0:
                return None
    return None


def inline_key(masked: str, start: int, end: int, key: str) -> int | None:
    """Offset of `key` (`name`, or one level dotted: `selectors.link`) in the inline table at [start, end) of
    blanked text: written `key = ...` in it, or `leaf = ...` inside its `sub = { ... }`; None when not there."""
    sub, _, leaf = key.rpartition(".")
    written = rf"{re.escape(sub)}\s*\.\s*{re.escape(leaf)}" if sub else re.escape(key)
    openers: list[int] = []
    for pos in range(start, end):
        c = masked[pos]
        if c in "]}":
            openers.pop()
            continue
        if c in "[{":
            openers.append(pos)
        if c not in "{,":  # a key of an inline table follows its `{` or a `,`
            continue
        tail = masked[pos + 1:end]
        at = pos + 1 + len(tail) - len(tail.lstrip())
        if len(openers) == 1 and re.match(rf"\s*{written}\s*[=.]", tail):
            return at
        if (sub and len(openers) == 2 and masked[openers[1]] == "{" and re.match(rf"\s*{re.escape(leaf)}\s*=", tail)
                and re.search(rf"[{{,]\s*{re.escape(sub)}\s*=\s*$", masked[start:openers[1]])):
            return at
    return None
