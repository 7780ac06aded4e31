"""`queue` on a terminal narrower than its table: the first-line column is cut so rows do not wrap in two; piped
output is never cut. Real pseudo-terminal; real database file (SQLite), and PostgreSQL when configured."""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pexpect

from review.cli.table import LAST_MIN, _width, render
from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parents[2]
TITLE = "Chúc mừng bạn đã trúng thưởng xe SH từ chương trình tri ân khách hàng thân thiết năm nay"


def test_queue_rows_fit_the_terminal(store: Store, cfg: Path, cli: CLI) -> None:
    entry = flagged(store, TITLE, "scam", 0.93, title=TITLE, source="dien-dan-pho-phuong")
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    term = pexpect.spawn(sys.executable, ["-m", "crawler.cli", "--config", str(cfg), "queue"], cwd=str(ROOT),
                         encoding="utf-8", timeout=120, dimensions=(40, 110), env=env)
    term.expect(pexpect.EOF)
    term.close()
    assert term.exitstatus == 0
    lines = [ln for ln in term.before.replace("\r\n", "\n").split("\n") if ln.strip()]
    row = next(ln for ln in lines if ln.startswith(f"{entry} "))
    assert row.rstrip().endswith("…") and "Chúc mừng" in row
    assert max(_width(ln) for ln in lines[:3]) <= 110  # header, rule and row: none wraps
    code, out, _ = cli("queue")  # not a terminal: the whole first line (up to 60 characters), as before
    assert code == 0 and TITLE[:59] in out


def test_render_cuts_only_the_last_column_and_keeps_accents() -> None:
    title = unicodedata.normalize("NFD", "Đầu tư tiền ảo lãi 30%/tháng, rút gốc bất cứ lúc nào")
    table = render(["mã", "nguồn", "dòng đầu"], [(7, "dien-dan-pho-phuong", title)], width=50)
    header, rule, row = table.split("\n")
    assert max(_width(header), _width(rule), _width(row)) <= 50
    assert row.startswith("7   dien-dan-pho-phuong  ") and row.endswith("…")
    shown = row.split("  ")[-1].removesuffix("…")
    assert title.startswith(shown) and not unicodedata.combining(title[len(shown)])  # no letter loses its marks
    # too narrow for even LAST_MIN columns of text beside the others: nothing is cut (the lines wrap anyway)
    wide = render(["mã", "nguồn", "dòng đầu"], [(7, "x" * 40, title)], width=40 + LAST_MIN)
    assert wide.split("\n")[2].endswith(title[-3:])
