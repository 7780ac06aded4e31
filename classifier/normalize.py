"""Vietnamese text normalisation that keeps track of where every piece came from.

Posts that try to dodge filters write "l.ừ.a đ.ả.o", "c h u y ể n k h o ả n" or "l0a"; others use
teencode ("ko", "đc"), old tone placement ("hoà"), decomposed (NFD) diacritics or no diacritics at all.
Everything here turns such text into one canonical lowercase syllable sequence, and each syllable keeps
the character offsets of the ORIGINAL text it came from, so evidence can point back at what a moderator
actually sees. URLs, e-mails, phone numbers and money amounts become typed tokens.

The steps live in modules named for them: classifier.canonical_unicode (repairs, NFC, accent stripping),
classifier.typed_tokens, classifier.teencode (word by word, with the few context rules), classifier.dodges
(spaced/dotted/leet spellings; dotted capitals such as "U.B.N.D" by classifier.acronyms). This module runs them
over a text and keeps the offsets; their public names are importable from here too. Place abbreviations ("hn",
"sg", "đn") are not expanded: classifier/locality.py decides on them.

Module-level functions; no state except cached resources read from classifier/data.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# the public names of the pieces, importable from here as before the split
from classifier.canonical_unicode import nfc, readable_with_map, strip_accents
from classifier.dodges import deobfuscate, plain_segment, syllabify
from classifier.lookalikes import fold_lookalikes
from classifier.teencode import (
    ALTERNATIVES_PATH,
    TEENCODE_PATH,
    expand_teencode,
    load_teencode,
    normalize_tones,
    normalize_word,
    tone,
)
from classifier.typed_tokens import EMAIL_TOKEN, MONEY_TOKEN, PHONE_TOKEN, TYPED, TYPED_TOKENS, URL_TOKEN

__all__ = ["ALTERNATIVES_PATH", "EMAIL_TOKEN", "MONEY_TOKEN", "PHONE_TOKEN", "TEENCODE_PATH", "TYPED_TOKENS",
           "URL_TOKEN", "Syllable", "alternative_reading", "deobfuscate", "expand_teencode", "fold_lookalikes",
           "load_teencode", "nfc", "normalize", "normalize_tones", "normalize_word", "strip_accents", "syllabify",
           "syllables"]

_nfc_with_map = readable_with_map  # the older private name, still imported by classifier.signals


@dataclass(frozen=True, slots=True)
class Syllable:
    """One normalised syllable (or typed token) and the span of the original text it came from."""

    text: str
    start: int
    end: int


_CACHED_CHARS = 20_000  # longer texts are not kept: a batch of huge pages must not pin their syllables


def syllables(text: str) -> list[Syllable]:
    """The canonical syllable sequence of `text`, each with its offsets in `text` itself.

    A pure function of `text`; the scorer asks for the same text's syllables up to three times (features, rules'
    second readings, locality), so recent results are cached (a fresh list each call: callers may change theirs)."""
    if len(text) > _CACHED_CHARS:
        return _syllables(text)
    return list(_cached_syllables(text))


@lru_cache(maxsize=1024)
def _cached_syllables(text: str) -> tuple[Syllable, ...]:
    return tuple(_syllables(text))


def _syllables(text: str) -> list[Syllable]:
    s, pos_map = readable_with_map(text)
    raw: list[tuple[str, int, int]] = []
    pos = 0
    for m in TYPED.finditer(s):
        plain_segment(s[pos : m.start()], pos, raw)
        kind = m.lastgroup or ""
        token = {"email": EMAIL_TOKEN, "url": URL_TOKEN, "phone": PHONE_TOKEN, "money": MONEY_TOKEN}[kind]
        end = m.end()
        while end > m.start() and s[end - 1] in ".,;:!?)":  # sentence punctuation after a URL
            end -= 1
        raw.append((token, m.start(), end))
        pos = m.end()
    plain_segment(s[pos:], pos, raw)
    if pos_map is not None:
        raw = [(t, pos_map[a], pos_map[b]) for t, a, b in raw]
    return [Syllable(t, a, _past_marks(text, b)) for t, a, b in raw]


def _past_marks(text: str, end: int) -> int:
    """`end` moved past the combining marks that follow it. Marks left over by NFC on a Latin letter are dropped
    (classifier.invisible) and the offsets already pass them; on other letters (Cyrillic "е" + U+0308 + U+0301
    keeps the acute) the word stops before the mark, but the mark is drawn on the syllable's last letter, and
    evidence that cut it off would show the moderator another letter than the text has."""
    n = len(text)
    while end < n and unicodedata.combining(text[end]):
        end += 1
    return end


@lru_cache(maxsize=4)
def _abbreviation_finder(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, words)) + r")(?![^\W_])", re.IGNORECASE)


def alternative_reading(text: str, sylls: list[Syllable] | None = None) -> list[Syllable] | None:
    """`syllables(text)` with every ambiguous abbreviation read the other way (teencode_alternatives.tsv: "ck"
    → "chuyển khoản" instead of "chồng"), each new syllable keeping the abbreviation's span; None when the text
    has none. For rules, which match either reading; the model's features always use the first one."""
    alternatives = load_teencode(str(ALTERNATIVES_PATH))
    if not alternatives or not _abbreviation_finder(tuple(alternatives)).search(readable_with_map(text)[0]):
        return None  # the common case, without normalising the text again
    sylls = syllables(text) if sylls is None else sylls
    teen = load_teencode()
    out: list[Syllable] = []
    changed = False
    i = 0
    while i < len(sylls):
        a, b = sylls[i].start, sylls[i].end
        j = i
        while j < len(sylls) and (sylls[j].start, sylls[j].end) == (a, b):
            j += 1
        written = readable_with_map(text[a:b])[0].lower()
        other = alternatives.get(written)
        if other and teen.get(written) == " ".join(s.text for s in sylls[i:j]):
            out.extend(Syllable(tone(w), a, b) for w in other.split())
            changed = True
        else:
            out.extend(sylls[i:j])
        i = j
    return out if changed else None


def normalize(text: str) -> str:
    """Canonical form: NFC, new-style tone marks, lowercase, teencode expanded, dodges undone, typed tokens."""
    return " ".join(s.text for s in syllables(text))
