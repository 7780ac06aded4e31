"""Two-class sections of bench/classify.py: ViCTSD toxicity (train/valid), smishing and ReINTEL (5-fold), each
against the baseline with paired differences.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from _classify_common import (
    DATA,
    baseline_pipeline,
    baseline_probs,
    calibration,
    fit_ours,
    labels_without_short_thresholds,
    paired_ci,
    print_table,
    read_meta,
    read_split,
    untuned_labels,
)


def victsd(recipe: Any) -> dict[str, Any]:
    from sklearn.metrics import f1_score

    m = {"0": "clean", "1": "offensive"}
    tr_x, tr_y = read_split(DATA / "victsd" / "train.csv", "Comment", "Toxicity", m)
    va_x, va_y = read_split(DATA / "victsd" / "valid.csv", "Comment", "Toxicity", m)
    base = baseline_pipeline().fit(tr_x, tr_y)
    sc = fit_ours(recipe, tr_x, tr_y)
    scored = sc.score_many(va_x)
    base_pred, ours = list(base.predict(va_x)), [r.label for r in scored]
    lo, hi = paired_ci(va_y, ours, base_pred, positive="offensive")
    return {"baseline": float(f1_score(va_y, base_pred, pos_label="offensive")),
            "ours": float(f1_score(va_y, ours, pos_label="offensive")),
            "ours_argmax": float(f1_score(va_y, untuned_labels(sc, va_x), pos_label="offensive")),
            "no_short": float(f1_score(va_y, labels_without_short_thresholds(sc, va_x), pos_label="offensive")),
            "ci": f"[{lo:+.3f}, {hi:+.3f}]",
            "calibration": calibration(va_y, [r.scores for r in scored]),
            "baseline_calibration": calibration(va_y, baseline_probs(base, va_x))}


def five_fold(path: Path, text: str, label: str, category: str, recipe: Any, meta_columns: Sequence[str] = ()
              ) -> dict[str, Any]:
    from sklearn.metrics import f1_score, roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    x, y = read_split(path, text, label, {"0": "clean", "1": category})
    meta = read_meta(path, meta_columns)
    m_arr = np.array(meta if meta is not None else [None] * len(x), dtype=object)
    x_arr, y_arr = np.array(x, dtype=object), np.array(y, dtype=object)
    out: dict[str, list[float]] = {"baseline_f1": [], "ours_f1": [], "baseline_auc": [], "ours_auc": [],
                                   "model_auc": []}
    pooled: list[tuple[float, bool]] = []  # (ours' score, truth) over all folds, for the ceiling below
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=1).split(x_arr, y_arr):
        base = baseline_pipeline().fit(list(x_arr[tr]), list(y_arr[tr]))
        truth = list(y_arr[te])
        out["baseline_f1"].append(float(f1_score(truth, base.predict(list(x_arr[te])), pos_label=category)))
        col = list(base.classes_).index(category)
        out["baseline_auc"].append(float(roc_auc_score([t == category for t in truth],
                                                       base.predict_proba(list(x_arr[te]))[:, col])))
        sc = fit_ours(recipe, list(x_arr[tr]), list(y_arr[tr]), list(m_arr[tr]) if meta else None)
        res = sc.score_many(list(x_arr[te]), meta=list(m_arr[te]) if meta else None)
        out["ours_f1"].append(float(f1_score(truth, [r.label for r in res], pos_label=category)))
        out["ours_auc"].append(float(roc_auc_score([t == category for t in truth], [r.scores[category] for r in res])))
        pooled += [(r.scores[category], t == category) for r, t in zip(res, truth, strict=True)]
        if not meta:  # the model's probability alone (no rules, no fixed-weight cues)
            p = sc.model_probabilities(list(x_arr[te]))[:, list(sc.categories).index(category)]
            out["model_auc"].append(float(roc_auc_score([t == category for t in truth], p)))
    res = {k: float(np.mean(v)) if v else float("nan") for k, v in out.items()}
    res["oracle_f1"] = _best_threshold_f1(pooled)
    for m in ("f1", "auc"):  # per-fold paired differences: how far apart the folds put ours and the baseline
        d = np.array(out[f"ours_{m}"]) - np.array(out[f"baseline_{m}"])
        res[f"diff_{m}"] = f"{d.mean():+.3f} (folds {d.min():+.3f} .. {d.max():+.3f})"
    return res


def _best_threshold_f1(pooled: Sequence[tuple[float, bool]]) -> float:
    """The F1 of the single best threshold on ours' pooled out-of-fold scores, chosen with the answers: a
    ceiling on what any threshold/label tuning of these scores could reach (the ranking itself must improve
    to go beyond it)."""
    scores = np.array([s for s, _ in pooled])
    truth = np.array([t for _, t in pooled])
    order = np.argsort(-scores, kind="stable")
    tp = np.cumsum(truth[order])
    fp = np.cumsum(~truth[order])
    last = np.r_[scores[order][1:] != scores[order][:-1], True]  # cut only between distinct scores
    f1 = 2 * tp / (2 * tp + fp + (truth.sum() - tp))
    return float(f1[last].max())


def report_victsd(recipe_syl: Any) -> list[Any]:
    """Print the ViCTSD valid tables (toxic F1, calibration); return the summary row."""
    # binary data measured by the toxic class's F1: the label weights are tuned for that F1 (tune_for), on
    # out-of-fold predictions of the training data only; macro-F1 tuning measured 0.444 here, this 0.460 (stop 8;
    # 0.455 since the stop-9 normalisation changes)
    # Why below the baseline (0.455 vs 0.475; one-at-a-time ablation, train on train, measured once on valid,
    # so every number here was seen on valid): no knob of the recipe closes it. C 0.5/1/4: 0.459/0.459/0.454;
    # C_grid (0.5..8, picked on training OOF) 0.459; augment_strip 0: 0.462; char_accented off: 0.445; word 1-2
    # grams: 0.457; min_df 1: 0.460; no caps: 0.455; class_weight None: 0.463; cues: 0.456; raw_chars: 0.460;
    # label weights off: 0.452; short thresholds off: 0.455. The ranking itself is worse: the best single
    # threshold on valid (picked WITH the answers) gives ours only 0.461 (ROC-AUC 0.830, AP 0.474) against the
    # baseline's 0.480 (0.832, 0.483), so no threshold/label tuning can reach it. The gap is the normalised text:
    # the baseline trained on our feature strings instead of the raw comments falls to 0.461.
    # Stop 12, measured and NOT kept: `raw_chars` + `raw_words` (a word 1-2-gram block over the raw lowercased
    # text, default token pattern) 0.467 [-0.032, +0.015], with C 4 0.450 (current recipe 0.455 in the same run):
    # still below the baseline, and the 0.467 is the better of two variants picked on valid itself.
    v = victsd(replace(recipe_syl, tune_for="positive_f1"))
    print("ViCTSD valid toxicity F1 (train on train; label weights tuned for the toxic class's F1 on training OOF)")
    print_table(["baseline", "ours (tuned label)", "ours (argmax)", "ours without short thresholds", "ratio",
                 "ours - baseline, 95 % paired bootstrap"],
                [[v["baseline"], v["ours"], v["ours_argmax"], v["no_short"], v["ours"] / v["baseline"], v["ci"]]])
    print("Calibration of the toxic probability on ViCTSD valid (lower is better)")
    print_table(["model", "ECE", "Brier"], [["baseline (balanced LR, no calibration)", *v["baseline_calibration"]],
                                            ["ours", *v["calibration"]]])
    return ["ViCTSD toxicity F1", v["baseline"], v["ours"], "> baseline"]


def report_smishing(recipe: Any) -> list[Any]:
    """Print the smishing 5-fold table and ceiling; return the summary row."""
    s = five_fold(DATA / "vi_sms_smishing" / "train.csv", "content", "label", "scam", recipe, ["sender_type"])
    print("Smishing 5-fold (label 1 → scam); ours: text + shape tokens + link words + sender_type metadata\n"
          "(also crossed with the words); F1 = of `label`, whose class weights and C are tuned on out-of-fold\n"
          "predictions inside each training fold (macro-F1 objective); the baseline (text only) uses argmax")
    print_table(["metric", "baseline", "ours", "ratio", "ours - baseline per fold"],
                [["F1", s["baseline_f1"], s["ours_f1"], s["ours_f1"] / s["baseline_f1"], s["diff_f1"]],
                 ["ROC-AUC", s["baseline_auc"], s["ours_auc"], s["ours_auc"] / s["baseline_auc"], s["diff_auc"]]])
    print(f"ceiling: F1 of the best single threshold on ours' pooled out-of-fold scores, picked WITH the answers: "
          f"{s['oracle_f1']:.3f} (no threshold or label tuning of these scores can do better)\n")
    return ["smishing 5-fold F1", s["baseline_f1"], s["ours_f1"], ">= 0.90"]


def report_reintel(recipe: Any) -> list[Any]:
    """Print the ReINTEL 5-fold table (learned cues against fixed cues); return the summary row."""
    # `cues`: the sensational cues are features the model weighs (learned on the training folds) instead of
    # fixed weights the scorer adds to the model's probability; "fixed cues" is the older way.
    # Why ROC-AUC is below the baseline (0.925 vs 0.936, every fold): the normalised text. Same folds, model
    # alone (= the score here: no misinformation rules, learned cues): the baseline trained on our feature
    # strings instead of the raw posts falls to 0.926 (the raw posts without punctuation: 0.930; with the data
    # set's "_" word joins made spaces: 0.937, so not segmentation). One at a time from this recipe: cues off
    # 0.928, min_df 2 0.925, no feature caps 0.925, augment_strip 0 0.925, char_accented off 0.920, word 1-2
    # grams 0.926, class_weight None 0.924, C 0.5/1/4/8/16 0.919/0.922/0.925/0.926/0.926, no char n-grams
    # 0.914, underthesea segmentation 0.922; raw_chars (char n-grams of the raw lowercased text: punctuation,
    # "%", the spellings normalisation rewrites) 0.932, + C 8/16/32 0.934/0.934/0.935, still below (chosen
    # looking at these folds, so optimistic even then): the recipe is left as it is.
    # Stop 12, measured and NOT kept: raw_chars + `raw_words` (word 1-2-grams of the raw text) 0.934 (folds
    # -0.015 .. +0.008), + C 4 0.934, raw_words alone 0.929; still below the baseline, and F1 falls 0.751 ->
    # 0.717 (C 4: 0.733), so neither replaces the recipe (current recipe 0.925 / F1 0.751 in the same run).
    s = five_fold(DATA / "reintel" / "dev.csv", "post_message", "label", "misinformation", replace(recipe, cues=True))
    f = five_fold(DATA / "reintel" / "dev.csv", "post_message", "label", "misinformation", recipe)
    print("ReINTEL dev 5-fold (label 1 → misinformation); ours = recipe `cues` (cue weights learned)")
    print_table(["metric", "baseline", "ours", "ratio", "ours - baseline per fold", "fixed cues: score",
                 "fixed cues: model alone"],
                [["ROC-AUC", s["baseline_auc"], s["ours_auc"], s["ours_auc"] / s["baseline_auc"], s["diff_auc"],
                  f["ours_auc"], f["model_auc"]],
                 ["F1", s["baseline_f1"], s["ours_f1"], s["ours_f1"] / s["baseline_f1"], s["diff_f1"], f["ours_f1"],
                  ""]])
    return ["ReINTEL 5-fold ROC-AUC", s["baseline_auc"], s["ours_auc"], "> baseline"]
