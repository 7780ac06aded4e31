"""Invisible characters and stray accent marks that split a word without showing on screen.

A scam written "lừ\u200ba đả\u00ado" (zero-width space, soft hyphen, word joiner, BOM, bidi controls between the
letters) looks exactly like "lừa đảo" to a reader, but every invisible character broke the word in two, so the
model and the rules read "lừ a đả o" (a task offer scored 0.89 `scam` as written and 0.01 with a zero-width
space after each letter). "Zalgo" text does the same with combining marks that compose with nothing ("l̴ừ̴a̴").

Both are dropped here, with a map back to the original offsets:
- `drop_invisible` (before NFC, so "u" + U+200B + U+0300 still composes to "ù"): format characters next to a
  Latin letter or digit (or a mark on one), on either side, so they neither split "lừ|a" nor hide a dotted
  dodge's letters ("l.|ừ.a", "l| ừ| a"). Elsewhere they stay: the zero-width joiner inside an emoji sequence, a
  bidi mark between spaces or punctuation, joiners in other scripts.
- `drop_stray_marks` (after NFC): combining marks from the Latin diacritics blocks still standing alone after a
  Latin letter or digit. Vietnamese letters all compose in NFC, so ordinary text has none; marks of other
  scripts (Thai vowels, Devanagari signs) and marks on anything else are kept.

Over the 64,700 distinct texts of the shared data sets, the seeds, the rules and the teencode dictionary, 4
normalise differently, each for the better: a typo with a doubled dot below ("điệ̣n" read "điệ n", now "điện"),
one Zalgo comment, and two written in styled letters with stray marks ("1̆̈0̆̈.0̆̈0̆̈0̆̈" now "10 000"). One text holds
invisible characters next to a letter (" \u200b\u200bsẽ", after a space: its words are the same either way).
Imports nothing else of canhgac.
"""

from __future__ import annotations

import re

# format characters (Unicode category Cf) that render as nothing in running text
_INVISIBLE = "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\U000e0001\U000e0020-\U000e007f"
# combining marks of the Latin diacritics blocks (the ones Zalgo text and NFD Vietnamese use)
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# a Latin letter or digit (ASCII, Latin-1, Latin Extended-A/B, Latin Extended Additional: every Vietnamese letter)
_LATIN = "0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"

_ANY_INVISIBLE = re.compile(f"[{_INVISIBLE}]")
_INVISIBLE_IN_WORD = re.compile(f"(?<=[{_LATIN}{_MARKS}])[{_INVISIBLE}]+|[{_INVISIBLE}]+(?=[{_LATIN}{_MARKS}])")
_ANY_MARK = re.compile(f"[{_MARKS}]")
_STRAY_MARKS = re.compile(f"(?<=[{_LATIN}])[{_MARKS}]+")


def _drop(text: str, pattern: re.Pattern[str]) -> tuple[str, list[int] | None]:
    """`text` without the matches of `pattern`, and pos[i] = offset in `text` of kept character i (one more
    entry: len(text)), or None when nothing matched. An end offset right after a kept character maps past the
    dropped ones that follow it, so a span keeps the marks drawn on its last letter."""
    spans = [m.span() for m in pattern.finditer(text)]
    if not spans:
        return text, None
    parts: list[str] = []
    pos: list[int] = []
    at = 0
    for a, b in spans:
        parts.append(text[at:a])
        pos.extend(range(at, a))
        at = b
    parts.append(text[at:])
    pos.extend(range(at, len(text)))
    pos.append(len(text))
    return "".join(parts), pos


def drop_invisible(text: str) -> tuple[str, list[int] | None]:
    """Invisible format characters next to a Latin letter/digit removed (see the module docstring)."""
    if not _ANY_INVISIBLE.search(text):  # the common case: one scan, no copy
        return text, None
    return _drop(text, _INVISIBLE_IN_WORD)


def drop_stray_marks(text: str) -> tuple[str, list[int] | None]:
    """Combining marks left standing after a Latin letter or digit by NFC removed (see the module docstring)."""
    if not _ANY_MARK.search(text):
        return text, None
    return _drop(text, _STRAY_MARKS)


def compose(outer: list[int] | None, inner: list[int] | None) -> list[int] | None:
    """The map of two steps: `inner` maps the second step's output into its input, `outer` that input into
    the original."""
    if inner is None:
        return outer
    if outer is None:
        return inner
    return [outer[p] for p in inner]
