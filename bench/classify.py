"""Classifier benchmarks on the shared research data sets (../shared/data), printed as tables.

    .venv/bin/python bench/classify.py [--quick]

Trains on train splits and measures on dev/valid splits (never on what was tuned on); runs a plain
TF-IDF (word 1-2 + char 2-5) + class-balanced LogisticRegression baseline in the same process and
prints ratios against it. Skips with a message when ../shared/data is missing.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")  # "one core" throughput
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def _baseline() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    return Pipeline([
        ("f", FeatureUnion([("w", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
                            ("c", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True))])),
        ("lr", LogisticRegression(class_weight="balanced", max_iter=2000)),
    ])


def obfuscate(text: str, rng: random.Random, share: float = 0.3) -> str:
    """Spaced/dotted dodges on a share of the words of 3+ letters: "lừa" → "l.ừ.a" or "l ừ a"."""
    out = []
    for w in text.split(" "):
        if len(w) >= 3 and w.isalpha() and rng.random() < share:
            w = ".".join(w) if rng.random() < 0.5 else " ".join(w)
        out.append(w)
    return " ".join(out)


def _macro(truth: Sequence[str], pred: Sequence[str]) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(truth, pred, average="macro"))


def _paired_ci(truth: Sequence[str], ours: Sequence[str], base: Sequence[str], positive: str | None = None,
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


def _calibration(truth: Sequence[str], probs: Sequence[dict[str, float]], bins: int = 10) -> tuple[float, float]:
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


def _baseline_probs(base: Any, texts: Sequence[str]) -> list[dict[str, float]]:
    P = base.predict_proba(list(texts))
    cats = [c for c in base.classes_ if c != "clean"]
    return [{c: float(P[i, list(base.classes_).index(c)]) for c in cats} for i in range(len(texts))]


def _table(headers: list[str], rows: list[list[Any]]) -> None:
    cells = [[f"{v:.3f}" if isinstance(v, float) else str(v) for v in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    print()


def _read(path: Path, text: str, label: str, mapping: dict[str, str] | None = None) -> tuple[list[str], list[str]]:
    from classifier.dataset import read_labelled

    d = read_labelled(str(path), text, label, mapping or {}, skip_empty=True)  # ViHSD train has an empty row
    return d.texts, [row[0] if row else "clean" for row in d.labels]


def _meta(path: Path, columns: Sequence[str]) -> list[dict[str, str]] | None:
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


def _ours(recipe: Any, texts: Sequence[str], labels: Sequence[str], meta: Sequence[Any] | None = None) -> Any:
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


def _untuned(scorer: Any, texts: Sequence[str]) -> list[str]:
    return _labels_without(scorer, texts, "label_weights")


def _without_short_thresholds(scorer: Any, texts: Sequence[str]) -> list[str]:
    return _labels_without(scorer, texts, "short_thresholds")


def vihsd(recipe_seg: Any, recipe_syl: Any) -> dict[str, Any]:
    m = {"0": "clean", "1": "offensive", "2": "hate"}
    tr_x, tr_y = _read(DATA / "vihsd" / "train.csv", "free_text", "label_id", m)
    dv_x, dv_y = _read(DATA / "vihsd" / "dev.csv", "free_text", "label_id", m)
    from classifier.normalize import strip_accents

    rng = random.Random(7)
    variants = {"clean": dv_x, "no diacritics": [strip_accents(t) for t in dv_x],
                "spaced/dotted": [obfuscate(t, rng) for t in dv_x]}
    base = _baseline().fit(tr_x, tr_y)
    base_pred = list(base.predict(dv_x))
    res: dict[str, Any] = {"baseline": {k: _macro(dv_y, base.predict(v)) for k, v in variants.items()}}
    scorers = {}
    for name, recipe in (("syllables", recipe_syl), ("segmented", recipe_seg)):
        t0 = time.perf_counter()
        sc = _ours(recipe, tr_x, tr_y)
        scorers[name] = sc
        res[name] = {k: _macro(dv_y, [r.label for r in sc.score_many(v)]) for k, v in variants.items()}
        res[name]["train_s"] = time.perf_counter() - t0
        res[name]["argmax"] = _macro(dv_y, _untuned(sc, dv_x))
        res[name]["weights"] = sc.label_weights
        res[name]["short_thresholds"] = dict(sc.short_thresholds)
        res[name]["no_short"] = _macro(dv_y, _without_short_thresholds(sc, dv_x))
        scored = sc.score_many(dv_x)
        res[name]["ci"] = _paired_ci(dv_y, [r.label for r in scored], base_pred)
        res[name]["calibration"] = _calibration(dv_y, [r.scores for r in scored])
    res["baseline_calibration"] = _calibration(dv_y, _baseline_probs(base, dv_x))
    res["scorers"] = scorers
    res["dev_texts"] = dv_x
    return res


def victsd(recipe: Any) -> dict[str, Any]:
    from sklearn.metrics import f1_score

    m = {"0": "clean", "1": "offensive"}
    tr_x, tr_y = _read(DATA / "victsd" / "train.csv", "Comment", "Toxicity", m)
    va_x, va_y = _read(DATA / "victsd" / "valid.csv", "Comment", "Toxicity", m)
    base = _baseline().fit(tr_x, tr_y)
    sc = _ours(recipe, tr_x, tr_y)
    scored = sc.score_many(va_x)
    base_pred, ours = list(base.predict(va_x)), [r.label for r in scored]
    lo, hi = _paired_ci(va_y, ours, base_pred, positive="offensive")
    return {"baseline": float(f1_score(va_y, base_pred, pos_label="offensive")),
            "ours": float(f1_score(va_y, ours, pos_label="offensive")),
            "ours_argmax": float(f1_score(va_y, _untuned(sc, va_x), pos_label="offensive")),
            "no_short": float(f1_score(va_y, _without_short_thresholds(sc, va_x), pos_label="offensive")),
            "ci": f"[{lo:+.3f}, {hi:+.3f}]",
            "calibration": _calibration(va_y, [r.scores for r in scored]),
            "baseline_calibration": _calibration(va_y, _baseline_probs(base, va_x))}


def five_fold(path: Path, text: str, label: str, category: str, recipe: Any, meta_columns: Sequence[str] = ()
              ) -> dict[str, Any]:
    from sklearn.metrics import f1_score, roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    x, y = _read(path, text, label, {"0": "clean", "1": category})
    meta = _meta(path, meta_columns)
    m_arr = np.array(meta if meta is not None else [None] * len(x), dtype=object)
    x_arr, y_arr = np.array(x, dtype=object), np.array(y, dtype=object)
    out: dict[str, list[float]] = {"baseline_f1": [], "ours_f1": [], "baseline_auc": [], "ours_auc": [],
                                   "model_auc": []}
    pooled: list[tuple[float, bool]] = []  # (ours' score, truth) over all folds, for the ceiling below
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=1).split(x_arr, y_arr):
        base = _baseline().fit(list(x_arr[tr]), list(y_arr[tr]))
        truth = list(y_arr[te])
        out["baseline_f1"].append(float(f1_score(truth, base.predict(list(x_arr[te])), pos_label=category)))
        col = list(base.classes_).index(category)
        out["baseline_auc"].append(float(roc_auc_score([t == category for t in truth],
                                                       base.predict_proba(list(x_arr[te]))[:, col])))
        sc = _ours(recipe, list(x_arr[tr]), list(y_arr[tr]), list(m_arr[tr]) if meta else None)
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


def calibration_by_size(recipe: Any, sizes: Sequence[int] = (60, 200, 1000, 5000), dev_rows: int = 1000
                        ) -> list[list[Any]]:
    """ECE/Brier/macro-F1 on ViHSD dev of models trained on random subsets of ViHSD train of each size, against
    the baseline trained on the same subset: are small training sets (a few weeks of moderators' decisions)
    over-confident?"""
    m = {"0": "clean", "1": "offensive", "2": "hate"}
    tr_x, tr_y = _read(DATA / "vihsd" / "train.csv", "free_text", "label_id", m)
    dv_x, dv_y = _read(DATA / "vihsd" / "dev.csv", "free_text", "label_id", m)
    dv_x, dv_y = dv_x[:dev_rows], dv_y[:dev_rows]
    order = list(range(len(tr_x)))
    random.Random(3).shuffle(order)
    rows = []
    for n in sizes:
        pick = order[:n]
        x, y = [tr_x[i] for i in pick], [tr_y[i] for i in pick]
        sc = _ours(recipe, x, y)
        res = sc.score_many(dv_x)
        base = _baseline().fit(x, y)
        rows.append([n, *_calibration(dv_y, [r.scores for r in res]), *_calibration(dv_y, _baseline_probs(base, dv_x)),
                     _macro(dv_y, [r.label for r in res]), _macro(dv_y, list(base.predict(dv_x)))])
    return rows


def _csv_rows(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def real_text_sets() -> list[tuple[str, list[str], list[str], list[bool], set[str]]]:
    """Real text from outside the seed data: (name, titles, texts, harmful?, categories that count as a hit on a
    harmful row). Clean rows measure false flags (any category flagged), harmful rows recall."""
    import re

    import feedparser

    sets = []
    titles, texts = [], []
    for f in sorted((DATA / "rss").glob("*.xml")):
        for e in feedparser.parse(str(f)).entries:
            titles.append(e.get("title", ""))
            texts.append(re.sub(r"<[^>]+>", " ", e.get("summary", "")))
    sets.append(("VnExpress RSS items (news)", titles, texts, [False] * len(texts), set()))
    abuse = {"offensive", "hate", "harassment"}
    for name, path, col, lab, harmful, cats in (
            ("ViHSD dev comments", DATA / "vihsd" / "dev.csv", "free_text", "label_id", {"1", "2"}, abuse),
            ("ViCTSD valid comments", DATA / "victsd" / "valid.csv", "Comment", "Toxicity", {"1"}, abuse),
            ("ViSpamReviews dev reviews", DATA / "vispamreviews" / "dev.csv", "Comment", "Label", set(), set()),
            ("SMS (smishing data)", DATA / "vi_sms_smishing" / "train.csv", "content", "label", {"1"},
             {"scam", "illegal_ad"}),
            ("ReINTEL dev posts", DATA / "reintel" / "dev.csv", "post_message", "label", {"1"}, {"misinformation"})):
        rows = [r for r in _csv_rows(path) if harmful or r[lab] == "0"]  # no category of ours: clean rows only
        sets.append((name, [""] * len(rows), [r[col] for r in rows], [r[lab] in harmful for r in rows], cats))
    return sets


def default_model_on_real_text(scorer: Any = None) -> list[list[Any]]:
    """The BUNDLED default model (trained on the seed examples in the repo only) on real text it never saw: the
    share of clean rows it flags (what lands in moderators' queue for nothing) and the share of harmful rows it
    flags with a matching category. Baseline: the plain TF-IDF + balanced LogisticRegression, one per category,
    trained on the same seed data, flagging at p >= 0.5."""
    from classifier.model import DEFAULT_RECIPE, Recipe
    from classifier.scorer import Scorer
    from classifier.train import load_recipe_data

    scorer = scorer or Scorer.load()
    seed = load_recipe_data(Recipe.from_toml(DEFAULT_RECIPE), DEFAULT_RECIPE)
    seed_x = [t for d in seed for t in d.texts]
    seed_y = [set(lab) for d in seed for lab in d.labels]
    base = {c: _baseline().fit(seed_x, [c in y for y in seed_y]) for c in scorer.categories}
    rows = []
    for name, titles, texts, harmful, cats in real_text_sets():
        res = scorer.score_many(texts, titles=titles)
        joined = [f"{t}. {x}" if t else x for t, x in zip(titles, texts, strict=True)]
        bflags = [set() for _ in texts]
        for c, m in base.items():
            for i, p in enumerate(m.predict_proba(joined)[:, 1]):
                if p >= 0.5:
                    bflags[i].add(c)
        clean = [i for i, h in enumerate(harmful) if not h]
        bad = [i for i, h in enumerate(harmful) if h]
        row: list[Any] = [name, len(clean), sum(bool(res[i].flags) for i in clean) / max(len(clean), 1),
                          sum(bool(bflags[i]) for i in clean) / max(len(clean), 1)]
        if bad:
            hit = sum(bool(set(res[i].flags) & cats) for i in bad)
            bhit = sum(bool(bflags[i] & cats) for i in bad)
            false = sum(bool(res[i].flags) for i in clean)
            bfalse = sum(bool(bflags[i]) for i in clean)
            # precision at this data set's own share of harmful rows: of the rows flagged, how many were harmful
            row += [len(bad), hit / len(bad), bhit / len(bad), hit / max(hit + false, 1), bhit / max(bhit + bfalse, 1)]
        else:
            row += ["", "", "", "", ""]
        top: dict[str, int] = {}
        for i in clean:
            for f in res[i].flags:
                top[f] = top.get(f, 0) + 1
        row.append(", ".join(f"{c} {n}" for c, n in sorted(top.items(), key=lambda kv: -kv[1])[:3]))
        rows.append(row)
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


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip", action="append", default=[], help="vihsd, sizes, real, victsd, smishing, reintel")
    args = ap.parse_args(argv)
    if not (DATA / "vihsd" / "train.csv").exists():
        print(f"bench/classify.py: skipped: shared data not found at {DATA}")
        return 0
    from dataclasses import replace

    from classifier.model import Recipe

    # The recipe under test: syllable 1-3-grams (no word segmentation), char n-grams of the normalised text
    # with and without accents; `label` uses per-class weights tuned on out-of-fold predictions of the
    # training data only (Recipe.tune_label). "segmented" is the same recipe with underthesea segmentation.
    # Exclusive labels (all four data sets here) train ONE multinomial LogisticRegression calibrated by a
    # temperature (Recipe.multinomial, the default); the bias/weight tuning sits on top of its probabilities.
    syl = Recipe(segment=False, word_ngrams=(1, 3), char_accented=True, min_df=2, max_word_features=150_000,
                 max_char_features=200_000, C=2.0, augment_strip=0.3, cv_folds=0)
    seg = replace(syl, segment=True, word_ngrams=(1, 2))
    small = replace(syl, min_df=1)
    # SMS: also the shape block (link domains, phone kinds, bracketed brand tags, no-accent text) and the
    # sender type the data set records, passed as light metadata; C picked from a grid on out-of-fold
    # predictions of each TRAINING fold (never on the fold measured). Measured on ViHSD/ViCTSD/ReINTEL too:
    # no gain there (ReINTEL's like/comment/share counts as metadata lowered ROC-AUC 0.920 → 0.901).
    # `url_parts`: the words inside links ("vietcombank-xacthuc.top" → url_dom:vietcombank, url_dom:xacthuc),
    # which normalisation folds into `urltok`, in that block too: 5-fold F1 0.874 → 0.880 (chosen on this same
    # 5-fold result). Also measured: `raw_chars` (char 2-5 n-grams of the raw lowercased text) on top, F1 0.880
    # again (ROC-AUC 0.984 → 0.985), and tune_for = "positive_f1" on top of that, identical: neither is used.
    # `meta_words` (stop 11: the words and word pairs crossed with the sender type: "chuyển khoản" from a personal
    # number weighs differently than from a brandname): 5-fold F1 0.878 -> 0.887, ROC-AUC 0.985 -> 0.986,
    # best-threshold ceiling 0.889 -> 0.894 (chosen looking at this same 5-fold result). Measured and NOT kept: a
    # nearest-neighbour margin (log-odds + w x (cosine similarity to the nearest training scam - to the nearest
    # non-scam), w picked from {0, 10, 20} inside each training fold): F1 0.895, ceiling 0.899, but ROC-AUC 0.982,
    # training 3x slower, and the model file would hold its training texts; near copies of known items are what
    # the known-item bank does in the product: measured (scratch run, same folds) with each training fold's scams
    # as confirmed bank items F1 0.890 / AUC 0.985 / ceiling 0.895, with its non-scams also as dismissed items
    # F1 0.887 / AUC 0.980 / ceiling 0.892 (meta_words alone in that run: 0.887 / 0.986 / 0.894).
    # Measured and NOT kept (stop 12): `raw_chars` + `raw_words` (word 1-2-grams of the raw lowercased text) on top:
    # F1 0.881 vs 0.887 in the same run, ROC-AUC 0.986 vs 0.986, ceiling 0.894 vs 0.894.
    sms = replace(small, shape=True, url_parts=True, C_grid=(1.0, 2.0, 4.0, 8.0, 16.0), meta_words=True)
    summary: list[list[Any]] = []

    if "vihsd" not in args.skip:
        r = vihsd(seg, syl)
        print("ViHSD dev macro-F1 (train on train; 3 classes clean/offensive/hate)")
        rows = []
        for variant in ("clean", "no diacritics", "spaced/dotted"):
            b = r["baseline"][variant]
            rows.append([variant, b, r["syllables"][variant], r["segmented"][variant],
                         r["syllables"][variant] / b, r["syllables"][variant] / r["syllables"]["clean"],
                         r["segmented"][variant] / r["segmented"]["clean"], b / r["baseline"]["clean"]])
        _table(["dev text", "baseline", "syllables", "segmented", "syl/base", "syl/clean", "seg/clean", "base/clean"],
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
        _table(["model", "ECE", "Brier"], [["baseline (balanced LR, no calibration)", *r["baseline_calibration"]],
                                           ["ours, syllables", *r["syllables"]["calibration"]],
                                           ["ours, segmented", *r["segmented"]["calibration"]]])
        print(f"training time: segmented {r['segmented']['train_s']:.0f}s, syllables {r['syllables']['train_s']:.0f}s\n")
        texts = r["dev_texts"]
        rows = []
        for name in ("segmented", "syllables"):
            tp = throughput(r["scorers"][name], texts)
            rows.append([name, f"{tp['ours']:.0f}", f"{tp['word_tokenize']:.0f}", tp["ours"] / tp["word_tokenize"]])
        print(f"Throughput on {len(texts)} ViHSD dev texts, one core (posts/s)")
        _table(["model", "scorer", "word_tokenize alone", "ratio"], rows)
        summary.append(["throughput / word_tokenize", "", rows[1][3], ">= 0.8"])
    if "sizes" not in args.skip:
        rows = calibration_by_size(small)
        print("Calibration by training size: random ViHSD train subsets, measured on the first 1,000 dev rows")
        _table(["train rows", "ours ECE", "ours Brier", "base ECE", "base Brier", "ours macro-F1", "base macro-F1"],
               rows)
    if "real" not in args.skip:
        print("Bundled default model on real text it never saw (trained on the repo's seed examples only)")
        _table(["data", "clean rows", "ours: flagged", "base: flagged", "harmful rows", "ours: caught",
                "base: caught", "ours: precision", "base: precision", "ours' flags on clean rows"],
               default_model_on_real_text())
    if "victsd" not in args.skip:
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
        v = victsd(replace(syl, tune_for="positive_f1"))
        print("ViCTSD valid toxicity F1 (train on train; label weights tuned for the toxic class's F1 on training OOF)")
        _table(["baseline", "ours (tuned label)", "ours (argmax)", "ours without short thresholds", "ratio",
                "ours - baseline, 95 % paired bootstrap"],
               [[v["baseline"], v["ours"], v["ours_argmax"], v["no_short"], v["ours"] / v["baseline"], v["ci"]]])
        print("Calibration of the toxic probability on ViCTSD valid (lower is better)")
        _table(["model", "ECE", "Brier"], [["baseline (balanced LR, no calibration)", *v["baseline_calibration"]],
                                           ["ours", *v["calibration"]]])
        summary.append(["ViCTSD toxicity F1", v["baseline"], v["ours"], "> baseline"])
    if "smishing" not in args.skip:
        s = five_fold(DATA / "vi_sms_smishing" / "train.csv", "content", "label", "scam", sms, ["sender_type"])
        print("Smishing 5-fold (label 1 → scam); ours: text + shape tokens + link words + sender_type metadata\n"
              "(also crossed with the words); F1 = of `label`, whose class weights and C are tuned on out-of-fold\n"
              "predictions inside each training fold (macro-F1 objective); the baseline (text only) uses argmax")
        _table(["metric", "baseline", "ours", "ratio", "ours - baseline per fold"],
               [["F1", s["baseline_f1"], s["ours_f1"], s["ours_f1"] / s["baseline_f1"], s["diff_f1"]],
                ["ROC-AUC", s["baseline_auc"], s["ours_auc"], s["ours_auc"] / s["baseline_auc"], s["diff_auc"]]])
        print(f"ceiling: F1 of the best single threshold on ours' pooled out-of-fold scores, picked WITH the answers: "
              f"{s['oracle_f1']:.3f} (no threshold or label tuning of these scores can do better)\n")
        summary.append(["smishing 5-fold F1", s["baseline_f1"], s["ours_f1"], ">= 0.90"])
    if "reintel" not in args.skip:
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
        s = five_fold(DATA / "reintel" / "dev.csv", "post_message", "label", "misinformation", replace(small, cues=True))
        f = five_fold(DATA / "reintel" / "dev.csv", "post_message", "label", "misinformation", small)
        print("ReINTEL dev 5-fold (label 1 → misinformation); ours = recipe `cues` (cue weights learned)")
        _table(["metric", "baseline", "ours", "ratio", "ours - baseline per fold", "fixed cues: score",
                "fixed cues: model alone"],
               [["ROC-AUC", s["baseline_auc"], s["ours_auc"], s["ours_auc"] / s["baseline_auc"], s["diff_auc"],
                 f["ours_auc"], f["model_auc"]],
                ["F1", s["baseline_f1"], s["ours_f1"], s["ours_f1"] / s["baseline_f1"], s["diff_f1"], f["ours_f1"],
                 ""]])
        summary.append(["ReINTEL 5-fold ROC-AUC", s["baseline_auc"], s["ours_auc"], "> baseline"])
    if summary:
        print("Summary (issue 4 goals)")
        _table(["measure", "baseline", "ours", "goal"], summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
