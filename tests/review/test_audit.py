"""The audit chain: every action appended, tampering detected, threshold changes recorded."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select, text

from review.models import AuditLog
from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


def _actions(store: Store) -> list[str]:
    with store.session() as s:
        return list(s.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def test_verify_catches_an_edited_row(store: Store, cli: CLI) -> None:
    a = flagged(store, "Tin giả về bão", "misinformation")
    b = flagged(store, "Lừa đảo việc nhẹ lương cao", "scam")
    store.claim(a, "lan", 30)
    store.decide(a, "lan", "violation", note="đã xác minh")
    store.decide(b, "minh", "dismiss")
    store.undo(b, "minh", "xem lại")
    assert _actions(store) == ["claim", "decide", "decide", "undo"]
    code, out, _ = cli("audit", "verify")
    assert code == 0 and "toàn vẹn: 4 dòng" in out
    # Someone rewrites history directly in the database: the verdict of the second row.
    with store.engine.begin() as conn:
        details = conn.execute(text("SELECT details FROM audit_log WHERE id = 2")).scalar_one()
        edited = (details if isinstance(details, str) else __import__("json").dumps(details)).replace(
            "violation", "dismiss")
        conn.execute(text("UPDATE audit_log SET details = :d WHERE id = 2"), {"d": edited})
    code, _, err = cli("audit", "verify")
    assert code == 1 and "KHÔNG toàn vẹn: dòng #2" in err and "bị sửa" in err
    report = store.verify_audit()
    assert not report.ok and report.bad_id == 2


def test_verify_catches_a_deleted_row(store: Store) -> None:
    for i in range(3):
        store.decide(flagged(store, f"Tin số {i}"), "lan", "dismiss")
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 2"))
    report = store.verify_audit()
    assert not report.ok and report.bad_id == 3 and "đứt" in report.reason


def test_threshold_changes_are_audited_once(store: Store) -> None:
    assert [c.category for c in store.sync_thresholds("daemon", {"scam": 0.5, "hate": 0.6})] == ["hate", "scam"]
    assert store.sync_thresholds("daemon", {"scam": 0.5, "hate": 0.6}) == []
    changes = store.sync_thresholds("daemon", {"scam": 0.4})
    assert [(c.category, c.old, c.new) for c in changes] == [("hate", 0.6, None), ("scam", 0.5, 0.4)]
    assert _actions(store) == ["threshold_change"] * 4
    assert store.verify_audit().ok
