"""The custom steps inside the model's Pipeline. Module-level classes only, so skops can load them
from an explicit list of trusted types (see classifier.model.TRUSTED_TYPES)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from classifier.analysis import analyze
from classifier.normalize import strip_accents
from classifier.shape import meta_tokens, shape_tokens, url_part_tokens
from classifier.signals import cue_tokens

# Between the words of a feature string and its shape/metadata tokens (never inside normalised words).
META_SEP = "\t"
META_BIAS = "shape"  # every row's meta part starts with it, so the block never has an empty vocabulary
META_NONE = "meta_none"  # the `meta_words` block's prefix for rows without metadata
# Before the raw text (NFC, lowercased, whitespace collapsed) that models built with `raw_chars` or `raw_words` read.
RAW_SEP = "\x1e"
_SPACES = re.compile(r"\s+")
RAW_WORD_NGRAMS = (1, 2)  # the `raw_words` block: word unigrams and bigrams of the raw text


def raw_text(original: str) -> str:
    """The original text as the raw character block reads it: NFC, lowercased, every run of whitespace one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", original).replace(RAW_SEP, " ").lower()).strip()


def model_input(words: str, original: str, *, shape: bool, meta: Mapping[str, object] | None = None,
                cues: bool = False, url_parts: bool = False, raw_chars: bool = False) -> str:
    """What the model's feature blocks read: the feature string of the words and, for models built with
    `shape`, the shape tokens of the original text and the metadata tokens after META_SEP; for models
    built with `cues`, the sensational-cue tokens (classifier.signals.cue_tokens) there too; with
    `url_parts`, the words inside its links (classifier.shape.url_part_tokens) there too; with `raw_chars`,
    the raw text (raw_text) after RAW_SEP at the end. `raw_chars` here means "carry the raw text": recipes with
    `raw_words` pass it too (see TextAnalyzer)."""
    out = words
    if shape or cues or url_parts:
        tokens = [META_BIAS]
        if shape:
            tokens += [*shape_tokens(original), *meta_tokens(meta)]
        if cues:
            tokens += cue_tokens(original)
        if url_parts:
            tokens += url_part_tokens(original)
        out = f"{out}{META_SEP}{' '.join(tokens)}"
    if raw_chars:
        out = f"{out}{RAW_SEP}{raw_text(original)}"
    return out


class TextAnalyzer(TransformerMixin, BaseEstimator):
    """Raw text → the model's feature string: normalised, segmented words separated by spaces.

    Strings that are already feature strings (the Scorer analyses once and reuses the result for
    evidence) are passed through when they arrive wrapped in `Analyzed`.

    `raw_chars`: append the raw text after RAW_SEP. It is true whenever the recipe has a block that reads the
    raw text (`raw_chars` or `raw_words`): the Scorer reads this attribute to decide whether to append it.
    """

    def __init__(self, segment: bool = True, shape: bool = False, cues: bool = False, url_parts: bool = False,
                 raw_chars: bool = False) -> None:
        self.segment = segment
        self.shape = shape
        self.cues = cues
        self.url_parts = url_parts
        self.raw_chars = raw_chars

    def fit(self, X: Iterable[Any], y: Any = None) -> TextAnalyzer:
        return self

    def transform(self, X: Iterable[Any]) -> list[str]:
        shape = bool(getattr(self, "shape", False))  # models saved before `shape` existed have no such attribute
        cues = bool(getattr(self, "cues", False))
        url_parts, raw_chars = bool(getattr(self, "url_parts", False)), bool(getattr(self, "raw_chars", False))
        out = []
        for x in X:
            if isinstance(x, Analyzed):
                out.append(x.feature_string)
            else:
                text = str(x)
                out.append(model_input(analyze(text, segment=self.segment).feature_string, text, shape=shape,
                                       cues=cues, url_parts=url_parts, raw_chars=raw_chars))
        return out


