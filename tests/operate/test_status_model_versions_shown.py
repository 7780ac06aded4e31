"""The "Lưu ý" line of `canhgac status` names the model versions of the waiting entries' scores as stored in the
database (`score.model_version`, whatever card wrote them, or a database copied from elsewhere). A version holding
a newline or a terminal escape must not split the line or drive the officer's terminal: the line stays one line,
the text of the version kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.cli import main
from review.store import Store
from tests.review.factory import config_file
from tests.review.fixed_scorer import Result, queue


def test_a_stored_model_version_cannot_break_the_note(store: Store, db_url: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    queue(store, "Vay tiền nhanh không cần thế chấp", Result({"scam": 0.9}, ["scam"], "mô hình cũ\n\x1b[31mĐỎ\x07"))
    capsys.readouterr()
    code = main(["--config", str(config_file(tmp_path, db_url)), "status"])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    notes = [line for line in out.splitlines() if "mang điểm của mô hình khác" in line]
    assert len(notes) == 1, out
    assert "mô hình cũ ĐỎ: 1 mục" in notes[0] and "canhgac rescore --apply" in notes[0], notes
    assert "\x1b" not in out and "\x07" not in out, repr(out)
