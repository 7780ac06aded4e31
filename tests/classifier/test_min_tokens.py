"""A strict category (`positive`: the office wants a short list of strong commendation candidates) is not
flagged by the model alone on text much shorter than anything it was learnt from: the card's `min_tokens`
(half the content syllables of the category's shortest training example). Harm categories have no such floor."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from classifier.analysis import analyze, content_tokens
from classifier.model import Recipe
from classifier.scorer import Scorer
from classifier.train import fit

STORIES = [f"Anh {name} ở tổ dân phố số {n} đã nhiều năm tình nguyện dạy học miễn phí cho trẻ em nghèo trong phường, "
           "được ủy ban nhân dân phường tặng giấy khen vì những đóng góp thầm lặng cho cộng đồng"
           for n, name in enumerate(["Minh", "Hùng", "Dũng", "Tuấn", "Nam", "Bình", "Sơn", "Phúc", "Quang", "Long"])]
SCAMS = [f"Chuyển khoản {n} triệu để nhận quà" for n in range(2, 12)]  # short harms: 7 syllables
CLEAN = [f"Lịch cắt điện khu vực {n} vào sáng thứ bảy, bà con chú ý sắp xếp công việc" for n in range(12)]


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    recipe = replace(Recipe(), segment=False, cv_folds=0, min_df=1, strict_categories=("positive",),
                     strict_precision=0.85)
    model = fit(STORIES + SCAMS + CLEAN, [["positive"]] * 10 + [["scam"]] * 10 + [[]] * 12, recipe=recipe, cv=False)
    assert model.card["min_tokens"] == {"positive": min(content_tokens(analyze(t, segment=False)) for t in STORIES) // 2}
    return model.scorer()


def test_a_strict_category_needs_text_about_as_long_as_what_it_learnt_from(scorer: Scorer) -> None:
    floor = scorer.min_tokens["positive"]
    assert floor > 10
    short = "Cảm ơn anh Minh đã tình nguyện dạy học miễn phí"  # below the floor
    assert content_tokens(analyze(short, segment=False)) < floor
    res = scorer.score(short)
    assert "positive" not in res.flags and res.label != "positive", res.scores
    long = STORIES[0].replace("Minh", "Khoa")
    assert "positive" in scorer.score(long).flags


def test_harm_categories_have_no_length_floor(scorer: Scorer) -> None:
    assert "scam" not in scorer.min_tokens
    assert "scam" in scorer.score("Chuyển khoản 20 triệu để nhận quà").flags


def test_a_card_without_min_tokens_sets_no_floor(scorer: Scorer) -> None:
    old = copy.copy(scorer)
    old.min_tokens = {}  # what a card from before the field loads as
    assert "positive" in old.score("Cảm ơn anh Minh đã tình nguyện dạy học miễn phí").flags


def test_the_default_model_does_not_commend_a_thank_you(default_scorer: Scorer) -> None:
    assert default_scorer.min_tokens == {"positive": 8}
    res = default_scorer.score("Cảm ơn anh đã giúp")
    assert res.flags == () and res.label == "clean", res.scores
    story = ("Cô giáo Lan tình nguyện dạy miễn phí cho trẻ em nghèo trong xóm suốt mười năm, "
             "được phường khen thưởng")
    assert "positive" in default_scorer.score(story).flags
