"""`canhgac crawl` prints a failed source's reason in full: its end is usually the fix."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

import crawler.commands
from crawler.runner import RunOutcome
from review.cli.context import Context

REASON = ("IgnoreRequest: host 127.0.0.1 is private (set [crawler] allow_private_hosts to crawl it); "
          "0 of 1 start URLs could be fetched, see the log for every request")


def test_failure_reason_is_not_cut(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def fake_run(*args: Any, **kwargs: Any) -> RunOutcome:
        return RunOutcome("demo-local", False, 0, 0, 1, REASON, 1, 0.2)

    monkeypatch.setattr(crawler.commands, "run_source", fake_run)
    out = io.StringIO()
    crawler.commands._run(Context(out=out), None, "demo-local", 60, tmp_path / "x.log", 10, {})
    assert REASON in out.getvalue() and len(REASON) > 120
