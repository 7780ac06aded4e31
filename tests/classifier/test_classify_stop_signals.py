"""`classify --output FILE` stopped by SIGTERM or SIGHUP (`timeout`, systemd, the terminal closed) leaves the
previous FILE and no temporary file behind, as Ctrl-C does: the signal used to end the process at once, leaving
a hidden `.FILE.xxxx.tmp` of partial results beside FILE."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PREVIOUS = "".join(json.dumps({"row": i, "label": "clean", "old": True}) + "\n" for i in range(100))


def _others(folder: Path, *known: str) -> list[Path]:
    return [p for p in folder.iterdir() if p.name not in known]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_stop_signal_during_classify_keeps_the_previous_output(tmp_path: Path, sig: signal.Signals) -> None:
    inp = tmp_path / "in.csv"
    inp.write_text("text\n" + "".join(f"Tin số {i}: chuyển khoản trước {i}k phí giữ chỗ để nhận quà ở Huế\n"
                                      for i in range(30_000)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text(PREVIOUS, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CANHGAC_CONFIG"}
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "classify", "--input", str(inp), "--output", str(out)],
                            cwd=str(tmp_path), env=dict(env, PYTHONPATH=str(ROOT)), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300  # only so a broken run cannot hang the suite
        while not any(p.stat().st_size > 0 for p in _others(tmp_path, "in.csv", out.name) if p.exists()):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "classify wrote nothing"
            time.sleep(0.05)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + sig, err
    assert sig.name in err and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == PREVIOUS
    assert _others(tmp_path, "in.csv", out.name) == []  # no temporary file left behind
