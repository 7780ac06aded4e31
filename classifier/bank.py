"""Known items: confirmed violations raise the score of near-duplicates; dismissed texts suppress them.

Matching is MinHash similarity (classifier.fingerprint, character 5-shingles of the accent-folded words) of the
text after the same dodge-undoing as the model's features (classifier.normalize: look-alike letters, dotted and
spaced spellings, leet, teencode, tone placement; links, phones and amounts as typed tokens), for stored and
incoming texts alike, so a repost with different punctuation, casing, no diacritics, "t.r.ú.n.g t.h.ư.ở.n.g",
"𝐭𝐫ú𝐧𝐠" or another phone number still matches. Character shingles, not the story clusters' word 3-shingles: an
abbreviated or dodged word ("tk", "24h", "kh") costs a few shingles, not three words' worth, so a repost with a
handful of such edits stays a match (a 30-word scam with six edits: 0.34 by words, 0.65 by characters). Over the
1,826 SMS of vi_sms_smishing, pairs at ≥ 0.5 with the same label: 3,450 by words, 7,794 by characters; with
opposite labels 20 and 21 (near-identical messages labelled both ways). The bank is built from entry texts
(review/ stores texts, not signatures), so nothing stored needs recomputing when this canonical form changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from datasketch import MinHash

from classifier.fingerprint import char_shingles, minhash_of, similarity
from classifier.normalize import normalize

CONFIRMED, DISMISSED = "confirmed", "dismissed"


def bank_minhash(text: str) -> MinHash:
    """The fingerprint a bank compares: MinHash of the canonical (dodges undone) text."""
    return minhash_of(char_shingles(normalize(text)))


@dataclass(frozen=True)
class BankText:
    text: str
    category: str | None
    polarity: str  # "confirmed" | "dismissed"
    ref: str  # e.g. "item:42"


@dataclass(frozen=True)
class BankMatch:
    entry: BankText
    similarity: float


class Bank:
    """An in-memory bank. Confirmed entries need a category; a dismissed entry without one covers all."""

    def __init__(self, entries: Iterable[BankText] = (), *, confirmed_min: float = 0.5,
                 dismissed_min: float = 0.7) -> None:
        self.confirmed_min = confirmed_min
        self.dismissed_min = dismissed_min
        self._entries: list[tuple[BankText, MinHash]] = []
        for e in entries:
            self.add(e)

    def add(self, entry: BankText) -> None:
        if entry.polarity not in (CONFIRMED, DISMISSED):
            raise ValueError(f"polarity must be {CONFIRMED!r} or {DISMISSED!r}, not {entry.polarity!r}")
        if entry.polarity == CONFIRMED and not entry.category:
            raise ValueError("a confirmed bank entry needs a category")
        self._entries.append((entry, bank_minhash(entry.text)))

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[BankText]:
        return (e for e, _ in self._entries)

    def match(self, text: str) -> list[BankMatch]:
        """Entries similar enough to `text` (by their polarity's threshold), most similar first."""
        if not self._entries:
            return []
        m = bank_minhash(text)
        if m.is_empty():  # no words ("", "...", emoji only): like nothing, and every such text alike
            return []
        out = []
        for entry, em in self._entries:
            if em.is_empty():
                continue
            sim = similarity(m, em)
            if sim >= (self.confirmed_min if entry.polarity == CONFIRMED else self.dismissed_min):
                out.append(BankMatch(entry, sim))
        return sorted(out, key=lambda b: -b.similarity)
