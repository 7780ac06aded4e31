"""A small real-data check on ViHSD (../shared/data, research-use: read in place, never copied; skipped
when absent): a model trained on 2,000 training rows must clearly beat a majority-class predictor on 500
dev rows, and keep most of that with the diacritics stripped."""

from __future__ import annotations

import csv
from pathlib import Path

from sklearn.metrics import f1_score

from classifier.model import Recipe
from classifier.normalize import strip_accents
from classifier.train import fit

LABELS = {"0": "clean", "1": "offensive", "2": "hate"}
RECIPE = Recipe(segment=False, word_ngrams=(1, 3), min_df=2, max_word_features=20_000, max_char_features=20_000,
                C=2.0, augment_strip=0.3, cv_folds=0, calibration_folds=3, label_folds=3)


def _rows(path: Path, n: int) -> tuple[list[str], list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r for _, r in zip(range(n), csv.DictReader(fh), strict=False)]
    return [r["free_text"] for r in rows], [LABELS[r["label_id"]] for r in rows]


def test_vihsd_subsample_beats_majority_and_survives_stripping(shared_data: Path) -> None:
    if not (shared_data / "vihsd" / "train.csv").is_file():
        import pytest

        pytest.skip(f"needs {shared_data / 'vihsd'}")
    tr_x, tr_y = _rows(shared_data / "vihsd" / "train.csv", 2000)
    dv_x, dv_y = _rows(shared_data / "vihsd" / "dev.csv", 500)
    scorer = fit(tr_x, [[y] if y != "clean" else [] for y in tr_y], recipe=RECIPE, cv=False).scorer()
    majority = f1_score(dv_y, ["clean"] * len(dv_y), average="macro")
    clean = f1_score(dv_y, [r.label for r in scorer.score_many(dv_x)], average="macro")
    stripped = f1_score(dv_y, [r.label for r in scorer.score_many([strip_accents(t) for t in dv_x])], average="macro")
    assert clean >= majority + 0.15, (clean, majority)
    assert stripped >= 0.9 * clean, (stripped, clean)
