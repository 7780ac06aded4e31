"""The TCVN3 (ABC) and VNI-Windows code tables, and the letter-by-letter conversion they make.

`classifier.legacy_encoding` decides whether a text is typed in one of these legacy font encodings and which of
its lines to convert; what each byte or byte pair stands for, and how one word or text converts, is kept here,
apart from that decision.

TCVN3 maps one byte to one precomposed letter. Capitals with tone marks that TCVN 5712 keeps in the control
range are typed with the lower-case code in practice (see `classifier.legacy_encoding`). The codes 0x80-0x9F
hold other capitals, but as Windows-1252 they are quotes and dashes ("“", "—"): they are read as letters only
inside a word that is then a valid syllable. The combining marks at 0xB0-0xB4 ("°" ...) are not converted.

VNI writes a base letter followed by a mark byte: "aù" = á, "aâ" = â, "aá" = ấ, "aê" = ă, "aé" = ắ; "ô"/"ö" are
ơ/ư, "ñ" is đ, and i/ỵ are single bytes ("í ì æ ó ò", "î").

Imports nothing outside `classifier` (the crawler uses it too).
"""

from __future__ import annotations

import unicodedata

from classifier.syllables import TONES, is_syllable

# ------------------------------------------------------------------------------------------ TCVN3
# The published TCVN3 (TCVN 5712:1993, VN3) layout, one line per base letter, in the order
# base, acute, grave, hook above, tilde, dot below; each entry is the byte (as a Windows-1252 character).
_TCVN3_LOWER = {
    "a": (None, 0xB8, 0xB5, 0xB6, 0xB7, 0xB9),
    "ă": (0xA8, 0xBE, 0xBB, 0xBC, 0xBD, 0xC6),
    "â": (0xA9, 0xCA, 0xC7, 0xC8, 0xC9, 0xCB),
    "e": (None, 0xD0, 0xCC, 0xCE, 0xCF, 0xD1),
    "ê": (0xAA, 0xD5, 0xD2, 0xD3, 0xD4, 0xD6),
    "i": (None, 0xDD, 0xD7, 0xD8, 0xDC, 0xDE),
    "o": (None, 0xE3, 0xDF, 0xE1, 0xE2, 0xE4),
    "ô": (0xAB, 0xE8, 0xE5, 0xE6, 0xE7, 0xE9),
    "ơ": (0xAC, 0xED, 0xEA, 0xEB, 0xEC, 0xEE),
    "u": (None, 0xF3, 0xEF, 0xF1, 0xF2, 0xF4),
    "ư": (0xAD, 0xF8, 0xF5, 0xF6, 0xF7, 0xF9),
    "y": (None, 0xFD, 0xFA, 0xFB, 0xFC, 0xFE),
    "đ": (0xAE,),
}
# Capitals: the seven without tone marks, and the toned ones TCVN3 has codes for (the rest share lower case).
_TCVN3_UPPER = {
    "A": (None, 0x83, 0x80, 0x81, 0x82, 0x84),
    "Ă": (0xA1, 0xC0, 0xAF, 0xBA, 0xBF, 0x85),
    "Â": (0xA2, 0xC4, 0xC1, 0xC2, 0xC3, 0x86),
    "E": (None, 0x8A, 0x87, 0x88, 0x89, 0x8B),
    "Ê": (0xA3, 0xDA, 0xC5, 0xCD, 0xD9, 0x8C),
    "I": (None, 0x90, 0x8D, 0x8E, 0x8F, 0x91),
    "O": (None, 0x95, 0x92, 0x93, 0x94, 0x96),
    "Ô": (0xA4, 0xFF, 0xDB, 0xE0, 0xF0, 0x97),
    "Ơ": (0xA5, 0x9B, 0x98, 0x99, 0x9A, 0x9C),
    "U": (None, None, 0x9D, 0x9E, 0x9F, None),
    "Ư": (0xA6,),
    "Đ": (0xA7,),
}


def _byte_char(b: int) -> list[str]:
    """The character(s) a byte becomes when the page is read as Windows-1252 (or as Latin-1 for the five
    bytes Windows-1252 leaves undefined)."""
    out = [chr(b)]
    try:
        out.insert(0, bytes([b]).decode("cp1252"))
    except UnicodeDecodeError:
        pass
    return list(dict.fromkeys(out))


def _build_tcvn3() -> dict[str, str]:
    table: dict[str, str] = {}
    for layout in (_TCVN3_LOWER, _TCVN3_UPPER):
        for base, codes in layout.items():
            for tone, code in zip(TONES, codes, strict=False):
                if code is None:
                    continue
                letter = unicodedata.normalize("NFC", base + tone)
                for ch in _byte_char(code):
                    table[ch] = letter
    return table


