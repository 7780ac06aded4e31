"""`train --from-decisions --activate` judges on what the moderators decided. Before, the flags' macro-F1 averaged
over every category either model flagged, a category with no held-back decision counting 1.0 for the model that did
not flag it: on 20 held-back decisions (6 confirmed scams, 14 dismissals) a new model missing 5 of the 6 scams beat
an old one that re-flagged one dismissed text as hate (0.643 > 0.500) and was activated, and the table's hate row
read "0.00 / 0.00" for both. The summaries are in `flag_summary`'s shape; the last test runs the command on a real
store with the bundled model as the old one."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.cli import main
from review.flag_metrics import activation_refusal, compared_categories, comparison_rows, flags_macro_f1
from review.models import Setting
from review.store import Store
from tests.review.test_learning import _decided

SCAM = "Chúc mừng bạn trúng thưởng xe SH đợt {}, nộp phí 3.500.000đ vào tài khoản bên dưới để nhận giải ngay hôm nay"


def _summary(counts: dict[str, dict[str, int]], dismissed_flagged: int, confirmed_missed: int) -> dict[str, object]:
    return {"counts": counts, "dismissed": 14, "dismissed_flagged": dismissed_flagged, "confirmed": 6,
            "confirmed_missed": confirmed_missed}


OLD = _summary({"scam": {"tp": 6, "fp": 0, "fn": 0}, "hate": {"tp": 0, "fp": 1, "fn": 0}}, 1, 0)
MISSES = _summary({"scam": {"tp": 1, "fp": 0, "fn": 5}}, 0, 5)


def test_missing_most_confirmed_scams_is_not_judged_better_than_one_false_flag() -> None:
    cats = compared_categories(OLD, MISSES)
    assert cats == ["scam"]  # no held-back decision is hate: its false flag counts among the dismissals
    assert flags_macro_f1(MISSES, cats) < flags_macro_f1(OLD, cats)


def test_activation_is_refused_when_the_new_model_misses_more_confirmed_violations() -> None:
    reason = activation_refusal(OLD, MISSES)
    assert reason is not None and "bỏ sót 5" in reason and "0" in reason, reason
    assert activation_refusal(OLD, OLD) is None


def test_activation_is_refused_when_more_dismissed_texts_are_flagged_again_than_violations_gained() -> None:
    old = _summary({"scam": {"tp": 4, "fp": 0, "fn": 2}}, 0, 2)
    gains_one = _summary({"scam": {"tp": 5, "fp": 3, "fn": 1}}, 3, 1)  # one more scam caught, 3 dismissals re-flagged
    reason = activation_refusal(old, gains_one)
    assert reason is not None and "bỏ qua" in reason, reason
    gains_two = _summary({"scam": {"tp": 6, "fp": 2, "fn": 0}}, 2, 0)  # two more caught for two re-flagged
    assert activation_refusal(old, gains_two) is None


def test_the_table_shows_each_categorys_counts() -> None:
    rows = {str(r[0]): r[1:] for r in comparison_rows(OLD, MISSES)}
    hate = next(v for k, v in rows.items() if k.startswith("hate"))
    scam = next(v for k, v in rows.items() if k.startswith("scam"))
    assert hate == ("0 đúng, 1 sai, 0 sót", "0 đúng, 0 sai, 0 sót"), rows
    assert scam == ("6 đúng, 0 sai, 0 sót", "1 đúng, 0 sai, 5 sót"), rows


def test_train_activate_refuses_a_model_that_misses_the_confirmed_scams(
        store: Store, cfg: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import classifier.train as train
    from classifier.scorer import Scorer

    class Blind:  # the retrained model: the bundled one, its thresholds out of reach (flags nothing)
        def scorer(self, rules: str | None = None) -> Scorer:
            base = Scorer.load(None, rules)
            return Scorer.load(None, rules, {c: 1.01 for c in base.categories})

        def save(self, path: str | Path) -> dict[str, object]:
            Path(path).write_bytes(b"fake model")
            return {"version": "blind-1"}

    monkeypatch.setattr(train, "fit", lambda texts, labels, **kw: Blind())
    _decided(store, 12, 2, "violation", SCAM)
    _decided(store, 12, 2, "dismiss", "Chợ phiên cuối tuần số {} bán rau sạch cho bà con")
    code = main(["--config", str(cfg), "--as", "lan", "train", "--from-decisions", "--activate"])
    out = capsys.readouterr().out
    assert code == 1 and "KHÔNG kích hoạt: mô hình mới bỏ sót 12 trên 12 mục cán bộ đã xác nhận" in out, out
    assert "scam: cờ đúng, cờ sai, bỏ sót" in out and "0 đúng, 0 sai, 12 sót" in out, out
    with store.session() as s:
        assert s.get(Setting, "active_model") is None
