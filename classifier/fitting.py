"""fit(): train a model, cross-validate it, tune its thresholds and label weights, and write its card.

Texts are analysed (normalised + segmented) once; the pipeline's own TextAnalyzer does the same at prediction
time. Thresholds are tuned on out-of-fold predictions, never on what the model was fit on; duplicate texts stay
in one fold (classifier.folds).
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.base import clone
from sklearn.metrics import f1_score, precision_recall_fscore_support, roc_auc_score
from sklearn.pipeline import Pipeline

from classifier import model_files
from classifier.card_values import CLEAN
from classifier.folds import Folds, cv_splits, duplicate_groups, grouped_splits
from classifier.model import build_pipeline, set_C
from classifier.recipe import Recipe
from classifier.thresholds import (
    MIN_TOKENS_METHOD,
    _min_tokens,
    _objective,
    _short_thresholds,
    tune_label_weights,
    tune_threshold,
    with_clean,
)
from classifier.trainable import TrainingDataError, _check_trainable, _distinct
from classifier.training_rows import Meta, _augment, _categories, _feature_strings, _targets


@dataclass
class TrainedModel:
    pipeline: Pipeline
    card: dict[str, Any]
    metrics: dict[str, Any] = field(default_factory=dict)

    def save(self, path: str | Path) -> dict[str, Any]:
        self.card = model_files.save(self.pipeline, self.card, path)
        return self.card

    def scorer(self, rules_path: str | None = None) -> Any:
        from classifier.rules import RuleSet
        from classifier.scorer import Scorer

        return Scorer(self.pipeline, self.card, RuleSet.load(rules_path) if rules_path else RuleSet([]))


def _fit_step(strings: list[str], y: Any, recipe: Recipe, exclusive: bool, fit_clf: bool = True
              ) -> tuple[Pipeline, Any]:
    """The fitted pipeline (its TextAnalyzer is skipped: `strings` are feature strings) and the training matrix."""
    min_pos = int(np.min(np.unique(y, return_counts=True)[1])) if exclusive else int(np.min(y.sum(axis=0)))
    pipe = build_pipeline(recipe, exclusive=exclusive, min_positives=min_pos)
    X = pipe.named_steps["features"].fit_transform(strings)
    if fit_clf:
        pipe.named_steps["clf"].fit(X, y)
    return pipe, X


def _columns(clf: Any, P: Any, categories: tuple[str, ...]) -> np.ndarray:
    P = np.asarray(P)
    if not all(isinstance(c, str) for c in clf.classes_):  # multilabel: columns already in category order
        return P
    classes = [str(c) for c in clf.classes_]
    return P[:, [classes.index(c) for c in categories]]


def _proba(pipe: Pipeline, strings: list[str], categories: tuple[str, ...]) -> np.ndarray:
    return _columns(pipe.named_steps["clf"], Pipeline(pipe.steps[1:]).predict_proba(strings), categories)


def _oof_classifier(pipe: Pipeline, X: Any, y: Any, src: np.ndarray, n: int, recipe: Recipe,
                    categories: tuple[str, ...], groups: np.ndarray | None = None) -> np.ndarray:
    """Out-of-fold probabilities of the n original training rows from the classifier step alone, refit per
    fold on the already-vectorised rows (the vocabulary is the training set's; the rows predicted are not
    in the fold's classifier). Copies made by augmentation stay in their original's fold, duplicate texts
    (`groups`, classifier.folds) in one fold."""
    X = X.tocsr()
    oof = np.zeros((n, len(categories)))
    for tr, te in grouped_splits(recipe.label_folds, y[:n], groups, stratified=True, seed=recipe.seed):
        keep = np.isin(src, tr)
        clf = clone(pipe.named_steps["clf"])
        clf.fit(X[keep], y[keep])
        oof[te] = _columns(clf, clf.predict_proba(X[te]), categories)
    return oof


def _choose_C(texts: Sequence[str], strings: list[str], labels: Sequence[Sequence[str]], y: Any,
              cats: tuple[str, ...], recipe: Recipe, meta: Meta, groups: np.ndarray | None = None
              ) -> tuple[Recipe, str]:
    """The recipe with C set to the value of `recipe.C_grid` whose out-of-fold predictions of the TRAINING
    rows (classifier step refit per fold, label weights tuned on them when the recipe tunes them) give the
    best macro-F1; ties go to the smaller C. Exclusive labels only."""
    n = len(texts)
    s_all, y_all, src = _augment(texts, strings, y, np.arange(n), recipe, meta)
    pipe, X = _fit_step(s_all, y_all, recipe, exclusive=True, fit_clf=False)
    names = [CLEAN, *cats]
    truth = np.array([names.index(row[0]) if row and row[0] in cats else 0 for row in labels])
    scores: dict[float, float] = {}
    for C in sorted(recipe.C_grid):
        set_C(pipe.named_steps["clf"], C)
        P = with_clean(_oof_classifier(pipe, X, y_all, src, n, recipe, cats, groups))
        objective = _objective(recipe, len(cats))
        scores[C] = (tune_label_weights(truth, P, objective=objective)[2] if recipe.tune_label
                     else objective(truth, P.argmax(1), len(names)))
    best = max(scores, key=lambda c: (round(scores[c], 4), -c))
    shown = ", ".join(f"{c:g}: {f:.4f}" for c, f in scores.items())
    what = "macro-F1" if recipe.tune_for == "macro_f1" else f"{cats[0]} F1"
    return replace(recipe, C=float(best)), (f"chosen from C_grid by {what} of {recipe.label_folds}-fold out-of-fold "
                                           f"predictions of the training data ({shown})")


def _splits_or_refuse(n: int, y: Any, exclusive: bool, recipe: Recipe, groups: np.ndarray) -> list[Folds]:
    """cv_splits, or TrainingDataError when the duplicate groups are too few to split (fit's data had enough rows,
    but not enough distinct texts)."""
    try:
        return cv_splits(n, y, exclusive, recipe, groups)
    except ValueError:
        raise TrainingDataError(f"kiểm định chéo {recipe.cv_folds} phần (cv_folds) không chia được dữ liệu: "
                                f"{len(np.unique(groups))} văn bản khác nhau sau chuẩn hoá; hãy thêm ví dụ "
                                "khác nhau hoặc dùng --no-cv") from None


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent, capture_output=True,
                             text=True, timeout=5, check=False)
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def _metrics(Y: np.ndarray, P: np.ndarray, cats: tuple[str, ...], thresholds: dict[str, float], exclusive: bool,
             labels: Sequence[Sequence[str]], repeats: int = 1) -> dict[str, Any]:
    """Per-category metrics of pooled held-out predictions; `support` counts distinct texts (`repeats`: how many
    times the predictions hold each)."""
    per: dict[str, Any] = {}
    for j, c in enumerate(cats):
        pred = P[:, j] >= thresholds[c]
        p, r, f, _ = precision_recall_fscore_support(Y[:, j], pred, average="binary", zero_division=0)
        auc = float(roc_auc_score(Y[:, j], P[:, j])) if 0 < Y[:, j].sum() < len(Y) else float("nan")
        per[c] = {"precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4),
                  "roc_auc": round(auc, 4), "support": int(Y[:, j].sum()) // repeats,
                  "threshold": round(thresholds[c], 4)}
    out: dict[str, Any] = {"per_category": per,
                           "macro_f1_at_thresholds": round(float(np.mean([v["f1"] for v in per.values()])), 4)}
    if exclusive:
        full = with_clean(P)
        names = [CLEAN, *cats]
        predicted = [names[i] for i in full.argmax(axis=1)]
        truth = [row[0] if row else CLEAN for row in labels]
        out["argmax_macro_f1"] = round(float(f1_score(truth, predicted, labels=names, average="macro", zero_division=0)), 4)
    return out


def fit(texts: Sequence[str], labels: Sequence[Sequence[str]], *, categories: Sequence[str] | None = None,
        recipe: Recipe | None = None, data_info: Sequence[dict[str, Any]] | None = None, name: str = "model",
        cv: bool = True, log: Any = None, meta: Meta = None) -> TrainedModel:
    """`meta`: light metadata per text (e.g. {"sender_type": "personal_number"}), read only by recipes
    with `shape`; score with the same keys (Scorer.score_many(meta=...))."""
    recipe = recipe or Recipe()
    if len(texts) != len(labels):
        raise ValueError("texts and labels differ in length")
    if meta is not None and len(meta) != len(texts):
        raise ValueError("texts and meta differ in length")
    cats = _categories(labels, categories)
    if not cats:
        raise ValueError("không có nhóm nào: mọi dòng đều gán nhãn clean")
    exclusive = all(len(row) <= 1 for row in labels)
    cats = tuple(c for c in cats if any(c in row for row in labels))  # a model's categories are those it saw
    y = _targets(labels, cats, exclusive)
    if exclusive and recipe.tune_label:
        _objective(recipe, len(cats))  # an unknown or unfitting tune_for fails before any training
    if not exclusive and int(np.min(y.sum(axis=0))) < 2:
        raise ValueError("mỗi nhóm cần ít nhất 2 ví dụ thuộc nhóm đó")
    strings = _feature_strings(texts, recipe, meta)
    n = len(texts)
    groups = duplicate_groups(texts)
    if _distinct(groups):  # row counts that were enough may not be enough distinct texts for the grouped folds
        _check_trainable(labels, recipe, cv, groups)
    c_method = f"fixed by the recipe (C = {recipe.C})"
    if exclusive and len(recipe.C_grid) > 1:
        recipe, c_method = _choose_C(texts, strings, labels, y, cats, recipe, meta, groups)
        if log:
            log(f"  C = {recipe.C}: {c_method}")
    thresholds = {c: 0.5 for c in cats}
    methods = {c: "default 0.5 (no cross-validation)" for c in cats}
    metrics: dict[str, Any] = {}
    oof: np.ndarray | None = None
    oof_method = ""
    oof_labels: Sequence[Sequence[str]] = labels  # the rows behind oof's rows (repeated CV: labels repeated)
    oof_texts: Sequence[str] = texts
    repeats = 1  # how many times oof holds each training text
    if cv and recipe.cv_folds >= 2:
        repeats = max(1, recipe.cv_repeats)
        parts = []
        oof_method = (f"{recipe.cv_folds}-fold cross-validation of the whole pipeline (duplicate texts kept in one "
                      "fold)")
        if repeats > 1:
            oof_method = (f"{repeats} x {oof_method} (each row predicted once per repeat, by a model that did not see "
                          "it; the repeats' predictions pooled)")
        for r, splits in enumerate(_splits_or_refuse(n, y, exclusive, recipe, groups)):
            part = np.zeros((n, len(cats)))
            for k, (tr, te) in enumerate(splits):
                s_tr, y_tr, _ = _augment(texts, strings, y, tr, recipe, meta)
                pipe, _ = _fit_step(s_tr, y_tr, recipe, exclusive)
                part[te] = _proba(pipe, [strings[i] for i in te], cats)
                if log:
                    log(f"  repeat {r + 1}/{repeats}, fold {k + 1}/{recipe.cv_folds} done")
            parts.append(part)
        oof = np.vstack(parts)
        oof_labels, oof_texts = list(labels) * repeats, list(texts) * repeats
        Y = np.array([[c in row for c in cats] for row in oof_labels], dtype=int)
        for j, c in enumerate(cats):
            thresholds[c], methods[c] = tune_threshold(Y[:, j], oof[:, j], recipe.precision_for(c),
                                                       recipe.min_threshold, repeats)
        metrics = _metrics(Y, oof, cats, thresholds, exclusive, oof_labels, repeats)
        metrics["method"] = f"{oof_method}, out-of-fold predictions"
        metrics["cv_folds"], metrics["cv_repeats"] = recipe.cv_folds, repeats
    s_all, y_all, src = _augment(texts, strings, y, np.arange(n), recipe, meta)
    pipeline, X_all = _fit_step(s_all, y_all, recipe, exclusive)
    # the names of the outputs, inside the model file (the one-vs-rest outputs are only numbered): a card whose
    # categories were reordered or renamed by hand is refused on load instead of scoring under the wrong names
    pipeline.named_steps["clf"].category_names_ = list(cats)
    label_weights: dict[str, float] = {}
    label_method = "argmax of the probabilities (not tuned)"
    if exclusive and recipe.tune_label and (oof is not None or recipe.label_folds >= 2):
        if oof is None:
            oof = _oof_classifier(pipeline, X_all, y_all, src, n, recipe, cats, groups)
            oof_method = f"{recipe.label_folds}-fold out-of-fold predictions of the classifier step"
        names = [CLEAN, *cats]
        truth = np.array([names.index(row[0]) if row and row[0] in cats else 0 for row in oof_labels])
        w, before, after = tune_label_weights(truth, with_clean(oof), objective=_objective(recipe, len(cats)))
        label_weights = {c: round(float(v), 4) for c, v in zip(names, w, strict=True)}
        what = "macro-F1" if recipe.tune_for == "macro_f1" else f"{cats[0]} F1"
        label_method = (f"per-class weights maximising {what} on {oof_method} of the training data "
                        f"({what} there {before:.4f} -> {after:.4f}; optimistic, tuned on the same predictions)")
        if log:
            log(f"  label weights {label_weights}: {label_method}")
    short_thresholds, short_method = _short_thresholds(oof_texts, oof_labels, cats, oof, oof_method, recipe,
                                                       repeats if oof is not None and len(oof) > n else 1)
    if log:
        log(f"  short-text thresholds {short_thresholds}: {short_method}")
    min_tokens = _min_tokens(texts, labels, tuple(c for c in cats if c in recipe.strict_categories))
    if log and min_tokens:
        log(f"  minimum text length per category {min_tokens}: {MIN_TOKENS_METHOD}")
    info = list(data_info or [{"source": "inline", "rows": n,
                               "sha256": hashlib.sha256(json.dumps([list(texts), [list(r) for r in labels]],
                                                                   ensure_ascii=False).encode()).hexdigest()}])
    digest = hashlib.sha256(json.dumps([info, recipe.to_dict(), list(cats)], sort_keys=True).encode()).hexdigest()
    card = {
        "name": name,
        "version": f"{name}-{digest[:10]}",
        "categories": list(cats),
        "exclusive": exclusive,
        "data": info,
        "sizes": {"rows": n, "positives": {c: int(sum(c in row for row in labels)) for c in cats},
                  "clean": int(sum(not row for row in labels)), "augmented_rows": len(s_all) - n},
        "recipe": recipe.to_dict(),
        "C_method": c_method,
        "thresholds": {c: round(t, 4) for c, t in thresholds.items()},
        "threshold_method": methods,
        "short_thresholds": short_thresholds,
        "short_threshold_method": short_method,
        "min_tokens": min_tokens,
        "min_tokens_method": MIN_TOKENS_METHOD,
        "label_weights": label_weights,
        "label_method": label_method,
        "meta_keys": sorted({str(k) for m in meta or [] if m for k in m}),
        "metrics": metrics,
        "sklearn_version": sklearn.__version__,
        "python_version": platform.python_version(),
        "git_commit": _git_commit(),
    }
    return TrainedModel(pipeline, card, metrics)
