"""The decision rule for mutually exclusive labels: per-class weights tuned on out-of-fold macro-F1."""

from __future__ import annotations

import numpy as np

from classifier.train import TrainedModel, _macro_f1_idx, tune_label_weights


def test_weights_recover_rare_classes_and_keep_clean_at_one() -> None:
    rng = np.random.default_rng(0)
    n = 3000
    truth = rng.choice(3, n, p=[0.8, 0.1, 0.1])
    P = rng.dirichlet([1, 1, 1], n) * 0.3
    P[np.arange(n), truth] += 0.2
    P[:, 0] += 0.5  # calibrated probabilities favour the majority class at argmax
    P /= P.sum(axis=1, keepdims=True)
    w, before, after = tune_label_weights(truth, P)
    assert w[0] == 1.0 and w[1] > 1 and w[2] > 1
    assert after > before + 0.1
    assert abs(_macro_f1_idx(truth, np.argmax(P * w, axis=1), 3) - after) < 1e-9


def test_weights_are_stored_in_the_card_and_used_by_label(mini_model: TrainedModel) -> None:
    card = mini_model.card
    assert set(card["label_weights"]) == {"clean", *card["categories"]}
    assert "out-of-fold" in card["label_method"]
    scorer = mini_model.scorer()
    text = "chuyển khoản trước 1 triệu phí giữ chỗ"
    scorer.label_weights = {"clean": 1e6}
    assert scorer.score(text).label == "clean"
    scorer.label_weights = {"clean": 1e-6, "scam": 1e6}
    assert scorer.score(text).label == "scam"


def test_a_rule_lifted_flag_is_never_labelled_clean(mini_model: TrainedModel) -> None:
    """Label weights may make "clean" the weighted argmax of the MODEL's probabilities; when a rule then lifts a
    category over its threshold, the item is flagged and its label says so (not "clean" next to a flag)."""
    from classifier.rules import DEFAULT_RULES

    scorer = mini_model.scorer(str(DEFAULT_RULES))
    text = "Anh chị chuyển khoản trước phí giữ chỗ, cọc trước rồi mới nhận hàng"
    scorer.label_weights = {"clean": 1e6}
    res = scorer.score(text)
    assert any(e.kind == "rule" and e.category == "scam" for e in res.evidence), res.evidence
    assert "scam" in res.flags and res.label == "scam", (res.flags, res.label, res.scores)
