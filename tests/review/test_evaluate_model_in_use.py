"""`canhgac evaluate` without --model evaluates the model that scores the office's pages, and its help says which:
the one activated by a retrain, else `[classifier] model`, else the bundled one. Before, the help promised the
bundled model while the configured one was evaluated, and an activated retrain was never. A real model trained
by the real CLI on the classifier's test fixture, a real SQLite database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifier.scorer import Scorer
from crawler.cli import main
from review.models import Setting
from review.store import Store
from review.types import utcnow

FIX = Path(__file__).parents[1] / "classifier" / "fixtures"
DATA = ["--data", str(FIX / "vihsd_like.csv"), "--text-column", "free_text", "--label-column", "label_id",
        "--label-map", "0=clean,1=offensive,2=hate"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mo-hinh")
    recipe = folder / "r.toml"
    recipe.write_text("min_df = 1\ncv_folds = 3\ncalibration_folds = 2\nmax_word_features = 3000\n"
                      "max_char_features = 3000\n", encoding="utf-8")
    out = folder / "hsd.skops"
    assert main(["train", *DATA, "--recipe", str(recipe), "--no-cv", "--out", str(out)]) == 0
    return out


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CANHGAC_CONFIG", raising=False)
    path = tmp_path / "canhgac.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "canhgac.db"}"\n', encoding="utf-8")
    return path


def _evaluated(cfg: Path, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["--config", str(cfg), "evaluate", *DATA, "--json"]) == 0, capsys.readouterr().err
    return str(json.loads(capsys.readouterr().out)["model"])


def test_the_help_says_which_model_is_evaluated(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "--help"]) == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "mặc định: mô hình đang dùng để chấm điểm" in shown and "[classifier] model" in shown, shown


def test_the_activated_model_is_evaluated(cfg: Path, trained: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{cfg.parent / 'canhgac.db'}"
    store = Store.open(db, create=True)
    with store.session() as s:  # what `canhgac train --from-decisions --activate` records
        s.add(Setting(key="active_model", value={"path": str(trained)}, updated_at=utcnow()))
    store.close()
    assert _evaluated(cfg, capsys) == Scorer.load(str(trained)).version != Scorer.load().version


def test_an_activated_model_whose_file_is_gone_is_told(cfg: Path, trained: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    store = Store.open(f"sqlite:///{cfg.parent / 'canhgac.db'}", create=True)
    with store.session() as s:
        s.add(Setting(key="active_model", value={"path": str(cfg.parent / "da-xoa.skops")}, updated_at=utcnow()))
    store.close()
    cfg.write_text(cfg.read_text(encoding="utf-8") + f'[classifier]\nmodel = "{trained}"\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["--config", str(cfg), "evaluate", *DATA, "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["model"] == Scorer.load(str(trained)).version
    assert "da-xoa.skops" in err and "[classifier] model" in err, err


def test_without_a_database_the_configured_model_is_evaluated(cfg: Path, trained: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    cfg.write_text(cfg.read_text(encoding="utf-8") + f'[classifier]\nmodel = "{trained}"\n', encoding="utf-8")
    assert _evaluated(cfg, capsys) == Scorer.load(str(trained)).version
    assert not (cfg.parent / "canhgac.db").exists()  # no stray database left by asking
