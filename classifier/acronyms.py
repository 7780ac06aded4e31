"""Acronyms and initials written in capitals with dots between their letters ("U.B.N.D", "O.K", "N.K.T").

classifier.dodges joins dotted letters and cuts them into syllables, which is right for a dodged word ("l.ừ.a",
"V.A.Y") but not for an acronym: "U.B.N.D" was cut "u bnd", and two dotted letters were read one by one through
teencode ("O.K" → "o không", "S.G" → "sao g"). Dotted capitals read here as the acronym they spell, the way the
same letters written without dots read: classifier/data/acronyms.tsv first (the short list of known acronyms,
with a reading where the dotted form means something else), then teencode.tsv for three letters or more
("U.B.N.D" → "ủy ban nhân dân", "O.K.E" → "được"), then, without a vowel, the initials as one word ("N.K.T",
"S.G", "D.C": no teencode for two letters, which are names' initials more often than chat: "C.C", "V.L"). What is
left (a vowel, no known acronym) is decided by classifier.dodges: letters one by one or a dodged word.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from classifier.canonical_unicode import nfc
from classifier.teencode import DATA_DIR, load_teencode, normalize_word, tone

ACRONYMS_PATH = DATA_DIR / "acronyms.tsv"
_VOWELS = frozenset("aeiouy")


@lru_cache(maxsize=4)
def load_acronyms(path: str = str(ACRONYMS_PATH)) -> dict[str, str]:
    """The known acronyms (TSV with header "short<TAB>reading"): letters, lower case without dots → their
    reading ("" where the line gives none: the letters read as they do written without dots)."""
    p = Path(path)
    table: dict[str, str] = {}
    if not p.exists():
        return table
    for lineno, line in enumerate(p.read_text(encoding="utf-8").splitlines()):
        if (lineno == 0 and line.lower().startswith("short")) or not line.strip() or line.startswith("#"):
            continue
        short, _, reading = line.partition("\t")
        letters = nfc(short.strip().replace(".", "").lower())
        if letters:
            table.setdefault(letters, nfc(reading.strip().lower()))
    return table


def is_capitals(letters: str) -> bool:
    """Two or more capital letters of an acronym: A-Z or "Đ", no diacritics ("ĐỊT" is a word)."""
    return len(letters) >= 2 and all("A" <= c <= "Z" or c == "Đ" for c in letters)


def acronym(letters: str) -> tuple[str, ...] | None:
    """The syllables the dotted capitals `letters` ("UBND", written "U.B.N.D") read as when they are a known
    acronym or initials without a vowel; None when classifier.dodges decides (a vowel, no known acronym)."""
    low = letters.lower()
    reading = load_acronyms().get(low)
    if reading is not None:
        return tuple(tone(w) for w in reading.split()) if reading else normalize_word(low)
    if len(low) > 2 and (low in load_teencode() or not _VOWELS.intersection(low)):
        return normalize_word(low)  # "ubnd", "oke"; initials "nkt" (a letter repeated counts once, as before)
    if not _VOWELS.intersection(low):
        return (low,)  # two: no teencode ("D.C" is no "dc" = "được", "C.C" no "cc")
    return None
