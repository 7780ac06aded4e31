"""One analysis per text: normalised syllables, word segmentation, and the strings the model reads.

Segmentation (underthesea `word_tokenize`) is the expensive step, so it runs exactly once per text;
the accent-stripped variant is derived from the segmented tokens by a length-preserving translation.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from underthesea import word_tokenize

from classifier.normalize import TYPED_TOKENS, Syllable, strip_accents, syllables


@dataclass
class Doc:
    """A text after analysis. `words` are segmented words (syllables joined by "_")."""

    original: str
    syllables: list[Syllable]
    words: list[str]
    word_spans: list[tuple[int, int]]  # offsets into `original`
    norm_text: str = ""  # syllables joined by one space
    _starts: list[int] = field(default_factory=list)  # where each syllable starts in norm_text
    _plain: tuple[str, str] | None = field(default=None, repr=False, compare=False)

    @property
    def plain_text(self) -> str:
        if self._plain is None or self._plain[0] is not self.norm_text:  # cached for the current norm_text
            self._plain = (self.norm_text, strip_accents(self.norm_text))
        return self._plain[1]

    @property
    def feature_string(self) -> str:
        return " ".join(self.words)

    def span_of(self, a: int, b: int) -> tuple[int, int]:
        """Original-text offsets of the norm_text (or plain_text) character range [a, b)."""
        if not self.syllables:
            return (0, 0)
        i = max(0, bisect_right(self._starts, a) - 1)
        j = max(0, bisect_right(self._starts, max(a, b - 1)) - 1)
        return self.syllables[i].start, self.syllables[j].end


def _groups(sylls: list[str], text: str, starts: list[int]) -> list[list[int]]:
    """Syllable index groups forming words, aligned by position so a tokenizer surprise cannot shift them."""
    covered = [-1] * len(sylls)
    cursor = 0
    for gid, token in enumerate(word_tokenize(text)):
        for part in token.split():
            at = text.find(part, cursor)
            if at < 0:
                continue
            cursor = at + len(part)
            i = bisect_right(starts, at) - 1
            if 0 <= i < len(sylls) and covered[i] < 0:
                covered[i] = gid
    groups: list[list[int]] = []
    prev = None
    for i, gid in enumerate(covered):
        if gid >= 0 and gid == prev and sylls[i] not in TYPED_TOKENS and sylls[groups[-1][-1]] not in TYPED_TOKENS:
            groups[-1].append(i)
        else:
            groups.append([i])
        prev = gid
    return groups


def analyze(text: str, *, segment: bool = True) -> Doc:
    sylls = syllables(text)
    texts = [s.text for s in sylls]
    starts: list[int] = []
    pos = 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + 1
    norm_text = " ".join(texts)
    if segment and len(sylls) > 1:
        groups = _groups(texts, norm_text, starts)
    else:
        groups = [[i] for i in range(len(sylls))]
    words = ["_".join(texts[i] for i in g) for g in groups]
    spans = [(sylls[g[0]].start, sylls[g[-1]].end) for g in groups]
    return Doc(text, sylls, words, spans, norm_text, starts)


MIN_CONTENT_TOKENS = 3  # fewer normalised syllables than this: "short", no model-only flags below short_thresholds


def content_tokens(doc: Doc) -> int:
    """Normalised syllables (typed tokens included) that carry a letter or digit."""
    return sum(map(_has_alnum, [syl.text for syl in doc.syllables]))


def is_short(doc: Doc) -> bool:
    """Too little text for the model alone to judge by the ordinary thresholds (see classifier.scorer)."""
    return content_tokens(doc) < MIN_CONTENT_TOKENS


@lru_cache(maxsize=100_000)
def _has_alnum(text: str) -> bool:  # syllables repeat a lot in long texts: one check per distinct syllable
    return any(ch.isalnum() for ch in text)
