"""The training command for the bundled default model, and the one place the training API is imported from.

    fit(texts, labels)                  → TrainedModel (.pipeline, .card, .metrics, .save(path))
    evaluate(model_or_scorer, texts, labels) → per-class precision/recall/F1, macro-F1, confusion matrix
    python -m classifier.train --default      rebuilds the bundled default model from the seed examples

The parts live in modules named for what they hold: classifier.fitting (fit), classifier.folds (cross-validation
folds that keep duplicate texts together), classifier.thresholds (thresholds and label weights tuned on
out-of-fold predictions), classifier.trainable (too-little-data checks), classifier.evaluation (evaluate).
Callers import them from here; tests replace `classifier.train.fit`/`evaluate` and the commands look them up here.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from classifier import model as model_io
from classifier.categories import CATEGORIES
from classifier.dataset import LabelledData, combine, read_labelled
from classifier.evaluation import EvaluationError, evaluate
from classifier.fitting import TrainedModel, fit
from classifier.folds import cv_splits
from classifier.model import Recipe
from classifier.thresholds import (
    _macro_f1_idx,
    _positive_f1_idx,
    precision_threshold,
    tune_label_weights,
    tune_threshold,
    with_clean,
)
from classifier.trainable import TrainingDataError, _fold_min, check_trainable, min_examples
from classifier.training_rows import _feature_strings

DESCRIPTION = "Fit a model, cross-validate it, tune per-category thresholds, and write it with its card."

__all__ = ["EvaluationError", "TrainedModel", "TrainingDataError", "_feature_strings", "_fold_min", "_macro_f1_idx",
           "_positive_f1_idx", "build_default", "check_trainable", "cv_splits", "evaluate", "fit",
           "load_recipe_data", "main", "min_examples", "precision_threshold", "tune_label_weights", "tune_threshold",
           "with_clean"]


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
    ap = argparse.ArgumentParser(prog="python -m classifier.train", description=DESCRIPTION)
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
