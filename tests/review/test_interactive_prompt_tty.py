"""`canhgac review` on a real pseudo-terminal, keys without Enter: the officer's walk-through ("v", "lừa đảo" at the
harm prompt, then "3") records the category meant; a key not in use is named; an arrow key is one key not in use,
never the letter its escape sequence ends with (down arrow, ESC [ B, recorded [b] bỏ qua; right arrow [c], a
warning); keys pasted at once count one by one (`test_interactive_keys_tty.py`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
from sqlalchemy import select

from review.cli.interactive import HARMS
from review.models import Decision, ReviewEntry
from review.store import Store
from tests.review.factory import flagged

ROOT = Path(__file__).resolve().parents[2]


def _spawn(cfg: Path) -> pexpect.spawn:
    term = pexpect.spawn(sys.executable, ["-m", "crawler.cli", "--config", str(cfg), "--as", "lan", "review"],
                         cwd=str(ROOT), encoding="utf-8", timeout=60, dimensions=(50, 160))
    term.expect("Phiên duyệt của lan", timeout=180)  # startup imports the classifier: slow on a busy machine
    return term


def _quit(term: pexpect.spawn) -> None:
    term.send("q")
    term.expect("Kết thúc")
    term.expect(pexpect.EOF)
    term.close()
    assert term.exitstatus == 0


def test_the_walk_through_on_a_terminal(store: Store, cfg: Path) -> None:
    good = flagged(store, "Anh xe ôm trả lại 50 triệu đồng nhặt được", "positive", 0.9)
    other = flagged(store, "Ông cụ nhặt rác giữ gìn đường phố sạch đẹp", "positive", 0.8)
    term = _spawn(cfg)
    term.expect(f"Mục #{good} ")
    term.expect("> ")
    term.send("v")
    term.expect_exact("để trống để huỷ): ")
    term.sendline("lừa đảo")
    term.expect_exact(f"Đã ghi mục #{good}: vi phạm (Lừa đảo, chiếm đoạt tài sản).")
    term.expect(f"Mục #{other} ")
    term.expect("> ")
    term.send("v")
    term.expect_exact("để trống để huỷ): ")
    term.sendline("lừa")
    term.expect_exact("Chưa ghi: không có nhóm 'lừa'")
    term.expect_exact("để trống để huỷ): ")  # asked again: the number is read as the answer
    term.sendline("3")
    term.expect_exact(f"Đã ghi mục #{other}: vi phạm")
    term.expect_exact("Hết mục chờ duyệt.")
    term.expect(pexpect.EOF)
    term.close()
    with store.session() as s:
        assert [(d.entry_id, d.category) for d in s.scalars(select(Decision).order_by(Decision.id))] == [
            (good, "scam"), (other, HARMS[2])]


def test_arrow_keys_and_pasted_keys_not_in_use_decide_nothing(store: Store, cfg: Path) -> None:
    entry = flagged(store, "Chuyển khoản trước để nhận quà tri ân", "scam", 0.9)
    term = _spawn(cfg)
    term.expect(f"Mục #{entry} ")
    term.expect("> ")
    term.send("3")
    term.expect_exact("Phím '3' không dùng được; [v] vi phạm")
    term.expect("> ")
    for arrow in ("\x1b[B", "\x1b[C", "\x1bOB"):  # down, right; down in application mode
        term.send(arrow)
        term.expect_exact("Phím Esc (hoặc mũi tên, F1…) không dùng được")
        term.expect("> ")
    term.send("3x")  # keys pasted at once: each named, one by one
    term.expect_exact("Phím '3' không dùng được")
    term.expect_exact("Phím 'x' không dùng được")
    term.expect("> ")
    _quit(term)
    with store.session() as s:
        assert s.scalars(select(Decision)).first() is None
        assert s.scalar(select(ReviewEntry.status).where(ReviewEntry.id == entry)) == "open"
