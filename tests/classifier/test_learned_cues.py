"""Recipe `cues`: the sensational cues become features the model weighs, instead of fixed weights added
to its score; they are still shown as evidence."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from classifier.features import META_SEP, model_input
from classifier.signals import cue_tokens, sensational_cues
from classifier.train import fit
from tests.classifier.conftest import SMALL

HOAX = "TIN NÓNG: uống nước chanh nóng chữa khỏi ung thư, chia sẻ gấp trước khi bị xóa!!!"


def test_cue_tokens_name_the_cues_that_fire() -> None:
    toks = cue_tokens(HOAX)
    assert {"cue_share", "cue_hot", "cue_suppressed", "cue_bangs"} <= set(toks)
    assert len(toks) == len(sensational_cues(HOAX))
    assert cue_tokens("Bộ Y tế công bố số ca mắc mới trong ngày.") == []
    assert model_input("w", HOAX, shape=False) == "w"
    assert "cue_share" in model_input("w", HOAX, shape=False, cues=True).partition(META_SEP)[2]


def _data() -> tuple[list[str], list[list[str]]]:
    hoax = [f"{HOAX} lần {i}" for i in range(6)] + [f"Chia sẻ gấp: tỏi sống {i} tép diệt virus!!!" for i in range(6)]
    news = [f"Sở Y tế thông báo lịch tiêm chủng đợt {i} tại phường." for i in range(12)]
    return hoax + news, [["misinformation"]] * 12 + [[]] * 12


def test_learned_cues_are_evidence_not_added_on_top() -> None:
    texts, labels = _data()
    model = fit(texts, labels, recipe=replace(SMALL, cues=True))
    scorer = model.scorer()
    assert scorer.cues
    res = scorer.score(HOAX)
    cues = [e for e in res.evidence if e.kind == "sensational"]
    assert len(cues) == len(sensational_cues(HOAX))
    assert any(e.weight > 0 for e in cues)  # the model learned a positive weight for some of them
    p = scorer.model_probabilities([HOAX])[0, 0]
    assert np.isclose(res.scores["misinformation"], p, atol=1e-6)  # the score is the model's alone


def test_without_cues_recipe_the_fixed_weights_still_apply() -> None:
    texts, labels = _data()
    scorer = fit(texts, labels, recipe=SMALL).scorer()
    assert not scorer.cues
    text = "Sở Y tế thông báo lịch tiêm chủng tại phường, chia sẻ gấp!!!"  # reads like the news rows
    res = scorer.score(text)
    p = scorer.model_probabilities([text])[0, 0]
    weights = [e.weight for e in res.evidence if e.kind == "sensational"]
    assert weights == [w for *_, w in [(0, 0.08), (0, 0.03)]]  # "chia sẻ gấp", "!!!": the fixed weights
    assert p < 0.5
    assert np.isclose(res.scores["misinformation"], 1 - (1 - p) * (1 - 0.08) * (1 - 0.03), atol=1e-5)
