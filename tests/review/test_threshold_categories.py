"""`config check`: a [classifier] threshold override must name a category the configured model scores (its card),
else it is refused naming the file, the key and its line, with the closest category when there is one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.cli import main
from review.store import Store


def _model(tmp_path: Path, categories: list[str]) -> None:
    model = tmp_path / "m.skops"
    model.write_bytes(b"not checked by config check")
    model.with_suffix(".card.json").write_text(json.dumps({"categories": categories}), encoding="utf-8")


def _check(tmp_path: Path, db_url: str, thresholds: str, capsys: pytest.CaptureFixture[str]) -> tuple[Path, int, str]:
    path = tmp_path / "canhgac.toml"
    path.write_text(f'[database]\nurl = "{db_url}"\n\n[classifier]\nmodel = "m.skops"\n{thresholds}',
                    encoding="utf-8")
    capsys.readouterr()
    code = main(["--config", str(path), "config", "check"])
    return path, code, capsys.readouterr().err


@pytest.mark.parametrize("thresholds", [
    "thresholds.privacy = 0.5\n",
    "thresholds = { scam = 0.4, privacy = 0.5 }\n",
    "\n[classifier.thresholds]\nscam = 0.4\nprivacy = 0.5\n",
])
def test_threshold_for_a_category_the_model_lacks_is_refused(tmp_path: Path, db_url: str, store: Store,
                                                              thresholds: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    _model(tmp_path, ["scam", "offensive"])  # a model of its own: canhgac knows privacy, this model does not
    path, code, err = _check(tmp_path, db_url, thresholds, capsys)
    line = 5 + thresholds.count("\n")  # the `privacy` line is the file's last
    assert code == 2, err
    assert f"{path}:{line}" in err and "classifier.thresholds.privacy" in err and "'privacy'" in err, err
    assert "scam, offensive" in err, err  # the model's categories


@pytest.mark.parametrize(("thresholds", "line"), [("\n[classifier.thresholds]\nscma = 0.5\n", 8),
                                                 ("thresholds.scma = 0.5\n", 6)])
def test_threshold_with_a_typo_suggests_the_closest_category(tmp_path: Path, db_url: str, store: Store,
                                                             thresholds: str, line: int,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    _model(tmp_path, ["scam", "offensive"])
    path, code, err = _check(tmp_path, db_url, thresholds, capsys)
    assert code == 2 and f"{path}:{line}" in err and "classifier.thresholds.scma" in err and "có phải 'scam'" in err, err


def test_thresholds_of_the_model_s_categories_pass(tmp_path: Path, db_url: str, store: Store,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _model(tmp_path, ["scam", "offensive"])
    _, code, err = _check(tmp_path, db_url, "thresholds = { scam = 0.4, offensive = 0.7 }\n", capsys)
    assert code == 0, err