TCVN3_MAP = _build_tcvn3()
# codes 0x80-0x9F that Windows-1252 shows as punctuation: letters only where the word then makes sense
_TCVN3_AMBIGUOUS = frozenset(ch for ch in TCVN3_MAP if ord(ch) > 0xFF and not ch.isalpha())
# codes no alphabet uses as a letter inside a word ("hoµ", "x·", "®Êt")
TCVN3_TELLING = frozenset(ch for ch in TCVN3_MAP if not ch.isalpha()) | frozenset("µªº")
_TCVN3_AMBIGUOUS_STR = "".join(sorted(_TCVN3_AMBIGUOUS))
_TCVN3_SURE = {ch: u for ch, u in TCVN3_MAP.items() if ch not in _TCVN3_AMBIGUOUS}
_TCVN3_ALL_TT = str.maketrans(TCVN3_MAP)
_TCVN3_SURE_TT = str.maketrans(_TCVN3_SURE)

# ------------------------------------------------------------------------------------------ VNI
# Mark bytes after a base letter (lower-case mark, upper-case mark): what each adds.
_VNI_TONE = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_CIRCUMFLEX = {"â": "", "á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_VNI_BREVE = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}
# Letters that are one byte: ơ, ư, đ, the i's and ỵ.
_VNI_SINGLE_LOWER = {"ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}


def _with_upper(table: dict[str, str]) -> dict[str, str]:
    return table | {k.upper(): v.upper() if v.isalpha() else v for k, v in table.items()}


_VNI_TONE_MARKS = _with_upper(_VNI_TONE)
_VNI_CIRC_MARKS = {k: "\u0302" + v for k, v in _with_upper(_VNI_CIRCUMFLEX).items()}
_VNI_BREVE_MARKS = {k: "\u0306" + v for k, v in _with_upper(_VNI_BREVE).items()}
_VNI_SINGLE = _with_upper(_VNI_SINGLE_LOWER)
_VNI_BASES = {c: c for c in "aeiouyAEIOUY"} | {"ô": "ơ", "ö": "ư", "Ô": "Ơ", "Ö": "Ư"}
VNI_CHARS = frozenset(_VNI_TONE_MARKS) | frozenset(_VNI_CIRC_MARKS) | frozenset(_VNI_BREVE_MARKS) | frozenset(_VNI_SINGLE)


def _vni_marks_for(base: str) -> dict[str, str]:
    low = base.lower()
    marks = dict(_VNI_TONE_MARKS)
    if low in "aeo":
        marks |= _VNI_CIRC_MARKS
    if low == "a":
        marks |= _VNI_BREVE_MARKS
    return marks


_VNI_MARKS_BY_BASE = {b: _vni_marks_for(b) for b in _VNI_BASES}


def vni_convert(text: str) -> tuple[str, list[int]]:
    """VNI → Unicode, with out[i]'s offset in `text` (len(out) + 1 entries)."""
    out: list[str] = []
    pos: list[int] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        base = _VNI_BASES.get(c)
        if base is not None and i + 1 < n and text[i + 1] in _VNI_MARKS_BY_BASE[c]:
            marks = _VNI_MARKS_BY_BASE[c][text[i + 1]]
            j = i + 2
            if marks in ("\u0302", "\u0306") and j < n and text[j] in _VNI_TONE_MARKS:  # "aâ" + "ù"
                marks += _VNI_TONE_MARKS[text[j]]
                j += 1
            out.append(unicodedata.normalize("NFC", base + marks))
            pos.append(i)
            i = j
            continue
        out.append(_VNI_SINGLE.get(c, c))
        pos.append(i)
        i += 1
    pos.append(n)
    return "".join(out), pos


def tcvn3_word(word: str) -> str:
    full = word.translate(_TCVN3_ALL_TT)
    if full == word or _TCVN3_AMBIGUOUS.isdisjoint(word):
        return full
    if (len(word) > 1 or word == "™") and is_syllable(full):  # "™" alone: "Ở" starting a sentence
        return full
    return word.translate(_TCVN3_SURE_TT)


def tcvn3_core(word: str) -> str:
    """`word` without the quotes and dashes around it that are not part of it ("“Hµ" → "Hµ")."""
    if _TCVN3_AMBIGUOUS.isdisjoint(word) or tcvn3_word(word) == word.translate(_TCVN3_ALL_TT):
        return word
    return word.strip(_TCVN3_AMBIGUOUS_STR)


