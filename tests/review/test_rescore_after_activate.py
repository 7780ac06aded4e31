"""`canhgac train --from-decisions --activate` says, once the new model is in use, how many waiting entries still
carry the old model's score and how to score them again (the daemon never does it: a person decides)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.cli import main
from review.store import Store
from tests.review.factory import flagged


class _FastFit:
    """`classifier.train.fit` stand-in (a real refit takes minutes): returns the bundled model, saved as a file
    with a card of its own version, so the comparison and the activation run for real."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import classifier.train as train
        from classifier.scorer import Scorer

        class Model:
            def scorer(self, rules: str | None = None) -> Scorer:
                return Scorer.load(None, rules)

            def save(self, path: str | Path) -> dict[str, object]:
                Path(path).write_bytes(b"retrained model")
                card: dict[str, object] = {"version": "retrained-7"}
                Path(path).with_suffix(".card.json").write_text(json.dumps(card), encoding="utf-8")
                return card

        monkeypatch.setattr(train, "fit", lambda texts, labels, **kw: Model())


def _train(cfg: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(cfg), "--as", "lan", "train", "--from-decisions", "--no-cv", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _note(out: str) -> str | None:
    return next((line for line in out.splitlines() if "mang điểm của mô hình khác" in line), None)


def test_activate_says_how_many_waiting_entries_keep_the_old_models_score(
        store: Store, cfg: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    _FastFit(monkeypatch)
    for i in range(6):
        store.decide(flagged(store, f"Nạp thẻ cào đợt {i} nhận iphone, chuyển phí ship trước", "scam"), "lan",
                     "violation")
        store.decide(flagged(store, f"Chợ phiên cuối tuần số {i} bán rau sạch", "scam", 0.6), "lan", "dismiss")
    waiting = [flagged(store, f"Vay tiền nhanh không cần thế chấp, gói {n}") for n in range(3)]
    store.claim(waiting[0], "minh", 30)

    code, out, err = _train(cfg, capsys, "--out", str(tmp_path / "a.skops"))  # not activated: nothing changes
    assert code == 0 and _note(out) is None, out + err

    code, out, err = _train(cfg, capsys, "--out", str(tmp_path / "b.skops"), "--activate", "--force")

    assert code == 0, out + err
    note = _note(out)
    assert note is not None, out
    assert note.startswith("Lưu ý: 3 mục đang chờ duyệt") and "(retrained-7)" in note and "test-1: 3 mục" in note
    assert "`canhgac rescore`" in note and "canhgac rescore --apply" in note
    assert out.rstrip().endswith(note)  # said after the activation, last
