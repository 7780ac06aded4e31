"""Recipe `meta_words`: the words crossed with the caller's metadata (e.g. SMS sender type), so the same words can
weigh differently by sender; it must change the features, reach the model, and survive save/load."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from classifier.features import META_NONE, META_SEP, MetaWords
from classifier.model import TRUSTED_TYPES, build_pipeline, load
from classifier.rules import RuleSet
from classifier.scorer import Scorer, feature_names
from classifier.train import fit

from .conftest import SMALL


def test_meta_words_crosses_each_word_and_pair_with_the_metadata() -> None:
    row = f"chuyển khoản ngay{META_SEP}shape url meta_sender_type_personal_number"
    assert MetaWords().transform([row]) == [
        "meta_sender_type_personal_number|chuyen meta_sender_type_personal_number|khoan "
        "meta_sender_type_personal_number|ngay meta_sender_type_personal_number|chuyen+khoan "
        "meta_sender_type_personal_number|khoan+ngay"]
    assert MetaWords().transform([f"xin chào{META_SEP}shape"]) == [
        f"{META_NONE}|xin {META_NONE}|chao {META_NONE}|xin+chao"]


def _xor() -> tuple[list[str], list[list[str]], list[dict[str, object]]]:
    """Payment texts are scams from personal numbers, gift texts are scams from brandnames: no sum of a word weight
    and a sender weight separates them, words crossed with the sender do."""
    texts, labels, meta = [], [], []
    for i in range(40):
        pay = i % 2 == 0
        sender = "personal_number" if i % 4 < 2 else "brandname"
        texts.append(f"Quý khách vui lòng {'thanh toán khoản phí' if pay else 'nhận quà tặng tri ân'} mã {i}")
        labels.append(["scam"] if pay == (sender == "personal_number") else [])
        meta.append({"sender_type": sender})
    return texts, labels, meta


def test_meta_words_changes_the_ranking_and_survives_save_load(tmp_path: Path) -> None:
    texts, labels, meta = _xor()
    base = replace(SMALL, shape=True, augment_strip=0.0, C=10.0)
    crossed = replace(base, meta_words=True)
    model = fit(texts, labels, recipe=crossed, cv=False, meta=meta)
    names = feature_names(model.pipeline.named_steps["features"])
    assert any(str(n).startswith("meta_words__meta_sender_type_personal_number|thanh") for n in names)
    assert "classifier.features.MetaWords" in TRUSTED_TYPES
    path = tmp_path / "m.skops"
    model.save(path)
    pipeline, card = load(path)
    assert card["recipe"]["meta_words"] is True
    scorer = Scorer(pipeline, card, RuleSet([]))
    probe = ["Quý khách vui lòng thanh toán khoản phí mã 99", "Quý khách vui lòng nhận quà tặng tri ân mã 99"]
    senders = [{"sender_type": "personal_number"}, {"sender_type": "brandname"}]

    def grid(sc: Scorer) -> np.ndarray:
        return np.array([[sc.score(t, meta=m).scores["scam"] for m in senders] for t in probe])

    got = grid(scorer)
    assert np.allclose(got, grid(model.scorer()))  # the loaded model scores as the fitted one
    assert got[0, 0] > got[0, 1] and got[1, 1] > got[1, 0]  # the sender flips the order for each text
    plain = grid(fit(texts, labels, recipe=base, cv=False, meta=meta).scorer())
    # without the crossing the sender moves both texts the same way: it cannot flip both orders
    assert not (plain[0, 0] > plain[0, 1] and plain[1, 1] > plain[1, 0])


def test_meta_words_needs_shape() -> None:
    with pytest.raises(ValueError, match="meta_words cần shape"):
        build_pipeline(replace(SMALL, meta_words=True), exclusive=True, min_positives=5)
