"""A model card edited by hand (operators change thresholds in it) with a value of the wrong kind is refused on
load with one Vietnamese line naming the card file and the key, never a traceback or a silent no-flag."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from classifier.model import card_path
from crawler.cli import main
from tests.classifier.conftest import defaults_config


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CANHGAC_CONFIG", str(defaults_config(tmp_path)))


def _edited(mini_model_path: Path, tmp_path: Path, key: str, value: Any) -> tuple[Path, Path]:
    model = tmp_path / "m.skops"
    shutil.copyfile(mini_model_path, model)
    card = json.loads(card_path(mini_model_path).read_text(encoding="utf-8"))
    if "." in key:
        outer, inner = key.split(".", 1)
        card[outer] = dict(card.get(outer) or {}, **{inner: value})
    else:
        card[key] = value
    cpath = tmp_path / "m.card.json"
    cpath.write_text(json.dumps(card, ensure_ascii=False), encoding="utf-8")  # NaN written as the JSON module does
    return model, cpath


def _classify(model: Path, tmp_path: Path) -> list[str]:
    inp = tmp_path / "in.csv"
    inp.write_text("text\nChuyển khoản trước 500k phí giữ chỗ để nhận hàng liên hệ 0912345678\n", encoding="utf-8")
    return ["classify", "--model", str(model), "--input", str(inp)]


@pytest.mark.parametrize("key, value, expected", [
    ("thresholds.scam", "abc", "phải là một số trong khoảng (0, 1]"),
    ("thresholds.scam", float("nan"), "phải là một số trong khoảng (0, 1]"),
    ("thresholds.scam", 0, "phải là một số trong khoảng (0, 1]"),
    ("thresholds.scam", 1.5, "phải là một số trong khoảng (0, 1]"),
    ("thresholds.scam", True, "phải là một số trong khoảng (0, 1]"),
    ("thresholds.sacm", 0.5, "không phải nhóm của mô hình"),
    ("thresholds", [0.5], "phải là một bảng"),
    ("short_thresholds.scam", "0.7", "phải là một số trong khoảng (0, 1]"),
    ("label_weights.scam", "x", "phải là một số dương"),
    ("label_weights.offensive", float("inf"), "phải là một số dương"),
    ("label_weights.clean", -1, "phải là một số dương"),
    ("min_tokens.scam", "abc", "phải là số nguyên không âm"),
    ("min_tokens.scam", 2.5, "phải là số nguyên không âm"),
    ("version", "", "phải là chuỗi không rỗng"),
    ("version", 7, "phải là chuỗi không rỗng"),
    ("exclusive", "yes", "phải là true hoặc false"),
])
def test_a_hand_edited_card_value_of_the_wrong_kind_is_refused(
        mini_model_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str, value: Any,
        expected: str) -> None:
    model, cpath = _edited(mini_model_path, tmp_path, key, value)
    code = main(_classify(model, tmp_path))
    out, err = capsys.readouterr()
    assert code == 2 and out == "", (code, out, err)
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert f"thẻ mô hình {cpath}" in err and f"'{key}'" in err and expected in err, err


@pytest.mark.parametrize("key, value", [("thresholds.scam", 0.9), ("thresholds.scam", 1), ("label_weights.scam", 2),
                                        ("min_tokens.scam", 0), ("short_thresholds", None), ("min_tokens", None),
                                        ("label_weights", {})])
def test_a_hand_edited_card_with_sound_values_loads(mini_model_path: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str], key: str, value: Any) -> None:
    model, _ = _edited(mini_model_path, tmp_path, key, value)
    assert main(_classify(model, tmp_path)) == 0, capsys.readouterr().err
    assert json.loads(capsys.readouterr().out)["row"] == 0
