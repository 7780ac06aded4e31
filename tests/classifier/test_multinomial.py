"""Mutually exclusive labels: one multinomial model (softmax over the classes, calibrated jointly by a
temperature); multi-label models stay one-vs-rest."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline

from classifier.model import DEFAULT_RECIPE, Recipe, build_pipeline, linear_weights, load
from classifier.train import TrainedModel

TEXTS = ["chuyển khoản trước 1 triệu phí giữ chỗ", "đồ ngu như chó", "chào bạn, hẹn gặp lại nhé"]


def test_exclusive_model_is_one_softmax_model(mini_model: TrainedModel) -> None:
    clf = mini_model.pipeline.named_steps["clf"]
    assert isinstance(clf, CalibratedClassifierCV) and clf.method == "temperature"
    lr = clf.calibrated_classifiers_[0].estimator
    assert isinstance(lr, LogisticRegression)
    assert lr.coef_.shape[0] == len(clf.classes_) == 3  # one row per class: softmax, not one-vs-rest
    P = mini_model.pipeline.predict_proba(TEXTS)
    assert np.allclose(P.sum(axis=1), 1.0)
    # a temperature rescales the logits and keeps their order: same argmax as the uncalibrated model
    X = Pipeline(mini_model.pipeline.steps[:-1]).transform(TEXTS)
    assert (P.argmax(axis=1) == lr.decision_function(X).argmax(axis=1)).all()


def test_exclusive_model_roundtrips_and_explains(mini_model_path: Path) -> None:
    pipeline, card = load(mini_model_path)
    assert isinstance(pipeline.named_steps["clf"], CalibratedClassifierCV)
    W = linear_weights(pipeline, tuple(card["categories"]))
    assert W.shape[0] == len(card["categories"])
    # a category's explanation row is its log-odds against clean
    lr = pipeline.named_steps["clf"].calibrated_classifiers_[0].estimator
    classes = [str(c) for c in pipeline.named_steps["clf"].classes_]
    scam = classes.index("scam")
    assert np.allclose(W[card["categories"].index("scam")], lr.coef_[scam] - lr.coef_[classes.index("clean")])


def test_binary_exclusive_model(tmp_path: Path) -> None:
    from classifier.train import fit
    from tests.classifier.conftest import SMALL

    texts = [f"chuyển khoản {i} triệu nhận thưởng" for i in range(8)] + [f"hôm nay trời đẹp {i}" for i in range(8)]
    labels = [["scam"]] * 8 + [[]] * 8
    model = fit(texts, labels, recipe=SMALL)
    assert model.card["exclusive"] and model.card["categories"] == ["scam"]
    model.save(tmp_path / "b.skops")
    scorer = model.scorer()
    res = scorer.score("chuyển khoản 5 triệu nhận thưởng ngay")
    assert res.scores["scam"] > 0.5 and res.label == "scam"
    assert linear_weights(model.pipeline, ("scam",)).shape[0] == 1


def test_default_model_stays_one_vs_rest(default_scorer) -> None:  # type: ignore[no-untyped-def]
    # the seed labels are exclusive, but the default recipe keeps the one-vs-rest models (multinomial = false)
    assert Recipe.from_toml(DEFAULT_RECIPE).multinomial is False
    assert isinstance(default_scorer.pipeline.named_steps["clf"], OneVsRestClassifier)
    pipe = build_pipeline(Recipe(multinomial=False), exclusive=True, min_positives=5)
    assert isinstance(pipe.named_steps["clf"], OneVsRestClassifier)
