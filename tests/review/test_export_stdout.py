"""`canhgac export -o -` is standard output, XLSX included when it is piped or redirected; XLSX to a terminal is
refused in Vietnamese instead of printing a zip archive there; options that mean nothing for `export summary` are
refused rather than ignored.

`-o -` created a file named "-" in the current folder (CSV, JSONL and XLSX alike) and XLSX to `-o /dev/stdout` on a
terminal filled it with binary noise. Real subprocesses, a real pseudo-terminal, real database (SQLite, and
PostgreSQL when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import io
import os
import select
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parents[2]
TEXT = "Chuyển khoản ngay để nhận quà tri ân"


def _run(cfg: Path, cwd: Path, *args: str, **kw: Any) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "crawler.cli", "--config", str(cfg), "export", "items", *args],
                          cwd=str(cwd), env=env, stderr=subprocess.PIPE, timeout=300, check=False, **kw)


def _xlsx_rows(data: bytes) -> list[tuple[object, ...]]:
    wb = load_workbook(io.BytesIO(data), read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    return rows


@pytest.mark.parametrize("target", ["-", "/dev/stdout"])
def test_xlsx_to_redirected_stdout_is_the_whole_workbook(store: Store, cfg: Path, tmp_path: Path, target: str) -> None:
    flagged(store, TEXT, "scam", 0.9)
    work = tmp_path / "work"
    work.mkdir()
    out = tmp_path / "items.xlsx"
    with out.open("wb") as f:
        proc = _run(cfg, work, "--format", "xlsx", "-o", target, stdout=f)
    assert proc.returncode == 0, proc.stderr.decode()
    rows = _xlsx_rows(out.read_bytes())
    assert rows[0][0] == "Mã mục" and len(rows) == 2 and TEXT in rows[1]
    assert list(work.iterdir()) == []  # no file named "-"


def test_xlsx_piped_to_another_program(store: Store, cfg: Path, tmp_path: Path) -> None:
    flagged(store, TEXT, "scam", 0.9)
    proc = _run(cfg, tmp_path, "--format", "xlsx", "-o", "-", stdout=subprocess.PIPE)
    assert proc.returncode == 0, proc.stderr.decode()
    assert TEXT in _xlsx_rows(proc.stdout)[1]
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_text_formats_to_dash_print_to_stdout(store: Store, cfg: Path, tmp_path: Path, fmt: str) -> None:
    flagged(store, TEXT, "scam", 0.9)
    proc = _run(cfg, tmp_path, "--format", fmt, "-o", "-", stdout=subprocess.PIPE)
    assert proc.returncode == 0, proc.stderr.decode()
    assert TEXT in proc.stdout.decode("utf-8")
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("target", ["-", "/dev/stdout"])
def test_xlsx_to_a_terminal_is_refused(store: Store, cfg: Path, tmp_path: Path, target: str) -> None:
    flagged(store, TEXT, "scam", 0.9)
    master, slave = os.openpty()
    try:
        proc = _run(cfg, tmp_path, "--format", "xlsx", "-o", target, stdout=slave)
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
    assert b"PK" not in shown  # nothing of a zip archive reached the terminal
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("option", [["--include-reporters"], ["--headers", "vi"], ["--headers", "en"]])
def test_summary_refuses_options_that_mean_nothing_to_it(store: Store, cli: CLI, tmp_path: Path,
                                                         option: list[str]) -> None:
    path = tmp_path / "tong-ket.xlsx"
    code, _, err = cli("export", "summary", "--year", "2026", *option, "-o", str(path))
    assert code == 2, err
    assert option[0] in err and "summary" in err, err
    assert not path.exists()
