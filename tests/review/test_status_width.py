"""`canhgac status` on an ordinary 80-column terminal. The sources table's nine columns took about 115 columns before
any name, so every row wrapped in two. On a terminal too narrow for it, the table is now compact (short headings
explained under it, times as `show` writes them, the name cut with "…", or on a line of its own above its row when
too little room is left for it), numbers whole; piped output, which scripts may read, is the full table as before.
Real pseudo-terminal; real database file (SQLite), and PostgreSQL when configured."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pexpect
import pytest

from review.cli.status_table import COMPACT_LEGEND, FULL_HEADERS, KILLED_LEGEND, sources_table
from review.cli.table import _width
from review.models import Source
from review.sources import SourceHealth
from review.store import Store

CLI = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parents[2]
LONG = "svhttdl-quang-ninh-trang-thong-tin-dien-tu-van-hoa-the-thao"  # 59 characters: whole in the full table (max_col 60)
SHORT = "bao-tinh"
TOTAL = 1234567  # items collected so far: a number is never cut


def _sources(store: Store, cfg: Path) -> None:
    with cfg.open("a", encoding="utf-8") as fh:
        fh.write(f'\n[[sources]]\nname = "{LONG}"\nkind = "sitemap"\nurls = ["https://svhttdl.quangninh.gov.vn/'
                 f'sitemaps/tin-tuc-su-kien-van-hoa-the-thao-du-lich-{"x" * 40}.xml"]\n'
                 f'\n[[sources]]\nname = "{SHORT}"\nkind = "rss"\nurls = ["https://baotinh.vn/rss"]\n')
    with store.session() as s:
        s.add(Source(name=LONG, kind="sitemap"))
        s.add(Source(name=SHORT, kind="rss"))
    ok = store.start_run(LONG)
    store.finish_run(ok, ok=True, items_new=42)
    failed = store.start_run(SHORT)
    store.finish_run(failed, ok=False, items_new=0, message="HTTP 503 ở https://baotinh.vn/rss")
    with store.session() as s:
        s.query(Source).filter_by(name=LONG).one().items_total = TOTAL


def _screen(cfg: Path, columns: int) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    term = pexpect.spawn(sys.executable, ["-m", "crawler.cli", "--config", str(cfg), "status"], cwd=str(ROOT),
                         encoding="utf-8", timeout=120, dimensions=(60, columns), env=env)
    term.expect(pexpect.EOF)
    term.close()
    assert term.exitstatus in (0, 1), term.before  # 1: a CẢNH BÁO (none expected here, but not this test's point)
    return [ln for ln in term.before.replace("\r\n", "\n").split("\n") if ln.strip()]


def _table(lines: list[str]) -> list[str]:
    """The lines from the table's heading to the legend under it."""
    start = next(i for i, ln in enumerate(lines) if ln.startswith("nguồn"))
    end = next(i for i, ln in enumerate(lines) if ln.startswith("Bảng rút gọn") or ln.startswith("Lỗi gần nhất"))
    return lines[start:end]


def test_no_table_line_wraps_on_80_columns(store: Store, cfg: Path) -> None:
    _sources(store, cfg)
    lines = _screen(cfg, 80)
    table = _table(lines)
    assert max(_width(ln) for ln in table) <= 80, "\n".join(lines)
    text = "\n".join(lines)
    assert COMPACT_LEGEND in text and "bị cắt" not in text, text  # the short headings explained; no name cut
    # too little room beside the other columns: each name (whole, as it fits the line) above its row, numbers whole
    row = table[table.index(f"{LONG} (sitemap)") + 1]
    assert row.startswith("  ") and "thành công" in row and " 42 " in row and f" {TOTAL} " in row, text
    assert f"{SHORT} (rss)" in table and "chưa lần nào" in text, text


def test_a_terminal_with_room_for_a_cut_name_keeps_one_line_per_source(store: Store, cfg: Path) -> None:
    _sources(store, cfg)
    lines = _screen(cfg, 110)
    table = _table(lines)
    assert max(_width(ln) for ln in table) <= 110, "\n".join(lines)
    [row] = [ln for ln in table if ln.startswith(LONG[:20])]
    name = row.split("  ")[0]
    assert name.endswith("…") and LONG.startswith(name.removesuffix("…")), row
    assert " sitemap " in row and f" {TOTAL} " in row, row
    assert "Tên nguồn bị cắt (…) có đủ trong `canhgac status --json`" in "\n".join(lines)


def test_short_names_keep_one_line_per_source_on_80_columns(store: Store, cfg: Path) -> None:
    with cfg.open("a", encoding="utf-8") as fh:
        fh.write(f'\n[[sources]]\nname = "{SHORT}"\nkind = "rss"\nurls = ["https://baotinh.vn/rss"]\n')
    with store.session() as s:
        s.add(Source(name=SHORT, kind="rss", items_total=TOTAL))
    store.finish_run(store.start_run(SHORT), ok=False, items_new=0, message="HTTP 503", killed=True)
    lines = _screen(cfg, 80)
    table = _table(lines)
    assert max(_width(ln) for ln in table) <= 80, "\n".join(lines)
    [row] = [ln for ln in table if ln.startswith(SHORT)]
    assert row.split()[:2] == [SHORT, "rss"] and "bị ngắt" in row and f" {TOTAL} " in row, row
    assert KILLED_LEGEND.strip() in "\n".join(lines), lines  # the short result explained


def test_a_wide_terminal_and_a_pipe_keep_the_full_table(store: Store, cfg: Path, cli: CLI) -> None:
    _sources(store, cfg)
    code, piped, _ = cli("status")
    assert code in (0, 1)
    assert "Bảng rút gọn" not in piped
    lines = piped.split("\n")
    header = next(ln for ln in lines if ln.startswith("nguồn"))
    assert header.split() == " ".join(FULL_HEADERS).split(), header
    assert any(ln.startswith(LONG + "  sitemap") and str(TOTAL) in ln for ln in lines), piped
    wide = _screen(cfg, 250)
    assert next(ln for ln in wide if ln.startswith("nguồn")).split() == header.split(), wide
    assert "Bảng rút gọn" not in "\n".join(wide)


def _health(name: str, status: str | None = "ok") -> SourceHealth:
    at = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    return SourceHealth(name=name, kind="sitemap", official=True, last_run_at=at, last_success_at=at, last_error=None,
                        consecutive_failures=0, items_last_run=1, items_total=12, next_run_at=None,
                        last_status=status)


@pytest.mark.parametrize("width", [None, 140, 160, 200])
def test_a_long_switched_off_name_keeps_its_note(width: int | None) -> None:
    """Cut to a table cell (60 columns) the name loses letters, not "(đang tắt)": the officer still sees it is off."""
    table, _ = sources_table([_health(LONG + "-quang-ninh")], {LONG + "-quang-ninh"}, set(), False,
                             "Asia/Ho_Chi_Minh", width)
    row = table.split("\n")[2]
    assert "… (đang tắt)" in row, table
    assert width is None or all(_width(line) <= width for line in table.split("\n")), table


@pytest.mark.parametrize("width", range(64, 81))  # below 64 even the narrowest layout (dates, numbers whole) wraps
def test_a_one_letter_name_never_makes_the_table_wrap(width: int) -> None:
    """The heading "nguồn" is wider than the name: the table with it must fit, else the name goes on its own line."""
    table, _ = sources_table([_health("a")], {"a"}, {"a"}, False, "Asia/Ho_Chi_Minh", width)
    assert all(_width(line) <= width for line in table.split("\n")), table
