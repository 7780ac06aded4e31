"""`canhgac review` while others act on the entries: [u] undoes the moderator's own previous decision, never a
colleague's newer one on that entry; an entry changed while on screen (re-scored) is shown again, not left claimed
and hidden from everyone until the claim lapses.

Driven through a real pseudo-terminal; the colleague acts through the real CLI, the re-score through the store as
the crawler does, in between. Real database file (SQLite), and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pexpect
import pytest
from sqlalchemy import select

from review.models import Decision, ReviewEntry
from review.store import Store
from tests.review.factory import FakeResult, flagged

CLI = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("redecided", [True, False])
def test_u_does_not_undo_a_colleagues_newer_decision(store: Store, cfg: Path, cli: CLI, redecided: bool) -> None:
    scam = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.95)
    other = flagged(store, "Lời lẽ thô tục trong nhóm", "offensive", 0.6)
    term = pexpect.spawn(sys.executable, ["-m", "crawler.cli", "--config", str(cfg), "--as", "lan", "review"],
                         cwd=str(ROOT), encoding="utf-8", timeout=60, dimensions=(50, 160))
    term.expect("Phiên duyệt của lan", timeout=120)
    term.expect(f"Mục #{scam} ")
    term.expect("> ")
    term.send("b")
    term.expect(f"Đã ghi mục #{scam}: bỏ qua")
    term.expect(f"Mục #{other} ")
    term.expect("> ")
    # meanwhile a colleague corrects it: undoes lan's dismissal, and (maybe) records a violation
    code, _, err = cli("--as", "minh", "undo", str(scam), "--reason", "đây là lừa đảo")
    assert code == 0, err
    if redecided:
        code, _, err = cli("--as", "minh", "decide", str(scam), "--verdict", "violation")
        assert code == 0, err
    term.send("u")
    term.expect("Không hoàn tác được: quyết định trước của bạn")
    term.expect("> ")  # still on the same entry
    term.send("q")
    term.expect(pexpect.EOF)
    term.close()
    assert term.exitstatus == 0
    with store.session() as s:
        entry = s.get(ReviewEntry, scam)
        assert entry is not None
        assert (entry.status, entry.verdict) == (("decided", "violation") if redecided else ("open", None))
        decisions = [(d.moderator, d.verdict, d.undone_by) for d in s.scalars(
            select(Decision).where(Decision.entry_id == scam).order_by(Decision.id))]
    assert decisions == [("lan", "dismiss", "minh")] + ([("minh", "violation", None)] if redecided else [])


def test_u_still_undoes_ones_own_previous_decision(store: Store, cfg: Path) -> None:
    scam = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.95)
    flagged(store, "Lời lẽ thô tục trong nhóm", "offensive", 0.6)
    store.decide(scam, "minh", "violation")  # an earlier decision by someone else, undone later by minh
    store.undo(scam, "minh", "xem lại")
    term = pexpect.spawn(sys.executable, ["-m", "crawler.cli", "--config", str(cfg), "--as", "lan", "review"],
                         cwd=str(ROOT), encoding="utf-8", timeout=60, dimensions=(50, 160))
    term.expect("Phiên duyệt của lan", timeout=120)
    term.expect(f"Mục #{scam} ")
    term.expect("> ")
    term.send("b")
    term.expect(f"Đã ghi mục #{scam}: bỏ qua")
    term.expect("> ")
    term.send("u")
    term.expect(f"Đã hoàn tác quyết định trên mục #{scam}")
    term.expect(f"Mục #{scam} ")
    term.expect("> ")
    term.send("q")
    term.expect(pexpect.EOF)
    term.close()
    with store.session() as s:
        assert s.scalar(select(ReviewEntry.status).where(ReviewEntry.id == scam)) == "open"


def test_an_entry_rescored_while_on_screen_is_shown_again(store: Store, cfg: Path) -> None:
    scam = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.95)
    other = flagged(store, "Lời lẽ thô tục trong nhóm", "offensive", 0.6)
    term = pexpect.spawn(sys.executable, ["-m", "crawler.cli", "--config", str(cfg), "--as", "lan", "review"],
                         cwd=str(ROOT), encoding="utf-8", timeout=60, dimensions=(50, 160))
    term.expect("Phiên duyệt của lan", timeout=120)
    term.expect(f"Mục #{scam} ")
    term.expect("> ")
    with store.session() as s:  # a new model flags it for one more category: not what lan is looking at
        entry = s.get(ReviewEntry, scam)
        assert entry is not None
        item_id = entry.item_id
    store.record_score(item_id, FakeResult({"scam": 0.97, "misinformation": 0.8}, ("scam", "misinformation")))
    term.send("v")
    term.expect(f"Không ghi được: mục #{scam} đã bị thay đổi")
    term.expect(f"Mục #{scam} ")  # again, as it is now
    term.expect("misinformation 0.80")
    term.expect("> ")
    term.send("v")
    term.expect(f"Đã ghi mục #{scam}: vi phạm")
    term.expect(f"Mục #{other} ")
    term.expect("> ")
    term.send("q")
    term.expect(pexpect.EOF)
    term.close()
    assert term.exitstatus == 0
    with store.session() as s:
        rows = dict(s.execute(select(ReviewEntry.id, ReviewEntry.status)).all())
    assert rows == {scam: "decided", other: "open"}  # nothing left claimed by the ended session