class Analyzed:
    """A feature string computed earlier, marked so TextAnalyzer does not analyse it twice."""

    __slots__ = ("feature_string",)

    def __init__(self, feature_string: str) -> None:
        self.feature_string = feature_string


class AccentStripper(TransformerMixin, BaseEstimator):
    """Feature string → the same without diacritics, so features also match text typed without them."""

    def fit(self, X: Iterable[str], y: Any = None) -> AccentStripper:
        return self

    def transform(self, X: Iterable[str]) -> list[str]:
        return [strip_accents(x) for x in X]


class TextPart(TransformerMixin, BaseEstimator):
    """Model input → the feature string of the words alone (what precedes META_SEP and RAW_SEP)."""

    def fit(self, X: Iterable[str], y: Any = None) -> TextPart:
        return self

    def transform(self, X: Iterable[str]) -> list[str]:
        return [x.partition(RAW_SEP)[0].partition(META_SEP)[0] for x in X]


class MetaPart(TransformerMixin, BaseEstimator):
    """Model input → its shape and metadata tokens (what follows META_SEP; just META_BIAS when absent)."""

    def fit(self, X: Iterable[str], y: Any = None) -> MetaPart:
        return self

    def transform(self, X: Iterable[str]) -> list[str]:
        return [x.partition(RAW_SEP)[0].partition(META_SEP)[2] or META_BIAS for x in X]


class MetaWords(TransformerMixin, BaseEstimator):
    """Model input → its accent-stripped words and adjacent word pairs, each prefixed by every caller-metadata
    token of the row ("meta_sender_type_brandname|vay", "meta_sender_type_brandname|vay+tien"); rows without
    metadata use META_NONE. Lets a linear model weigh the same words differently by, e.g., the SMS sender type:
    "chuyển khoản" from a personal number is not what it is from a bank's brandname."""

    def fit(self, X: Iterable[str], y: Any = None) -> MetaWords:
        return self

    def transform(self, X: Iterable[str]) -> list[str]:
        out = []
        for x in X:
            words, _, meta = x.partition(RAW_SEP)[0].partition(META_SEP)
            prefixes = [t for t in meta.split() if t.startswith("meta_")] or [META_NONE]
            w = strip_accents(words).split()
            grams = w + [f"{a}+{b}" for a, b in zip(w, w[1:], strict=False)]
            out.append(" ".join(f"{p}|{g}" for p in prefixes for g in grams))
        return out


class RawPart(TransformerMixin, BaseEstimator):
    """Model input → its raw text (what follows RAW_SEP; "" when absent)."""

    def fit(self, X: Iterable[str], y: Any = None) -> RawPart:
        return self

    def transform(self, X: Iterable[str]) -> list[str]:
        return [x.partition(RAW_SEP)[2] for x in X]


