"""Shape tokens (what links, numbers and layout look like), caller metadata, and C chosen on training data."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from classifier.model import load
from classifier.rules import RulesError, RuleSet
from classifier.scorer import Scorer
from classifier.shape import meta_tokens, shape_tokens
from classifier.train import fit

from .conftest import SMALL


def test_shape_tokens_describe_links_numbers_and_layout() -> None:
    phish = "Tai khoan cua quy khach bi khoa. Truy cap https://vcb-xacthuc.top/kh hoac goi 0912345678 ngay"
    toks = shape_tokens(phish)
    for t in ("url", "url_tld_top", "url_tld_rare", "url_hyphen", "url_path", "phone_mobile", "noaccent"):
        assert t in toks, (t, toks)
    notice = "[Viettel] Quý khách được tặng 5GB. Chi tiết gọi 198 hoặc truy cập viettel.vn, LH 18008098."
    toks = shape_tokens(notice)
    for t in ("head_tag", "url_tld_vn", "phone_free"):
        assert t in toks, (t, toks)
    assert "noaccent" not in toks and "url_tld_rare" not in toks
    assert "url_short" in shape_tokens("Nhận quà tại bit.ly/abc123")
    assert shape_tokens("") == []


def test_meta_tokens() -> None:
    assert meta_tokens({"sender_type": "personal_number", "has_url": True, "x": None, "y": ""}) == [
        "meta_has_url_1", "meta_sender_type_personal_number"]
    assert meta_tokens(None) == []


def _toy() -> tuple[list[str], list[list[str]], list[dict[str, object]]]:
    """The same kinds of texts from both sender types; only the sender tells scam from clean."""
    texts, labels, meta = [], [], []
    for i in range(24):
        body = f"Quý khách vui lòng thanh toán khoản phí số {i} trong hôm nay"
        scam = i % 2 == 0
        texts.append(body)
        labels.append(["scam"] if scam else [])
        meta.append({"sender_type": "personal_number" if scam else "brandname"})
    return texts, labels, meta


def test_metadata_reaches_the_model_and_survives_save_load(tmp_path: Path) -> None:
    texts, labels, meta = _toy()
    recipe = replace(SMALL, shape=True, augment_strip=0.0)
    model = fit(texts, labels, recipe=recipe, cv=False, meta=meta)
    path = tmp_path / "m.skops"
    model.save(path)
    pipeline, card = load(path)
    scorer = Scorer(pipeline, card, RuleSet([]))
    text = "Quý khách vui lòng thanh toán khoản phí số 99 trong hôm nay"
    personal = scorer.score(text, meta={"sender_type": "personal_number"}).scores["scam"]
    brand = scorer.score(text, meta={"sender_type": "brandname"}).scores["scam"]
    assert personal > brand + 0.2, (personal, brand)
    assert scorer.score(text).scores["scam"] == pytest.approx(  # no meta: as if the key were unknown
        scorer.score(text, meta={"sender_type": "never seen"}).scores["scam"])
    with pytest.raises(ValueError, match="meta"):
        scorer.score_many([text, text], meta=[None])


def test_models_without_shape_ignore_meta(mini_model) -> None:  # type: ignore[no-untyped-def]
    scorer = mini_model.scorer()
    text = "Chuyển khoản trước 500k phí giữ chỗ"
    assert scorer.score(text).scores == scorer.score(text, meta={"sender_type": "brandname"}).scores


def test_C_is_chosen_from_the_grid_on_training_data() -> None:
    texts, labels, meta = _toy()
    model = fit(texts, labels, recipe=replace(SMALL, shape=True, C_grid=(0.01, 1.0, 100.0)), cv=False, meta=meta)
    assert model.card["recipe"]["C"] in (0.01, 1.0, 100.0)
    assert "out-of-fold" in model.card["C_method"]


def test_counter_rule_weights(tmp_path: Path) -> None:
    p = tmp_path / "r.toml"
    p.write_text('[[rule]]\ncategory = "scam"\nkeywords = ["khuyến cáo"]\nweight = -0.5\n', encoding="utf-8")
    assert RuleSet.load(p).rules[0].weight == -0.5
    p.write_text('[[rule]]\ncategory = "scam"\nkeywords = ["x"]\nweight = -1.5\n', encoding="utf-8")
    with pytest.raises(RulesError, match=r"weight -1\.5: .*quy tắc giảm điểm"):
        RuleSet.load(p)


def test_counter_rule_scales_the_score_down(mini_model, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "Chuyển khoản trước 500k phí giữ chỗ, công an khuyến cáo người dân cảnh giác"
    plain = Scorer(mini_model.pipeline, mini_model.card, RuleSet([])).score(text).scores["scam"]
    p = tmp_path / "r.toml"
    p.write_text('[[rule]]\ncategory = "scam"\nkeywords = ["khuyến cáo người dân"]\nweight = -0.5\n',
                 encoding="utf-8")
    res = Scorer(mini_model.pipeline, mini_model.card, RuleSet.load(p)).score(text)
    assert res.scores["scam"] == pytest.approx(plain * 0.5, rel=1e-4)
    assert "scam" not in {e.category for e in res.evidence if e.kind == "rule" and e.weight > 0}


def test_read_meta_csv_and_jsonl(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from classifier.dataset import read_meta, read_texts

    j = tmp_path / "d.jsonl"
    j.write_text('{"text": "a", "sender_type": "brandname"}\n{"text": "b", "sender_type": null}\n', encoding="utf-8")
    assert read_meta(str(j), ["sender_type"]) == [{"sender_type": "brandname"}, {"sender_type": ""}]
    c = tmp_path / "d.csv"
    c.write_text("text,sender_type,n\na,personal_number,3\nb,,4\n", encoding="utf-8")
    assert read_meta(str(c), ["sender_type", "n"]) == [{"sender_type": "personal_number", "n": "3"},
                                                      {"sender_type": "", "n": "4"}]
    assert len(read_meta(str(c), ["n"])) == len(read_texts(str(c)))
