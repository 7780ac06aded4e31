"""Fixtures for the review tests: a store plus a config file pointing at the same database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.cli import main
from review.store import Store
from tests.review.factory import config_file


@pytest.fixture
def cfg(tmp_path: Path, db_url: str, store: Store) -> Path:
    return config_file(tmp_path, db_url)


@pytest.fixture
def cli(cfg: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run `canhgac --config cfg ARGS...`; returns (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["--config", str(cfg), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run
