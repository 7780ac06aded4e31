"""Notes and undo reasons typed in decomposed Unicode (Unikey's "Unicode tổ hợp", NFD) are recorded composed (NFC),
like moderator names: a search of the export or the audit log for "Sở Y tế" finds them, and one note is never
stored in two spellings. Stripped of surrounding spaces; a note of only spaces is no note."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from sqlalchemy import select

from review.filters import EntryFilter
from review.models import AuditLog, Decision
from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]
NOTE = "Chuyển Sở Y tế xác minh"
NFD = unicodedata.normalize("NFD", NOTE)


def test_cli_decide_and_undo_record_composed_text(store: Store, cli: CLI) -> None:
    assert NFD != NOTE
    entry = flagged(store, "Uống nước chanh chữa khỏi ung thư", "misinformation", 0.9)
    code, _, err = cli("--as", "lan", "decide", str(entry), "--verdict", "escalate", "--note", f"  {NFD} ")
    assert code == 0, err
    code, _, err = cli("--as", "minh", "undo", str(entry), "--reason", unicodedata.normalize("NFD", "nhầm mục"))
    assert code == 0, err
    with store.session() as s:
        [decision] = s.scalars(select(Decision))
        assert decision.note == NOTE and decision.undo_reason == "nhầm mục"
        notes = [a.details.get("note") or a.details.get("reason") for a in s.scalars(
            select(AuditLog).where(AuditLog.action.in_(("decide", "undo"))).order_by(AuditLog.id))]
    assert notes == [NOTE, "nhầm mục"]
    assert store.verify_audit().ok


def test_bulk_records_composed_notes_and_blank_is_none(store: Store) -> None:
    first = flagged(store, "Việc nhẹ lương cao tại nhà", "scam", 0.5)
    store.bulk(EntryFilter(category="scam"), "lan", "dismiss", limit=10, apply=True, note=NFD)
    second = flagged(store, "Lời lẽ thô tục", "offensive", 0.9)
    store.decide(second, "lan", "dismiss", note="   ")
    with store.session() as s:
        notes = dict(s.execute(select(Decision.entry_id, Decision.note)).all())
        bulk_row = s.scalar(select(AuditLog).where(AuditLog.action == "bulk"))
        assert bulk_row is not None and bulk_row.details["note"] == NOTE
    assert notes == {first: NOTE, second: None}
