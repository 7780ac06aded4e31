"""Repeated cross-validation (recipe cv_repeats): thresholds, label weights and metrics see every row once per
repeat, each time predicted by a model that did not see it, under a different fold split."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from classifier.dataset import read_labelled
from classifier.train import cv_splits, fit, precision_threshold, tune_threshold
from tests.classifier.conftest import FIXTURES, SMALL


def test_every_repeat_tests_each_row_once_under_a_different_split() -> None:
    y = np.array(["scam", "clean"] * 15, dtype=object)
    repeats = cv_splits(len(y), y, True, replace(SMALL, cv_folds=3, cv_repeats=3))
    assert len(repeats) == 3
    for folds in repeats:
        tested = np.concatenate([te for _, te in folds])
        assert sorted(tested.tolist()) == list(range(len(y)))  # each row held out exactly once per repeat
        for tr, te in folds:
            assert not set(tr) & set(te)
    first = [sorted(te.tolist()) for _, te in repeats[0]]
    for folds in repeats[1:]:
        assert [sorted(te.tolist()) for _, te in folds] != first


def test_pooled_metrics_count_distinct_texts() -> None:
    d = read_labelled(str(FIXTURES / "mini.jsonl"), "text", "labels")
    twice = fit(d.texts, d.labels, recipe=replace(SMALL, cv_folds=3, cv_repeats=2))
    for c in twice.card["categories"]:
        assert twice.metrics["per_category"][c]["support"] == sum(c in row for row in d.labels)
    assert twice.metrics["method"].startswith("2 x 3-fold cross-validation")
    assert twice.card["recipe"]["cv_repeats"] == 2


def test_minimum_counts_are_counts_of_distinct_texts() -> None:
    y = np.array([1, 0, 0, 1, 0])  # 2 positives: too few for a precision-tuned threshold
    p = np.array([0.9, 0.2, 0.1, 0.8, 0.3])
    assert tune_threshold(y, p, 0.8, 0.3)[1].startswith("fallback: fewer than 5")
    pooled_y, pooled_p = np.tile(y, 3), np.tile(p, 3)  # the same 2 positives, seen in 3 repeats
    assert tune_threshold(pooled_y, pooled_p, 0.8, 0.3, repeats=3)[1].startswith("fallback: fewer than 5")
    one = np.array([1, 0, 0]), np.array([0.9, 0.2, 0.1])  # one true positive, repeated 3 times
    assert precision_threshold(np.tile(one[0], 3), np.tile(one[1], 3), 0.8, 0.5) is not None  # raw rows: 3 TP
    assert precision_threshold(np.tile(one[0], 3), np.tile(one[1], 3), 0.8, 0.5, min_true_positives=9) is None
