"""A file that cannot be written is the user's mistake: one line, exit 2, no traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


@pytest.mark.parametrize("args", [
    ("export", "decisions", "-o", "{missing}/a.csv"),
    ("export", "items", "--format", "jsonl", "-o", "{missing}/a.jsonl"),
    ("export", "audit", "--format", "xlsx", "-o", "{missing}/a.xlsx"),
    ("export", "summary", "--year", "2026", "-o", "{missing}/y.xlsx"),
    ("export", "decisions", "-o", "{dir}"),  # a directory, not a file
    ("digest", "--week", "2026-W47", "--preview", "{missing}/x.html"),
])
def test_unwritable_output_is_a_usage_error(store: Store, cli: CLI, tmp_path: Path, args: tuple[str, ...]) -> None:
    flagged(store, "Chuyển khoản ngay nhận quà", "scam", 0.9)
    argv = [a.format(missing=tmp_path / "no-such-dir", dir=tmp_path) for a in args]
    code, _, err = cli(*argv)
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and str(tmp_path) in err
