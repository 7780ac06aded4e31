"""Where sentences start, and whether a text writes its sentence starts in capitals.

Both repairs of damaged Vietnamese meet a letter whose case the damage lost: a lost byte of mojibake that is
"Ý" or "à" (classifier.mojibake), a TCVN3 code that is "ý" or "Ý" (classifier.legacy_encoding). At a sentence
start the capital is likely, but only in a text that capitalises its sentences: a comment typed all in
lower case does not. Two kinds of start are told apart, each judged by the others of its kind in the text:
after ".", "!" or "?" and a space (and the text's first letter), and at the start of a line that does not
follow such a sign (a heading, a list item, or a hard-wrapped line that goes on mid-sentence).

Imports nothing outside `classifier`.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterator

AFTER_STOP, LINE_START = "stop", "line"
# "..." and "…" go on mid-sentence as often as they end one: no stop
_START = r"(?:(?P<begin>\A)|(?P<stop>(?<![.…])[.!?][\"'”’)\]»]*\s+)|(?P<line>\n))[\s\"'“‘(\[«•*–-]*"
_STARTS = re.compile(_START)
_OPENING = " \t\n\r\"'“‘([«•*–-"
_ENDS_WITH_START = re.compile(_START + r"\Z")


def sentence_starts(text: str) -> Iterator[tuple[int, str]]:
    """(offset of the first letter, kind) of each sentence start in `text` that begins with a letter."""
    for m in _STARTS.finditer(text):
        k = m.end()
        if k < len(text) and text[k].isalpha():
            yield k, (LINE_START if m.group("line") is not None else AFTER_STOP)


def capitalising_kinds(text: str, unknown: Container[int] = ()) -> frozenset[str]:
    """The kinds of sentence start `text` writes in capitals: more of them start with a capital than with a
    lower-case letter. Letters at the offsets in `unknown` (those whose case is to be decided) are not counted."""
    upper = {AFTER_STOP: 0, LINE_START: 0}
    lower = {AFTER_STOP: 0, LINE_START: 0}
    first = len(text) - len(text.lstrip(_OPENING))  # the text's first letter starts a line and a sentence
    for k, kind in sentence_starts(text):
        if k in unknown:
            continue
        ch = text[k]
        for each in (AFTER_STOP, LINE_START) if k == first else (kind,):
            if ch.isupper():
                upper[each] += 1
            elif ch.islower():
                lower[each] += 1
    return frozenset(kind for kind in upper if upper[kind] > lower[kind])


def start_kind(before: str, at_text_start: bool) -> str | None:
    """The kind of sentence start a word has when `before` is the text before it (its end is enough), or None
    when it is inside a sentence."""
    m = _ENDS_WITH_START.search(before)
    if m is None or (m.group("begin") is not None and not at_text_start):
        return None  # inside a sentence, or at the start of a window cut out of the middle of a text
    return LINE_START if m.group("line") is not None else AFTER_STOP
