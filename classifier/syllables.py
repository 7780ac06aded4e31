"""Whether a word is a valid Vietnamese syllable: onset, rhyme and a tone mark the rhyme allows.

Both repairs of damaged Vietnamese ask it: a legacy-encoded word counts as such when it is no syllable as written
but is one converted (`classifier.legacy_encoding`), and a lost byte of mojibake is restored as the letter that
makes its word a syllable (`classifier.mojibake`). The grammar is its own thing, shared by both.

Imports nothing outside `classifier` (the crawler uses it too).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # none, acute, grave, hook, tilde, dot

_ONSET = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx]"
_RHYMES = """a ai ao au ay ac ach am an ang anh ap at ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu ây
e ec em en eng eo ep et ê êch êm ên ênh êp êt êu i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
o oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oc oe oem oen oeo oet oi om on ong
ooc oong op ot ô ôc ôi ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt u ua uân uâng uât uây uc uê uêch uênh ui um un ung
uơ uôc uôi uôm uôn uông uôt up ut uy uya uych uyên uyêt uynh uyp uyt uyu ư ưa ưc ưi ưm ưn ưng ươc ươi ươm
ươn ương ươp ươt ươu ưt ưu y yêm yên yêng yêt yêu ych ynh yp yt""".split()
_SYLLABLE = re.compile(rf"(?:{_ONSET})?(?:{'|'.join(sorted(_RHYMES, key=len, reverse=True))})")
_STOP_FINAL = re.compile(r"(?:c|ch|p|t)$")
_TONE_MARKS = frozenset(TONES[1:])


@lru_cache(maxsize=100_000)
def is_syllable(word: str) -> bool:
    """A valid Vietnamese syllable (any case, one tone mark at most; c/ch/p/t only with acute or dot below)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in decomposed if c in _TONE_MARKS]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    if not _SYLLABLE.fullmatch(bare):
        return False
    return not (tones and tones[0] not in ("\u0301", "\u0323") and _STOP_FINAL.search(bare))

