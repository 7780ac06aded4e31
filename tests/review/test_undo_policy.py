"""Hints name the command as it must be typed (`undo` needs --reason), and an undo of another moderator's
decision says whose decision it reversed."""

from __future__ import annotations

from collections.abc import Callable

from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


def test_conflict_hints_give_undo_with_its_reason(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.95)
    assert cli("--as", "lan", "decide", str(entry), "--verdict", "violation")[0] == 0
    code, _, err = cli("--as", "minh", "decide", str(entry), "--verdict", "dismiss")
    assert code == 1 and f'canhgac undo {entry} --reason "…"' in err, err
    code, _, err = cli("--as", "minh", "claim", str(entry))
    assert code == 1 and f'canhgac undo {entry} --reason "…"' in err, err


def test_undo_of_another_moderators_decision_names_them(store: Store, cli: CLI) -> None:
    mine = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.95)
    theirs = flagged(store, "Tin đồn nước máy nhiễm độc", "misinformation", 0.9)
    assert cli("--as", "lan", "decide", str(mine), "--verdict", "violation")[0] == 0
    assert cli("--as", "minh", "decide", str(theirs), "--verdict", "dismiss")[0] == 0
    code, out, err = cli("--as", "lan", "undo", str(mine), "--reason", "nhầm")
    assert code == 0, err
    assert "của người khác" not in out
    code, out, err = cli("--as", "lan", "undo", str(theirs), "--reason", "cần xem lại")
    assert code == 0, err
    assert f"Lưu ý: lan đã hoàn tác quyết định của người khác (minh) trên mục #{theirs}" in out, out
