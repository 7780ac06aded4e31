"""`canhgac train` checks its data before fitting: labels must be canhgac's categories (a typo is not a new
category), and too little data is refused in Vietnamese, per category, before scikit-learn's own errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from classifier.model import DEFAULT_RECIPE, Recipe
from crawler.cli import main
from tests.classifier.conftest import defaults_config

WORDS = {"scam": "chuyển khoản ngay trúng thưởng nhận quà tri ân khách hàng",
         "offensive": "đồ ngu mất dạy vô học thằng khốn",
         "clean": "hôm nay trời đẹp cả nhà đi chơi công viên"}


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CANHGAC_CONFIG", str(defaults_config(tmp_path)))


def _csv(path: Path, per_class: dict[str, int], *, column: str = "labels", typo_at: int | None = None) -> Path:
    rows = []
    for label, n in per_class.items():
        words = WORDS[label].split()
        for i in range(n):
            rows.append((" ".join(words[i % 3:] + words[: i % 3]) + f" số {i}", label))
    if typo_at is not None:
        rows[typo_at] = (rows[typo_at][0], "sacm")
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", column])
        w.writerows(rows)
    return path


def _error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err


# ----------------------------------------------------------------------------------- 1. labels outside the categories
def test_train_refuses_a_typo_label_naming_file_line_and_the_closest_category(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _csv(tmp_path / "t.csv", {"scam": 6, "offensive": 6, "clean": 6}, column="label", typo_at=3)
    out = tmp_path / "m.skops"
    err = _error(["train", "--data", str(data), "--text-column", "text", "--label-column", "label", "--out", str(out)],
                 capsys)
    assert f"{data}:5:" in err and "'sacm'" in err and "có phải 'scam'" in err  # header is line 1: row 4 is line 5
    assert "misinformation" in err and "child_safety" in err and "clean" in err and "--label-map" in err
    assert not out.exists()


def test_train_accepts_a_typo_mapped_explicitly_and_refuses_a_map_to_no_category(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _csv(tmp_path / "t.csv", {"scam": 6, "offensive": 6, "clean": 6}, typo_at=3)
    out = tmp_path / "m.skops"
    err = _error(["train", "--data", str(data), "--label-map", "scam=scam,sacm=scma,offensive=offensive,clean=clean",
                  "--no-cv", "--out", str(out)], capsys)
    assert "--label-map sacm=scma" in err and "có phải 'scam'" in err and not out.exists()
    assert main(["train", "--data", str(data), "--label-map", "scam=scam,sacm=scam,offensive=offensive,clean=clean",
                 "--no-cv", "--out", str(out)]) == 0
    assert json.loads(out.with_suffix(".card.json").read_text(encoding="utf-8"))["categories"] == ["scam", "offensive"]


def test_numeric_labels_need_the_label_map_of_the_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.csv"
    data.write_text("free_text,label_id\nĐồ ngu như chó,1\nHôm nay trời đẹp,0\n", encoding="utf-8")
    err = _error(["train", "--data", str(data), "--text-column", "free_text", "--label-column", "label_id", "--out",
                  str(tmp_path / "m.skops")], capsys)
    assert f"{data}:2:" in err and "'1'" in err
    err = _error(["train", "--data", str(data), "--text-column", "free_text", "--label-column", "label_id",
                  "--label-map", "0=clean,1=ofensive", "--out", str(tmp_path / "m.skops")], capsys)
    assert "--label-map 1=ofensive" in err and "có phải 'offensive'" in err


# ------------------------------------------------------------------------------------------ 3. too little data
def test_small_data_is_refused_in_vietnamese_before_fitting(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import classifier.train

    def no_fit(*a: object, **k: object) -> None:
        raise AssertionError("fit() must not run")

    monkeypatch.setattr(classifier.train, "fit", no_fit)
    data = _csv(tmp_path / "small.csv", {"scam": 3, "offensive": 3, "clean": 2})  # 8 rows, like the report
    err = _error(["train", "--data", str(data), "--out", str(tmp_path / "m.skops")], capsys)
    assert "quá ít ví dụ" in err and "scam 3, offensive 3, clean 2" in err and "n_splits" not in err
    assert "--no-cv cũng chưa đủ" in err  # --no-cv is not offered when it would fail too
    err = _error(["train", "--data", str(data), "--out", str(tmp_path / "m.skops"), "--no-cv"], capsys)
    assert "quá ít ví dụ" in err and "label_folds" in err and "5 ví dụ" in err and "Requesting" not in err


def test_no_cv_trains_on_data_cross_validation_cannot_split(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _csv(tmp_path / "small.csv", {"scam": 4, "offensive": 4, "clean": 4})
    err = _error(["train", "--data", str(data), "--out", str(tmp_path / "m.skops")], capsys)
    assert "kiểm định chéo 5 phần" in err and "hoặc dùng --no-cv" in err
    out = tmp_path / "m.skops"
    assert main(["train", "--data", str(data), "--out", str(out), "--no-cv"]) == 0
    assert out.exists() and "Đã bỏ qua kiểm định chéo" in capsys.readouterr().out


def test_min_examples_follow_the_recipe() -> None:
    from classifier.train import _fold_min, check_trainable, min_examples

    recipe = Recipe.from_toml(DEFAULT_RECIPE)
    assert min_examples(recipe, True) == 3  # 5-fold CV: 2 left in every training part
    assert min_examples(recipe, False) == 5  # label weights on 3 folds, 3 calibration folds each
    assert [_fold_min(k, 2) for k in (2, 3, 5)] == [4, 3, 3]
    check_trainable([["scam"]] * 5 + [["offensive"]] * 3 + [[]] * 3, recipe, cv=True)
    with pytest.raises(ValueError, match="cần ít nhất hai lớp"):
        check_trainable([["scam"]] * 6, recipe, cv=False)


def test_train_counts_copies_of_one_text_once_before_it_starts(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Twenty rows that are one scam text in two spellings are one distinct text: refused up front in one line,
    before "Đang huấn luyện" (the cross-validation keeps copies in one fold, so they cannot fill its folds)."""
    data = tmp_path / "dup.csv"
    rows = [("lừa đảo chuyển khoản trúng thưởng", "scam")] * 10 + [("LỪA ĐẢO chuyển khoản trúng thưởng", "scam")] * 10
    rows += [(f"hôm nay trời đẹp cả nhà đi chơi công viên số {i}", "clean") for i in range(20)]
    with data.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "label"])
        w.writerows(rows)
    out = tmp_path / "m.skops"
    assert main(["train", "--data", str(data), "--text-column", "text", "--label-column", "label",
                 "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert "Đang huấn luyện" not in captured.out and "Traceback" not in captured.err
    assert "văn bản khác nhau" in captured.err and "scam 1" in captured.err
    assert len(captured.err.strip().splitlines()) == 1, captured.err
    assert not out.exists()
