"""The custom steps inside the model's Pipeline. Module-level classes only, so skops can load them
from an explicit list of trusted types (see classifier.model.TRUSTED_TYPES)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from classifier.analysis import analyze
from classifier.normalize import strip_accents


class TextAnalyzer(TransformerMixin, BaseEstimator):
    """Raw text → the model's feature string: normalised, segmented words separated by spaces.

    Strings that are already feature strings (the Scorer analyses once and reuses the result for
    evidence) are passed through when they arrive wrapped in `Analyzed`.
    """

    def __init__(self, segment: bool = True) -> None:
        self.segment = segment

    def fit(self, X: Iterable[Any], y: Any = None) -> TextAnalyzer:
        return self

    def transform(self, X: Iterable[Any]) -> list[str]:
        return [x.feature_string if isinstance(x, Analyzed) else analyze(str(x), segment=self.segment).feature_string
                for x in X]


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


def build_features(*, word_ngrams: tuple[int, int] = (1, 2), char_ngrams: tuple[int, int] = (2, 5),
                   min_df: int = 2, max_word_features: int = 60_000, max_char_features: int = 80_000,
                   chars: bool = True, char_accented: bool = False, char_analyzer: str = "char_wb") -> FeatureUnion:
    """Words with accents, words without, character n-grams of the accent-stripped words and, with
    `char_accented`, character n-grams of the normalised words with their accents ("chars_acc")."""

    def words(max_features: int) -> TfidfVectorizer:
        return CompactTfidfVectorizer(token_pattern=r"\S+", lowercase=False, ngram_range=word_ngrams, min_df=min_df,
                               max_features=max_features, sublinear_tf=True, dtype=np.float32)

    parts: list[tuple[str, Any]] = [
        ("words", words(max_word_features)),
        ("plain", Pipeline([("strip", AccentStripper()), ("tfidf", words(max_word_features))])),
    ]
    def char_grams() -> TfidfVectorizer:
        return CompactTfidfVectorizer(analyzer=char_analyzer, lowercase=False, ngram_range=char_ngrams, min_df=min_df,
                                      max_features=max_char_features, sublinear_tf=True, dtype=np.float32)

    if chars:
        parts.append(("chars", Pipeline([("strip", AccentStripper()), ("tfidf", char_grams())])))
    if chars and char_accented:
        parts.append(("chars_acc", char_grams()))
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
