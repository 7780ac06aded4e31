"""The note `undo` adds when the model in use learnt the decision undone, where it was missing or silent: `u` in
the interactive `canhgac review` says it too (the same function, the same words), and a model retrained before
cards recorded their read (`as_of_decision_id`/`read_at`) gets "có thể" (may have) when it was activated after the
decision, nothing when nothing tells when it read its decisions. Real database (SQLite, and PostgreSQL when
configured), the real CLI and loop; the retrain is the real command with `classifier.train.fit` replaced by the
stand-in of tests/review/test_feedback_cli_undo_model.py (a real refit takes minutes)."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from classifier.model_files import card_path
from review.cli.context import Context
from review.cli.interactive import run
from review.decision_history import learnt_note
from review.filters import EntryFilter
from review.models import Decision, ReviewEntry, Setting
from review.store import Store
from tests.review.factory import flagged
from tests.review.test_feedback_cli_undo_model import _Fit, _texts

CLI = Callable[..., tuple[int, str, str]]
LEARNT = "đã học quyết định này"
MAY = "có thể đã học quyết định này"
SCAMS = "Nạp thẻ cào đợt {} nhận iphone, phí ship trước"


class _Keys(io.StringIO):
    """The loop's keys, one a line (as a script or test types them); a callable among them runs when the loop asks
    for the next key after the ones before it: something done between two key presses."""

    def __init__(self, *steps: str | Callable[[], None]) -> None:
        super().__init__()
        self.steps = list(steps)

    def readline(self, size: int | None = -1) -> str:
        while self.steps and callable(self.steps[0]):
            step = self.steps.pop(0)
            assert callable(step)
            step()
        if not self.steps:
            return ""
        key = self.steps.pop(0)
        assert isinstance(key, str)
        return key + "\n"


def _older_cards(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retrains write cards as before `as_of_decision_id`/`read_at` were recorded (the decisions listed, not which)."""
    import review.learning as learning

    real = learning.decisions_info
    monkeypatch.setattr(learning, "decisions_info", lambda *a: real(*a[:4]))


def _retrain(cli: CLI, *more: str) -> Callable[[], None]:
    def step() -> None:
        code, out, err = cli("--as", "lan", "train", "--from-decisions", *more)
        assert code == 0, out + err

    return step


def _active_path(store: Store) -> Path:
    with store.session() as s:
        row = s.get(Setting, "active_model")
        assert row is not None
        return Path(str(row.value["path"]))


def _decision_of(store: Store, entry: int) -> int:
    with store.session() as s:
        found = s.scalar(select(Decision.id).where(Decision.entry_id == entry).order_by(Decision.id).limit(1))
    assert found is not None
    return found


