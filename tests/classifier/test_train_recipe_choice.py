"""`canhgac train --data ...` without --recipe: the labels choose the recipe.

One label per row → classifier/data/exclusive_recipe.toml (one softmax model: `label` is the most likely class
after the card's label weights, not read from thresholded flags); several labels on a row → default_recipe.toml;
an explicit --recipe always wins. The recipe used is printed and recorded on the card.
"""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from classifier.model import DEFAULT_RECIPE, EXCLUSIVE_RECIPE, Recipe
from classifier.scorer import Scorer
from crawler.cli import main
from tests.classifier.conftest import defaults_config

FIX = Path(__file__).parent / "fixtures"
HSD = ["--data", str(FIX / "vihsd_like.csv"), "--text-column", "free_text", "--label-column", "label_id",
       "--label-map", "0=clean,1=offensive,2=hate"]
TEXTS = ["Đồ ngu như chó, câm mồm đi", "Bọn parky đáng chết hết, cút về nước", "Hôm nay trời đẹp, cảm ơn bạn",
         "Thằng khốn nạn mất dạy vô học", "Bọn nam kỳ toàn ăn trộm", "Bài hát này hay thật"]


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no canhgac.toml here: built-in defaults
    monkeypatch.setenv("CANHGAC_CONFIG", str(defaults_config(tmp_path)))


def _card(out: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(out.with_suffix(".card.json").read_text(encoding="utf-8"))


def test_exclusive_labels_without_recipe_get_the_exclusive_recipe(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "hsd.skops"
    assert main(["train", *HSD, "--out", str(out)]) == 0
    assert "Công thức: exclusive_recipe.toml (mỗi dòng một nhãn" in capsys.readouterr().out
    card = _card(out)
    assert card["exclusive"] is True
    assert card["recipe"] == Recipe.from_toml(EXCLUSIVE_RECIPE).to_dict()
    assert card["recipe"]["multinomial"] is True and card["recipe_file"] == "exclusive_recipe.toml"
    assert set(card["label_weights"]) == {"clean", "offensive", "hate"}  # tuned for `label`
    scorer = Scorer.load(str(out))
    assert scorer.joint_label  # `label` is the single most likely class, not read from the flags

    inp = tmp_path / "in.jsonl"
    inp.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in TEXTS), encoding="utf-8")
    assert main(["classify", "--model", str(out), "--input", str(inp)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == len(TEXTS)
    w = card["label_weights"]
    for row in rows:
        if any(e.get("kind") in ("rule", "bank") for e in row["evidence"]):
            continue  # a rule or a confirmed item may lift `label`: not the model's own choice
        scores = row["scores"]
        weighted = {"clean": w["clean"] * (1 - sum(scores.values())), **{c: w[c] * s for c, s in scores.items()}}
        ranked = sorted(weighted.values(), reverse=True)
        if ranked[0] - ranked[1] < 1e-3:
            continue  # the scores in the output are rounded: a near tie cannot be checked from them
        assert row["label"] == max(weighted, key=lambda c: weighted[c]), row
    assert [r["label"] for r in rows] == ["offensive", "hate", "clean", "offensive", "hate", "clean"]


def test_multi_label_data_keep_the_default_recipe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [json.loads(line) for line in (FIX / "mini.jsonl").read_text(encoding="utf-8").splitlines()]
    rows += [{"text": "Đồ ngu, chuyển khoản trước 500k phí nhận quà", "labels": ["offensive", "scam"]},
             {"text": "Câm mồm, bấm link nhập mã OTP nhận thưởng", "labels": ["scam", "offensive"]}]
    data = tmp_path / "multi.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "multi.skops"
    assert main(["train", "--data", str(data), "--no-cv", "--out", str(out)]) == 0
    assert "Công thức: default_recipe.toml (có dòng mang nhiều nhãn" in capsys.readouterr().out
    card = _card(out)
    assert card["exclusive"] is False and card["recipe_file"] == "default_recipe.toml"
    assert card["recipe"] == Recipe.from_toml(DEFAULT_RECIPE).to_dict()


def test_explicit_recipe_wins(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    recipe = tmp_path / "ovr.toml"
    recipe.write_text("multinomial = false\nmin_df = 1\ncv_folds = 0\ncalibration_folds = 2\nsegment = false\n",
                      encoding="utf-8")
    out = tmp_path / "ovr.skops"
    assert main(["train", *HSD, "--recipe", str(recipe), "--out", str(out)]) == 0
    assert f"Công thức: {recipe} (--recipe)" in capsys.readouterr().out
    card = _card(out)
    assert card["recipe"] == Recipe.from_toml(recipe).to_dict() and card["recipe_file"] == str(recipe)
    assert not Scorer.load(str(out)).joint_label  # one-vs-rest, as that recipe asked


def test_meta_column_without_recipe_reads_the_metadata(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "sms.csv"
    lines = ["content,label,sender_type"]
    lines += [f"Quy khach nhan 50 trieu tai link so {i},{lab},{who}" for i in range(6)
              for lab, who in (("1", "personal_number"), ("0", "brandname"))]
    lines += [f"Hen gap ban luc {i} gio nhe,0,personal_number" for i in range(6)]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "sms.skops"
    assert main(["train", "--data", str(data), "--text-column", "content", "--label-column", "label",
                 "--label-map", "0=clean,1=scam", "--meta-column", "sender_type", "--no-cv", "--out", str(out)]) == 0
    assert "shape = true để đọc --meta-column" in capsys.readouterr().out
    card = _card(out)
    assert card["recipe"] == replace(Recipe.from_toml(EXCLUSIVE_RECIPE), shape=True).to_dict()
    assert card["meta_keys"] == ["sender_type"]


def test_the_bench_measures_the_shipped_exclusive_recipe() -> None:
    # bench/classify.py reads the file (`syl`); this pins the file to the recipe whose ViHSD numbers the bench
    # and docs/classifier.md report for ViHSD: changing the file changes those numbers
    bench = (Path(__file__).resolve().parents[2] / "bench" / "classify.py").read_text(encoding="utf-8")
    assert "syl = replace(Recipe.from_toml(EXCLUSIVE_RECIPE), cv_folds=0)" in bench
    measured = Recipe(segment=False, word_ngrams=(1, 3), char_accented=True, min_df=2, max_word_features=150_000,
                      max_char_features=200_000, C=2.0, augment_strip=0.3, cv_folds=0)
    assert replace(Recipe.from_toml(EXCLUSIVE_RECIPE), cv_folds=0) == measured
