"""Which Vietnamese syllables and two-syllable words are in use, for cutting letters written without spaces.

"đểnhận" (from the dodge "Đ.ể.n.h.ậ.n") is both "để nhận" and "đển hận" by the syllable grammar
(classifier.syllables); only a word list says that "đển" is no word. The list is Hồ Ngọc Đức's dictionary as
underthesea ships it (Viet74K, a file inside the installed package: nothing is downloaded), read once, lower
case, NFC, new-style tone marks. An underthesea without that file (another version) leaves no lexicon: one
warning is logged and the dodge-undoing cuts letters by the syllable grammar alone (`available()` is False).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib import resources

from classifier.canonical_unicode import nfc, strip_accents
from classifier.syllables import is_syllable
from classifier.teencode import tone

log = logging.getLogger(__name__)
_EMPTY: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())


def available() -> bool:
    """Whether the word list could be read (looked for once, then remembered either way)."""
    return _lexicon() is not None


def _words() -> tuple[frozenset[str], frozenset[str]]:
    return _lexicon() or _EMPTY


@lru_cache(maxsize=1)
def _lexicon() -> tuple[frozenset[str], frozenset[str]] | None:
    try:
        path = resources.files("underthesea") / "corpus" / "data" / "Viet74K.txt"
        text = path.read_text(encoding="utf-8")
    except (OSError, ImportError) as exc:
        log.warning(
            "no Viet74K word list in the installed underthesea (%s): dotted and spaced letters are cut into "
            "syllables by the syllable grammar alone",
            exc,
        )
        return None
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
    return syllable in _words()[0]


@lru_cache(maxsize=1)
def _plain() -> tuple[frozenset[str], frozenset[str]]:
    syllables, pairs = _words()
    return frozenset(map(strip_accents, syllables)), frozenset(map(strip_accents, pairs))


def is_plain_attested(letters: str) -> bool:
    """Letters without diacritics that are a syllable in use once they are put back ("rieng": "riêng")."""
    return letters in _plain()[0]


def is_word_pair(first: str, second: str) -> bool:
    """Two syllables that make a dictionary word together ("bán" "hàng"; without diacritics "ban" "hang")."""
    pair = f"{first} {second}"
    return pair in _words()[1] or (pair.isascii() and pair in _plain()[1])
