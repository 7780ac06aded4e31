from __future__ import annotations

from pathlib import Path

import pytest

from classifier.dataset import read_labelled
from classifier.model import Recipe
from classifier.train import TrainedModel, fit

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SMALL = Recipe(min_df=1, cv_folds=0, augment_strip=0.5, max_word_features=5000, max_char_features=5000,
               calibration_folds=2)


@pytest.fixture(scope="session")
def mini_model() -> TrainedModel:
    d = read_labelled(str(FIXTURES / "mini.jsonl"), "text", "labels")
    return fit(d.texts, d.labels, recipe=SMALL, data_info=[d.info()], name="mini")


@pytest.fixture(scope="session")
def mini_model_path(mini_model: TrainedModel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("model") / "mini.skops"
    mini_model.save(path)
    return path


@pytest.fixture(scope="session")
def default_scorer():  # type: ignore[no-untyped-def]
    from classifier.scorer import Scorer

    return Scorer.load()


def defaults_config(tmp_path: Path) -> Path:
    """An empty config file beside (not in) the test's folder: the built-in defaults, said on purpose, so that
    commands run there print no "no config file found" warning (a test's one-line stderr stays one line)."""
    path = tmp_path.parent / f"{tmp_path.name}.canhgac.toml"
    path.write_text("# the built-in defaults\n", encoding="utf-8")
    return path
