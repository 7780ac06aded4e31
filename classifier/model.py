"""Build the model's Pipeline (features + calibrated linear classifier) and read its weights for explanations.

Where the bundled default model and its recipe live, too. The recipe itself is classifier.recipe; saving and
loading a model with its card, classifier.model_files; the card values operators edit, classifier.card_values.
Their names stay importable from here (`from classifier.model import Recipe, load, save, ...`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline

from classifier.card_values import CLEAN, check_card_values
from classifier.features import TextAnalyzer, build_features
from classifier.model_errors import ModelError
from classifier.model_files import (
    CARD_FORMAT,
    CARD_SUFFIX,
    TRUSTED_TYPES,
    card_path,
    card_target,
    check_out,
    file_sha256,
    load,
    save,
)
from classifier.recipe import Recipe

__all__ = ["CARD_FORMAT", "CARD_SUFFIX", "CLEAN", "DATA_DIR", "DEFAULT_MODEL", "DEFAULT_RECIPE", "EXCLUSIVE_RECIPE",
           "TRUSTED_TYPES", "ModelError", "Recipe", "build_pipeline", "card_path", "card_target", "check_card_values", "check_out",
           "file_sha256", "linear_weights", "load", "save", "set_C"]

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_MODEL = DATA_DIR / "default_model.skops"
DEFAULT_RECIPE = DATA_DIR / "default_recipe.toml"
# `canhgac train --data` without --recipe, when every row has at most one label (the recipe bench/classify.py measures)
EXCLUSIVE_RECIPE = DATA_DIR / "exclusive_recipe.toml"


def build_pipeline(recipe: Recipe, *, exclusive: bool, min_positives: int) -> Pipeline:
    """Multi-label: one-vs-rest liblinear LogisticRegression, each category sigmoid-calibrated on its own
    (fast on wide sparse features; the categories are not exclusive). Mutually exclusive labels (the
    classes include "clean"): ONE multinomial LogisticRegression (softmax over the classes, lbfgs; two
    classes: the binary model) calibrated jointly by temperature scaling, so the probabilities and their
    argmax come from the same model instead of per-class calibrations normalised afterwards. Recipe
    `multinomial = false` keeps exclusive labels on the one-vs-rest models (the bundled default model)."""
    if recipe.meta_words and not recipe.shape:
        raise ValueError("công thức: meta_words cần shape = true (siêu dữ liệu chỉ được đọc khi có shape)")
    folds = min(recipe.calibration_folds, max(2, min_positives))
    clf: Any
    if exclusive and recipe.multinomial:
        lr = LogisticRegression(C=recipe.C, class_weight=recipe.class_weight, max_iter=3000, solver="lbfgs",
                                random_state=recipe.seed)
        clf = CalibratedClassifierCV(lr, method="temperature", cv=folds, ensemble=False)
    else:
        lr = LogisticRegression(C=recipe.C, class_weight=recipe.class_weight, max_iter=3000, solver="liblinear",
                                dual=True, random_state=recipe.seed)
        clf = OneVsRestClassifier(CalibratedClassifierCV(lr, method="sigmoid", cv=folds, ensemble=False))
    features = build_features(word_ngrams=recipe.word_ngrams, char_ngrams=recipe.char_ngrams, min_df=recipe.min_df,
                              max_word_features=recipe.max_word_features,
                              max_char_features=recipe.max_char_features, chars=recipe.chars,
                              char_accented=recipe.char_accented, char_analyzer=recipe.char_analyzer,
                              shape=recipe.shape, cues=recipe.cues, url_parts=recipe.url_parts,
                              raw_chars=recipe.raw_chars, raw_words=recipe.raw_words,
                              meta_words=recipe.meta_words)
    # the analyzer's `raw_chars` = "append the raw text": also for `raw_words` (the Scorer reads that attribute)
    analyzer = TextAnalyzer(segment=recipe.segment, shape=recipe.shape, cues=recipe.cues, url_parts=recipe.url_parts,
                            raw_chars=recipe.raw_chars or recipe.raw_words)
    return Pipeline([("analyze", analyzer), ("features", features),
                     ("clf", clf)])


def set_C(clf: Any, C: float) -> None:
    """Set the LogisticRegression's C inside either kind of classifier step (unfitted)."""
    if isinstance(clf, OneVsRestClassifier):
        clf.set_params(estimator__estimator__C=C)
    else:
        clf.set_params(estimator__C=C)


def linear_weights(pipeline: Pipeline, categories: tuple[str, ...]) -> np.ndarray:
    """(n_categories, n_features) coefficients of the underlying linear models, for explanations.

    Multinomial model: a category's row is its coefficients minus clean's (the log-odds of the category
    against clean), or minus the mean row when there is no clean class."""
    clf = pipeline.named_steps["clf"]
    classes = [str(c) for c in clf.classes_]
    if isinstance(clf, OneVsRestClassifier):
        rows = [est.calibrated_classifiers_[0].estimator.coef_[0] for est in clf.estimators_]
        if not set(categories) <= set(classes):  # multilabel: estimators in category order
            return np.vstack(rows)
        W = np.vstack(rows)
        if len(rows) == 1:  # binary: the single estimator scores classes_[1]
            return np.vstack([W[0] if classes.index(c) == 1 else -W[0] for c in categories])
        return np.vstack([W[classes.index(c)] for c in categories])
    W = np.asarray(clf.calibrated_classifiers_[0].estimator.coef_)
    if W.shape[0] == 1:  # binary: the single row scores classes_[1] against classes_[0]
        return np.vstack([W[0] if classes.index(c) == 1 else -W[0] for c in categories])
    ref = W[classes.index(CLEAN)] if CLEAN in classes else W.mean(axis=0)
    return np.vstack([W[classes.index(c)] - ref for c in categories])