def build_features(*, word_ngrams: tuple[int, int] = (1, 2), char_ngrams: tuple[int, int] = (2, 5),
                   min_df: int = 2, max_word_features: int = 60_000, max_char_features: int = 80_000,
                   chars: bool = True, char_accented: bool = False, char_analyzer: str = "char_wb",
                   shape: bool = False, cues: bool = False, url_parts: bool = False, raw_chars: bool = False,
                   raw_words: bool = False, meta_words: bool = False) -> FeatureUnion:
    """Words with accents, words without, character n-grams of the accent-stripped words and, with
    `char_accented`, character n-grams of the normalised words with their accents ("chars_acc"); with
    `shape` (or `cues`), a block of the shape/metadata/cue tokens ("meta": binary, one L2-normalised block
    of its own so a handful of tokens is not drowned by thousands of n-grams); `url_parts` puts the words
    inside links there too; with `raw_chars`, character n-grams of the raw text ("raw": NFC, lowercased, not
    normalised, so link domains, numbers and symbols keep their letters); with `raw_words`, word 1-2-grams of
    the raw text (scikit-learn's default token pattern: runs of 2+ letters/digits, so "vietcombank-xacthuc.top"
    gives vietcombank, xacthuc, top and "0912.345.678" its digit groups, which normalisation types away); with
    `meta_words`, the accent-stripped words and word pairs crossed with the caller-metadata tokens ("meta_words",
    see MetaWords; min_df >= 2).

    Both raw blocks sit under the one block name "raw" (with `raw_words`: a FeatureUnion inside it, features
    "raw__chars__…" and "raw__words__…"; `raw_chars` alone keeps the older flat "raw__…"), so evidence
    (classifier.explain) leaves them out like the raw character grams: their tokens index the raw text, not
    the normalised words whose offsets evidence reports."""
    split = shape or cues or url_parts or raw_chars or raw_words or meta_words  # words precede META_SEP / RAW_SEP
    shape = shape or cues or url_parts  # these read the part after META_SEP

    def words(max_features: int) -> TfidfVectorizer:
        return CompactTfidfVectorizer(token_pattern=r"\S+", lowercase=False, ngram_range=word_ngrams, min_df=min_df,
                               max_features=max_features, sublinear_tf=True, dtype=np.float32)

    def char_grams() -> TfidfVectorizer:
        return CompactTfidfVectorizer(analyzer=char_analyzer, lowercase=False, ngram_range=char_ngrams, min_df=min_df,
                                      max_features=max_char_features, sublinear_tf=True, dtype=np.float32)

    def text(*steps: tuple[str, Any]) -> Any:
        steps = (("text", TextPart()), *steps) if split else steps
        return steps[0][1] if len(steps) == 1 else Pipeline(list(steps))

    parts: list[tuple[str, Any]] = [
        ("words", text(("tfidf", words(max_word_features)))),
        ("plain", text(("strip", AccentStripper()), ("tfidf", words(max_word_features)))),
    ]
    if chars:
        parts.append(("chars", text(("strip", AccentStripper()), ("tfidf", char_grams()))))
    if chars and char_accented:
        parts.append(("chars_acc", text(("tfidf", char_grams()))))
    if shape:
        meta = CompactTfidfVectorizer(token_pattern=r"\S+", lowercase=False, binary=True, use_idf=False,
                                      dtype=np.float32)
        parts.append(("meta", Pipeline([("meta", MetaPart()), ("tfidf", meta)])))
    if raw_words:
        raw_grams: list[tuple[str, Any]] = [("chars", char_grams())] if raw_chars else []
        raw_grams.append(("words", CompactTfidfVectorizer(lowercase=False, ngram_range=RAW_WORD_NGRAMS, min_df=min_df,
                                                          max_features=max_word_features, sublinear_tf=True,
                                                          dtype=np.float32)))
        parts.append(("raw", Pipeline([("raw", RawPart()), ("grams", FeatureUnion(raw_grams))])))
    elif raw_chars:
        parts.append(("raw", Pipeline([("raw", RawPart()), ("tfidf", char_grams())])))
    if meta_words:
        crossed = CompactTfidfVectorizer(token_pattern=r"\S+", lowercase=False, min_df=max(2, min_df),
                                         sublinear_tf=True, dtype=np.float32)
        parts.append(("meta_words", Pipeline([("cross", MetaWords()), ("tfidf", crossed)])))
    return FeatureUnion(parts)


class CompactTfidfVectorizer(TfidfVectorizer):
    """TfidfVectorizer whose vocabulary is stored as two arrays instead of a dict.

    skops writes a dict entry by entry, which made a 50k-term model take most of a minute to load;
    two numpy arrays load in milliseconds.
    """

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        vocab = state.pop("vocabulary_", None)
        if vocab is not None:
            state["_terms"] = np.array(list(vocab.keys()), dtype=str)
            state["_ids"] = np.fromiter(vocab.values(), dtype=np.int64, count=len(vocab))
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        terms, ids = state.pop("_terms", None), state.pop("_ids", None)
        if terms is not None and ids is not None:
            state["vocabulary_"] = {str(t): int(i) for t, i in zip(terms.tolist(), ids.tolist(), strict=True)}
        super().__setstate__(state)
