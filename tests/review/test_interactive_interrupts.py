"""`canhgac review` stopped by Ctrl-C at any prompt exits 130 (like every other command), releasing the entry."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
import pytest
from sqlalchemy import select

from review.models import ReviewEntry
from review.store import Store
from tests.review.factory import flagged

ROOT = Path(__file__).resolve().parents[2]


def _spawn(cfg: Path) -> pexpect.spawn:
    return pexpect.spawn(sys.executable, ["-m", "crawler.cli", "--config", str(cfg), "--as", "lan", "review"],
                         cwd=str(ROOT), encoding="utf-8", timeout=60, dimensions=(50, 160))


@pytest.mark.parametrize("keys, prompt", [("e", "Ghi chú (chuyển"), ("n", "Ghi chú: "), ("v", "nhóm vi phạm")])
def test_ctrl_c_at_a_prompt_exits_130_and_releases(store: Store, cfg: Path, keys: str, prompt: str) -> None:
    entry = flagged(store, "Bài viết ca ngợi gương người tốt việc tốt", "positive", 0.95)
    term = _spawn(cfg)
    term.expect("Phiên duyệt của lan", timeout=120)
    term.expect(f"Mục #{entry} ")
    term.expect("> ")
    term.send(keys)
    term.expect_exact(prompt)
    term.sendintr()
    term.expect(pexpect.EOF)
    term.close()
    assert term.exitstatus == 130
    with store.session() as s:
        assert s.scalar(select(ReviewEntry.status).where(ReviewEntry.id == entry)) == "open"


def test_ctrl_c_with_keys_from_a_pipe_exits_130_and_releases(store: Store, cfg: Path) -> None:
    """Keys read line by line (stdin not a terminal): SIGINT still stops with 130, the entry released."""
    import signal

    from pexpect.popen_spawn import PopenSpawn

    entry = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.95)
    proc = PopenSpawn([sys.executable, "-m", "crawler.cli", "--config", str(cfg), "--as", "lan", "review"],
                      cwd=str(ROOT), encoding="utf-8", timeout=60)
    proc.expect("Phiên duyệt của lan", timeout=120)
    proc.expect(f"Mục #{entry} ")
    proc.expect("> ")
    proc.kill(signal.SIGINT)
    proc.expect("Đã dừng")
    proc.expect(pexpect.EOF)
    assert proc.wait() == 130
    with store.session() as s:
        assert s.scalar(select(ReviewEntry.status).where(ReviewEntry.id == entry)) == "open"
