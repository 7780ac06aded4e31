"""`{ echo header; canhgac classify --input F --output /dev/stdout; } >> log.jsonl`: /dev/stdout reopened by name
emptied the file stdout was redirected to (the header was lost); it is written through stdout's own descriptor."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("redirect", ["a", "w"])
def test_classify_to_dev_stdout_keeps_what_the_redirected_file_holds(tmp_path: Path, redirect: str) -> None:
    if not Path("/dev/stdout").exists():
        pytest.skip("needs /dev/stdout")
    data = tmp_path / "in.csv"
    data.write_text("text\nChuyển khoản ngay để nhận quà tri ân\n", encoding="utf-8")
    log = tmp_path / "log.jsonl"
    with open(log, redirect, encoding="utf-8") as out:
        out.write('{"header": true}\n')
        out.flush()
        proc = subprocess.run([sys.executable, "-m", "crawler.cli", "classify", "--input", str(data), "--output",
                               "/dev/stdout"], cwd=str(tmp_path), stdout=out, stderr=subprocess.PIPE, text=True,
                              timeout=300, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    lines = log.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == {"header": True}
    assert len(lines) == 2 and json.loads(lines[1])["row"] == 0
