"""Which reading of a mojibake run that lost a byte is the likeliest (for `classifier.mojibake`).

`classifier.mojibake` finds the damaged runs of a text and what each can read as; a run whose last byte the
damage lost ("vá»?": về, vờ, vọ, vỏ) has several readings. Choosing between them asks other things than finding
them: the word around the run (a Vietnamese syllable, `classifier.syllables`), the case of the text around it
and of its sentence starts (`classifier.sentence_case`), and how often each word occurs in the seed examples
shipped with the classifier. That choice is kept here.

Imports nothing outside `classifier` (the crawler uses it too).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

from classifier.sentence_case import capitalising_kinds, start_kind
from classifier.syllables import is_syllable

SEED_DIR = Path(__file__).resolve().parent / "data" / "seed"
_WORD = re.compile(r"[^\W\d_]+")
PRIOR = "ờềọỏốđáíýàạơỡởẻẽ"  # when nothing else decides: the more frequent letter first

# One run found in the damaged text: start, end, its readings (text, offsets from start; likeliest first), and
# whether it is complete.
Reading = tuple[str, tuple[int, ...]]
Run = tuple[int, int, tuple[Reading, ...], bool]


@lru_cache(maxsize=1)
def _syllable_counts() -> Counter[str]:
    """How often each syllable occurs in the seed examples shipped with the classifier: which reading of a
    lost byte is the likelier word ("về" rather than "vờ"). Empty when the seed files are not installed."""
    counts: Counter[str] = Counter()
    for path in sorted(SEED_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                text = json.loads(line).get("text", "")
            except (ValueError, AttributeError):
                continue
            counts.update(w.lower() for w in _WORD.findall(unicodedata.normalize("NFC", str(text))))
    return counts


def _following(text: str, runs: list[Run], k: int, n: int = 12) -> str:
    """The `n` characters after run k, the runs after it read as their likeliest reading."""
    parts: list[str] = []
    got = 0
    p = runs[k][1]
    for start, end, options, _ in runs[k + 1:k + 1 + n]:
        if start > p:
            parts.append(text[p:min(start, p + n - got)])
            got += len(parts[-1])
        if got >= n:
            break
        parts.append(options[0][0])
        got += len(parts[-1])
        p = end
        if got >= n:
            break
    else:
        parts.append(text[p:p + n - got])
    return "".join(parts)[:n]


def _draft(text: str, runs: list[Run]) -> tuple[str, set[int]]:
    """`text` with each run read as its likeliest reading, and the offsets there of the runs that lost a byte
    (their case is what is to be decided)."""
    parts: list[str] = []
    guessed: set[int] = set()
    size = p = 0
    for start, end, options, complete in runs:
        parts.append(text[p:start])
        size += start - p
        if not complete:
            guessed.add(size)
        parts.append(options[0][0])
        size += len(options[0][0])
        p = end
    parts.append(text[p:])
    return "".join(parts), guessed


def choose(text: str, runs: list[Run], k: int, out: list[str], capitalising: list[frozenset[str]]) -> Reading:
    """The likeliest reading of run k, which lost a byte, given the repaired text before it (`out`) and the
    text after it. `capitalising` holds, once a sentence start asked for it, the kinds of sentence start the
    text writes in capitals."""
    before = "".join(out[-12:])[-12:]
    at_text_start = len(out) <= 12 and sum(map(len, out)) == len(before)
    left, right, upper, kind = _context(before, _following(text, runs, k), at_text_start)
    if kind is not None:
        # the first letter of a sentence, in a text that writes those in capitals: "Ã kiáº¿n" after ". " is
        # "Ý kiến" (C3 9D, the 9D lost), not "à kiến" (C3 A0, the no-break space became a space)
        if not capitalising:
            capitalising.append(capitalising_kinds(*_draft(text, runs)))
        upper = kind in capitalising[0]
    return min(runs[k][2], key=lambda o: _rank(o[0], left, right, upper))


@lru_cache(maxsize=16384)
def _context(before: str, after: str, at_text_start: bool) -> tuple[str, str, bool, str | None]:
    """What decides between the readings of a lost byte with `before` and `after` around it: the letters of its
    word before and after it, whether the text around it is in capitals, and (when it is not, and the letter
    starts its word) the kind of sentence start it is at, or None."""
    letters = [c for c in before + after if c.isalpha()]
    upper = len(letters) >= 2 and sum(c.isupper() for c in letters) * 2 > len(letters)
    left, right = _word_end(before), _word_start(after)
    kind = None if upper or left else start_kind(before, at_text_start)
    return left, right, upper, kind


@lru_cache(maxsize=65536)
def _rank(option: str, left: str, right: str, upper: bool) -> tuple[bool, bool, bool, bool, int, int, int]:
    """Sort key of a reading of a lost byte, best first: the words it makes are Vietnamese syllables (the letters
    before it, the option and the letters after it; or, when the option ends its word with a space, the two
    words either side of that space); its case is the case of the text around it; they occur in the seed
    examples; the reading keeps the word whole ("bÃ o": "bào" rather than "bà o"); they are frequent there (the
    rarer of two, then the word the letter ends: "Ã nghÄ©a" is "Ý nghĩa" rather than "Á nghĩa"); the letter is
    frequent."""
    letter = option.strip()
    counts = _syllable_counts()
    split = option.endswith(" ")
    words = ([left + letter] + ([right] if right else [])) if split else [left + letter + right]
    seen = min(counts[w.lower()] for w in words)
    prior = PRIOR.find(letter.lower())
    return (not all(is_syllable(w) for w in words), letter.isupper() != upper, not seen, split, -seen,
            -counts[words[0].lower()], prior if prior >= 0 else 99)


def _word_end(text: str) -> str:
    k = len(text)
    while k and text[k - 1].isalpha():
        k -= 1
    return text[k:]


def _word_start(text: str) -> str:
    k = 0
    while k < len(text) and text[k].isalpha():
        k += 1
    return text[:k]
