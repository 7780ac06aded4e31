"""`canhgac bulk … --yes` (without --confirm) on a selection that matches nothing says so and writes nothing.

It wrote a "bulk" audit row with count 0 and printed "Đã ghi «…» cho 0 mục": an audit trail of actions that did
not happen, and a message that reads as if something was done. Real database file (SQLite), and PostgreSQL when
CANHGAC_TEST_DATABASE_URL is set."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from review.models import AuditLog, Decision, ReviewEntry
from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


def _audit_actions(store: Store) -> list[str]:
    with store.session() as s:
        return list(s.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def test_empty_selection_with_yes_writes_nothing(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    before = _audit_actions(store)
    code, out, err = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "category=hate", "--yes")
    assert code == 0, err
    assert "Không có mục nào chưa quyết định phù hợp" in out and "Không thay đổi gì." in out, out
    assert "Đã ghi" not in out and "0 mục" not in out, out
    assert _audit_actions(store) == before  # no "bulk" row with count 0
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Decision)) == 0
        assert s.scalar(select(ReviewEntry.status).where(ReviewEntry.id == entry)) == "open"


def test_entries_held_by_someone_else_do_not_count(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    store.claim(entry, "minh", 30)
    before = _audit_actions(store)
    code, out, err = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "category=scam", "--yes")
    assert code == 0, err
    assert "Không có mục nào chưa quyết định phù hợp" in out and "người khác đang giữ" in out, out
    assert _audit_actions(store) == before


def test_a_selection_that_matches_is_still_applied(store: Store, cli: CLI) -> None:
    flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    code, out, err = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "category=scam", "--yes")
    assert code == 0, err
    assert "Đã ghi «" in out and "cho 1 mục" in out, out
    assert _audit_actions(store).count("bulk") == 1


def test_invalid_options_are_still_refused_on_an_empty_selection(store: Store, cli: CLI) -> None:
    """The checks a real run makes come first: a harm verdict on positive-selected entries needs --category."""
    code, _, err = cli("--as", "lan", "bulk", "--verdict", "violation", "--where", "category=positive", "--yes")
    assert code == 2, err
    assert "--category" in err, err
    assert "bulk" not in _audit_actions(store)


def test_a_selection_emptied_after_its_dry_run_records_nothing(store: Store) -> None:
    from review.filters import parse_where
    entry = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    flt = parse_where("category=scam")
    dry = store.bulk(flt, "lan", "dismiss", limit=10, apply=False)
    assert dry.entry_ids == [entry]
    store.decide(entry, "minh", "violation", category="scam")  # a colleague decides it in between
    before = _audit_actions(store)
    res = store.bulk(flt, "lan", "dismiss", limit=10, apply=True)
    assert res.entry_ids == [] and not res.applied
    assert _audit_actions(store) == before  # no count-0 "bulk" row
