"""`train --from-decisions --activate` with too few held-back decisions to judge (`MIN_HELD_OUT`) is refused
BEFORE the minutes of training, with the same message as after them; `--force` still trains and activates, and
without `--activate` the model is trained and saved as before. `classifier.train.fit` is a stand-in recording its
calls (a real refit takes minutes), so the test sees whether training started."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.cli import main
from review.models import AuditLog, Setting
from review.store import Store
from tests.review.factory import flagged


class _Fit:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import classifier.train as train
        from classifier.scorer import Scorer

        self.calls = 0
        spy = self

        class Model:
            def scorer(self, rules: str | None = None) -> Scorer:
                return Scorer.load(None, rules)

            def save(self, path: str | Path) -> dict[str, object]:
                Path(path).write_bytes(b"retrained model")
                return {"version": "retrained-1"}

        def fit(texts, labels, **kw):  # type: ignore[no-untyped-def]
            spy.calls += 1
            return Model()

        monkeypatch.setattr(train, "fit", fit)


def _few_decisions(store: Store) -> None:
    for i in range(4):
        store.decide(flagged(store, f"Nạp thẻ cào đợt {i} nhận iphone, chuyển phí ship trước", "scam"), "lan",
                     "violation")
        store.decide(flagged(store, f"Chợ phiên cuối tuần số {i} bán rau sạch", "scam", 0.6), "lan", "dismiss")


def test_too_few_held_back_decisions_are_refused_before_training(
        store: Store, cfg: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    fit = _Fit(monkeypatch)
    _few_decisions(store)
    code = main(["--config", str(cfg), "--as", "lan", "train", "--from-decisions", "--activate"])
    out = capsys.readouterr().out
    assert code == 1, out
    assert "CHƯA ĐỦ DỮ LIỆU ĐỂ ĐÁNH GIÁ" in out and "cần ít nhất 20 quyết định giữ lại" in out, out
    assert "KHÔNG kích hoạt: chưa đủ quyết định giữ lại" in out and "--force" in out, out
    assert fit.calls == 0, out  # no minutes spent on a model that would not be activated
    assert not (cfg.parent / "models").exists() or not list((cfg.parent / "models").iterdir())
    assert "Đã lưu mô hình mới" not in out
    with store.session() as s:
        assert s.get(Setting, "active_model") is None
        assert s.scalars(select(AuditLog).where(AuditLog.action == "model_activate")).all() == []


def test_force_and_no_activate_still_train(
        store: Store, cfg: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    fit = _Fit(monkeypatch)
    _few_decisions(store)
    assert main(["--config", str(cfg), "--as", "lan", "train", "--from-decisions"]) == 0
    out = capsys.readouterr().out
    assert fit.calls == 1 and "CHƯA ĐỦ DỮ LIỆU ĐỂ ĐÁNH GIÁ" in out and "Chưa kích hoạt" in out, out
    assert main(["--config", str(cfg), "--as", "lan", "train", "--from-decisions", "--activate", "--force"]) == 0
    out = capsys.readouterr().out
    assert fit.calls == 2 and "theo --force" in out, out
