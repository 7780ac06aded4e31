"""Fit a model, cross-validate it, tune per-category thresholds, and write it with its card.

    fit(texts, labels)                  → TrainedModel (.pipeline, .card, .metrics, .save(path))
    evaluate(model_or_scorer, texts, labels) → per-class precision/recall/F1, macro-F1, confusion matrix
    python -m classifier.train --default      rebuilds the bundled default model from the seed examples

Texts are analysed (normalised + segmented) once; the pipeline's own TextAnalyzer does the same at
prediction time. Thresholds are tuned on out-of-fold predictions, never on what the model was fit on.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import subprocess
import sys
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.base import clone
from sklearn.metrics import f1_score, precision_recall_fscore_support, roc_auc_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import Pipeline

from classifier import model as model_io
from classifier.analysis import MIN_CONTENT_TOKENS, analyze, content_tokens, is_short
from classifier.categories import CATEGORIES
from classifier.dataset import LabelledData, combine, read_labelled
from classifier.features import model_input
from classifier.model import CLEAN, Recipe, build_pipeline
from classifier.normalize import strip_accents


@dataclass
class TrainedModel:
    pipeline: Pipeline
    card: dict[str, Any]
    metrics: dict[str, Any] = field(default_factory=dict)

    def save(self, path: str | Path) -> dict[str, Any]:
        self.card = model_io.save(self.pipeline, self.card, path)
        return self.card

    def scorer(self, rules_path: str | None = None) -> Any:
        from classifier.rules import RuleSet
        from classifier.scorer import Scorer

        return Scorer(self.pipeline, self.card, RuleSet.load(rules_path) if rules_path else RuleSet([]))


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
                    categories: tuple[str, ...]) -> np.ndarray:
    """Out-of-fold probabilities of the n original training rows from the classifier step alone, refit per
    fold on the already-vectorised rows (the vocabulary is the training set's; the rows predicted are not
    in the fold's classifier). Copies made by augmentation stay in their original's fold."""
    X = X.tocsr()
    oof = np.zeros((n, len(categories)))
    folds = StratifiedKFold(recipe.label_folds, shuffle=True, random_state=recipe.seed)
    for tr, te in folds.split(np.zeros(n), y[:n]):
        keep = np.isin(src, tr)
        clf = clone(pipe.named_steps["clf"])
        clf.fit(X[keep], y[keep])
        oof[te] = _columns(clf, clf.predict_proba(X[te]), categories)
    return oof


def _choose_C(texts: Sequence[str], strings: list[str], labels: Sequence[Sequence[str]], y: Any,
              cats: tuple[str, ...], recipe: Recipe, meta: Meta) -> tuple[Recipe, str]:
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
        model_io.set_C(pipe.named_steps["clf"], C)
        P = with_clean(_oof_classifier(pipe, X, y_all, src, n, recipe, cats))
        objective = _objective(recipe, len(cats))
        scores[C] = (tune_label_weights(truth, P, objective=objective)[2] if recipe.tune_label
                     else objective(truth, P.argmax(1), len(names)))
    best = max(scores, key=lambda c: (round(scores[c], 4), -c))
    shown = ", ".join(f"{c:g}: {f:.4f}" for c, f in scores.items())
    what = "macro-F1" if recipe.tune_for == "macro_f1" else f"{cats[0]} F1"
    return replace(recipe, C=float(best)), (f"chosen from C_grid by {what} of {recipe.label_folds}-fold out-of-fold "
                                           f"predictions of the training data ({shown})")


def cv_splits(n: int, y: Any, exclusive: bool, recipe: Recipe) -> list[list[tuple[np.ndarray, np.ndarray]]]:
    """One list of (train, test) index folds per cross-validation repeat; repeat r shuffles with seed + r, so
    every repeat splits differently (stratified by class for exclusive labels)."""
    out = []
    for r in range(max(1, recipe.cv_repeats)):
        if exclusive:
            splitter: Any = StratifiedKFold(recipe.cv_folds, shuffle=True, random_state=recipe.seed + r)
        else:
            splitter = KFold(recipe.cv_folds, shuffle=True, random_state=recipe.seed + r)
        out.append(list(splitter.split(np.zeros(n), y if exclusive else None)))
    return out


def with_clean(P: np.ndarray) -> np.ndarray:
    """Exclusive labels: prepend the clean probability (1 - the categories' sum) as column 0."""
    return np.column_stack([np.clip(1 - P.sum(axis=1), 0, None), P])


def _macro_f1_idx(truth: np.ndarray, pred: np.ndarray, k: int) -> float:
    cm = np.bincount(truth * k + pred, minlength=k * k).reshape(k, k)
    tp = np.diag(cm).astype(float)
    denom = cm.sum(axis=0) + cm.sum(axis=1)
    present = cm.sum(axis=1) > 0
    f1 = np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)
    return float(f1[present].mean()) if present.any() else 0.0


def _positive_f1_idx(truth: np.ndarray, pred: np.ndarray, k: int) -> float:
    """F1 of class 1 (the one category of binary data; k is ignored, kept for the same signature)."""
    tp = float(np.sum((truth == 1) & (pred == 1)))
    denom = float(np.sum(truth == 1) + np.sum(pred == 1))
    return 2 * tp / denom if denom else 0.0


TUNE_OBJECTIVES = {"macro_f1": _macro_f1_idx, "positive_f1": _positive_f1_idx}


def _objective(recipe: Recipe, n_categories: int) -> Any:
    if recipe.tune_for not in TUNE_OBJECTIVES:
        raise ValueError(f"công thức: tune_for {recipe.tune_for!r} không hợp lệ (dùng một trong: {', '.join(TUNE_OBJECTIVES)})")
    if recipe.tune_for == "positive_f1" and n_categories != 1:
        raise ValueError(f"công thức: tune_for 'positive_f1' cần đúng một nhóm, dữ liệu có {n_categories}")
    return TUNE_OBJECTIVES[recipe.tune_for]


def tune_label_weights(truth: np.ndarray, P: np.ndarray, *, span: float = 3.0, step: float = 0.1,
                       passes: int = 3, objective: Any = _macro_f1_idx) -> tuple[np.ndarray, float, float]:
    """Per-class multiplicative weights w (w[0] = 1 for clean) so that argmax(w * P) maximises macro-F1
    (or `objective(truth, pred, k)`, e.g. _positive_f1_idx: the F1 of class 1 of binary data).

    Coordinate ascent over log-weights in [-span, span] (clean's included, then divided out); a change is
    kept only if it improves macro-F1 by more than 1e-4, so classes that need no shift keep weight 1. Returns (w, F1 before, F1 after).
    """
    k = P.shape[1]
    logp = np.log(np.clip(P, 1e-9, None))
    b = np.zeros(k)
    grid = np.round(np.arange(-span, span + step / 2, step), 6)
    base = best = objective(truth, np.argmax(logp, axis=1), k)
    for _ in range(passes):
        changed = False
        for j in range(k):  # clean too: shifting it moves every category at once
            for g in grid:
                trial = b.copy()
                trial[j] = g
                f = objective(truth, np.argmax(logp + trial, axis=1), k)
                if f > best + 1e-4:
                    best, b, changed = f, trial, True
        if not changed:
            break
    return np.exp(b - b[0]), base, best


def precision_threshold(y_true: np.ndarray, p: np.ndarray, target_precision: float, min_threshold: float,
                        min_true_positives: int = 3) -> float | None:
    """Lowest threshold at which the held-out precision reaches the target with at least
    `min_true_positives` true positives above it; None when no threshold does."""
    order = np.argsort(-p)
    ps, ys = p[order], y_true[order]
    tp = np.cumsum(ys)
    precision = tp / np.arange(1, len(ys) + 1)
    ok = np.where((precision >= target_precision) & (tp >= min_true_positives) & (ps >= min_threshold))[0]
    return float(max(min_threshold, ps[ok.max()])) if len(ok) else None


def tune_threshold(y_true: np.ndarray, p: np.ndarray, target_precision: float, min_threshold: float,
                   repeats: int = 1) -> tuple[float, str]:
    """Lowest threshold whose held-out precision reaches the target; else the best-F1 one. `repeats`: the
    predictions pool that many cross-validation repeats (each text counted `repeats` times), so the minimum
    counts (5 positives, 3 true positives) are counts of distinct texts."""
    positives = int(y_true.sum())
    if positives < 5 * repeats:
        return 0.5, "fallback: fewer than 5 held-out positives"
    found = precision_threshold(y_true, p, target_precision, min_threshold, min_true_positives=3 * repeats)
    if found is not None:
        return found, f"precision >= {target_precision} on held-out"
    order = np.argsort(-p)
    ps, ys = p[order], y_true[order]
    tp = np.cumsum(ys)
    k = np.arange(1, len(ys) + 1)
    precision, recall = tp / k, tp / positives
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-9)
    f1[ps < min_threshold] = 0
    i = int(np.argmax(f1))
    return float(max(min_threshold, ps[i])), f"fallback: best F1 (precision {target_precision} not reached)"


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent, capture_output=True,
                             text=True, timeout=5, check=False)
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


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
    c_method = f"fixed by the recipe (C = {recipe.C})"
    if exclusive and len(recipe.C_grid) > 1:
        recipe, c_method = _choose_C(texts, strings, labels, y, cats, recipe, meta)
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
        oof_method = f"{recipe.cv_folds}-fold cross-validation of the whole pipeline"
        if repeats > 1:
            oof_method = (f"{repeats} x {oof_method} (each row predicted once per repeat, by a model that did not see "
                          "it; the repeats' predictions pooled)")
        for r, splits in enumerate(cv_splits(n, y, exclusive, recipe)):
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
            oof = _oof_classifier(pipeline, X_all, y_all, src, n, recipe, cats)
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


