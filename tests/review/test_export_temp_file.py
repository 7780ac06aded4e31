"""`canhgac export -o FILE`'s temporary file cannot be turned against another file, and `-o /dev/stdout` writes to
the descriptor the shell opened (appended to what is already there), not over the file behind it.

Real database file (SQLite), and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set; a real subprocess for stdout."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from review.export import read_export
from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parents[2]
VICTIM = "tệp của người khác, không được đụng tới\n"


@pytest.mark.parametrize("name", ["items.csv", "items.xlsx"])
def test_a_symlink_planted_at_the_temporary_name_is_not_followed(store: Store, cli: CLI, tmp_path: Path,
                                                                  name: str) -> None:
    """Another local user who can add files to the export folder plants a symlink where the temporary file was
    named after our process id (`.items-PID.tmp.csv`): the export truncated and filled the file it points to, then
    renamed the symlink over the export."""
    flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    victim = tmp_path / "victim.txt"
    victim.write_text(VICTIM, encoding="utf-8")
    out_dir = tmp_path / "shared"
    out_dir.mkdir()
    stem, suffix = os.path.splitext(name)
    planted = out_dir / f".{stem}-{os.getpid()}.tmp{suffix}"
    planted.symlink_to(victim)
    path = out_dir / name
    code, _, err = cli("export", "items", "-o", str(path))
    assert code == 0, err
    assert victim.read_text(encoding="utf-8") == VICTIM  # not truncated, not written
    assert not path.is_symlink()
    assert len(read_export(path)) == 1
    assert planted.is_symlink() and os.readlink(planted) == str(victim)  # what was planted is left alone


@pytest.mark.parametrize("redirect", ["a", "w"])
def test_export_to_dev_stdout_keeps_what_the_redirected_file_already_holds(store: Store, cfg: Path, tmp_path: Path,
                                                                            redirect: str) -> None:
    """`{ echo header; canhgac export items -o /dev/stdout; } >> log.csv` (and with `>`): /dev/stdout resolved to
    log.csv, which was then replaced by the export alone; the header was lost."""
    if not Path("/dev/stdout").exists():
        pytest.skip("needs /dev/stdout")
    flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    log = tmp_path / "log.csv"
    with open(log, redirect, encoding="utf-8") as out:
        out.write("# bản xuất hằng tuần\n")
        out.flush()
        proc = subprocess.run([sys.executable, "-m", "crawler.cli", "--config", str(cfg), "export", "items", "--format",
                               "csv", "-o", "/dev/stdout"], cwd=str(ROOT), stdout=out, stderr=subprocess.PIPE,
                              text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    text = log.read_text(encoding="utf-8")
    assert text.startswith("# bản xuất hằng tuần\n\ufeff"), text[:200]
    assert "Chuyển khoản ngay để nhận quà tri ân" in text
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
