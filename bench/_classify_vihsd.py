"""ViHSD sections of bench/classify.py: dev macro-F1 on clean, accent-stripped and spaced/dotted text, calibration,
throughput against word segmentation alone, and calibration by training-set size.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from typing import Any

from _classify_common import (
    DATA,
    baseline_pipeline,
    baseline_probs,
    calibration,
    fit_ours,
    labels_without_short_thresholds,
    macro_f1,
    paired_ci,
    print_table,
    read_split,
    untuned_labels,
)


def obfuscate(text: str, rng: random.Random, share: float = 0.3) -> str:
    """Spaced/dotted dodges on a share of the words of 3+ letters: "lừa" → "l.ừ.a" or "l ừ a"."""
    out = []
    for w in text.split(" "):
        if len(w) >= 3 and w.isalpha() and rng.random() < share:
            w = ".".join(w) if rng.random() < 0.5 else " ".join(w)
        out.append(w)
    return " ".join(out)



def vihsd(recipe_seg: Any, recipe_syl: Any) -> dict[str, Any]:
    m = {"0": "clean", "1": "offensive", "2": "hate"}
    tr_x, tr_y = read_split(DATA / "vihsd" / "train.csv", "free_text", "label_id", m)
    dv_x, dv_y = read_split(DATA / "vihsd" / "dev.csv", "free_text", "label_id", m)
    from classifier.normalize import strip_accents

    rng = random.Random(7)
    variants = {"clean": dv_x, "no diacritics": [strip_accents(t) for t in dv_x],
                "spaced/dotted": [obfuscate(t, rng) for t in dv_x]}
    base = baseline_pipeline().fit(tr_x, tr_y)
    base_pred = list(base.predict(dv_x))
    res: dict[str, Any] = {"baseline": {k: macro_f1(dv_y, base.predict(v)) for k, v in variants.items()}}
    scorers = {}
    for name, recipe in (("syllables", recipe_syl), ("segmented", recipe_seg)):
        t0 = time.perf_counter()
        sc = fit_ours(recipe, tr_x, tr_y)
        scorers[name] = sc
        res[name] = {k: macro_f1(dv_y, [r.label for r in sc.score_many(v)]) for k, v in variants.items()}
        res[name]["train_s"] = time.perf_counter() - t0
        res[name]["argmax"] = macro_f1(dv_y, untuned_labels(sc, dv_x))
        res[name]["weights"] = sc.label_weights
        res[name]["short_thresholds"] = dict(sc.short_thresholds)
        res[name]["no_short"] = macro_f1(dv_y, labels_without_short_thresholds(sc, dv_x))
        scored = sc.score_many(dv_x)
        res[name]["ci"] = paired_ci(dv_y, [r.label for r in scored], base_pred)
        res[name]["calibration"] = calibration(dv_y, [r.scores for r in scored])
    res["baseline_calibration"] = calibration(dv_y, baseline_probs(base, dv_x))
    res["scorers"] = scorers
    res["dev_texts"] = dv_x
    return res



def calibration_by_size(recipe: Any, sizes: Sequence[int] = (60, 200, 1000, 5000), dev_rows: int = 1000
                        ) -> list[list[Any]]:
    """ECE/Brier/macro-F1 on ViHSD dev of models trained on random subsets of ViHSD train of each size, against
    the baseline trained on the same subset: are small training sets (a few weeks of moderators' decisions)
    over-confident?"""
    m = {"0": "clean", "1": "offensive", "2": "hate"}
    tr_x, tr_y = read_split(DATA / "vihsd" / "train.csv", "free_text", "label_id", m)
    dv_x, dv_y = read_split(DATA / "vihsd" / "dev.csv", "free_text", "label_id", m)
    dv_x, dv_y = dv_x[:dev_rows], dv_y[:dev_rows]
    order = list(range(len(tr_x)))
    random.Random(3).shuffle(order)
    rows = []
    for n in sizes:
        pick = order[:n]
        x, y = [tr_x[i] for i in pick], [tr_y[i] for i in pick]
        sc = fit_ours(recipe, x, y)
        res = sc.score_many(dv_x)
        base = baseline_pipeline().fit(x, y)
        rows.append([n, *calibration(dv_y, [r.scores for r in res]), *calibration(dv_y, baseline_probs(base, dv_x)),
                     macro_f1(dv_y, [r.label for r in res]), macro_f1(dv_y, list(base.predict(dv_x)))])
    return rows



def throughput(scorer: Any, texts: Sequence[str]) -> dict[str, float]:
    from underthesea import word_tokenize

    word_tokenize(texts[0])
    scorer.score_many(list(texts[:10]))
    # interleaved chunk by chunk, so a change in the machine's load hits both sides alike
    t_wt = t_ours = 0.0
    for i in range(0, len(texts), 256):
        chunk = list(texts[i : i + 256])
        t0 = time.perf_counter()
        for t in chunk:
            word_tokenize(t)
        t1 = time.perf_counter()
        scorer.score_many(chunk)
        t_wt, t_ours = t_wt + t1 - t0, t_ours + time.perf_counter() - t1
    wt, ours = len(texts) / t_wt, len(texts) / t_ours
    return {"word_tokenize": wt, "ours": ours}


def report_vihsd(recipe_seg: Any, recipe_syl: Any) -> list[list[Any]]:
    """Print the ViHSD dev tables (macro-F1 by text variant, calibration, throughput); return the summary rows."""
    summary: list[list[Any]] = []
    r = vihsd(recipe_seg, recipe_syl)
    print("ViHSD dev macro-F1 (train on train; 3 classes clean/offensive/hate)")
    rows = []
    for variant in ("clean", "no diacritics", "spaced/dotted"):
        b = r["baseline"][variant]
        rows.append([variant, b, r["syllables"][variant], r["segmented"][variant],
                     r["syllables"][variant] / b, r["syllables"][variant] / r["syllables"]["clean"],
                     r["segmented"][variant] / r["segmented"]["clean"], b / r["baseline"]["clean"]])
    print_table(["dev text", "baseline", "syllables", "segmented", "syl/base", "syl/clean", "seg/clean", "base/clean"],
                rows)
    summary += [["ViHSD dev macro-F1", r["baseline"]["clean"], r["syllables"]["clean"], ">= 0.70"],
                ["ViHSD no diacritics / clean", "", r["syllables"]["no diacritics"] / r["syllables"]["clean"],
                 ">= 0.95"],
                ["ViHSD spaced/dotted / clean", "", r["syllables"]["spaced/dotted"] / r["syllables"]["clean"],
                 ">= 0.95"]]
    for name in ("syllables", "segmented"):
        lo, hi = r[name]["ci"]
        print(f"{name}: clean dev macro-F1 with plain argmax (class weights off) {r[name]['argmax']:.3f}; "
              f"weights tuned on out-of-fold train predictions {r[name]['weights']}; without short-text "
              f"thresholds (short text: rules/bank only) {r[name]['no_short']:.3f}, short-text thresholds "
              f"{r[name]['short_thresholds']}; ours - baseline, 95 % paired bootstrap [{lo:+.3f}, {hi:+.3f}]")
    print("Calibration on ViHSD dev (per-category probabilities; lower is better)")
    print_table(["model", "ECE", "Brier"], [["baseline (balanced LR, no calibration)", *r["baseline_calibration"]],
                                            ["ours, syllables", *r["syllables"]["calibration"]],
                                            ["ours, segmented", *r["segmented"]["calibration"]]])
    print(f"training time: segmented {r['segmented']['train_s']:.0f}s, syllables {r['syllables']['train_s']:.0f}s\n")
    texts = r["dev_texts"]
    rows = []
    for name in ("segmented", "syllables"):
        tp = throughput(r["scorers"][name], texts)
        rows.append([name, f"{tp['ours']:.0f}", f"{tp['word_tokenize']:.0f}", tp["ours"] / tp["word_tokenize"]])
    print(f"Throughput on {len(texts)} ViHSD dev texts, one core (posts/s)")
    print_table(["model", "scorer", "word_tokenize alone", "ratio"], rows)
    summary.append(["throughput / word_tokenize", "", rows[1][3], ">= 0.8"])
    return summary


def report_sizes(recipe: Any) -> None:
    """Print the calibration-by-training-size table."""
    rows = calibration_by_size(recipe)
    print("Calibration by training size: random ViHSD train subsets, measured on the first 1,000 dev rows")
    print_table(["train rows", "ours ECE", "ours Brier", "base ECE", "base Brier", "ours macro-F1", "base macro-F1"],
                rows)
