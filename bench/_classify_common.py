"""What every section of bench/classify.py shares: the data sets' location and readers, the plain TF-IDF +
LogisticRegression baseline, our recipe fitted the same way, the metrics compared (macro-F1, paired bootstrap
interval, calibration) and the table printer. Kept apart so each section module holds only its own data set.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

# classifier/ lives at the repo root, one level above bench/ (bench is run as scripts, not a package)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def baseline_pipeline() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    return Pipeline([
        ("f", FeatureUnion([("w", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
                            ("c", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True))])),
        ("lr", LogisticRegression(class_weight="balanced", max_iter=2000)),
    ])



def macro_f1(truth: Sequence[str], pred: Sequence[str]) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(truth, pred, average="macro"))


def paired_ci(truth: Sequence[str], ours: Sequence[str], base: Sequence[str], positive: str | None = None,
               n: int = 1000, seed: int = 0) -> tuple[float, float]:
    """95 % paired bootstrap interval of metric(ours) - metric(baseline) over resampled dev rows (macro-F1, or
    the F1 of `positive`): whether a difference is larger than what the dev set's size can tell apart."""
    from classifier.train import _macro_f1_idx, _positive_f1_idx

    names = sorted({*truth, *ours, *base} - ({positive} if positive else set()))
    if positive:
        names = [*names, positive]  # _positive_f1_idx scores class 1: with two classes, the last
    idx = {c: i for i, c in enumerate(names)}
    t, a, b = (np.array([idx[v] for v in seq]) for seq in (truth, ours, base))
    metric = (lambda tt, pp: _positive_f1_idx(tt, pp, 2)) if positive else (lambda tt, pp: _macro_f1_idx(tt, pp, len(names)))
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(n):
        r = rng.integers(0, len(t), len(t))
        diffs.append(metric(t[r], a[r]) - metric(t[r], b[r]))
    lo, hi = np.percentile(diffs, [2.5, 97.5])
    return float(lo), float(hi)


def calibration(truth: Sequence[str], probs: Sequence[dict[str, float]], bins: int = 10) -> tuple[float, float]:
    """(ECE, Brier) of per-category probabilities against the truth, averaged over the categories (not clean):
    ECE = sum over equal-width probability bins of |mean probability - observed rate| x share of rows."""
    eces, briers = [], []
    for c in probs[0]:
        p = np.array([row[c] for row in probs])
        y = np.array([t == c for t in truth], dtype=float)
        which = np.minimum((p * bins).astype(int), bins - 1)
        eces.append(sum(abs(p[which == b].mean() - y[which == b].mean()) * (which == b).mean()
                        for b in range(bins) if (which == b).any()))
        briers.append(float(np.mean((p - y) ** 2)))
    return float(np.mean(eces)), float(np.mean(briers))


def baseline_probs(base: Any, texts: Sequence[str]) -> list[dict[str, float]]:
    P = base.predict_proba(list(texts))
    cats = [c for c in base.classes_ if c != "clean"]
    return [{c: float(P[i, list(base.classes_).index(c)]) for c in cats} for i in range(len(texts))]


def print_table(headers: list[str], rows: list[list[Any]]) -> None:
    cells = [[f"{v:.3f}" if isinstance(v, float) else str(v) for v in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    print()


def read_split(path: Path, text: str, label: str, mapping: dict[str, str] | None = None) -> tuple[list[str], list[str]]:
    from classifier.dataset import read_labelled

    d = read_labelled(str(path), text, label, mapping or {}, skip_empty=True)  # ViHSD train has an empty row
    return d.texts, [row[0] if row else "clean" for row in d.labels]


def read_meta(path: Path, columns: Sequence[str]) -> list[dict[str, str]] | None:
    """Light metadata per row (the scorer's `meta=`), read from the same CSV; None without columns."""
    if not columns:
        return None
    import csv

    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{c: _bucket(row[c]) for c in columns} for row in csv.DictReader(fh)]


def _bucket(value: str) -> str:
    """Counts (likes, shares ...) → a log2 bucket, so the model sees "about how many", not each number."""
    try:
        f = float(value)
    except ValueError:
        return value
    return str(int(np.log2(1 + max(f, 0.0))))


def fit_ours(recipe: Any, texts: Sequence[str], labels: Sequence[str], meta: Sequence[Any] | None = None) -> Any:
    from classifier.train import fit

    return fit(list(texts), [[lab] if lab != "clean" else [] for lab in labels], recipe=recipe, cv=False,
               meta=meta).scorer()


def _labels_without(scorer: Any, texts: Sequence[str], setting: str) -> list[str]:
    """`label` with one of the scorer's tuned settings emptied, for comparison: "label_weights" (plain argmax
    of the probabilities) or "short_thresholds" (short text: rules and the bank only, as before they existed)."""
    kept = getattr(scorer, setting)
    setattr(scorer, setting, {})
    try:
        return [r.label for r in scorer.score_many(list(texts))]
    finally:
        setattr(scorer, setting, kept)


def untuned_labels(scorer: Any, texts: Sequence[str]) -> list[str]:
    return _labels_without(scorer, texts, "label_weights")


def labels_without_short_thresholds(scorer: Any, texts: Sequence[str]) -> list[str]:
    return _labels_without(scorer, texts, "short_thresholds")
