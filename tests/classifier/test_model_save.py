"""`canhgac train --out MODEL`: the place is checked before any training, the model and its card are written
as a pair (never a half-written file, never a new model next to an old card that matches it), and every model
name has a card of its own (`mv.1` and `mv.2` do not share `mv.card.json`)."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import pytest

from classifier import model as model_io
from classifier.model import ModelError, card_path, load
from classifier.train import TrainedModel
from crawler.cli import main
from tests.classifier.conftest import defaults_config

WORDS = {"scam": "chuyển khoản ngay trúng thưởng nhận quà tri ân khách hàng",
         "offensive": "đồ ngu mất dạy vô học thằng khốn",
         "clean": "hôm nay trời đẹp cả nhà đi chơi công viên"}


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CANHGAC_CONFIG", str(defaults_config(tmp_path)))


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "d.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "labels"])
        for label, text in WORDS.items():
            words = text.split()
            for i in range(6):
                w.writerow([" ".join(words[i % 3:] + words[: i % 3]) + f" số {i}", label])
    return path


@pytest.fixture
def recipe(tmp_path: Path) -> Path:
    path = tmp_path / "r.toml"
    path.write_text("min_df = 1\ncalibration_folds = 2\nmax_word_features = 2000\nmax_char_features = 2000\n",
                    encoding="utf-8")
    return path


def _train(data: Path, recipe: Path, out: Path | str) -> list[str]:
    return ["train", "--data", str(data), "--recipe", str(recipe), "--no-cv", "--out", str(out)]


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str], *parts: str) -> str:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "Đang huấn luyện" not in out  # refused before any training
    for part in parts:
        assert part in err, (part, err)
    return err


# ------------------------------------------------------------------------------- 3. the place, before training
def test_out_inside_a_file_is_refused_before_training(tmp_path: Path, data: Path, recipe: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    _refused(_train(data, recipe, data / "x.skops"), capsys, str(data), "không phải thư mục")
    assert data.is_file()


def test_out_in_a_missing_folder_is_refused_and_the_folder_not_created(tmp_path: Path, data: Path, recipe: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    _refused(_train(data, recipe, tmp_path / "khong-co" / "x.skops"), capsys, str(tmp_path / "khong-co"),
             "không tồn tại")
    assert not (tmp_path / "khong-co").exists()


def test_a_folder_where_the_card_goes_is_refused_before_training(tmp_path: Path, data: Path, recipe: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "z.card.json").mkdir()
    _refused(_train(data, recipe, tmp_path / "z.skops"), capsys, str(tmp_path / "z.card.json"), "thư mục")
    assert not (tmp_path / "z.skops").exists()


def test_a_folder_named_as_the_model_is_refused_before_training(tmp_path: Path, data: Path, recipe: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "z.skops").mkdir()
    _refused(_train(data, recipe, tmp_path / "z.skops"), capsys, str(tmp_path / "z.skops"), "thư mục")


def test_train_then_retrain_over_the_same_name_leaves_only_the_pair(tmp_path: Path, data: Path, recipe: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "models" / "m.skops"
    out.parent.mkdir()
    assert main(_train(data, recipe, out)) == 0
    assert main(_train(data, recipe, out)) == 0
    assert sorted(p.name for p in out.parent.iterdir()) == ["m.card.json", "m.skops"]
    load(out)


# --------------------------------------------------------------------------- 3. the pair, written atomically
def _saved_pair(mini_model: TrainedModel, tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "m.skops"
    card = model_io.save(mini_model.pipeline, dict(mini_model.card, version="cu"), path)
    return path, card["model_sha256"]


def test_a_save_stopped_before_its_renames_keeps_the_previous_pair(mini_model: TrainedModel, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path, sha = _saved_pair(mini_model, tmp_path)
    before = (path.read_bytes(), card_path(path).read_bytes())

    def stopped(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", stopped)
    with pytest.raises(KeyboardInterrupt):
        model_io.save(mini_model.pipeline, dict(mini_model.card, version="moi"), path)
    monkeypatch.undo()
    assert (path.read_bytes(), card_path(path).read_bytes()) == before
    assert load(path)[1]["version"] == "cu"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.card.json", "m.skops"]  # no temporary file left


def test_a_save_stopped_between_its_renames_is_refused_on_load(mini_model: TrainedModel, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path, _ = _saved_pair(mini_model, tmp_path)
    # another model (other bytes) over the same name, stopped after the first rename
    other = dict(mini_model.card, version="moi")
    real = os.replace
    calls: list[str] = []

    def once(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls.append(str(dst))
        if len(calls) > 1:
            raise KeyboardInterrupt
        real(src, dst)

    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    monkeypatch.setattr(os, "replace", once)
    with pytest.raises(KeyboardInterrupt):
        model_io.save(Pipeline([("f", FunctionTransformer())]), other, path)
    monkeypatch.undo()
    assert calls[0] == str(path)  # the model first: its card, renamed last, is what makes the pair valid
    with pytest.raises(ModelError, match="SHA-256"):
        load(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.card.json", "m.skops"]


# ------------------------------------------------------------------------------------- 4. a card per model name
def test_models_named_mv_1_and_mv_2_keep_their_own_cards(tmp_path: Path, data: Path, recipe: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    one, two = tmp_path / "mv.1", tmp_path / "mv.2"
    assert main(_train(data, recipe, one)) == 0
    assert main(_train(data, recipe, two)) == 0
    assert (tmp_path / "mv.1.card.json").is_file() and (tmp_path / "mv.2.card.json").is_file()
    assert not (tmp_path / "mv.card.json").exists()
    inp = tmp_path / "in.csv"
    inp.write_text("text\nchuyển khoản ngay trúng thưởng\n", encoding="utf-8")
    capsys.readouterr()
    for model in (one, two):
        assert main(["classify", "--model", str(model), "--input", str(inp)]) == 0, capsys.readouterr().err
        row = json.loads(capsys.readouterr().out)
        assert row["model"].startswith(model.name + "-")  # the model's name is its whole file name


def test_skops_models_keep_their_card_name(tmp_path: Path, data: Path, recipe: Path) -> None:
    out = tmp_path / "x.skops"
    assert main(_train(data, recipe, out)) == 0
    assert card_path(out) == tmp_path / "x.card.json" and (tmp_path / "x.card.json").is_file()
    assert not (tmp_path / "x.skops.card.json").exists()


def test_a_model_saved_before_cards_took_the_whole_name_still_loads(mini_model_path: Path, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "old.1"
    shutil.copyfile(mini_model_path, old)
    shutil.copyfile(card_path(mini_model_path), tmp_path / "old.card.json")  # the name cards had until now
    inp = tmp_path / "in.csv"
    inp.write_text("text\nchuyển khoản ngay trúng thưởng\n", encoding="utf-8")
    assert main(["classify", "--model", str(old), "--input", str(inp)]) == 0, capsys.readouterr().err
    assert json.loads(capsys.readouterr().out)["model"].startswith("mini-")


def test_an_out_name_ending_like_a_card_is_refused(tmp_path: Path, data: Path, recipe: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _refused(_train(data, recipe, tmp_path / "x.card.json"), capsys, ".card.json")
