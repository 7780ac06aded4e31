"""`canhgac export summary -o -` is standard output, as for every other export: the workbook goes there whole when
it is piped or redirected, and to a terminal it is refused in Vietnamese instead of printing a zip archive.

It wrote a file named "-" in the current folder (docs/review.md says `-o -` is standard output for every export).
Real subprocesses, a real pseudo-terminal, real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL
is set)."""

from __future__ import annotations

import io
import os
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from review.store import Store
from tests.review.factory import flagged

ROOT = Path(__file__).resolve().parents[2]


def _run(cfg: Path, cwd: Path, *args: str, **kw: Any) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "crawler.cli", "--config", str(cfg), "export", "summary", *args],
                          cwd=str(cwd), env=env, stderr=subprocess.PIPE, timeout=300, check=False, **kw)


def _sheets(data: bytes) -> list[str]:
    wb = load_workbook(io.BytesIO(data), read_only=True)
    names = list(wb.sheetnames)
    wb.close()
    return names


@pytest.mark.parametrize("target", ["-", "/dev/stdout"])
def test_summary_to_redirected_stdout_is_the_whole_workbook(store: Store, cfg: Path, tmp_path: Path,
                                                            target: str) -> None:
    flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    work = tmp_path / "work"
    work.mkdir()
    out = tmp_path / "tong-ket.xlsx"
    with out.open("wb") as f:
        proc = _run(cfg, work, "-o", target, stdout=f)
    err = proc.stderr.decode()
    assert proc.returncode == 0, err
    assert "Tổng hợp" in _sheets(out.read_bytes())
    assert list(work.iterdir()) == []  # no file named "-"


def test_summary_piped_to_another_program(store: Store, cfg: Path, tmp_path: Path) -> None:
    flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    proc = _run(cfg, tmp_path, "-o", "-", stdout=subprocess.PIPE)
    assert proc.returncode == 0, proc.stderr.decode()
    assert "Tổng hợp" in _sheets(proc.stdout)
    assert "đầu ra chuẩn" in proc.stderr.decode()  # the message says where it went, not "/dev/stdout" or "-"
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("target", ["-", "/dev/stdout"])
def test_summary_to_a_terminal_is_refused(store: Store, cfg: Path, tmp_path: Path, target: str) -> None:
    master, slave = os.openpty()
    try:
        proc = _run(cfg, tmp_path, "-o", target, stdout=slave)
        shown = b""
        while select.select([master], [], [], 0)[0]:
            chunk = os.read(master, 65536)
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(slave)
        os.close(master)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert "xlsx là tệp nén nhị phân, không in ra màn hình được" in err and "Traceback" not in err, err
    assert "canhgac-tong-ket-" in err, err  # the file name it suggests is the report's own
    assert b"PK" not in shown
    assert not (tmp_path / "-").exists()


def test_a_file_really_named_dash_is_dot_slash_dash(store: Store, cfg: Path, tmp_path: Path) -> None:
    proc = _run(cfg, tmp_path, "-o", "./-", stdout=subprocess.PIPE)
    assert proc.returncode == 0, proc.stderr.decode()
    assert "Tổng hợp" in _sheets((tmp_path / "-").read_bytes())
    assert proc.stdout == b""
