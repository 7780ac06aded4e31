"""The card of a model retrained from decisions says which decisions it learnt from and was compared on: counts
per label (dismissed = clean), their SHA-256, beside the seed files it was trained on. Before, the card listed
one anonymous "inline" block of seed + decisions, so nobody could tell which verdicts made the model in use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.cli import main
from review.store import Store
from tests.review.test_learning import _decided


def test_decisions_info_counts_labels_and_hashes_the_examples() -> None:
    from review.learning import decisions_info

    info = decisions_info(["a", "b", "c"], [["scam"], [], ["scam"]], ["d"], [[]])
    assert info["source"] == "decisions" and info["rows"] == 3 and info["held_out"] == 1
    assert info["labels"] == {"clean": 1, "scam": 2} and info["held_out_flagged"] == 0
    assert info["sha256"] == decisions_info(["a", "b", "c"], [["scam"], [], ["scam"]], [], [])["sha256"]
    assert info["sha256"] != decisions_info(["a", "b", "c"], [["scam"], ["scam"], ["scam"]], [], [])["sha256"]


@pytest.mark.slow
def test_the_retrained_models_card_records_the_decisions_it_learnt_from(
        store: Store, cfg: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    held_v, train_v = _decided(store, 2, 6, "violation", "Nạp thẻ cào {} nhận iphone miễn phí, chuyển phí ship trước")
    held_d, train_d = _decided(store, 1, 5, "dismiss", "Chợ phiên cuối tuần số {} bán rau sạch cho bà con")
    out = tmp_path / "m.skops"
    assert main(["--config", str(cfg), "train", "--from-decisions", "--no-cv", "--out", str(out)]) == 0
    card = json.loads((tmp_path / "m.card.json").read_text(encoding="utf-8"))
    sources = [d["source"] for d in card["data"]]
    assert "decisions" in sources and "inline" not in sources and any(s.endswith(".jsonl") for s in sources)
    decisions = next(d for d in card["data"] if d["source"] == "decisions")
    assert decisions["rows"] == len(train_v) + len(train_d) and decisions["labels"] == {"clean": 5, "scam": 6}
    assert decisions["held_out"] == len(held_v) + len(held_d) and decisions["held_out_flagged"] == 2
    assert len(decisions["sha256"]) == 64 and len(decisions["held_out_sha256"]) == 64
