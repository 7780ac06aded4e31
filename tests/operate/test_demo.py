"""`canhgac demo`, the README's first command, end to end: offline, fresh database, every demo source."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from crawler.cli import main


@pytest.mark.slow
def test_demo_runs_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    code = main(["demo", "--dir", str(tmp_path), "--top", "5"])
    elapsed = time.monotonic() - started
    out = capsys.readouterr().out
    assert code == 0, out
    assert "5/5 nguồn thu thập thành công" in out
    assert "== Hàng chờ duyệt" in out and "dòng đầu" in out  # the queue table, with entries
    assert "Không có mục nào phù hợp" not in out
    assert "== Tình trạng nguồn" in out and "rao-vat-xu-nghe" in out
    previews = list(tmp_path.glob("ban-tin-*.html"))
    assert len(previews) == 1 and "data:image/png;base64," in previews[0].read_text("utf-8")
    print(f"canhgac demo took {elapsed:.1f}s")

