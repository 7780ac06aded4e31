"""Old and new models are judged on the held-back decisions by their FLAGS, what puts a page in the queue: per
category precision/recall of the flags, how many dismissed texts each would flag again (the false positives
moderators already rejected) and how many confirmed ones it would miss. Before, the judgement was the label's
macro-F1: the demo's held-back scam, flagged scam (and misinformation) by the retrained model and so queued as a
scam, counted as a miss because its label was misinformation (macro-F1 0.000 beside scam precision/recall 1.00)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crawler.cli import main
from review.store import Store
from tests.review.test_learning import _decided, _Spy

SCAM = "Chúc mừng bạn trúng thưởng xe SH, nộp phí 3.500.000đ vào tài khoản bên dưới để nhận giải ngay hôm nay"
GREETING = "Chợ phiên cuối tuần bán rau sạch cho bà con trong phường, mời mọi người ghé mua ủng hộ"


@pytest.fixture(scope="module")
def scorer() -> Any:
    from classifier.scorer import Scorer

    return Scorer.load()


def test_flag_summary_counts_dismissed_texts_flagged_again_and_confirmed_ones_missed(scorer: Any) -> None:
    from review.flag_metrics import flag_summary, flags_macro_f1

    assert "scam" in scorer.score(SCAM).flags and scorer.score(GREETING).flags == ()
    # a scam a moderator dismissed (flagged again: a false positive) and a greeting confirmed as scam (missed)
    s = flag_summary(scorer, [SCAM, GREETING, SCAM], [[], ["scam"], ["scam"]])
    assert (s["dismissed"], s["dismissed_flagged"], s["confirmed"], s["confirmed_missed"]) == (1, 1, 2, 1)
    assert s["counts"]["scam"] == {"tp": 1, "fp": 1, "fn": 1}
    assert flags_macro_f1(s, ["scam"]) == pytest.approx(0.5)
    # a scam flag on a text confirmed under another category: the page was rightly queued, the category was
    # corrected; neither a true nor a false flag of its own (the demo's held-back scam was also flagged
    # misinformation, which made the model in use look like half right)
    other = flag_summary(scorer, [SCAM], [["misinformation"]])
    assert "scam" not in other["counts"] and other["counts"]["misinformation"] == {"tp": 0, "fp": 0, "fn": 1}
    perfect = flag_summary(scorer, [SCAM, GREETING], [["scam"], []])
    assert flags_macro_f1(perfect, ["scam"]) == 1.0 and perfect["dismissed_flagged"] == 0
    # a category another model flagged falsely: right for the one that did not (it would otherwise pull both down
    # alike, and a model that stops a false positive would look no better)
    assert flags_macro_f1(perfect, ["scam", "hate"]) == 1.0
    assert flags_macro_f1(flag_summary(scorer, [SCAM], [[]]), ["scam"]) == 0.0


def test_the_comparison_shows_false_positives_and_judges_by_the_flags(store: Store, cfg: Path, monkeypatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    _Spy(monkeypatch)  # the new model is the bundled one: equal flags, so activated
    _decided(store, 12, 2, "violation", "Nạp thẻ cào đợt {} nhận iphone, chuyển phí ship trước")
    _decided(store, 12, 2, "dismiss", "Chợ phiên cuối tuần số {} bán rau sạch cho bà con")
    code = main(["--config", str(cfg), "--as", "lan", "train", "--from-decisions", "--activate"])
    out = capsys.readouterr().out
    assert "macro-F1 của cờ" in out and "bỏ qua mà vẫn gắn cờ" in out and "mục đã xác nhận bị bỏ sót" in out, out
    assert code == 0 and "macro-F1 của cờ" in out.split("Đã kích hoạt")[1], out