def test_u_in_the_interactive_loop_says_the_model_learnt_it(store: Store, cfg: Path, cli: CLI,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Decide one entry, retrain and activate, decide the next, then `u` twice: the decision made after the retrain
    is undone without a note, the one before with the note `canhgac undo` prints."""
    _Fit(monkeypatch)
    for text in _texts(SCAMS, False, 2):
        flagged(store, text, "scam")
    third = flagged(store, "Chợ phiên cuối tuần bán rau sạch", "scam", 0.5)  # on screen after both: the session goes on
    out = io.StringIO()
    ctx = Context(config_path=str(cfg), moderator_flag="lan", out=out)
    try:
        keys = _Keys("v", _retrain(cli, "--activate", "--force"), "v", "u", "u", "q")
        assert run(ctx, EntryFilter(), stdin=keys) == 0
    finally:
        ctx.close()
    text = out.getvalue()
    decided = [int(n) for n in re.findall(r"Đã ghi mục #(\d+):", text)]
    assert len(decided) == 2, text
    before, after = decided
    undo_after, undo_before = (f"Đã hoàn tác quyết định trên mục #{e}; xem lại mục đó." for e in (after, before))
    assert undo_after in text and undo_before in text, text
    between = text[text.index(undo_after):text.index(undo_before)]
    assert LEARNT not in between, between  # decided after the retrain: never learnt
    cfg_ctx = Context(config_path=str(cfg))
    try:
        note = learnt_note(cfg_ctx.config.classifier, store, _decision_of(store, before))
    finally:
        cfg_ctx.close()
    assert note is not None and LEARNT in note and "Lừa đảo" in note and MAY not in note, note
    assert text[text.index(undo_before):].splitlines()[1] == note, text  # the same words, right after the undo
    with store.session() as s:
        statuses = dict(s.execute(select(ReviewEntry.id, ReviewEntry.status)).all())
    assert statuses == {before: "open", after: "open", third: "open"}  # both undone; `q` gave the one on screen back


def test_older_card_of_the_activated_model_may_have_learnt_a_decision_before_its_activation(
        store: Store, cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    _Fit(monkeypatch)
    _older_cards(monkeypatch)
    before = [flagged(store, t, "scam") for t in _texts(SCAMS, False, 2)]
    [held] = [flagged(store, t, "scam") for t in _texts("Vay tiền online số {} duyệt nhanh không thế chấp", True, 1)]
    dismissed = flagged(store, _texts("Chợ phiên cuối tuần số {} bán rau sạch", False, 1)[0], "scam", 0.6)
    for e in (*before, held):
        store.decide(e, "lan", "violation")
    store.decide(dismissed, "lan", "dismiss")
    _retrain(cli, "--activate", "--force")()
    card = json.loads(card_path(_active_path(store)).read_text(encoding="utf-8"))
    assert "as_of_decision_id" not in json.dumps(card)  # an older card indeed
    [after] = [flagged(store, t, "scam") for t in _texts("Đầu tư tiền ảo gói {} lãi 30% mỗi tháng", False, 1)]
    store.decide(after, "lan", "violation")

    code, out, err = cli("--as", "lan", "undo", str(before[0]), "--reason", "nhầm")
    assert code == 0 and MAY in out and "Lừa đảo" in out and "kích hoạt (lúc " in out, out + err
    assert "canhgac train --from-decisions" in out and f") {LEARNT}" not in out, out  # never the certain wording
    code, out, err = cli("--as", "lan", "undo", str(dismissed), "--reason", "nhầm")
    assert code == 0 and MAY in out and "không vi phạm" in out, out + err
    for entry in (held, after):  # held back: never trained on; decided after the activation, so after the read
        code, out, err = cli("--as", "lan", "undo", str(entry), "--reason", "nhầm")
        assert code == 0 and "Đã hoàn tác" in out and LEARNT not in out, out + err
    code, out, err = cli("--as", "lan", "undo", str(before[1]), "--reason", "nhầm")
    assert code == 0 and MAY in out, out + err
    store.decide(before[1], "minh", "violation")  # decided again after the activation: that one was never read
    code, out, err = cli("--as", "minh", "undo", str(before[1]), "--reason", "nhầm")
    assert code == 0 and "Đã hoàn tác" in out and LEARNT not in out, out + err


def test_older_card_replaced_after_activation_says_nothing(store: Store, cli: CLI,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The activation time is that of the model activated: a card of another version put in its place since is not
    dated by it."""
    _Fit(monkeypatch)
    _older_cards(monkeypatch)
    entry = flagged(store, _texts(SCAMS, False, 1)[0], "scam")
    store.decide(entry, "lan", "violation")
    _retrain(cli, "--activate", "--force")()
    card = card_path(_active_path(store))
    value = json.loads(card.read_text(encoding="utf-8"))
    card.write_text(json.dumps({**value, "version": "copied-over-1"}), encoding="utf-8")
    code, out, err = cli("--as", "lan", "undo", str(entry), "--reason", "nhầm")
    assert code == 0 and "Đã hoàn tác" in out and LEARNT not in out, out + err


def test_older_card_of_a_configured_model_says_nothing(store: Store, cfg: Path, cli: CLI, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A model set by `[classifier] model` has no activation time, and its older card no read: nothing tells
    whether it learnt the decision, so nothing is claimed (docs/review.md says so)."""
    _Fit(monkeypatch)
    _older_cards(monkeypatch)
    entry = flagged(store, _texts(SCAMS, False, 1)[0], "scam")
    store.decide(entry, "lan", "violation")
    model = tmp_path / "retrained.skops"
    _retrain(cli, "--out", str(model))()
    with cfg.open("a", encoding="utf-8") as fh:
        fh.write(f'\n[classifier]\nmodel = "{model}"\n')
    code, out, err = cli("--as", "lan", "undo", str(entry), "--reason", "nhầm")
    assert code == 0 and "Đã hoàn tác" in out and LEARNT not in out, out + err
