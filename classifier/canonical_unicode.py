"""Text made canonical Unicode, with a map back to where each character came from.

Before anything reads Vietnamese text, whatever keeps it from being plain NFC Unicode is undone: HTML
character references, look-alike letters, invisible characters between letters, UTF-8 read as a Windows code
page, legacy font encodings (TCVN3, VNI), decomposed marks and marks that compose with nothing. Each step keeps
offsets, so evidence still points at the text a moderator sees. Accent stripping lives here too: it is a
one-for-one translation of this canonical form.
"""

from __future__ import annotations

import unicodedata

from classifier.entities import decode_entities
from classifier.invisible import compose, drop_invisible, drop_stray_marks
from classifier.legacy_encoding import to_unicode_with_map
from classifier.lookalikes import fold_lookalikes
from classifier.mojibake import repair_with_map
from classifier.nfc_map import nfc_with_map


def _build_strip_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0xC0, 0x1F00):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if base != ch and len(base) == 1 and base.isascii():
            table[cp] = base
    table[ord("đ")], table[ord("Đ")] = "d", "D"
    return table


_STRIP = _build_strip_table()


def strip_accents(text: str) -> str:
    """Remove Vietnamese diacritics (đ → d). Length-preserving on NFC input, so offsets stay valid."""
    return text.translate(_STRIP)


def nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def readable_with_map(text: str) -> tuple[str, list[int] | None]:
    """NFC text plus, when it differs from the input, pos[i] = original offset of NFC char i (len+1 long).
    Text typed in a legacy font encoding (TCVN3, VNI: "Céng hoµ") is converted to Unicode first, and UTF-8 read
    as a Windows code page before it reached us ("Cáº£nh bÃ¡o") is repaired before that (classifier.mojibake).
    HTML character references are decoded first ("Vi&#7879;c", classifier.entities), then look-alike letters
    ("𝐂𝐡𝐮𝐲ể𝐧", "ＣＨＵＹỂＮ", also those a reference spells: "&#119810;&#119841;") folded (classifier.lookalikes:
    one code point for one, so offsets do not move; a folded letter followed by combining marks composes in the
    NFC step). Then invisible characters between letters ("lừ" + U+200B + "a") are dropped, and after NFC the
    accent marks that compose with nothing ("l̴ừ̴a̴") (classifier.invisible), so none of them splits a word."""
    decoded, decoded_pos = decode_entities(text)
    shown, shown_pos = drop_invisible(fold_lookalikes(decoded))
    s, pos = _repaired_nfc_with_map(shown)
    s, marks_pos = drop_stray_marks(s)
    return s, compose(compose(compose(decoded_pos, shown_pos), pos), marks_pos)


def _repaired_nfc_with_map(text: str) -> tuple[str, list[int] | None]:
    repaired = repair_with_map(text)
    if repaired is not None:
        fixed, fixed_pos = repaired
        s, pos = _repaired_nfc_with_map(fixed)
        return s, fixed_pos if pos is None else [fixed_pos[p] for p in pos]
    legacy = to_unicode_with_map(text)
    if legacy is not None:
        converted, legacy_pos = legacy
        s, pos = nfc_with_map(converted)
        return s, legacy_pos if pos is None else [legacy_pos[p] for p in pos]
    return nfc_with_map(text)

