"""Learning from decisions: labelled examples from verdicts, a stable held-out split, retraining."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.cli import main
from review.learning import decision_examples, held_out
from review.models import AuditLog, Setting
from review.store import Store
from tests.review.factory import flagged


def test_decisions_become_labelled_examples_and_undone_ones_do_not(store: Store) -> None:
    scam = flagged(store, "Nạp thẻ cào nhận iphone, chuyển phí ship trước", "scam")
    ad = flagged(store, "Thuốc giảm cân thần tốc", "scam")
    fine = flagged(store, "Chợ phiên bán rau sạch", "scam", 0.6)
    good = flagged(store, "Thanh niên nhặt được ví trả lại người mất", "positive", 0.8)
    store.decide(scam, "lan", "violation")
    store.decide(ad, "lan", "violation", category="illegal_ad")
    store.decide(fine, "lan", "dismiss")
    store.decide(good, "lan", "commend")
    store.undo(scam, "lan", "chưa chắc")
    texts, labels = decision_examples(store)
    assert dict(zip(texts, map(tuple, labels), strict=True)) == {
        "Thuốc giảm cân thần tốc": ("illegal_ad",), "Chợ phiên bán rau sạch": (),
        "Thanh niên nhặt được ví trả lại người mất": ("positive",)}


def test_held_out_split_is_stable_and_about_a_fifth() -> None:
    texts = [f"văn bản số {i}" for i in range(2000)]
    assert [held_out(t) for t in texts] == [held_out(t) for t in texts]
    assert 300 < sum(map(held_out, texts)) < 500


@pytest.mark.slow
def test_train_from_decisions_compares_and_activates(store: Store, cfg: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(12):
        store.decide(flagged(store, f"Nạp thẻ cào {i} nhận iphone miễn phí, chuyển phí ship trước cho admin"),
                     "lan", "violation")
        store.decide(flagged(store, f"Chợ phiên cuối tuần số {i} bán rau sạch cho bà con", "scam", 0.6),
                     "lan", "dismiss")
    code = main(["--config", str(cfg), "--as", "lan", "train", "--from-decisions", "--activate"])
    out = capsys.readouterr().out
    assert "macro-F1" in out and "cũ (" in out and "mới (" in out
    with store.session() as s:
        active = s.get(Setting, "active_model")
        audited = s.scalars(select(AuditLog.action).where(AuditLog.action == "model_activate")).all()
    if code == 0:
        assert active is not None and Path(active.value["path"]).exists() and audited == ["model_activate"]
    else:
        assert active is None and "KHÔNG kích hoạt" in out
