"""`canhgac status` tells how many waiting entries still carry the score of a model other than the one in use
(after `train --from-decisions --activate`, or a changed `[classifier] model`), and the command that scores them
again; a note, not a CẢNH BÁO (exit 0: nothing is broken, a person decides whether to rescore). Real store,
the bundled model, the CLI as the officer on duty runs it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.cli import main
from review.models import Setting
from review.rescore_pending import model_version
from review.store import Store
from review.types import utcnow
from tests.review.factory import config_file
from tests.review.fixed_scorer import Result, queue

Cli = Callable[..., tuple[int, str, str]]
BUNDLED = Path(__file__).resolve().parents[2] / "classifier" / "data" / "default_model.skops"


@pytest.fixture
def cli(tmp_path: Path, db_url: str, store: Store, capsys: pytest.CaptureFixture[str]) -> Cli:
    """`canhgac --config canhgac.toml ARGS...` (moderators lan and minh); returns (exit code, stdout, stderr)."""
    cfg = config_file(tmp_path, db_url)

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["--config", str(cfg), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _queue_scored_by(store: Store, version: str, n: int, start: int = 0) -> list[int]:
    return [queue(store, f"Vay tiền nhanh, gói {start + i}", Result({"scam": 0.9}, ["scam"], version))
            for i in range(n)]


def _note(out: str) -> str | None:
    return next((line for line in out.splitlines() if "mang điểm của mô hình khác" in line), None)


def test_status_counts_waiting_entries_scored_by_another_model(store: Store, cli: Cli) -> None:
    in_use = model_version(None)  # the bundled model: nothing activated, none configured
    assert in_use and in_use.startswith("canhgac-default-")
    current = _queue_scored_by(store, in_use, 2)
    old = _queue_scored_by(store, "mo-hinh-cu-1", 3, start=10) + _queue_scored_by(store, "mo-hinh-cu-0", 1, start=20)
    store.decide(old[0], "lan", "violation")  # decided: its score stands, nothing to rescore
    store.claim(old[1], "minh", 30)  # claimed: still waiting, rescore reads it

    code, out, err = cli("status")

    assert code == 0, out + err  # a note, not a warning
    note = _note(out)
    assert note is not None and note.startswith("Lưu ý: 3 mục đang chờ duyệt"), out
    assert "mo-hinh-cu-1: 2 mục" in note and "mo-hinh-cu-0: 1 mục" in note and in_use in note, note
    assert "`canhgac rescore`" in note and "canhgac rescore --apply" in note, note
    assert "CẢNH BÁO" not in out

    code, out, _ = cli("status", "--json")
    status = json.loads(out)
    assert code == 0 and status["warnings"] == []
    assert status["other_model_scores"] == {"model_in_use": in_use, "count": 3,
                                            "by_model": {"mo-hinh-cu-1": 2, "mo-hinh-cu-0": 1}}
    assert len(current) == 2


def test_activating_another_model_turns_every_waiting_entry_into_one_to_rescore(
        store: Store, cli: Cli, tmp_path: Path) -> None:
    """The bundled model's file copied under another card version and activated, as `train --activate` does."""
    in_use = model_version(None)
    assert in_use is not None
    _queue_scored_by(store, in_use, 2)
    code, out, _ = cli("status")
    assert code == 0 and _note(out) is None, out  # every waiting entry carries the model in use's score

    model = tmp_path / "retrained.skops"
    shutil.copyfile(BUNDLED, model)
    card = json.loads(BUNDLED.with_suffix(".card.json").read_text(encoding="utf-8"))
    card["version"] = "retrained-2"
    model.with_suffix(".card.json").write_text(json.dumps(card), encoding="utf-8")
    with store.session() as s:
        s.add(Setting(key="active_model", value={"path": str(model), "version": "retrained-2"}, updated_at=utcnow()))

    code, out, err = cli("status")
    assert code == 0, out + err
    note = _note(out)
    assert note is not None and note.startswith("Lưu ý: 2 mục") and "retrained-2" in note, out
    assert f"{in_use}: 2 mục" in note

    # a person rescores: the entries now carry the activated model's score, and status says nothing more
    code, out, err = cli("rescore", "--apply", "--as", "lan")
    assert code == 0 and "retrained-2" in out, out + err
    code, out, _ = cli("status")
    assert code == 0 and _note(out) is None, out


@pytest.mark.parametrize("models", [5])
def test_many_old_models_are_summed_after_the_first_three(store: Store, cli: Cli, models: int) -> None:
    for m in range(models):
        _queue_scored_by(store, f"cu-{m}", models - m, start=100 * m)
    code, out, _ = cli("status")
    note = _note(out)
    assert code == 0 and note is not None and note.startswith("Lưu ý: 15 mục"), out
    assert "cu-0: 5 mục, cu-1: 4 mục, cu-2: 3 mục, các mô hình khác: 3 mục" in note, note
