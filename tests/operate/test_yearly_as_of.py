"""The year-end report is due before 10 December, before its year ends: the workbook says up to when its numbers
run instead of letting "01/01 – 31/12" pass for a whole year's data; a report of a finished period says nothing
more. Its numbers match the decisions in the audit log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from review.models import AuditLog
from review.store import Store
from review.types import utcnow
from review.vi import VN_TZ
from review.yearly import summarize, write_summary
from tests.operate.seed import add_flagged


def _notes(path: Path) -> dict[str, object]:
    wb = load_workbook(path, read_only=True)
    notes = {r[0]: r[1] for r in wb["Ghi chú"].iter_rows(min_row=2, values_only=True)}
    wb.close()
    return notes


def test_unfinished_period_says_up_to_when(store: Store, tmp_path: Path) -> None:
    now = utcnow()
    add_flagged(store, title="Lừa đảo trúng thưởng", category="scam", at=now - timedelta(hours=2))
    summary = summarize(store, now - timedelta(days=300), now + timedelta(days=26))
    write_summary(summary, tmp_path / "dang-do.xlsx")
    notes = _notes(tmp_path / "dang-do.xlsx")
    as_of = summary.counted_at.astimezone(VN_TZ).strftime("%H:%M ngày %d/%m/%Y")
    assert str(notes["Số liệu tính đến"]).startswith(f"{as_of} (kỳ báo cáo chưa kết thúc")
    assert notes["Tổng số mục gắn cờ"] == 1

    past = summarize(store, datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 12, 31, 17, tzinfo=UTC))
    write_summary(past, tmp_path / "2025.xlsx")
    notes = _notes(tmp_path / "2025.xlsx")
    assert "Số liệu tính đến" not in notes and notes["Kỳ báo cáo"] == "01/01/2025 – 31/12/2025"


def test_verdict_columns_match_the_audit_log(store: Store) -> None:
    now = utcnow()
    ids = [add_flagged(store, title=f"Quảng cáo thuốc {i}", category="illegal_ad", at=now - timedelta(days=3))
           for i in range(4)]
    store.decide(ids[0], "lan", "violation")
    store.decide(ids[1], "lan", "dismiss")
    store.undo(ids[1], "minh", "nhầm")
    store.decide(ids[1], "minh", "escalate", note="chuyển Công an tỉnh")
    store.decide(ids[2], "lan", "dismiss")
    summary = summarize(store, now - timedelta(days=30), now + timedelta(seconds=1))
    with store.session() as s:
        events = list(s.execute(select(AuditLog.action, AuditLog.entry_id, AuditLog.details)
                                .where(AuditLog.action.in_(("decide", "undo"))).order_by(AuditLog.id)))
    current: dict[int, str] = {}
    for action, entry_id, details in events:  # replay the audit log: the last decision not undone stands
        if action == "decide":
            current[entry_id] = details["verdict"]
        else:
            current.pop(entry_id, None)
    replayed: dict[tuple[str, str], int] = {}
    for eid in ids:
        key = ("illegal_ad", current.get(eid, ""))
        replayed[key] = replayed.get(key, 0) + 1
    assert dict(summary.by_category) == replayed
    assert replayed == {("illegal_ad", "violation"): 1, ("illegal_ad", "escalate"): 1, ("illegal_ad", "dismiss"): 1,
                        ("illegal_ad", ""): 1}
