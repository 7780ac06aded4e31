"""`train --from-decisions` judges old and new models by their flags, what queues a page, so both must flag as the
crawler would with either: the office's rules (the bundled ones when `[classifier] rules` is empty) and its
`[classifier.thresholds]`. The new model was scored with no rules at all and both at their cards' thresholds: a
retrain that changed nothing (here the bundled model itself, returned by `fit`) missed every held-back scam that
only a rule ("chuyển khoản trước") flags and was refused as worse than itself; and an office that raised its scam
threshold was shown flags it never sees."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crawler.cli import main
from review.store import Store
from tests.review.test_learning import _decided

# the bundled model flags these as scam only with the rule scam.pay_first ("chuyển khoản trước")
LOAN = "Cho vay tiền nhanh không thế chấp đợt {}, chỉ cần CCCD, giải ngân trong 30 phút, phí hồ sơ chuyển khoản trước"
MARKET = "Chợ phiên cuối tuần số {} bán rau sạch cho bà con"


@pytest.fixture
def same_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """`fit` returns the bundled model as a freshly trained one (a real `TrainedModel`, seconds, not minutes)."""
    import classifier.train as train
    from classifier import model as model_io
    from classifier.fitting import TrainedModel

    def fit(texts: Any, labels: Any, **kw: Any) -> TrainedModel:
        pipeline, card = model_io.load(model_io.DEFAULT_MODEL)
        return TrainedModel(pipeline, dict(card))

    monkeypatch.setattr(train, "fit", fit)


def _row(out: str, start: str) -> list[str]:
    line = next(x for x in out.splitlines() if x.startswith(start))
    return [c.strip() for c in line.split("  ") if c.strip()]


def test_a_retrain_that_changed_nothing_flags_as_the_model_in_use(store: Store, cfg: Path, same_model: None,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    _decided(store, 6, 1, "violation", LOAN)
    _decided(store, 14, 1, "dismiss", MARKET)
    code = main(["--config", str(cfg), "--as", "lan", "train", "--from-decisions", "--activate"])
    out = capsys.readouterr().out
    missed = _row(out, "mục đã xác nhận bị bỏ sót")
    assert missed[-2:] == ["0", "0"], out  # the rule flags every held-back loan scam, for old and new alike
    assert code == 0 and "Đã kích hoạt mô hình mới" in out, out


def test_the_comparison_uses_the_office_s_thresholds(store: Store, cfg: Path, same_model: None,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    cfg.write_text(cfg.read_text(encoding="utf-8") + "\n[classifier.thresholds]\nscam = 0.99\n", encoding="utf-8")
    held, _ = _decided(store, 6, 1, "violation", LOAN)
    _decided(store, 14, 1, "dismiss", MARKET)
    main(["--config", str(cfg), "--as", "lan", "train", "--from-decisions"])
    out = capsys.readouterr().out
    # at 0.99 neither model queues these scams: the office would see both miss all six
    assert _row(out, "mục đã xác nhận bị bỏ sót")[-2:] == [str(len(held))] * 2, out
