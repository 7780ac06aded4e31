"""Tuning on out-of-fold predictions: per-category thresholds to a target precision, label weights, short-text
thresholds and minimum lengths.

Every value here is chosen on predictions of texts the predicting model did not see (cross-validation, or the
classifier step refit per fold), never on what the final model was fit on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from classifier.analysis import MIN_CONTENT_TOKENS, analyze, content_tokens, is_short
from classifier.recipe import Recipe


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
