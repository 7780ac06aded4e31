"""Decide, undo and bulk: state changes, history kept, dry runs change nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from review.models import AuditLog, BankEntry, Decision, ReviewEntry, ReviewFlag
from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


def _snapshot(store: Store) -> dict[str, Any]:
    with store.session() as s:
        entries = [(e.id, e.status, e.claimant, e.verdict, e.verdict_category, e.version, e.priority)
                   for e in s.scalars(select(ReviewEntry).order_by(ReviewEntry.id))]
        return {"entries": entries,
                "flags": s.execute(select(ReviewFlag.entry_id, ReviewFlag.category)).all(),
                "decisions": s.execute(select(Decision.id)).all(),
                "bank": s.execute(select(BankEntry.id)).all(),
                "audit": s.execute(select(AuditLog.id)).all()}


def test_undo_restores_the_entry_and_keeps_both_in_history(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Bán sim số đẹp giá rẻ chuyển khoản trước", "scam")
    with store.session() as s:
        before = s.get(ReviewEntry, entry)
        assert before is not None
        state = (before.status, before.claimant, before.verdict, before.verdict_category, before.decided_at)
    code, out, _ = cli("--as", "lan", "decide", str(entry), "--verdict", "violation", "--category", "illegal_ad",
                       "--note", "quảng cáo trái phép")
    assert code == 0
    code, out, _ = cli("--as", "minh", "undo", str(entry), "--reason", "nhầm nhóm")
    assert code == 0 and "Đã hoàn tác" in out
    with store.session() as s:
        after = s.get(ReviewEntry, entry)
        assert after is not None
        assert (after.status, after.claimant, after.verdict, after.verdict_category, after.decided_at) == state
        decisions = s.scalars(select(Decision).where(Decision.entry_id == entry)).all()
        assert len(decisions) == 1 and decisions[0].undone_by == "minh" and decisions[0].undo_reason == "nhầm nhóm"
        assert not s.scalar(select(BankEntry.active).where(BankEntry.decision_id == decisions[0].id))
        actions = s.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["decide", "undo"]
    code, out, _ = cli("--as", "lan", "decide", str(entry), "--verdict", "dismiss")
    assert code == 0
    code, out, _ = cli("show", str(entry))
    assert "hoàn tác bởi minh" in out and "bỏ qua" in out and "vi phạm" in out
    code, _, err = cli("--as", "lan", "undo", str(flagged(store, "Khác")), "--reason", "x")
    assert code == 1 and "chưa có quyết định" in err


def test_escalate_needs_a_note(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Đe doạ đánh người ở trường học", "harassment")
    code, _, err = cli("--as", "lan", "decide", str(entry), "--verdict", "escalate")
    assert code == 2 and "cần ghi chú" in err
    code, out, _ = cli("--as", "lan", "decide", str(entry), "--verdict", "escalate", "--note", "chuyển công an phường")
    assert code == 0 and "chuyển cơ quan chức năng" in out


def test_bulk_dry_run_changes_nothing_then_yes_applies(store: Store, cli: CLI) -> None:
    offensive = [flagged(store, f"Lời lẽ thô tục số {i}", "offensive", 0.6, source="fb") for i in range(5)]
    flagged(store, "Lời lẽ thô tục điểm cao", "offensive", 0.95, source="fb")
    flagged(store, "Lừa đảo", "scam", 0.6, source="fb")
    held = offensive[0]
    store.claim(held, "minh", 30)
    before = _snapshot(store)
    code, out, _ = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "category=offensive score<0.7")
    assert code == 0 and "CHẠY THỬ: 4 mục" in out and "Chưa thay đổi gì" in out
    assert _snapshot(store) == before
    code, out, _ = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "category=offensive,score<0.7",
                       "--yes")
    assert code == 0 and "4 mục" in out
    with store.session() as s:
        decided = dict(s.execute(select(ReviewEntry.id, ReviewEntry.verdict)).all())
        assert all(decided[i] == "dismiss" for i in offensive[1:])
        assert decided[held] is None  # held by minh: never overridden by a bulk action
        assert s.scalar(select(AuditLog.details).where(AuditLog.action == "bulk"))["count"] == 4
        assert all(d.bulk for d in s.scalars(select(Decision)))
    code, _, err = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "colour=red")
    assert code == 2 and "khoá không hỗ trợ" in err
    code, _, err = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "source=fb", "--limit", "5000")
    assert code == 2


def test_bulk_confirm_acts_only_on_what_the_dry_run_listed(store: Store, cli: CLI) -> None:
    first = [flagged(store, f"Lời lẽ thô tục số {i}", "offensive", 0.6, source="fb") for i in range(3)]
    code, out, _ = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "category=offensive")
    assert code == 0 and "CHẠY THỬ: 3 mục" in out
    dry_code = re.search(r"--confirm ([0-9a-f]{8})", out)
    assert dry_code is not None
    late = flagged(store, "Lời lẽ thô tục đến sau lần chạy thử", "offensive", 0.6, source="fb")
    before = _snapshot(store)
    code, _, err = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "category=offensive",
                       "--yes", "--confirm", dry_code.group(1))
    assert code == 1 and "khác lần chạy thử" in err and "nay 4 mục" in err
    assert _snapshot(store) == before  # refused: nothing decided, nothing audited
    code, out, _ = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "category=offensive")
    fresh = re.search(r"--confirm ([0-9a-f]{8})", out)
    assert fresh is not None and fresh.group(1) != dry_code.group(1)
    code, out, _ = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "category=offensive",
                       "--yes", "--confirm", fresh.group(1))
    assert code == 0 and "4 mục" in out
    with store.session() as s:
        decided = dict(s.execute(select(ReviewEntry.id, ReviewEntry.verdict)).all())
        assert all(decided[i] == "dismiss" for i in [*first, late])
        assert s.scalar(select(AuditLog.details).where(AuditLog.action == "bulk"))["confirmed_code"] is True
    code, _, err = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "category=offensive",
                       "--confirm", fresh.group(1))
    assert code == 2 and "--yes" in err


def test_unknown_id_is_a_usage_error_exit_2(store: Store, cli: CLI) -> None:
    for args in (("show", "999"), ("--as", "lan", "decide", "999", "--verdict", "dismiss"),
                 ("--as", "lan", "undo", "999", "--reason", "x"), ("--as", "lan", "claim", "999")):
        code, out, err = cli(*args)
        assert code == 2 and "không có mục #999" in err and len(err.splitlines()) == 1, args