class TrainingDataError(ValueError):
    """Too few examples for what fit() does with this recipe: one Vietnamese line, raised before any fitting."""


def _fold_min(k: int, need: int) -> int:
    """The smallest class size c whose training part in every one of k stratified folds (c - ceil(c / k)) still
    holds `need` examples."""
    c = need
    while c - -(-c // k) < need:
        c += 1
    return c


def _uses_label_folds(recipe: Recipe, cv: bool) -> bool:
    """fit() of exclusive labels refits the classifier on `label_folds` folds: for label weights when no
    cross-validation gives out-of-fold predictions, and to choose C from a C_grid."""
    crossval = cv and recipe.cv_folds >= 2
    return recipe.label_folds >= 2 and ((recipe.tune_label and not crossval) or len(recipe.C_grid) > 1)


def min_examples(recipe: Recipe, cv: bool) -> int:
    """Exclusive labels: examples per class (each category, and clean when some rows are clean) that are always
    enough for fit(..., cv=cv) with this recipe (with fewer it may still fit, thanks to the accent-stripped
    copies; check_trainable says exactly). Every fit calibrates on min(calibration_folds, max(2, smallest
    class)) stratified folds, so 2 per class; cross-validation fits on all but one fold; label weights without
    cross-validation, or a C_grid, refit the calibrated classifier on all but one of `label_folds` folds with up
    to `calibration_folds` calibration folds."""
    need = 2
    if cv and recipe.cv_folds >= 2:
        need = max(need, _fold_min(recipe.cv_folds, 2))
    if _uses_label_folds(recipe, cv):
        need = max(need, _fold_min(recipe.label_folds, max(2, recipe.calibration_folds)))
    return need


def _calibration_folds(recipe: Recipe, smallest: int) -> int:
    return min(recipe.calibration_folds, max(2, smallest))  # as build_pipeline, from _fit_step's min_positives


def _trainable_problem(labels: Sequence[Sequence[str]], recipe: Recipe, cv: bool) -> str | None:
    """Why fit(labels, recipe=recipe, cv=cv) would fail for lack of examples (Vietnamese), or None. Follows fit's
    own splits and accent-stripped copies (same seed), so it neither refuses data fit takes nor passes data on
    which a calibration would fail."""
    cats = tuple(c for c in _categories(labels, None) if any(c in row for row in labels))
    if not cats:
        return None  # fit() says there is no category
    n = len(labels)
    exclusive = all(len(row) <= 1 for row in labels)
    y = _targets(labels, cats, exclusive)

    def rows(idx: np.ndarray) -> np.ndarray:  # the training rows fit() uses for `idx`, copies included
        return np.concatenate([idx, _augment_picks(idx, recipe)]) if recipe.augment_strip > 0 else idx

    def short(idx: np.ndarray, folds: int | None = None) -> str | None:
        """The first class with too few rows among idx (+ copies) for a calibrated fit, as "scam 1 (cần 2)"."""
        if exclusive:
            names, counts = np.unique(y[idx], return_counts=True)
            have = dict(zip([str(c) for c in names], counts.tolist(), strict=True))
            classes = [*cats, CLEAN] if any(not row for row in labels) else list(cats)
            f = folds or _calibration_folds(recipe, min(have.values()))
            for c in classes:
                if c == CLEAN and c not in have:
                    continue  # a fit without clean rows still gives every category's column
                if have.get(c, 0) < f:
                    return f"{c} {have.get(c, 0)} (cần {f})"
            return None
        pos = y[idx].sum(axis=0)
        f = folds or _calibration_folds(recipe, int(pos.min()))
        for j, c in enumerate(cats):
            for what, k in (("thuộc", int(pos[j])), ("không thuộc", len(idx) - int(pos[j]))):
                if 0 < k < f:
                    return f"{c}: {k} dòng {what} nhóm (cần {f})"
        return None

    everything = rows(np.arange(n))
    if exclusive and len(np.unique(y)) < 2:
        return "cần ít nhất hai lớp (một nhóm và các dòng clean, hoặc hai nhóm)"
    if (bad := short(everything)) is not None:
        return f"hiệu chỉnh xác suất cần ít nhất 2 ví dụ mỗi lớp: {bad}"
    if cv and recipe.cv_folds >= 2:
        try:
            repeats = cv_splits(n, y, exclusive, recipe)
        except ValueError:
            return f"kiểm định chéo {recipe.cv_folds} phần (cv_folds) cần ít nhất một lớp có từ {recipe.cv_folds} ví dụ"
        for splits in repeats:
            for tr, _ in splits:
                if (bad := short(rows(tr))) is not None:
                    return f"kiểm định chéo {recipe.cv_folds} phần: phần huấn luyện của một lượt chỉ còn {bad}"
    if exclusive and _uses_label_folds(recipe, cv):
        src = everything
        folds = _calibration_folds(recipe, int(np.unique(y[src], return_counts=True)[1].min()))
        try:
            label_splits = list(StratifiedKFold(recipe.label_folds, shuffle=True, random_state=recipe.seed)
                                .split(np.zeros(n), y))
        except ValueError:
            return f"{recipe.label_folds} phần (label_folds) cần ít nhất một lớp có từ {recipe.label_folds} ví dụ"
        what = "tinh chỉnh trọng số nhãn" if recipe.tune_label else "chọn C theo C_grid"
        for tr, _ in label_splits:
            if (bad := short(src[np.isin(src, tr)], folds)) is not None:
                return (f"{what} trên {recipe.label_folds} phần (label_folds), mỗi phần hiệu chỉnh {folds} phần: phần "
                        f"huấn luyện của một lượt chỉ còn {bad}")
    return None


def check_trainable(labels: Sequence[Sequence[str]], recipe: Recipe, *, cv: bool = True) -> None:
    """Refuse, before any fitting and in Vietnamese, labelled data too small for fit(labels, recipe=recipe, cv=cv):
    which step lacks examples, how many each category has and how many are always enough (scikit-learn's own
    errors name no category and no remedy)."""
    with warnings.catch_warnings():  # the splitters' "least populated class" warnings: we say it ourselves
        warnings.simplefilter("ignore", UserWarning)
        problem = _trainable_problem(labels, recipe, cv)
        other = _trainable_problem(labels, recipe, False) if problem and cv and recipe.cv_folds >= 2 else None
    if problem is None:
        return
    counts = {c: sum(c in row for row in labels) for c in _categories(labels, None)}
    have = ", ".join(f"{c} {k}" for c, k in [*counts.items(), (CLEAN, sum(not row for row in labels))])
    exclusive = all(len(row) <= 1 for row in labels)
    enough = (f"; với công thức này, mỗi nhóm (kể cả clean) có từ {min_examples(recipe, cv)} ví dụ"
              + (f" và nhóm đông nhất từ {recipe.cv_folds} ví dụ" if cv and recipe.cv_folds >= 2 else "")
              + " là đủ" if exclusive else "")
    hint = ""
    if cv and recipe.cv_folds >= 2:
        hint = (", hoặc dùng --no-cv (bỏ kiểm định chéo, ngưỡng mặc định 0,5)" if other is None else
                f"; --no-cv cũng chưa đủ ({other}"
                + (f"; đủ chắc chắn: {min_examples(recipe, False)} ví dụ mỗi nhóm" if exclusive else "") + ")")
    raise TrainingDataError(f"quá ít ví dụ để huấn luyện: {problem} (dữ liệu có: {have}){enough}; hãy thêm ví dụ"
                            f"{hint}")


SHORT_MIN_THRESHOLD = 0.5  # a short text is never flagged by the model alone below this probability


MIN_TOKENS_METHOD = (f"for the recipe's strict categories (a short list of strong candidates wanted): half the content "
                     f"syllables of the category's shortest training example, where that is more than "
                     f"{MIN_CONTENT_TOKENS}; the model alone does not flag the category on shorter text (a rule or a "
                     "confirmed bank item still can). Harm categories have no such floor: a short harmful text "
                     "missed costs more than a short one flagged")


def _min_tokens(texts: Sequence[str], labels: Sequence[Sequence[str]], cats: tuple[str, ...]) -> dict[str, int]:
    """Per category of `cats` (the recipe's strict categories), the fewest content syllables a text needs for the
    model alone to flag it there: half those of the category's shortest training example, listed only when
    above MIN_CONTENT_TOKENS (which every category already has). The model has not seen the category on
    anything shorter, so it only extrapolates there: the `positive` seeds are stories of 17+ words, and
    "Cảm ơn anh đã giúp" scored 0.86 `positive`."""
    shortest: dict[str, int] = {}
    for text, row in zip(texts, labels, strict=True):
        if not row:
            continue
        n = content_tokens(analyze(text, segment=False))
        for c in row:
            if c in cats and n < shortest.get(c, 1 << 30):
                shortest[c] = n
    return {c: n // 2 for c, n in sorted(shortest.items()) if n // 2 > MIN_CONTENT_TOKENS}


def _short_thresholds(texts: Sequence[str], labels: Sequence[Sequence[str]], cats: tuple[str, ...],
                      oof: np.ndarray | None, oof_method: str, recipe: Recipe, repeats: int = 1
                      ) -> tuple[dict[str, float], str]:
    """Per category, the probability at which the model alone may flag a SHORT text (fewer than
    MIN_CONTENT_TOKENS content syllables: "đm", "ok", "chuyển khoản"): the lowest threshold whose precision
    among the short training texts' out-of-fold predictions reaches the recipe's target precision, with at
    least 3 true positives, and never below SHORT_MIN_THRESHOLD. A category not listed (no held-out
    predictions, or too few short positives to show that precision) keeps the rule: short texts are flagged
    in it only by a matched rule or a confirmed bank item."""
    if oof is None:
        return {}, "no out-of-fold predictions: short texts are flagged only by a rule or a confirmed bank item"
    judged: dict[str, bool] = {}
    short = np.array([judged.setdefault(t, is_short(analyze(t, segment=False))) if t not in judged else judged[t]
                      for t in texts], dtype=bool)
    Y = np.array([[c in row for c in cats] for row in labels], dtype=int)
    found = {c: precision_threshold(Y[short, j], oof[short, j], recipe.precision_for(c),
                                    max(recipe.min_threshold, SHORT_MIN_THRESHOLD), min_true_positives=3 * repeats)
             for j, c in enumerate(cats)} if short.any() else {}
    out = {c: round(t, 4) for c, t in found.items() if t is not None}
    counts = ", ".join(f"{c} {int(Y[short, j].sum()) // repeats}" for j, c in enumerate(cats))
    return out, (f"lowest threshold (>= {SHORT_MIN_THRESHOLD}) reaching precision >= {recipe.target_precision} with >= 3 "
                 f"true positives among the {int(short.sum()) // repeats} short training texts (< {MIN_CONTENT_TOKENS} content "
                 f"syllables; positives: {counts}) in {oof_method}; a category not listed flags short texts only "
                 "by a rule or a confirmed bank item")


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


# ---------------------------------------------------------------------------------------------- evaluation
class EvaluationError(ValueError):
    """The labelled data cannot be scored against this model (unknown labels, several labels for an
    exclusive model); the message is one line naming the row (file:line when known)."""


def _check_labels(scorer: Any, labels: Sequence[Sequence[str]], lines: Sequence[int] | None, source: str | None
                  ) -> None:
    def where(i: int) -> str:
        if lines is not None and i < len(lines):
            return f"{source}:{lines[i]}" if source else f"dòng {lines[i]}"
        return f"{source}: dòng dữ liệu {i + 1}" if source else f"dòng dữ liệu {i + 1}"

    cats = set(scorer.categories)
    unknown: dict[str, None] = {}
    first = -1
    for i, row in enumerate(labels):
        bad = [lab for lab in row if lab not in cats and lab != CLEAN]
        if bad:
            first = i if first < 0 else first
            unknown.update(dict.fromkeys(bad))
    if unknown:
        raise EvaluationError(
            f"{where(first)}: nhãn mà mô hình {scorer.version} không biết: {', '.join(sorted(unknown))} (mô hình biết: "
            f"{', '.join(scorer.categories)}; clean = không thuộc nhóm nào); hãy ánh xạ nhãn của bạn bằng --label-map")
    if scorer.exclusive:
        for i, row in enumerate(labels):
            if len(row) > 1:
                raise EvaluationError(
                    f"{where(i)}: {len(row)} nhãn ({'|'.join(row)}) nhưng mô hình {scorer.version} chỉ nhận một nhãn "
                    "mỗi dòng: hãy đánh giá nó trên dữ liệu một nhãn")


def evaluate(model_or_scorer: Any, texts: Sequence[str], labels: Sequence[Sequence[str]], meta: Meta = None,
             *, lines: Sequence[int] | None = None, source: str | None = None) -> dict[str, Any]:
    """Per-class precision/recall/F1, macro-F1 and confusion matrices.

    Works for a TrainedModel or a Scorer; uses the full scorer (rules included) so old and new models
    are compared as they would run. `meta`: per-text metadata, as given to fit(). Every label must be one of
    the model's categories (or clean), else EvaluationError (`lines`/`source` name the row in it).

    - exclusive models (card `exclusive`): `label` against the row's one label (several labels: an error);
      classes = clean + categories, macro-F1 over the classes present in the truth, one confusion matrix.
    - multi-label models: each category is a binary task (flagged or not vs. labelled or not, over ALL of a
      row's labels); macro-F1 over the categories present in the truth; a 2×2 matrix per category.
    Both also give "flags": per category precision/recall/F1 of the flags and ROC AUC of the scores.
    """
    from classifier.scorer import Scorer

    scorer = model_or_scorer.scorer() if isinstance(model_or_scorer, TrainedModel) else model_or_scorer
    if not isinstance(scorer, Scorer):
        raise TypeError("evaluate() needs a TrainedModel or a Scorer")
    if len(texts) != len(labels):
        raise ValueError("texts and labels differ in length")
    _check_labels(scorer, labels, lines, source)
    results = scorer.score_many(list(texts), meta=meta)
    cats = list(scorer.categories)
    Y = np.array([[c in row for c in cats] for row in labels], dtype=int).reshape(len(labels), len(cats))
    S = np.array([[res.scores[c] for c in cats] for res in results]).reshape(len(labels), len(cats))
    F = np.array([[c in res.flags for c in cats] for res in results], dtype=int).reshape(len(labels), len(cats))
    flags_per: dict[str, Any] = {}
    for j, c in enumerate(cats):
        fp_, fr_, ff_, _ = precision_recall_fscore_support(Y[:, j], F[:, j], average="binary", zero_division=0)
        auc = float(roc_auc_score(Y[:, j], S[:, j])) if 0 < Y[:, j].sum() < len(Y) else None
        flags_per[c] = {"precision": round(float(fp_), 4), "recall": round(float(fr_), 4), "f1": round(float(ff_), 4),
                        "roc_auc": None if auc is None else round(auc, 4)}
    confusion: dict[str, Any]
    if scorer.exclusive:
        mode = "exclusive"
        method = "exclusive model: the predicted label against each row's one label (clean = no category)"
        names = [CLEAN, *cats]
        truth = [row[0] if row else CLEAN for row in labels]
        pred = [r.label for r in results]
        p, r, f, s = precision_recall_fscore_support(truth, pred, labels=names, zero_division=0)
        per_class = {n: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4),
                         "f1": round(float(f[i]), 4), "support": int(s[i])} for i, n in enumerate(names)}
        index = {n: i for i, n in enumerate(names)}
        matrix = [[0] * len(names) for _ in names]
        for t, q in zip(truth, pred, strict=True):
            matrix[index[t]][index.get(q, 0)] += 1
        confusion = {"labels": names, "matrix": matrix}
    else:
        mode = "multilabel"
        method = ("multi-label model: each category scored as a binary task (flagged vs. labelled, over all of "
                  "a row's labels); macro-F1 over the categories")
        per_class = {}
        per_cat: dict[str, Any] = {}
        for j, c in enumerate(cats):
            yes, hit = Y[:, j] == 1, F[:, j] == 1
            per_class[c] = {**{k: flags_per[c][k] for k in ("precision", "recall", "f1")}, "support": int(yes.sum())}
            tp, fp = int((yes & hit).sum()), int((~yes & hit).sum())
            fn, tn = int((yes & ~hit).sum()), int((~yes & ~hit).sum())
            per_cat[c] = [[tn, fp], [fn, tp]]
        confusion = {"labels": ["no", "yes"], "per_category": per_cat}
    present = [n for n in per_class if per_class[n]["support"] > 0]
    return {
        "model": scorer.version,
        "rows": len(texts),
        "mode": mode,
        "method": method,
        "per_class": per_class,
        "macro_f1": round(float(np.mean([per_class[n]["f1"] for n in present])) if present else 0.0, 4),
        "confusion": confusion,
        "flags": flags_per,
    }


