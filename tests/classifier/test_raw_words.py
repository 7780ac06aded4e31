"""Opt-in recipe switch `raw_words`: word 1-2-grams of the raw text (what follows RAW_SEP), with or without
`raw_chars`; saved and loaded through skops, left out of the evidence like the raw character grams."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from classifier.features import RAW_SEP, RawPart, TextAnalyzer, build_features
from classifier.model import DEFAULT_RECIPE, Recipe, build_pipeline, card_path, load, save
from classifier.rules import RuleSet
from classifier.scorer import Scorer, feature_names
from classifier.train import _feature_strings, fit

from .conftest import SMALL

SCAM = "  Chuyển  khoản ngay 5 triệu qua https://vietcombank-xacthuc.com/x  kẻo bị khoá!!!"
CLEAN = "Chuyển khoản ngay 5 triệu qua https://vietcombank-tintuc.com/x kẻo bị khoá"


def _data() -> tuple[list[str], list[list[str]]]:
    """Scam and clean rows share their words and link shape except the name inside the link ("xacthuc" vs
    "tintuc"), which normalisation turns into `urltok`; the scam rows also say "chuyển khoản", so the
    normalised blocks have words to point evidence at."""
    texts, labels = [], []
    for i in range(30):
        if i % 2 == 0:
            texts.append(f"Chuyển khoản ngay {i} triệu qua https://vietcombank-xacthuc.com/tb{i} kẻo bị khoá!!!")
            labels.append(["scam"])
        else:
            texts.append(f"Đọc thông báo số {i} về lịch nghỉ tại https://vietcombank-tintuc.com/tb{i}")
            labels.append([])
    return texts, labels


def _recipe(**kw: object) -> Recipe:
    return replace(SMALL, augment_strip=0.0, raw_words=True, **kw)  # type: ignore[arg-type]


def test_raw_words_is_off_by_default_and_read_from_a_recipe_file(tmp_path: Path) -> None:
    assert Recipe().raw_words is False
    assert Recipe.from_toml(DEFAULT_RECIPE).raw_words is False  # the bundled model's recipe is unchanged
    path = tmp_path / "r.toml"
    path.write_text("raw_words = true\nraw_chars = true\n", encoding="utf-8")
    assert Recipe.from_toml(path).raw_words is True
    assert Recipe.from_toml(path).to_dict()["raw_words"] is True


@pytest.mark.parametrize("raw_chars", [False, True])
def test_raw_words_carries_the_raw_text_even_without_raw_chars(raw_chars: bool) -> None:
    recipe = _recipe(raw_chars=raw_chars)
    pipe = build_pipeline(recipe, exclusive=True, min_positives=5)
    assert pipe.named_steps["analyze"].raw_chars is True  # what the Scorer reads to append the raw text
    s = _feature_strings([SCAM], recipe)[0]
    assert RawPart().transform([s]) == ["chuyển khoản ngay 5 triệu qua https://vietcombank-xacthuc.com/x kẻo bị khoá!!!"]
    assert TextAnalyzer(segment=False, raw_chars=True).transform([SCAM]) == [s]
    blocks = [name for name, _ in build_features(raw_chars=raw_chars, raw_words=True).transformer_list]
    assert blocks.count("raw") == 1  # both raw blocks under the one name evidence leaves out
    assert RAW_SEP not in _feature_strings([SCAM], SMALL)[0]  # without either switch: no raw text


@pytest.mark.parametrize("raw_chars", [False, True])
def test_raw_words_model_saves_loads_and_sees_what_normalisation_hides(raw_chars: bool, tmp_path: Path) -> None:
    texts, labels = _data()
    model = fit(texts, labels, recipe=_recipe(raw_chars=raw_chars), cv=False)
    path = tmp_path / "m.skops"
    saved = model.save(path)
    pipeline, card = load(path)  # only TRUSTED_TYPES: the nested FeatureUnion adds no new type
    assert card == saved == json.loads(card_path(path).read_text(encoding="utf-8"))
    assert card["recipe"]["raw_words"] is True and card["recipe"]["raw_chars"] is raw_chars
    names = [str(n) for n in feature_names(pipeline.named_steps["features"])]
    raw_words = {n[len("raw__words__"):] for n in names if n.startswith("raw__words__")}
    # tokens from inside the link (and its bigram) that only the raw text still has: normalised → urltok
    assert {"xacthuc", "vietcombank xacthuc", "tintuc", "com"} <= raw_words
    assert not any("xacthuc" in n for n in names if not n.startswith("raw__"))
    assert any(n.startswith("raw__chars__") for n in names) is raw_chars
    assert not any(n.startswith("raw__") and not n.startswith(("raw__words__", "raw__chars__")) for n in names)

    scorer = Scorer(pipeline, card, RuleSet([]))
    probe = ["Xem https://vietcombank-xacthuc.com/tb99 ngay", "Xem https://vietcombank-tintuc.com/tb99 ngay"]
    a, b = (scorer.score(t).scores["scam"] for t in probe)
    assert a > b + 0.1, (a, b)  # the link's words reach the model through the raw block alone
    # the pipeline's own TextAnalyzer and the Scorer's path read the same input
    col = [str(c) for c in pipeline.named_steps["clf"].classes_].index("scam")
    np.testing.assert_allclose(pipeline.predict_proba(probe)[:, col], scorer.model_probabilities(probe)[:, 0],
                               rtol=1e-6)
    np.testing.assert_allclose(scorer.model_probabilities(probe), model.scorer().model_probabilities(probe), rtol=1e-6)


def test_raw_word_evidence_is_left_out_and_offsets_index_the_original(tmp_path: Path) -> None:
    texts, labels = _data()
    model = fit(texts, labels, recipe=_recipe(raw_chars=True), cv=False)
    model.save(tmp_path / "m.skops")
    scorer = Scorer(*load(tmp_path / "m.skops"), RuleSet([]))
    w = scorer._weights[scorer.categories.index("scam")]
    X = scorer._features.transform(_feature_strings([SCAM], replace(SMALL, raw_words=True))).tocsr()
    raw_cols = [i for i in X.indices if str(scorer._names[i]).startswith("raw__words__")]
    assert any(X[0, i] * w[i] > 0 for i in raw_cols)  # raw words do push the score up ...
    for title in ("", "Thông báo:  khẩn"):
        res = scorer.score(SCAM, title=title)
        assert "scam" in res.flags, res
        ngrams = [e for e in res.evidence if e.kind == "ngram"]
        assert ngrams
        for e in res.evidence:
            if e.start >= 0:  # ... but evidence names only stretches of the text (or title) it came from
                source = title if e.detail.startswith("title: ") else SCAM
                assert source[e.start:e.end] == e.text, e
            assert "xacthuc" not in e.detail and "vietcombank" not in e.detail, e


def test_a_model_saved_before_raw_words_still_loads_and_scores(tmp_path: Path) -> None:
    """Older models: a raw_chars model keeps its flat "raw__…" block; a card whose recipe has no `raw_words`
    and an analyzer saved without `raw_chars` (models from before that switch) load and score as before."""
    texts, labels = _data()
    old = fit(texts, labels, recipe=replace(SMALL, augment_strip=0.0, raw_chars=True), cv=False)
    names = [str(n) for n in feature_names(old.pipeline.named_steps["features"])]
    assert any(n.startswith("raw__") for n in names) and not any(n.startswith("raw__chars__") for n in names)
    card = dict(old.card, recipe={k: v for k, v in old.card["recipe"].items() if k != "raw_words"})
    path = save(old.pipeline, card, tmp_path / "old.skops")
    before = old.scorer().model_probabilities([SCAM, CLEAN])
    pipeline, loaded = load(tmp_path / "old.skops")
    assert "raw_words" not in loaded["recipe"] and Recipe(**{
        k: tuple(v) if isinstance(v, list) else v for k, v in loaded["recipe"].items()}).raw_words is False
    np.testing.assert_allclose(Scorer(pipeline, loaded).model_probabilities([SCAM, CLEAN]), before, rtol=1e-6)
    assert path["model_file"] == "old.skops"

    plain = fit(texts, labels, recipe=replace(SMALL, augment_strip=0.0), cv=False)
    del plain.pipeline.named_steps["analyze"].raw_chars  # as saved before `raw_chars` existed
    save(plain.pipeline, plain.card, tmp_path / "older.skops")
    pipeline, card = load(tmp_path / "older.skops")
    assert not hasattr(pipeline.named_steps["analyze"], "raw_chars")
    res = Scorer(pipeline, card).score(SCAM)
    assert 0.0 <= res.scores["scam"] <= 1.0
    assert pipeline.predict_proba([SCAM, CLEAN]).shape == (2, 2)
