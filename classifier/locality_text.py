"""How a text writes the syllables the locality tagger matches: their diacritics, their capitals and their
offsets, and which of them stand in one phrase. The tagger matches accent-stripped syllables; everything it
asks about how a name was written (with its diacritics or not, capitalised, after which words) is asked
here."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from classifier.locality_gazetteer import Key, fold, toneless
from classifier.normalize import strip_accents

# what may stand between two syllables of one name: spaces or a hyphen ("Bà Rịa - Vũng Tàu"), or the "_" of
# word-segmented text ("Hà_Nội", as ReINTEL and word segmenters write it); not a line break
_SAME_PHRASE = re.compile(r"[ \t\u00a0]*(?:[-\u2013\u2014][ \t\u00a0]*)?|_")
_ABBREV_DOT = re.compile(r"\.[ \t\u00a0]*")  # "TP.HCM", "TP. HCM", "p. Bến Thành": after a short abbreviation
_ABBREV = re.compile(r"[^\W\d_]{1,3}")
_SPACED_DOT = re.compile(r"[ \t\u00a0]+\.[ \t\u00a0]*")  # tokenised text: "TP .Hồ_Chí_Minh"
_SPACED_ABBREVS = frozenset({"tp", "p"})  # only type abbreviations: "Huế . Đà Nẵng" stays two sentences
SPACES = re.compile(r"[ \t\u00a0]+")


def capitalised(text: str) -> bool:
    """Every word of `text` begins with a capital ("Hà Nội", "TP. Hà Nội")."""
    return all(w[0].isupper() for w in re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", text)))


class WrittenText:
    """The syllables being matched (accent-stripped), with what is known of how they were written: the same
    syllables with their diacritics (`acc`) and their offsets in the original text (`spans`), when known."""

    def __init__(self, toks: Sequence[str], original: str, acc: Sequence[str] | None,
                 spans: Sequence[tuple[int, int]] | None) -> None:
        self.toks, self.original, self.acc, self.spans = toks, original, acc, spans
        letters = [c for c in original if c.isalpha()]
        lower = sum(c.islower() for c in letters)
        self.uses_capitals = lower < len(letters)
        self.shouting = bool(letters) and lower < 0.1 * len(letters)  # capitals say nothing in an all-caps text
        # the text writes diacritics somewhere: a syllable written without them is then really so written
        self.has_diacritics = acc is not None and any(a != p for a, p in zip(acc, toks, strict=False))

    def written(self, i: int, j: int) -> str | None:
        """Syllables i..j-1 as the original text writes them (with what stands between them), or None when
        their offsets are unknown."""
        s = self.spans
        return self.original[s[i][0] : s[j - 1][1]] if s is not None else None

    def joined(self, i: int, j: int) -> bool:
        """Syllables i..j-1 stand in one phrase: no sentence punctuation or line break between them."""
        s = self.spans
        if s is None:
            return True
        for k in range(i, j - 1):
            gap = self.original[s[k][1] : s[k + 1][0]]
            if _SAME_PHRASE.fullmatch(gap):
                continue
            word = self.original[s[k][0] : s[k][1]]
            if _ABBREV_DOT.fullmatch(gap) and _ABBREV.fullmatch(word):
                continue
            if not (_SPACED_DOT.fullmatch(gap) and word.lower() in _SPACED_ABBREVS):  # tokenised "TP .Hà_Nội"
                return False
        return True

    def bare(self, k: int) -> bool:
        """Syllable k is written without diacritics (or how it was written is unknown)."""
        return self.acc is None or self.acc[k] == self.toks[k]

    def fit(self, i: int, j: int, forms: Iterable[Key], slips: bool = False) -> str:
        """How syllables i..j-1 match one of `forms` (a name with diacritics): "exact" with its diacritics,
        "bare" with diacritics left out, "" when they carry the diacritics of other words ("diễn biến").
        With `slips`, one capitalised syllable may carry a wrong tone mark ("Đã Nẳng", "Hà Nôi"): "misspelt"."""
        acc = self.acc
        if acc is None:
            return "exact"  # only the stripped syllables are known: as before
        best = ""
        for form in forms:
            if len(form) != j - i:
                continue
            left_out, slipped = False, 0
            for k, f in zip(range(i, j), form, strict=True):
                if fold(acc[k]) == f:
                    continue
                if not self.bare(k):  # diacritics of another word: "diễn biến", "giá lại", "cả màu"
                    if slips and toneless(acc[k]) == toneless(f) and self.title_case(k, k + 1):
                        slipped += 1  # same letters, another tone: a slip, when only one syllable has one
                        if slipped == 1:
                            continue
                    break
                left_out = True  # written without them: "Ha Noi", "sai gòn"
            else:
                if slipped:
                    best = best or "misspelt"
                elif not left_out:
                    return "exact"
                else:
                    best = "bare"
        return best

    def is_word(self, k: int, word: Key) -> bool:
        """Syllable k is the one-syllable `word` (as far as diacritics show)."""
        if self.bare(k):
            return self.toks[k] == strip_accents(word[0])
        assert self.acc is not None
        return fold(self.acc[k]) == word[0]

    def before(self, i: int, phrases: Iterable[Key]) -> bool:
        """One of `phrases` ends right before syllable i, in the same phrase as it."""
        for ph in phrases:
            a = i - len(ph)
            if a >= 0 and self.joined(a, i + 1) and all(self.is_word(a + n, (w,)) for n, w in enumerate(ph)):
                return True
        return False

    def after(self, j: int, phrases: Iterable[Key]) -> bool:
        """One of `phrases` starts right after syllable j-1, in the same phrase as it."""
        for ph in phrases:
            b = j + len(ph)
            if b <= len(self.toks) and self.joined(j - 1, b) and all(
                    self.is_word(j + n, (w,)) for n, w in enumerate(ph)):
                return True
        return False

    def phrase_final(self, j: int) -> bool:
        """No word follows syllable j-1 in its phrase ("Đồ hiệu cao bằng :))")."""
        return j >= len(self.toks) or not self.joined(j - 1, j + 1)

    def capitalised(self, i: int, j: int) -> bool:
        """Syllables i..j-1 are written capitalised as a name, in a text not written all in capitals."""
        w = self.written(i, j)
        return w is not None and capitalised(w) and not self.shouting

    def title_case(self, i: int, j: int) -> bool:
        """Syllables i..j-1 are each written with a capital and then small letters ("Hà Nôi", not "HÀ NÔI")."""
        return not self.shouting and all(
            (w := self.written(k, k + 1)) is not None and w[:1].isupper() and (len(w) == 1 or w[1:].islower())
            for k in range(i, j))

    def written_as(self, k: int, words: Iterable[Key]) -> bool:
        """Syllable k is one of the one-syllable `words` written with exactly its diacritics ("thung" is not
        "thùng"); False when how it was written is unknown."""
        return self.acc is not None and any(len(w) == 1 and fold(self.acc[k]) == w[0] for w in words)

    def initial_capital(self, k: int) -> bool:
        """Syllable k is written with a capital first letter (as far as its offsets are known)."""
        w = self.written(k, k + 1)
        return w is not None and w[:1].isupper()
