"""`undo` of a decision the model in use learnt from says so: the decision is reversed in the queue and the bank
at once, but the activated model (`train --from-decisions --activate`) keeps what it learnt until the next
retrain. Nothing is said for a decision it did not learn from: one held back for the comparison, one made after
the retrain, or any decision while the bundled model is in use. The retrain is the real command with
`classifier.train.fit` replaced by a stand-in (a real refit takes minutes) that saves a card with the data it was
given, as the real `fit` does (`decisions_info`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from classifier.model_files import card_target
from review.learning import held_out
from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]
LEARNT = "đã học quyết định này"


class _Fit:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import classifier.train as train
        from classifier.scorer import Scorer

        class Model:
            def __init__(self, data_info: Any) -> None:
                self.data_info = data_info

            def scorer(self, rules: str | None = None) -> Scorer:
                return Scorer.load(None, rules)

            def save(self, path: str | Path) -> dict[str, object]:
                card = {"version": "retrained-1", "data": self.data_info}
                Path(path).write_bytes(b"retrained model")
                card_target(path).write_text(json.dumps(card, ensure_ascii=False), encoding="utf-8")
                return card

        def fit(texts, labels, **kw):  # type: ignore[no-untyped-def]
            return Model(kw["data_info"])

        monkeypatch.setattr(train, "fit", fit)


def _texts(template: str, held: bool, n: int) -> list[str]:
    out: list[str] = []
    i = 0
    while len(out) < n:
        text = template.format(i)
        i += 1
        if held_out(text) == held:
            out.append(text)
    return out


def test_undoing_a_decision_the_activated_model_learnt_from_says_so(
        store: Store, cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    _Fit(monkeypatch)
    learnt = [flagged(store, t, "scam") for t in _texts("Nạp thẻ cào đợt {} nhận iphone, phí ship trước", False, 3)]
    dismissed = flagged(store, _texts("Chợ phiên cuối tuần số {} bán rau sạch", False, 1)[0], "scam", 0.6)
    [held] = [flagged(store, t, "scam") for t in _texts("Vay tiền online số {} duyệt nhanh không thế chấp", True, 1)]
    for e in learnt:
        store.decide(e, "lan", "violation")
    store.decide(dismissed, "lan", "dismiss")
    store.decide(held, "lan", "violation")
    code, out, err = cli("--as", "lan", "train", "--from-decisions", "--activate", "--force")
    assert code == 0 and "theo --force" in out, out + err
    [later] = [flagged(store, t, "scam") for t in _texts("Đầu tư tiền ảo gói {} lãi 30% mỗi tháng", False, 1)]
    store.decide(later, "lan", "violation")

    code, out, err = cli("--as", "lan", "undo", str(learnt[0]), "--reason", "nhầm")
    assert code == 0, err
    assert LEARNT in out and "canhgac train --from-decisions" in out and "Lừa đảo" in out, out

    code, out, err = cli("--as", "lan", "undo", str(dismissed), "--reason", "nhầm")
    assert code == 0 and LEARNT in out and "không vi phạm" in out, out

    for entry in (held, later):  # compared on, never trained on; decided after the retrain
        code, out, err = cli("--as", "lan", "undo", str(entry), "--reason", "nhầm")
        assert code == 0 and "Đã hoàn tác" in out and LEARNT not in out, out

    # undone, decided again after the retrain and undone again: the model never learnt that second decision
    code, out, err = cli("--as", "lan", "undo", str(learnt[1]), "--reason", "nhầm")
    assert code == 0 and LEARNT in out, out
    store.decide(learnt[1], "minh", "violation")
    code, out, err = cli("--as", "minh", "undo", str(learnt[1]), "--reason", "nhầm")
    assert code == 0 and LEARNT not in out, out


def test_nothing_is_said_while_the_bundled_model_is_in_use(store: Store, cli: CLI) -> None:
    entry = flagged(store, _texts("Nạp thẻ cào đợt {} nhận iphone, phí ship trước", False, 1)[0], "scam")
    store.decide(entry, "lan", "violation")
    code, out, err = cli("--as", "lan", "undo", str(entry), "--reason", "nhầm")
    assert code == 0 and "Đã hoàn tác" in out and LEARNT not in out, out


def test_repost_decided_after_retrain_is_not_claimed_learnt(store: Store, cli: CLI,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A repost (the same text, another entry) confirmed after the retrain: the model never saw that decision."""
    _Fit(monkeypatch)
    [text] = _texts("Nạp thẻ cào đợt {} nhận iphone, phí ship trước", False, 1)
    first = flagged(store, text, "scam")
    store.decide(first, "lan", "violation")
    code, out, err = cli("--as", "lan", "train", "--from-decisions", "--activate", "--force")
    assert code == 0, out + err
    repost = flagged(store, text, "scam")
    store.decide(repost, "minh", "violation")
    code, out, err = cli("--as", "minh", "undo", str(repost), "--reason", "nhầm")
    assert code == 0 and "Đã hoàn tác" in out and LEARNT not in out, out


