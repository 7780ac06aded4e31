"""`canhgac review` driven through a real pseudo-terminal: single keys, three decisions, Ctrl-C safe."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
from sqlalchemy import select

from review.models import Decision, ReviewEntry
from review.store import Store
from tests.review.factory import flagged

ROOT = Path(__file__).resolve().parents[2]


def _spawn(cfg: Path) -> pexpect.spawn:
    return pexpect.spawn(sys.executable, ["-m", "crawler.cli", "--config", str(cfg), "--as", "lan", "review"],
                         cwd=str(ROOT), encoding="utf-8", timeout=60, dimensions=(50, 160))


def test_interactive_loop_decides_three_entries(store: Store, cfg: Path) -> None:
    scam = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.95)
    fake = flagged(store, "Tin đồn nước máy nhiễm độc toàn thành phố", "misinformation", 0.9)
    rude = flagged(store, "Lời lẽ thô tục trong nhóm", "offensive", 0.95)
    later = flagged(store, "Quảng cáo thuốc giảm cân thần tốc", "illegal_ad", 0.5)
    term = _spawn(cfg)
    term.expect("Phiên duyệt của lan", timeout=120)  # startup imports the classifier: slow on a busy machine
    term.expect(f"Mục #{scam} ")
    term.expect("> ")
    term.send("v")  # one key, no Enter
    term.expect(f"Đã ghi mục #{scam}: vi phạm")
    term.expect(f"Mục #{fake} ")
    term.expect("> ")
    term.send("e")
    term.expect("Ghi chú")
    term.sendline("chuyển Sở Y tế xác minh")
    term.expect(f"Đã ghi mục #{fake}: chuyển cơ quan chức năng")
    term.expect(f"Mục #{rude} ")
    term.expect("> ")
    term.send("u")  # undo the last decision: the escalation comes back
    term.expect(f"Đã hoàn tác quyết định trên mục #{fake}")
    term.expect(f"Mục #{fake} ")
    term.expect("> ")
    term.send("b")
    term.expect(f"Đã ghi mục #{fake}: bỏ qua")
    term.expect(f"Mục #{rude} ")
    term.expect("> ")
    term.send("t")
    term.expect(f"Đã ghi mục #{rude}: tôn vinh")
    term.expect(f"Mục #{later} ")
    term.expect("> ")
    term.sendintr()  # Ctrl-C while an entry is on screen
    term.expect("Đã dừng")
    term.expect(pexpect.EOF)
    term.close()
    assert term.exitstatus == 130
    with store.session() as s:
        verdicts = dict(s.execute(select(ReviewEntry.id, ReviewEntry.verdict)).all())
        statuses = dict(s.execute(select(ReviewEntry.id, ReviewEntry.status)).all())
        undone = s.scalars(select(Decision).where(Decision.undone_at.is_not(None))).all()
    assert verdicts == {scam: "violation", fake: "dismiss", rude: "commend", later: None}
    assert statuses[later] == "open"  # released on Ctrl-C, back in the queue
    assert [d.verdict for d in undone] == ["escalate"]
    assert store.verify_audit().ok
