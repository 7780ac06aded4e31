"""Which Vietnamese syllables and two-syllable words are in use, for cutting letters written without spaces.

"đểnhận" (from the dodge "Đ.ể.n.h.ậ.n") is both "để nhận" and "đển hận" by the syllable grammar
(classifier.syllables); only a word list says that "đển" is no word. The list is Hồ Ngọc Đức's dictionary as
underthesea ships it (Viet74K, a file inside the installed package: nothing is downloaded), read once, lower
case, NFC, new-style tone marks.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from classifier.canonical_unicode import nfc, strip_accents
from classifier.syllables import is_syllable
from classifier.teencode import tone


@lru_cache(maxsize=1)
def _lexicon() -> tuple[frozenset[str], frozenset[str]]:
    text = (resources.files("underthesea") / "corpus" / "data" / "Viet74K.txt").read_text(encoding="utf-8")
    entries = [e.split() for e in set(nfc(text).lower().splitlines())]
    canonical = {w: tone(w) for w in {w for e in entries for w in e}}
    syllables = frozenset(c for c in canonical.values() if is_syllable(c))
    pairs = frozenset(
        canonical[e[0]] + " " + canonical[e[1]]
        for e in entries
        if len(e) == 2 and canonical[e[0]] in syllables and canonical[e[1]] in syllables
    )
    return syllables, pairs


def is_attested(syllable: str) -> bool:
    """A syllable some Vietnamese word is made of ("để", "nhận"; not "đển")."""
    return syllable in _lexicon()[0]


@lru_cache(maxsize=1)
def _plain() -> tuple[frozenset[str], frozenset[str]]:
    syllables, pairs = _lexicon()
    return frozenset(map(strip_accents, syllables)), frozenset(map(strip_accents, pairs))


def is_plain_attested(letters: str) -> bool:
    """Letters without diacritics that are a syllable in use once they are put back ("rieng": "riêng")."""
    return letters in _plain()[0]


def is_word_pair(first: str, second: str) -> bool:
    """Two syllables that make a dictionary word together ("bán" "hàng"; without diacritics "ban" "hang")."""
    pair = f"{first} {second}"
    return pair in _lexicon()[1] or (pair.isascii() and pair in _plain()[1])
