"""Opt-in recipe switches: the words inside links (`url_parts`), character n-grams of the raw text
(`raw_chars`), and label weights tuned for the one category's F1 (`tune_for = "positive_f1"`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from classifier.features import MetaPart, RawPart, TextPart, model_input
from classifier.model import load
from classifier.rules import RuleSet
from classifier.scorer import Scorer, feature_names
from classifier.shape import shape_tokens, url_part_tokens
from classifier.train import _macro_f1_idx, _positive_f1_idx, fit, tune_label_weights

from .conftest import SMALL


def test_url_part_tokens_keep_the_words_of_a_link() -> None:
    phish = "Tai khoan cua quy khach bi khoa. Truy cap https://vietcombank-xacthuc.top/kh/login2 de mo lai"
    toks = url_part_tokens(phish)
    assert toks == ["url_dom:vietcombank", "url_dom:xacthuc", "url_path:kh", "url_path:login"]
    assert not any(t.startswith("url_dom:") for t in shape_tokens(phish))  # the shape block alone loses them
    assert url_part_tokens("Dang nhap vcb-online.com.vn ngay") == ["url_dom:vcb", "url_dom:online"]
    assert url_part_tokens("Số dư: 1,080,096.50 [ ehoaq. com ] Vui lòng giữ") == ["url_dom:ehoaq"]
    assert url_part_tokens("Không có đường dẫn nào ở đây") == []


def test_model_input_parts_split_back_apart() -> None:
    text = "Vào  VCB-Online.top\tngay"
    s = model_input("vào urltok ngay", text, shape=True, url_parts=True, raw_chars=True)
    assert TextPart().transform([s]) == ["vào urltok ngay"]
    meta = MetaPart().transform([s])[0].split(" ")
    assert "url_dom:vcb" in meta and "url_dom:online" in meta and "url_tld_top" in meta
    assert RawPart().transform([s]) == ["vào vcb-online.top ngay"]
    raw_only = model_input("vào urltok ngay", text, shape=False, raw_chars=True)
    assert TextPart().transform([raw_only]) == ["vào urltok ngay"]
    assert model_input("a b", text, shape=False) == "a b"  # old models: unchanged input


def _links() -> tuple[list[str], list[list[str]]]:
    """Same words and link shape; only the name inside the link tells scam (a bank's name on another domain)."""
    texts, labels = [], []
    for i in range(24):
        scam = i % 2 == 0
        site = f"vietcombank-{'xacthuc' if scam else 'tintuc'}{i}.com"
        texts.append(f"Quý khách xem thông báo số {i} tại https://{site}/tb")
        labels.append(["scam"] if scam else [])
    return texts, labels


@pytest.mark.parametrize("switch", ["url_parts", "raw_chars"])
def test_link_words_reach_the_model_and_survive_save_load(switch: str, tmp_path: Path) -> None:
    texts, labels = _links()
    model = fit(texts, labels, recipe=replace(SMALL, augment_strip=0.0, **{switch: True}), cv=False)
    path = tmp_path / "m.skops"
    model.save(path)
    pipeline, card = load(path)
    scorer = Scorer(pipeline, card, RuleSet([]))
    names = [str(n) for n in feature_names(pipeline.named_steps["features"])]
    block = "meta__url_dom:xacthuc" if switch == "url_parts" else "raw__xacth"
    assert any(n.startswith(block) for n in names), block
    scam = scorer.score("Quý khách xem thông báo số 99 tại https://vietcombank-xacthuc99.com/tb").scores["scam"]
    clean = scorer.score("Quý khách xem thông báo số 99 tại https://vietcombank-tintuc99.com/tb").scores["scam"]
    assert scam > clean + 0.1, (scam, clean)
    plain = fit(texts, labels, recipe=replace(SMALL, augment_strip=0.0), cv=False).scorer()
    a = plain.score("Quý khách xem thông báo số 99 tại https://vietcombank-xacthuc99.com/tb").scores["scam"]
    b = plain.score("Quý khách xem thông báo số 99 tại https://vietcombank-tintuc99.com/tb").scores["scam"]
    assert a == pytest.approx(b)  # without the switch the link's words are invisible


def test_positive_f1_weights_beat_macro_weights_on_the_positive_class() -> None:
    rng = np.random.default_rng(1)
    n = 4000
    truth = (rng.random(n) < 0.3).astype(int)  # a weak, overlapping signal: the two objectives disagree
    score = np.clip(rng.normal(0.35 + 0.1 * truth, 0.15), 0.01, 0.99)
    P = np.column_stack([1 - score, score])
    w_macro, _, _ = tune_label_weights(truth, P)
    w_pos, before, after = tune_label_weights(truth, P, objective=_positive_f1_idx)
    f_macro = _positive_f1_idx(truth, np.argmax(P * w_macro, axis=1), 2)
    assert abs(_positive_f1_idx(truth, np.argmax(P * w_pos, axis=1), 2) - after) < 1e-9
    assert after > f_macro + 0.03 and after > before
    assert w_pos[1] > w_macro[1]
    assert _macro_f1_idx(truth, np.argmax(P * w_macro, axis=1), 2) >= _macro_f1_idx(
        truth, np.argmax(P * w_pos, axis=1), 2)


def test_tune_for_is_recorded_and_checked() -> None:
    texts, labels = _links()
    model = fit(texts, labels, recipe=replace(SMALL, tune_for="positive_f1"), cv=False)
    assert "scam F1" in model.card["label_method"]
    with pytest.raises(ValueError, match="tune_for"):
        fit(texts, labels, recipe=replace(SMALL, tune_for="accuracy"), cv=False)
    two = [["scam"] if i % 3 == 0 else ["spam"] if i % 3 == 1 else [] for i in range(len(texts))]
    with pytest.raises(ValueError, match="cần đúng một nhóm"):
        fit(texts, two, recipe=replace(SMALL, tune_for="positive_f1"), cv=False)