# ---------------------------------------------------------------------------------------------- default model
def load_recipe_data(recipe: Recipe, recipe_path: Path) -> list[LabelledData]:
    parts = []
    for pattern in recipe.data:
        files = sorted(recipe_path.parent.glob(pattern))
        if not files:
            raise FileNotFoundError(f"tệp công thức {recipe_path}: không có tệp nào khớp {pattern!r}")
        for f in files:
            d = read_labelled(str(f), "text", "labels")
            parts.append(LabelledData(d.texts, d.labels, str(f.relative_to(recipe_path.parent)), d.sha256, d.lines))
    return parts


def build_default(out: Path = model_io.DEFAULT_MODEL, recipe_path: Path = model_io.DEFAULT_RECIPE) -> TrainedModel:
    recipe = Recipe.from_toml(recipe_path)
    parts = load_recipe_data(recipe, recipe_path)
    texts, labels = combine(parts)
    model = fit(texts, labels, categories=CATEGORIES, recipe=recipe, data_info=[p.info() for p in parts],
                name="canhgac-default", log=lambda m: print(m, file=sys.stderr))
    model.save(out)
    return model


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m classifier.train", description=__doc__.splitlines()[0])
    ap.add_argument("--default", action="store_true", help="rebuild classifier/data/default_model.skops")
    ap.add_argument("--out", default=str(model_io.DEFAULT_MODEL))
    args = ap.parse_args(argv)
    if not args.default:
        ap.error("only --default is supported here; use `canhgac train` for your own data")
    model = build_default(Path(args.out))
    print(json.dumps({"version": model.card["version"], "metrics": model.metrics}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
