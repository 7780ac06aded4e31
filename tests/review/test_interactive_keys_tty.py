"""`canhgac review` on a real pseudo-terminal, keys that arrive together: every key counts as typed. "n" and the
note's first letter in one read were no key, and the rest of the note, typed after, was read as keys (a wrong
`escalate` with a garbled note); a key and Enter in one write ("b⏎": expect scripts, tmux send-keys) recorded
nothing; "v" and "3⏎" back to back lost the answer; an arrow key with a key after it in one read lost that key. Now
what a read brings beyond the key is the next key or the start of the answer; an escape sequence is one Esc."""

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
NO_KEY = "không phải một phím"  # what a read of several keys got before


def _spawn(cfg: Path) -> pexpect.spawn:
    term = pexpect.spawn(sys.executable, ["-m", "crawler.cli", "--config", str(cfg), "--as", "lan", "review"],
                         cwd=str(ROOT), encoding="utf-8", timeout=60, dimensions=(50, 160))
    term.delaybeforesend = None  # back to back, as a script or a paste sends them
    term.expect("Phiên duyệt của lan", timeout=180)  # startup imports the classifier: slow on a busy machine
    return term


def _decisions(store: Store) -> list[tuple[int, str, str | None, str | None]]:
    with store.session() as s:
        return [(d.entry_id, d.verdict, d.category, d.note) for d in s.scalars(select(Decision).order_by(Decision.id))]


def test_a_note_started_with_its_key_is_saved_whole(store: Store, cfg: Path) -> None:
    entry = flagged(store, "Chuyển khoản trước để nhận quà tri ân", "scam", 0.9)
    term = _spawn(cfg)
    term.expect(f"Mục #{entry} ")
    term.expect("> ")
    term.send("nc")  # one read: [n] and the note's first letter
    assert term.expect_exact(["Ghi chú: c", NO_KEY]) == 0, term.before
    term.send("huyen cong an\r")  # the rest typed after: the note, not keys ([e], [c], [n] …)
    term.expect_exact("Đã lưu ghi chú cho quyết định sắp tới.")
    term.expect("> ")
    term.send("b")
    term.expect_exact(f"Đã ghi mục #{entry}: bỏ qua.")
    term.expect_exact("Hết mục chờ duyệt.")
    term.expect(pexpect.EOF)
    term.close()
    assert _decisions(store) == [(entry, "dismiss", "scam", "chuyen cong an")]


def test_a_key_and_enter_in_one_write_record_the_key(store: Store, cfg: Path) -> None:
    first = flagged(store, "Chuyển khoản trước để nhận quà tri ân", "scam", 0.9)
    second = flagged(store, "Chuyển khoản ngay để nhận quà", "scam", 0.8)
    term = _spawn(cfg)
    term.expect(f"Mục #{first} ")
    term.expect("> ")
    term.send("b\r")  # tmux send-keys b Enter
    assert term.expect_exact([f"Đã ghi mục #{first}: bỏ qua.", NO_KEY]) == 0, term.before
    term.expect(f"Mục #{second} ")
    term.expect("> ")
    term.send(" \r")  # Enter and space at the key prompt: nothing, said nothing
    term.sendline("e")  # e⏎ then the note: the Enter is not an empty note
    term.expect_exact("Ghi chú (chuyển cho cơ quan nào, vì sao): ")
    term.sendline("công an phường")
    assert term.expect_exact([f"Đã ghi mục #{second}: chuyển cơ quan chức năng.", "Phím"]) == 0, term.before
    term.expect_exact("Hết mục chờ duyệt.")
    term.expect(pexpect.EOF)
    term.close()
    assert _decisions(store) == [(first, "dismiss", "scam", None), (second, "escalate", "scam", "công an phường")]


def test_the_harm_number_sent_right_after_the_key_is_the_answer(store: Store, cfg: Path) -> None:
    first = flagged(store, "Anh xe ôm trả lại 50 triệu đồng nhặt được", "positive", 0.9)
    second = flagged(store, "Ông cụ nhặt rác giữ gìn đường phố sạch đẹp", "positive", 0.8)
    term = _spawn(cfg)
    term.expect(f"Mục #{first} ")
    term.expect("> ")
    term.send("v")
    term.sendline("3")  # not waiting for the question
    assert term.expect_exact([f"Đã ghi mục #{first}: vi phạm", NO_KEY]) == 0, term.before
    term.expect(f"Mục #{second} ")
    term.expect("> ")
    term.send("v3.\r")  # one read; "3." as the list writes it
    assert term.expect_exact([f"Đã ghi mục #{second}: vi phạm", NO_KEY]) == 0, term.before
    term.expect_exact("Hết mục chờ duyệt.")
    term.expect(pexpect.EOF)
    term.close()
    assert [d[:3] for d in _decisions(store)] == [(first, "violation", HARMS[2]), (second, "violation", HARMS[2])]


def test_escape_sequences_are_one_esc_each_and_the_key_after_them_counts(store: Store, cfg: Path) -> None:
    entry = flagged(store, "Chuyển khoản trước để nhận quà tri ân", "scam", 0.9)
    term = _spawn(cfg)
    term.expect(f"Mục #{entry} ")
    term.expect("> ")
    # down, Ctrl+right, down in application mode, Alt+b, F1 on the Linux console; then Tab, Backspace, "x", "q"
    sequences = ("\x1b[B", "\x1b[1;5C", "\x1bOB", "\x1bb", "\x1b[[A")
    term.send("".join(sequences) + "\t\x7fxq")
    for _ in sequences:
        assert term.expect_exact(["Phím Esc (hoặc mũi tên, F1…) không dùng được", "Kết thúc"]) == 0, term.before
    term.expect_exact("Phím Tab không dùng được")
    term.expect_exact("Phím Backspace không dùng được")
    term.expect_exact("Phím 'x' không dùng được")
    term.expect_exact("Kết thúc")
    term.expect(pexpect.EOF)
    term.close()
    assert term.exitstatus == 0
    assert _decisions(store) == []
    with store.session() as s:
        assert s.scalar(select(ReviewEntry.status).where(ReviewEntry.id == entry)) == "open"  # released by q
