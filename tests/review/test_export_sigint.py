"""Ctrl-C just after an export's file is complete: exit 0 with the new file, or, when it came before the file
replaced the old one, exit 130 with the old file; never a negative status (killed by SIGINT) nor a traceback.

It could end as exit 130 with the new file in place (Ctrl-C right after the replace: "đã dừng" next to a finished
export), as a KeyboardInterrupt traceback and exit −2 from the database's close, as "Exception ignored …
KeyboardInterrupt" at interpreter exit, and most often (17 of 20 times for a SIGINT sent when the file appeared) as
exit −2 without a word: Python puts SIGINT's default action back before it tears its modules down.

A real `canhgac` process with a real database (SQLite file; PostgreSQL when configured) gets a real SIGINT, sent to
itself at a chosen moment by the test's launcher script (after the temporary file is synced; just after the
replace; when the store closes; in an atexit callback; while the interpreter tears its modules down), so each case
is reproduced every time rather than by a race."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from review.export import read_export
from review.store import Store
from tests.review.factory import bulk_entries

ROOT = Path(__file__).resolve().parents[2]
OLD = b"ban xuat tuan truoc\n"
ROWS = 40

RUN = """
import atexit, os, signal, sys
from pathlib import Path

signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal, whatever the test runner ignores
when, target = sys.argv[1], os.path.realpath(sys.argv[2])


def ctrl_c(kill=os.kill, pid=os.getpid()):
    kill(pid, signal.SIGINT)  # delivered before kill returns: one thread


if when == "synced":  # the new file is complete and on the disk, not yet in place
    import review.cli.reports as reports
    synced = reports.sync_path

    def sync_path(path):
        synced(path)
        ctrl_c()
    reports.sync_path = sync_path
elif when == "replaced":
    replace = os.replace

    def replaced(src, dst, *args, **kwargs):
        replace(src, dst, *args, **kwargs)
        if os.path.realpath(dst) == target:
            ctrl_c()
    os.replace = replaced
elif when == "close":
    from review.store import Store
    close = Store.close

    def closing(self):
        ctrl_c()
        close(self)
    Store.close = closing
elif when == "atexit":  # registered first, so run last of the exit callbacks
    atexit.register(ctrl_c)
elif when == "teardown":
    class Late:
        def __del__(self):  # collected with this module's globals, after Python reset its signal handlers
            ctrl_c()
    _late = Late()

from crawler.cli import main
sys.exit(main(sys.argv[3:]))
"""


@pytest.fixture
def rows(store: Store) -> int:
    bulk_entries(store, ROWS)
    return ROWS


def _export(cfg: Path, when: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", RUN, when, str(path), "--config", str(cfg), "export", "items", "-o",
                           str(path)], cwd=str(ROOT), capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("when", ["replaced", "close", "atexit", "teardown"])
def test_ctrl_c_once_the_file_is_in_place_exits_0(cfg: Path, rows: int, tmp_path: Path, fmt: str, when: str) -> None:
    path = tmp_path / f"items.{fmt}"
    path.write_bytes(OLD)
    proc = _export(cfg, when, path)
    assert (proc.returncode, proc.stderr) == (0, f"Đã xuất {rows} dòng mục bị gắn cờ vào {path}\n")
    assert len(read_export(path)) == rows
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_ctrl_c_before_the_replace_keeps_the_old_file(cfg: Path, rows: int, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"items.{fmt}"
    path.write_bytes(OLD)
    proc = _export(cfg, "synced", path)
    assert (proc.returncode, proc.stderr) == (130, "canhgac: đã dừng (Ctrl-C)\n")
    assert path.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("when", ["close", "atexit", "teardown"])
def test_ctrl_c_once_standard_output_is_written_exits_0(cfg: Path, rows: int, tmp_path: Path, when: str) -> None:
    """`canhgac export items > items.csv`: a file to the officer, written whole before the Ctrl-C."""
    path = tmp_path / "items.csv"
    with path.open("wb") as out:
        proc = subprocess.run([sys.executable, "-c", RUN, when, str(tmp_path / "none"), "--config", str(cfg),
                               "export", "items", "--format", "csv"], cwd=str(ROOT), stdout=out,
                              stderr=subprocess.PIPE, text=True, timeout=300, check=False)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert len(read_export(path)) == rows


def test_the_summary_workbook_too(cfg: Path, rows: int, tmp_path: Path) -> None:
    path = tmp_path / "tong-ket.xlsx"
    proc = subprocess.run([sys.executable, "-c", RUN, "teardown", str(path), "--config", str(cfg), "export",
                           "summary", "-o", str(path)], cwd=str(ROOT), capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 0 and proc.stderr.startswith("Đã ghi báo cáo tổng kết"), proc.stderr
    assert path.stat().st_size > 0
