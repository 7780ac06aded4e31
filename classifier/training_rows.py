"""The rows a model is trained on: category targets, feature strings and accent-stripped copies.

fit(), the cross-validation folds and check_trainable() must agree on these rows (the same targets, the same seeded
copies), so they are built here, once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from classifier.analysis import analyze
from classifier.card_values import CLEAN
from classifier.categories import CATEGORIES
from classifier.features import model_input
from classifier.normalize import strip_accents
from classifier.recipe import Recipe


def _categories(labels: Sequence[Sequence[str]], categories: Sequence[str] | None) -> tuple[str, ...]:
    if categories:
        return tuple(categories)
    seen = {lab for row in labels for lab in row}
    known = [c for c in CATEGORIES if c in seen]
    return tuple(known + sorted(seen - set(known)))


def _targets(labels: Sequence[Sequence[str]], categories: tuple[str, ...], exclusive: bool) -> Any:
    if exclusive:
        return np.array([row[0] if row and row[0] in categories else CLEAN for row in labels], dtype=object)
    return np.array([[c in row for c in categories] for row in labels], dtype=int)


Meta = Sequence[Mapping[str, object] | None] | None


def _feature_strings(texts: Sequence[str], recipe: Recipe, meta: Meta = None) -> list[str]:
    metas = meta if meta is not None else [None] * len(texts)
    return [model_input(analyze(t, segment=recipe.segment).feature_string, t, shape=recipe.shape, meta=m,
                        cues=recipe.cues, url_parts=recipe.url_parts,
                        raw_chars=recipe.raw_chars or recipe.raw_words)  # either block reads the raw text
            for t, m in zip(texts, metas, strict=True)]


def _augment_picks(idx: np.ndarray, recipe: Recipe) -> np.ndarray:
    """The rows of `idx` that _augment also adds without accents (seeded: the same rows for the same idx)."""
    rng = np.random.default_rng(recipe.seed)
    return idx[rng.random(len(idx)) < recipe.augment_strip]


def _augment(texts: Sequence[str], strings: list[str], y: Any, idx: np.ndarray, recipe: Recipe, meta: Meta = None
             ) -> tuple[list[str], Any, np.ndarray]:
    """Training strings for rows `idx`, plus accent-stripped copies of a seeded share of them; also the
    source row of every training string (copies point at their original)."""
    base = [strings[i] for i in idx]
    if recipe.augment_strip <= 0:
        return base, y[idx], np.asarray(idx)
    pick = _augment_picks(idx, recipe)
    extra = _feature_strings([strip_accents(texts[i]) for i in pick], recipe,
                             None if meta is None else [meta[i] for i in pick])
    return base + extra, np.concatenate([y[idx], y[pick]]), np.concatenate([idx, pick])
