"""`queue` on an ordinary 80-column terminal. The table's other columns alone (flags with scores, the Vietnamese
category name, source, age, state) took about 117 columns with the demo's entries, so the first-line column was
never cut and every row wrapped in two on any terminal narrower than about 133 columns. On a narrow terminal the
list now uses a compact layout: one category column (the Vietnamese short name, the top score, "+N" other flags)
and, when the first line still does not fit beside it, the first line on a line of its own under the row. Nothing
is lost: `canhgac show MÃ` and piped output (unchanged) have everything. Real pseudo-terminal; real database file
(SQLite), and PostgreSQL when configured."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pexpect

from review.cli.table import _width
from review.store import Store
from tests.review.factory import FakeResult, add_item, flagged

CLI = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parents[2]
SCAM = "Tin nóng về phí định danh điện tử từ 1/6, mọi người nộp ngay kẻo bị khóa tài khoản ngân hàng"
GOOD = "Gương người tốt việc tốt: anh xe ôm trả lại 50 triệu đồng nhặt được cho người đánh rơi"


def _fill(store: Store) -> tuple[int, int]:
    item = add_item(store, SCAM, title=SCAM, source="dien-dan-pho-phuong")
    scam = store.record_score(item, FakeResult({"scam": 0.68, "misinformation": 0.65}, ("scam", "misinformation")))
    good = flagged(store, GOOD, "positive", 0.67, title=GOOD, source="phuong-hung-dung")
    assert scam is not None
    store.claim(good, "lan", 30)
    return scam, good


def _screen(cfg: Path, columns: int, *args: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    term = pexpect.spawn(sys.executable, ["-m", "crawler.cli", "--config", str(cfg), "queue", *args], cwd=str(ROOT),
                         encoding="utf-8", timeout=120, dimensions=(50, columns), env=env)
    term.expect(pexpect.EOF)
    term.close()
    assert term.exitstatus == 0, term.before
    return [ln for ln in term.before.replace("\r\n", "\n").split("\n") if ln.strip()]


def test_no_line_wraps_on_80_columns(store: Store, cfg: Path) -> None:
    scam, good = _fill(store)
    for args in ((), ("--status", "claimed")):
        lines = _screen(cfg, 80, *args)
        assert max(_width(ln) for ln in lines) <= 80, "\n".join(lines)
    text = "\n".join(_screen(cfg, 80, "--sort", "oldest", "--status", "open"))
    assert f"\n{scam} " in "\n" + text and "Lừa đảo 0.68 +1" in text and "Tin nóng về phí" in text, text
    text = "\n".join(_screen(cfg, 80, "--status", "claimed"))
    assert f"\n{good} " in "\n" + text and "Tôn vinh 0.67" in text and "Gương người tốt" in text, text
    assert "lan đến" in text, text


def test_a_wide_terminal_and_a_pipe_keep_the_full_table(store: Store, cfg: Path, cli: CLI) -> None:
    _fill(store)
    lines = _screen(cfg, 200)
    assert lines[0].split()[:5] == ["mã", "ưu", "tiên", "nhóm", "(điểm)"] and "nhóm chính" in lines[0], lines
    assert any("scam 0.68, misinformation 0.65" in ln and "Tin nóng về phí" in ln for ln in lines), lines
    code, out, _ = cli("queue")
    assert code == 0 and "scam 0.68, misinformation 0.65" in out and "nhóm chính" in out
