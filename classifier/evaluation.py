"""evaluate(): score labelled data with a model as it would run (rules included), per class and per flag.

Used by `canhgac evaluate` and by the learning loop to compare an old and a new model on held-out decisions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import precision_recall_fscore_support, roc_auc_score

from classifier.card_values import CLEAN
from classifier.fitting import TrainedModel
from classifier.training_rows import Meta


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
