"""`classify --output FILE` replaces FILE only when every row is written (Ctrl-C or a write error leaves the
previous results as they were), and a file that cannot be written is one Vietnamese line, exit 1."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.cli import main
from tests.classifier.conftest import defaults_config

ROOT = Path(__file__).resolve().parents[2]
PREVIOUS = "".join(json.dumps({"row": i, "label": "clean", "old": True}) + "\n" for i in range(2000))


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CANHGAC_CONFIG", str(defaults_config(tmp_path)))


def _input(path: Path, rows: int) -> Path:
    lines = ["text"] + [f"Tin số {i}: chuyển khoản trước {i}k phí giữ chỗ để nhận quà tri ân khách hàng ở Huế"
                        for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _others(folder: Path, *known: str) -> list[Path]:
    return [p for p in folder.iterdir() if p.name not in known]


def _writing_somewhere(folder: Path, out: Path) -> bool:
    """Scored rows reached the disk: FILE itself changed, or another file in its folder has content."""
    if out.read_text(encoding="utf-8") != PREVIOUS:
        return True
    for p in _others(folder, "in.csv", out.name):
        try:
            if p.stat().st_size > 0:
                return True
        except FileNotFoundError:
            pass
    return False


def test_ctrl_c_during_classify_keeps_the_previous_output(tmp_path: Path) -> None:
    inp = _input(tmp_path / "in.csv", 30_000)
    out = tmp_path / "out.jsonl"
    out.write_text(PREVIOUS, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CANHGAC_CONFIG"}
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "classify", "--input", str(inp), "--output", str(out)],
                            cwd=str(tmp_path), env=dict(env, PYTHONPATH=str(ROOT)), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 300  # only so a broken run cannot hang the suite
        while not _writing_somewhere(tmp_path, out):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "classify wrote nothing"
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert "Ctrl-C" in err and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == PREVIOUS  # the previous results, untouched
    assert _others(tmp_path, "in.csv", out.name) == []  # no temporary file left behind


def test_classify_replaces_the_output_whole_keeping_its_mode(tmp_path: Path) -> None:
    inp = _input(tmp_path / "in.csv", 3)
    out = tmp_path / "out.jsonl"
    out.write_text(PREVIOUS, encoding="utf-8")
    out.chmod(0o640)
    assert main(["classify", "--input", str(inp), "--output", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["row"] for r in rows] == [0, 1, 2] and all("old" not in r for r in rows)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert _others(tmp_path, "in.csv", out.name) == []


def test_classify_to_a_full_disk_is_one_vietnamese_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    inp = _input(tmp_path / "in.csv", 3)
    assert main(["classify", "--input", str(inp), "--output", "/dev/full"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "không ghi được tệp /dev/full: hết dung lượng đĩa" in err
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # a device is written to, never replaced


@pytest.mark.parametrize("target, reason", [
    ("folder", "đây là một thư mục, không phải tệp"),
    ("in.csv/out.jsonl", "không phải thư mục"),
    ("missing/out.jsonl", "không có tệp hoặc thư mục này"),
])
def test_classify_output_that_cannot_be_written(tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str,
                                                reason: str) -> None:
    inp = _input(tmp_path / "in.csv", 3)
    (tmp_path / "folder").mkdir()
    code = main(["classify", "--input", str(inp), "--output", str(tmp_path / target)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert f"không ghi được tệp {tmp_path / target}" in err and reason in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "in.csv"]
    assert list((tmp_path / "folder").iterdir()) == []
