"""Vietnamese typed in legacy font-based encodings (TCVN3/ABC, VNI-Windows) back to Unicode.

Old provincial sites and Word files saved as HTML carry text typed with ".VnTime" (TCVN3) or "VNI-Times" (VNI)
fonts: the bytes are Windows-1252 characters that only those fonts draw as Vietnamese, so the text arrives as
"Céng hoµ x· héi" (TCVN3) or "Coäng hoøa xaõ hoäi" (VNI). `detect` says whether a text is such garbage and
`to_unicode` turns it into Unicode (NFC); any other text is returned unchanged.

Detection is conservative. A word counts for an encoding when converting it changes it, and it is NOT a valid
Vietnamese syllable as written but IS one after conversion ("héi" → "hội"); a word that converts into something
that is no syllable counts against ("café" → "cafộ"). Words already in Unicode Vietnamese (ư, ơ, ệ ...) count
against too. An encoding is detected only when its good words are several, dominate its bad ones and are not
outnumbered by Unicode Vietnamese words. Then each line is converted only when it has a good word and no more
bad ones: lines already in Unicode Vietnamese (a UTF-8 template around a legacy article: "Xem thêm", whose
"ê" TCVN3 would read as "ờ") are kept.

TCVN3 capitals with tone marks that TCVN 5712 keeps in the control range (Ú Ụ Ừ Ử Ữ Ứ Ự Ỳ Ỷ Ỹ Ý Ỵ) are typed with the lower-case code in practice (an all-caps ".VnTimeH" font
draws lower-case codes as capitals): a converted letter is upper-cased when its word is written in capitals
(its ASCII letters all upper-case: two or more of them, or any number in a line in capitals), so "THø" comes
back "THỨ"; in a mixed-case line a lone toned capital ("ý kiến" typed for "Ý kiến") is upper-cased where it starts
a sentence (after ". ", "! ", "? " or the text's first letter) of a text whose other sentences start with
capitals, and stays lower-case elsewhere (proper names and the line after a heading cannot be told from a
lower-case word or a hard-wrapped line).

What each TCVN3 or VNI code stands for, and the letter-by-letter conversion, is `classifier.legacy_codes`;
whether a word is a Vietnamese syllable, `classifier.syllables`.

Imports nothing outside `classifier` (the crawler uses it too).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from classifier.legacy_codes import TCVN3_MAP, TCVN3_TELLING, VNI_CHARS, tcvn3_core, tcvn3_word, vni_convert
from classifier.nfc_map import nfc_with_map
from classifier.sentence_case import AFTER_STOP, capitalising_kinds, sentence_starts
from classifier.syllables import is_syllable

TCVN3, VNI = "tcvn3", "vni"
ENCODINGS = (TCVN3, VNI)

# ------------------------------------------------------------------------------------------ detection
# Letters only Unicode Vietnamese has (never produced by reading a legacy page as Windows-1252).
_UNICODE_VI = frozenset("ăĂđĐĩĨũŨơƠưƯ") | frozenset(map(chr, range(0x1EA0, 0x1EFA)))
_VI_LETTERS = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ") | _UNICODE_VI
# Legacy characters no Vietnamese (nor plain English) word contains: a text without any is never legacy.
_STRANGE = (frozenset(TCVN3_MAP) | VNI_CHARS) - _VI_LETTERS
_TOKEN_CHARS = "".join(sorted(ch for ch in (frozenset(TCVN3_MAP) | VNI_CHARS) if not ch.isalpha()))
_TOKEN = re.compile(rf"(?:[^\W\d_]|[{re.escape(_TOKEN_CHARS)}])+")
_UNICODE_VI_RE = re.compile("[" + "".join(sorted(_UNICODE_VI)) + "]")

MIN_GOOD = 3  # at least this many words that only make sense converted
MIN_GOOD_WITH_HINT = 1  # ... when the page names a legacy font
MIN_SHARE = 0.75  # of the words conversion changes, this share must become syllables that were not ones before
MIN_WORD_SHARE = 0.3  # ... and they must be this share of all words (most Vietnamese syllables carry marks)


def _convert_word(word: str, encoding: str) -> str:
    return tcvn3_word(word) if encoding == TCVN3 else vni_convert(word)[0]


@lru_cache(maxsize=200_000)
def _judge(word: str, encoding: str) -> tuple[bool, bool, bool]:
    """(good, bad, telling) for one word: telling = a good word written the way only that encoding writes it,
    a TCVN3 code that is no letter in Windows-1252 ("hoµ", "®Êt") or a VNI letter + mark pair ("hoøa"). A lone
    "ö" or "ä" standing in for "ơ" or "ạ" is how spam dodges filters in plain Unicode, not a legacy page."""
    if encoding == TCVN3:
        word = tcvn3_core(word)
    converted = _convert_word(word, encoding)
    if converted == word:
        return False, False, False
    if not is_syllable(converted):
        return False, True, False
    if is_syllable(word) or not any("a" <= c.lower() <= "z" for c in word):
        return False, False, False
    telling = len(converted) < len(word) if encoding == VNI else not TCVN3_TELLING.isdisjoint(word)
    return True, False, telling


def _counts(words: Counter[str], encoding: str) -> tuple[int, int, int]:
    good = bad = telling = 0
    for word, n in words.items():
        g, b, t = _judge(word, encoding)
        good, bad, telling = good + g * n, bad + b * n, telling + t * n
    return good, bad, telling


@dataclass(frozen=True)
class Score:
    """What `detect` decides on, per encoding."""

    good: int  # words that only make sense converted
    bad: int  # words conversion turns into no syllable
    telling: int  # good words written the way only this encoding writes them
    unicode: int  # words already in Unicode Vietnamese
    words: int  # the other words


def scores(text: str) -> dict[str, Score]:
    text = unicodedata.normalize("NFC", text)
    words = Counter(_TOKEN.findall(text))
    rest = Counter({w: n for w, n in words.items() if not _UNICODE_VI_RE.search(w)})
    uni, other = words.total() - rest.total(), rest.total()
    if uni > other:  # Unicode Vietnamese: no encoding can win (good words <= other words < uni), skip the work
        return {enc: Score(0, 0, 0, uni, other) for enc in ENCODINGS}
    return {enc: Score(*_counts(rest, enc), uni, other) for enc in ENCODINGS}


def detect(text: str, *, hint: str | None = None) -> str | None:
    """"tcvn3", "vni" or None. `hint`: an encoding the source suggests (a page styled with a ".VnTime" or
    "VNI-Times" font, see `font_hint`): then one convincing word is enough."""
    if not text or _STRANGE.isdisjoint(text):
        return None
    return _detect(text, hint)


@lru_cache(maxsize=16)  # the classifier and the crawler ask about the same text more than once
def _detect(text: str, hint: str | None) -> str | None:
    best: tuple[int, str] | None = None
    for enc, sc in scores(text).items():
        need = MIN_GOOD_WITH_HINT if enc == hint else MIN_GOOD
        if (sc.good >= need and sc.telling >= 1 and sc.good >= MIN_SHARE * (sc.good + sc.bad)
                and sc.good >= MIN_WORD_SHARE * sc.words and sc.good >= sc.unicode
                and (best is None or sc.good > best[0])):
            best = (sc.good, enc)
    return best[1] if best else None


_FONT = re.compile(r"""(?:font-family|face)\s*[:=]\s*["']?[^;"'>]*?(?P<name>\.vn[a-z]|vni[-_ ]?[a-z])""", re.I)


def font_hint(html: str) -> str | None:
    """The legacy encoding an HTML page's fonts suggest: ".VnTime", ".VnArial" ... → "tcvn3";
    "VNI-Times", "VNI-Helve" ... → "vni"; else None."""
    m = _FONT.search(html)
    if m is None:
        return None
    return TCVN3 if m.group("name").startswith(".") else VNI


# ------------------------------------------------------------------------------------------ conversion
def _convert_line(line: str, encoding: str) -> tuple[str, list[int] | None]:
    """The converted line and its offsets (None: TCVN3, one character for one, the same offsets)."""
    if encoding == VNI:
        return vni_convert(line)
    caps = _caps_line(line)
    return _TOKEN.sub(lambda m: _tcvn3_capitals(m.group(0), tcvn3_word(m.group(0)), caps), line), None


def _caps_line(line: str) -> bool:
    """A line typed in capitals: at least 4 ASCII letters, 80 % of them upper-case."""
    letters = [c for c in line if "a" <= c.lower() <= "z"]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _tcvn3_capitals(word: str, converted: str, caps_line: bool) -> str:
    """`converted` with the letters conversion produced upper-cased when the word is written in capitals: its
    ASCII letters are all upper-case and there are two of them, or the whole line is in capitals ("THø" → "THỨ";
    in an all-caps headline "Hµ" → "HÀ", "ý" → "Ý"). TCVN3 has no codes of its own for Ú Ụ Ừ Ử Ữ Ứ Ự Ỳ Ỷ Ỹ Ý Ỵ, and an
    all-caps ".VnTimeH" text is typed with lower-case codes, so without this they come back lower-case. One
    character for one: offsets are unchanged."""
    ascii_letters = [c for c in word if "a" <= c.lower() <= "z"]
    if not all(c.isupper() for c in ascii_letters) or (len(ascii_letters) < 2 and not caps_line):
        return converted
    return "".join(u.upper() if len(u.upper()) == 1 else u for u in converted)


def _line_is_legacy(line: str, encoding: str) -> bool:
    """A line of a text detected as legacy-encoded that is legacy itself: at least one of its words only makes
    sense converted, and no more of them become nonsense. A Unicode line without the letters only Unicode has
    ("Xem thêm", "Café sáng" in a UTF-8 template around a TCVN3 article) converts into no syllables or into
    other valid ones ("thêm" → "thờm"): kept as it is."""
    good = bad = 0
    for word in _TOKEN.findall(line):
        g, b, _ = _judge(word, encoding)
        good, bad = good + g, bad + b
    return good >= 1 and good >= bad


def to_unicode_with_map(text: str, *, hint: str | None = None) -> tuple[str, list[int]] | None:
    """None when `text` is not legacy-encoded; else the converted text and, for each of its characters,
    the offset in `text` it came from (one more entry: len(text)). Lines already holding Unicode Vietnamese
    letters, or none of the encoding's words, are kept as they are."""
    encoding = detect(text, hint=hint)
    if encoding is None:
        return None
    composed, composed_pos = nfc_with_map(text)  # decomposed input ("a" + U+0308 for "ä") read as typed
    out: list[str] = []
    pos: list[int] = []
    converted_lines: list[tuple[int, int]] = []  # where the converted lines are in the output
    size = 0
    for m in re.finditer(r"[^\n]*\n?", composed):
        line = m.group(0)
        if not line:
            continue
        if _UNICODE_VI_RE.search(line) or not _line_is_legacy(line, encoding):
            out.append(line)
            pos.extend(range(m.start(), m.end()))
        else:
            converted, cpos = _convert_line(line, encoding)
            out.append(converted)
            pos.extend(range(m.start(), m.end()) if cpos is None else [m.start() + p for p in cpos[:-1]])
            converted_lines.append((size, size + len(converted)))
        size += len(out[-1])
    pos.append(len(composed))
    if composed_pos is not None:
        pos = [composed_pos[p] for p in pos]
    result = "".join(out)
    if encoding == TCVN3 and converted_lines:
        result = _tcvn3_sentence_capitals(result, converted_lines)
    return result, pos


# the capitals TCVN3 has no code for, typed with the lower-case one
_TCVN3_SHARED_LOWER = frozenset("úụừửữứựỳỷỹýỵ")


def _tcvn3_sentence_capitals(text: str, converted_lines: list[tuple[int, int]]) -> str:
    """`text` with the letters TCVN3 writes alike in both cases (ý for Ý ...) upper-cased where they start a
    sentence of a converted line (after ".", "!" or "?", or the text's first letter) in a text whose other
    sentences start with capitals: "... vÒ quª. ý kiÕn" → "... về quê. Ý kiến". A line that starts without
    the line before ending a sentence is left as written: a heading's next line and a hard-wrapped line that
    goes on mid-sentence ("lÊy\ný kiÕn") look alike. One character for one: offsets are unchanged."""
    starts = [(k, kind) for k, kind in sentence_starts(text)
              if kind == AFTER_STOP and text[k] in _TCVN3_SHARED_LOWER
              and any(a <= k < b for a, b in converted_lines[max(bisect.bisect(converted_lines, (k, k)) - 1, 0):][:2])]
    if not starts:
        return text
    if AFTER_STOP not in capitalising_kinds(text, {k for k, _ in starts}):
        return text
    chars = list(text)
    for k, _ in starts:
        chars[k] = chars[k].upper()
    return "".join(chars)


def to_unicode(text: str, *, hint: str | None = None) -> str:
    """`text` in Unicode (NFC) when it is TCVN3 or VNI; any other text unchanged."""
    converted = to_unicode_with_map(text, hint=hint)
    if converted is None:
        return text
    return unicodedata.normalize("NFC", converted[0])
