"""Known items: confirmed violations raise the score of near-duplicates; dismissed texts suppress them.

Matching is MinHash similarity (classifier.fingerprint, character 5-shingles of the accent-folded words) of the
text after the same dodge-undoing as the model's features (classifier.normalize: look-alike letters, dotted and
spaced spellings, leet, teencode, tone placement; links, phones and amounts as typed tokens), for stored and
incoming texts alike, so a repost with different punctuation, casing, no diacritics, "t.r.ú.n.g t.h.ư.ở.n.g",
"𝐭𝐫ú𝐧𝐠" or another phone number still matches. Character shingles, not the story clusters' word 3-shingles: an
abbreviated or dodged word ("tk", "24h", "kh") costs a few shingles, not three words' worth, so a repost with a
handful of such edits stays a match (a 30-word scam with six edits: 0.34 by words, 0.65 by characters). Over the
1,826 SMS of vi_sms_smishing, pairs at ≥ 0.5 with the same label: 3,450 by words, 7,794 by characters; with
opposite labels 20 and 21 (near-identical messages labelled both ways). Only when both texts have
`CHAR_MIN_WORDS` (8) words or more: on short texts a few shared letters make most of the character shingles
("Đồ chó!" / "Đồ chơi" 0.72, "Bóng dơ" / "Bóng đời" 0.77; 0.0 by words), so shorter texts compare by word
3-shingles. With ViHSD train's violations as confirmed entries, clean texts matched ≥ 0.5: 59 by words, 146 by
characters always, 60 with the 8-word floor (69 with 6, 107 with 4); the SMS pairs above (distinct texts, the
current normalisation) keep 9,500 of the 9,550 same-label pairs characters find (3,369 by words).

A dismissal needs 0.8, not 0.7: character shingles put more pairs over any threshold (SMS pairs ≥ 0.7: 1,984 by
words, 3,171 by characters; ≥ 0.8 by characters: 2,243, the nearest to the old reach; ≥ 0.85: 1,685). And it
never suppresses a text carrying personal data (phone, email, ID or account number, house address:
classifier.personal_data) that the dismissed text did not carry: a harmless "bóc phốt" post dismissed, then
reposted with the owner's name, phone and address, kept its privacy flag. Nor, in the categories where naming
someone is the harm (`PERSON_CATEGORIES`: privacy, harassment, child_safety), a text naming in full a person the
dismissed text did not name (classifier.personal_data.full_names): the same "bóc phốt" post reposted with only
"chị H." written "Nguyễn Thị Hoa" was 0.91 similar and lost its privacy and harassment flags. Its other categories
stay dismissed (a dismissed rumour reposted with a byline is still the text judged), and a name is never personal
data by itself. Over the 1,826 SMS of vi_sms_smishing as dismissals, 1 of the 3,900 matches of another text at
≥ 0.8 names someone new (a bank-scam template addressed to another customer). A confirmed entry is not held back so.

The bank holds texts, not rows: the rows of one text (the same post decided on several entries, a dismissal
recorded under one flag and covering the entry's others) are one fingerprint and, per category, the latest row's
verdict, so a text confirmed as scam and as illegal_ad is one match raising both once, with every row named as
evidence; a text confirmed twice no longer raises its category twice (two noisy-OR steps of one piece of evidence),
and a blanket dismissal followed by a confirmation keeps the confirmed category. Copies near enough to each other
for a dismissal to reach (`dismissed_min`) count as one text for this too (`Bank.match`): a post dismissed on one
copy and confirmed as scam on another a word apart is scam for a third, and the other way round.
The bank is built from entry texts (review/ stores texts, not signatures), so nothing stored needs recomputing
when this canonical form changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

import numpy as np
from datasketch import MinHash

from classifier.categories import CATEGORIES
from classifier.fingerprint import NUM_PERM, char_shingles, folded_words, minhash, minhash_of
from classifier.normalize import normalize
from classifier.personal_data import full_names, personal_data

CONFIRMED, DISMISSED = "confirmed", "dismissed"
# where naming someone is the harm: a dismissal in these does not cover a repost naming a person it did not name
PERSON_CATEGORIES = frozenset({"privacy", "harassment", "child_safety"})
CHAR_MIN_WORDS = 8  # both texts this long (canonical words): character 5-grams; else word 3-shingles
# A text shorter than CHAR_MIN_WORDS has at most CHAR_MIN_WORDS - 3 word 3-shingles, so it reaches the 0.5 a match
# needs only with texts of at most twice as many shingles: longer texts need no word MinHash (a third of the work).
WORDS_MAX = 2 * (CHAR_MIN_WORDS - 3) + 2


@dataclass(frozen=True)
class Fingerprint:
    """What the bank compares of a text: MinHash of the canonical (dodges undone) text's word 3-shingles (up to
    `WORDS_MAX` words), of its character 5-grams (from `CHAR_MIN_WORDS` words), and its personal data
    (classifier.personal_data) and the full names it writes. `empty`: no words at all."""

    words: MinHash | None
    chars: MinHash | None
    personal: frozenset[str]
    empty: bool
    names: frozenset[str] = frozenset()  # full names (classifier.personal_data.full_names)

    def similarity(self, other: Fingerprint) -> float:
        if self.empty or other.empty:
            return 0.0
        if self.chars is not None and other.chars is not None:
            return float(self.chars.jaccard(other.chars))
        if self.words is not None and other.words is not None:
            return float(self.words.jaccard(other.words))
        return 0.0  # one short, the other over WORDS_MAX words: below any threshold (see WORDS_MAX)


def fingerprint(text: str) -> Fingerprint:
    norm = normalize(text)
    n = len(folded_words(norm))
    return Fingerprint(minhash(norm) if n <= WORDS_MAX else None,
                       minhash_of(char_shingles(norm)) if n >= CHAR_MIN_WORDS else None, personal_data(text), n == 0,
                       full_names(text))


def bank_minhash(text: str) -> MinHash:
    """The fingerprint a bank compares two long texts by (`Fingerprint.similarity` for any two)."""
    return minhash_of(char_shingles(normalize(text)))


@dataclass(frozen=True)
class BankText:
    """A decided text. `categories`: for a confirmed text the harms confirmed (one at least); for a dismissed text
    the flags it was dismissed in, empty for every category. A single category name or None is accepted for it
    (as one-category banks were written) and stored as a set."""

    text: str
    categories: frozenset[str]
    polarity: str  # "confirmed" | "dismissed"
    ref: str  # e.g. "mục #10 (bank:3)" (review.known_items.bank_ref); a match's entry joins every row's ref

    def __post_init__(self) -> None:
        value: object = self.categories
        if value is None:
            cats: frozenset[str] = frozenset()
        elif isinstance(value, str):
            cats = frozenset({value})
        else:
            cats = frozenset(value)  # type: ignore[call-overload]
        object.__setattr__(self, "categories", cats)


@dataclass(frozen=True)
class BankMatch:
    """One decided text and polarity matched: `entry.categories` are the categories it raises (confirmed) or
    suppresses (dismissed) for this text, `entry.ref` every bank row behind them."""

    entry: BankText
    similarity: float


_REFS_SHOWN = 5  # a match's evidence names at most this many rows (a story copied on 40 pages is one text)


@dataclass
class _Verdicts:
    """What the bank's rows of one text say, per category: the latest row's polarity decides (a blanket dismissal
    counts for every category), with the refs of the rows agreeing with it and when (`Bank.add`'s count) the
    latest of them came."""

    polarity: dict[str, str] = field(default_factory=dict)
    refs: dict[str, list[str]] = field(default_factory=dict)
    when: dict[str, int] = field(default_factory=dict)

    def add(self, entry: BankText, when: int) -> None:
        for c in entry.categories or CATEGORIES:
            self.when[c] = when
            if self.polarity.get(c) != entry.polarity:
                self.polarity[c], self.refs[c] = entry.polarity, []
            if entry.ref not in self.refs[c]:
                self.refs[c].append(entry.ref)

    def entries(self, text: str) -> dict[str, BankText]:
        """The text as one BankText per polarity (those with a category left), by polarity."""
        out = {}
        for polarity in (CONFIRMED, DISMISSED):
            cats = [c for c, p in self.polarity.items() if p == polarity]
            if cats:
                refs = list(dict.fromkeys(r for c in sorted(cats) for r in self.refs[c]))
                more = f" (+{len(refs) - _REFS_SHOWN} mục khác)" if len(refs) > _REFS_SHOWN else ""
                out[polarity] = BankText(text, frozenset(cats), polarity, ", ".join(refs[:_REFS_SHOWN]) + more)
        return out


_EMPTY = np.iinfo(np.uint64).max  # datasketch's initial hash value: a MinHash of nothing


class Bank:
    """An in-memory bank. Confirmed entries need a category; a dismissed entry without one covers all.

    Entries are kept per text: one fingerprint, and per category the latest entry's verdict (`_Verdicts`), so a
    text confirmed twice, or once as scam and once as illegal_ad, is one match raising each category once with
    every row as evidence, and a dismissal suppresses only the categories no later confirmation of the same text
    took back. The comparisons are one vectorised step over all fingerprints."""

    def __init__(self, entries: Iterable[BankText] = (), *, confirmed_min: float = 0.5,
                 dismissed_min: float = 0.8) -> None:
        self.confirmed_min = confirmed_min
        self.dismissed_min = dismissed_min
        self._entries: list[BankText] = []
        self._texts: dict[str, int] = {}  # text -> index in the lists below
        self._text_list: list[str] = []
        self._prints: list[Fingerprint] = []
        self._verdicts: list[_Verdicts] = []
        self._merged: list[dict[str, BankText] | None] = []  # per text, by polarity; None: to recompute
        self._matrices: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        for e in entries:
            self.add(e)

    def add(self, entry: BankText) -> None:
        if entry.polarity not in (CONFIRMED, DISMISSED):
            raise ValueError(f"polarity must be {CONFIRMED!r} or {DISMISSED!r}, not {entry.polarity!r}")
        if entry.polarity == CONFIRMED and not entry.categories:
            raise ValueError("a confirmed bank entry needs a category")
        unknown = sorted(entry.categories - set(CATEGORIES))
        if unknown:
            raise ValueError(f"unknown bank entry category {', '.join(map(repr, unknown))} ({entry.ref})")
        self._entries.append(entry)
        i = self._texts.get(entry.text)
        if i is None:
            i = self._texts[entry.text] = len(self._prints)
            self._text_list.append(entry.text)
            self._prints.append(fingerprint(entry.text))
            self._verdicts.append(_Verdicts())
            self._merged.append(None)
            self._matrices = None
        self._verdicts[i].add(entry, len(self._entries))
        self._merged[i] = None

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[BankText]:
        return iter(self._entries)

    @property
    def fingerprints(self) -> int:
        """Distinct texts fingerprinted (entries of the same text share one)."""
        return len(self._prints)

    def _entries_of(self, i: int) -> dict[str, BankText]:
        merged = self._merged[i]
        if merged is None:
            merged = self._merged[i] = self._verdicts[i].entries(self._text_list[i])
        return merged

    def _stacked(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._matrices is None:
            none = np.full(NUM_PERM, _EMPTY, dtype=np.uint64)
            words = np.array([p.words.hashvalues if p.words is not None and not p.empty else none
                              for p in self._prints], dtype=np.uint64).reshape(-1, NUM_PERM)
            chars = np.array([p.chars.hashvalues if p.chars is not None else none
                              for p in self._prints], dtype=np.uint64).reshape(-1, NUM_PERM)
            has_chars = np.array([p.chars is not None for p in self._prints], dtype=bool)
            self._matrices = (words, chars, has_chars)
        return self._matrices

    def match(self, text: str) -> list[BankMatch]:
        """Decided texts similar enough to `text` (by their polarity's threshold), one match per text and polarity
        (its categories and every row behind them: `BankMatch`), most similar first. A dismissed entry
        never matches a text carrying personal data it does not carry (a repost adding someone's phone or address
        is no longer the text the moderator found harmless), nor, in `PERSON_CATEGORIES`, a text naming in full
        a person it does not name, nor in a category a text as near (`dismissed_min`) confirmed after it: two
        copies a dismissal reaches are one text, the later verdict standing (the rows of one text: `_Verdicts`)."""
        if not self._entries:
            return []
        m = fingerprint(text)
        if m.empty:  # no words ("", "...", emoji only): like nothing, and every such text alike
            return []
        words, chars, has_chars = self._stacked()
        # (hash values are below 2**32: a row of _EMPTY, a text without that MinHash, equals none of them)
        sims = (words == m.words.hashvalues).mean(axis=1) if m.words is not None else np.zeros(len(self._prints))
        if m.chars is not None:
            sims = np.where(has_chars, (chars == m.chars.hashvalues).mean(axis=1), sims)
        low = min(self.confirmed_min, self.dismissed_min)
        out = []
        confirmed_near: dict[str, int] = {}  # category -> when a text as near as a dismissal needs last confirmed it
        dismissals = []
        for i in map(int, np.nonzero(sims >= low)[0]):
            sim = float(sims[i])
            merged = self._entries_of(i)
            if CONFIRMED in merged and sim >= self.confirmed_min:
                out.append(BankMatch(merged[CONFIRMED], sim))
                if sim >= self.dismissed_min:
                    for c in merged[CONFIRMED].categories:
                        confirmed_near[c] = max(confirmed_near.get(c, -1), self._verdicts[i].when[c])
            if DISMISSED in merged and sim >= self.dismissed_min and not m.personal - self._prints[i].personal:
                dismissals.append((i, sim))
        for i, sim in dismissals:
            dismissed = whole = self._entries_of(i)[DISMISSED]
            when = self._verdicts[i].when
            cats = {c for c in whole.categories if confirmed_near.get(c, -1) < when[c]}
            if m.names - self._prints[i].names:  # a person named whom the dismissed text did not name
                cats -= PERSON_CATEGORIES
            if cats != whole.categories:
                dismissed = replace(whole, categories=frozenset(cats))
            if cats:
                out.append(BankMatch(dismissed, sim))
        return sorted(out, key=lambda b: -b.similarity)
