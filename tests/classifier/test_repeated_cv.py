"""Repeated cross-validation (recipe cv_repeats): thresholds, label weights and metrics see every row once per
repeat, each time predicted by a model that did not see it, under a different fold split."""

from __future__ import annotations

from dataclasses import replace

from classifier.dataset import read_labelled
from classifier.train import fit
from tests.classifier.conftest import FIXTURES, SMALL


def test_repeats_pool_held_out_predictions_of_different_splits() -> None:
    d = read_labelled(str(FIXTURES / "mini.jsonl"), "text", "labels")
    once = fit(d.texts, d.labels, recipe=replace(SMALL, cv_folds=3, cv_repeats=1))
    twice = fit(d.texts, d.labels, recipe=replace(SMALL, cv_folds=3, cv_repeats=2))
    for c in once.card["categories"]:
        positives = sum(c in row for row in d.labels)
        assert once.metrics["per_category"][c]["support"] == positives
        assert twice.metrics["per_category"][c]["support"] == 2 * positives  # each row judged once per repeat
    assert twice.metrics["method"].startswith("2 x 3-fold cross-validation")
    assert twice.card["recipe"]["cv_repeats"] == 2
    # the second split differs from the first, so the pooled predictions are not the first repeat twice
    assert twice.metrics["per_category"] != {c: {**m, "support": 2 * m["support"]}
                                             for c, m in once.metrics["per_category"].items()}
