"""Short texts ("đm", "ok"): the model alone flags them only at a short-text threshold tuned on short
held-out texts of the training data; a category with no such threshold keeps the rules/bank-only rule."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from classifier.analysis import analyze, is_short
from classifier.scorer import Scorer
from classifier.train import TrainedModel, fit, precision_threshold
from tests.classifier.conftest import SMALL

SWEARS = ["đm", "vl", "vcl", "đmm", "clm", "óc chó", "ngu vl", "cc", "vãi lồn", "địt mẹ", "đồ ngu", "mẹ mày",
          "súc vật", "thằng ngu", "con đĩ", "đĩ chó", "cút đi", "ngu si", "đần độn", "mất dạy"]
NICE = ["ok", "chào bạn", "cảm ơn", "hay quá", "đúng rồi", "tuyệt vời", "haha", "like", "xinh quá", "quá đỉnh",
        "chúc mừng", "đẹp trai", "dễ thương", "ủng hộ", "ngon quá", "đi thôi", "bao giờ", "ở đâu", "mấy giờ", "hóng"]
LONG_BAD = ["thằng này ngu như chó, đm nó chứ", "mày là đồ súc vật mất dạy, cút đi cho khuất mắt",
            "con đĩ này nói chuyện như lồn, vcl thật sự", "đồ óc chó ngu si đần độn không biết gì hết",
            "địt mẹ cái thằng ngu này nói vl quá"]
LONG_OK = ["hôm nay trời đẹp quá, cả nhà đi chơi công viên", "bài hát này hay quá, nghe mãi không chán",
           "chúc mừng đội tuyển đã chiến thắng xứng đáng", "cảm ơn bạn đã chia sẻ thông tin hữu ích này",
           "quán này đồ ăn ngon, giá cả hợp lý, sẽ quay lại"]


def _data() -> tuple[list[str], list[list[str]]]:
    texts: list[str] = []
    labels: list[list[str]] = []
    for suffix in ("", "!", " !!", "?"):
        texts += [w + suffix for w in SWEARS] + [w + suffix for w in NICE]
        labels += [["offensive"]] * len(SWEARS) + [[]] * len(NICE)
    for i in range(4):
        texts += [f"{t} {i}" for t in LONG_BAD + LONG_OK]
        labels += [["offensive"]] * len(LONG_BAD) + [[]] * len(LONG_OK)
    return texts, labels


@pytest.fixture(scope="module")
def short_model() -> TrainedModel:
    texts, labels = _data()
    return fit(texts, labels, recipe=SMALL, name="short")


def test_short_texts_are_what_the_rule_says() -> None:
    assert is_short(analyze("đm!!", segment=False)) and is_short(analyze("óc chó", segment=False))
    assert is_short(analyze("!!! ...", segment=False))
    assert not is_short(analyze("thằng này ngu quá", segment=False))


def test_card_records_a_short_threshold_tuned_on_short_held_out_texts(short_model: TrainedModel) -> None:
    t = short_model.card["short_thresholds"]
    assert set(t) == {"offensive"}
    assert 0.5 <= t["offensive"] <= 1.0
    assert "short training texts" in short_model.card["short_threshold_method"]


def test_confident_short_swear_is_flagged_and_short_pleasantry_is_not(short_model: TrainedModel) -> None:
    scorer = short_model.scorer()
    t = scorer.short_thresholds["offensive"]
    assert is_short(analyze("chó ngu", segment=False))
    res = scorer.score("chó ngu")  # not a training text, two syllables
    assert res.scores["offensive"] >= t
    assert res.flags == ("offensive",) and res.label == "offensive"
    assert any(e.category == "offensive" and e.kind == "ngram" and e.weight > 0 for e in res.evidence)
    for text in ("ok nhé", "chào nhé", "cảm ơn!"):
        res = scorer.score(text)
        assert res.flags == () and res.label == "clean", (text, res.scores)


def test_without_a_short_threshold_the_model_alone_cannot_flag_short_text(short_model: TrainedModel) -> None:
    card = dict(short_model.card, short_thresholds={})
    scorer = Scorer(short_model.pipeline, card)
    res = scorer.score("chó ngu")
    assert res.scores["offensive"] >= scorer.thresholds["offensive"]  # the model is sure ...
    assert res.flags == () and res.label == "clean"  # ... but short text needs a rule, the bank or a short threshold
    assert "offensive" in scorer.score("thằng này ngu như chó, chó ngu").flags  # longer text: judged as usual


def test_no_short_positives_means_no_short_threshold() -> None:
    texts = [f"{t} {i}" for i in range(6) for t in LONG_BAD + LONG_OK] + NICE
    labels = [["offensive"] if t in LONG_BAD else [] for i in range(6) for t in LONG_BAD + LONG_OK] + [[]] * len(NICE)
    model = fit(texts, labels, recipe=replace(SMALL, tune_label=False), cv=False)
    assert model.card["short_thresholds"] == {}
    assert "no out-of-fold predictions" in model.card["short_threshold_method"]
    model = fit(texts, labels, recipe=SMALL)  # held-out predictions, but no short positive to show a precision
    assert model.card["short_thresholds"] == {}


def test_precision_threshold() -> None:
    y = np.array([1, 1, 1, 0, 1, 0, 0, 0])
    p = np.array([0.99, 0.95, 0.9, 0.85, 0.8, 0.4, 0.3, 0.2])
    assert precision_threshold(y, p, 0.8, 0.5) == pytest.approx(0.8)  # 4 of the top 5
    assert precision_threshold(y, p, 1.0, 0.5) == pytest.approx(0.9)  # the top 3 only
    assert precision_threshold(y, p, 1.0, 0.5, min_true_positives=4) is None
    assert precision_threshold(y, p, 0.8, 0.85) == pytest.approx(0.9)  # never below the floor