def test_many_decisions_since_retrain_still_noticed(store: Store, cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    """More than 200 decisions between the retrain and the undo (the old search gave up after 200 states)."""
    _Fit(monkeypatch)
    [text] = _texts("Nạp thẻ cào đợt {} nhận iphone, phí ship trước", False, 1)
    learnt = flagged(store, text, "scam")
    store.decide(learnt, "lan", "violation")
    code, out, err = cli("--as", "lan", "train", "--from-decisions", "--activate", "--force")
    assert code == 0, out + err
    for t in _texts("Chợ phiên cuối tuần số {} bán rau sạch", False, 205):
        store.decide(flagged(store, t, "scam", 0.6), "minh", "dismiss")
    code, out, err = cli("--as", "lan", "undo", str(learnt), "--reason", "nhầm")
    assert code == 0 and LEARNT in out, out


def test_same_text_still_taught_the_same_by_another_decision_says_nothing(
        store: Store, cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two entries of one text confirmed before the retrain: it learnt the later one; undoing either leaves the
    other standing with the same label, so the next retrain teaches the same: nothing to say."""
    _Fit(monkeypatch)
    [text] = _texts("Nạp thẻ cào đợt {} nhận iphone, phí ship trước", False, 1)
    first, second = flagged(store, text, "scam"), flagged(store, text, "scam")
    store.decide(first, "lan", "violation")
    store.decide(second, "minh", "violation")
    code, out, err = cli("--as", "lan", "train", "--from-decisions", "--activate", "--force")
    assert code == 0, out + err
    code, out, err = cli("--as", "minh", "undo", str(second), "--reason", "nhầm")
    assert code == 0 and "Đã hoàn tác" in out and LEARNT not in out, out
    code, out, err = cli("--as", "lan", "undo", str(first), "--reason", "nhầm")  # superseded in training by second
    assert code == 0 and "Đã hoàn tác" in out and LEARNT not in out, out


def test_card_of_an_older_retrain_says_only_may_have(store: Store, cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    """A card written before `as_of_decision_id` was recorded: no certain claim; activated after the decision, it
    may have learnt it (more in tests/review/test_undo_note.py)."""
    import review.learning as learning

    _Fit(monkeypatch)
    real = learning.decisions_info
    monkeypatch.setattr(learning, "decisions_info", lambda *a: real(*a[:4]))
    entry = flagged(store, _texts("Nạp thẻ cào đợt {} nhận iphone, phí ship trước", False, 1)[0], "scam")
    store.decide(entry, "lan", "violation")
    code, out, err = cli("--as", "lan", "train", "--from-decisions", "--activate", "--force")
    assert code == 0, out + err
    code, out, err = cli("--as", "lan", "undo", str(entry), "--reason", "nhầm")
    assert code == 0 and "Đã hoàn tác" in out and f"có thể {LEARNT}" in out and f") {LEARNT}" not in out, out
