"""Shared fixtures: real databases (a temporary SQLite file always; PostgreSQL when
CANHGAC_TEST_DATABASE_URL is set), config files, the shared labelled data."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from review.store import Store

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
PG_URL = os.environ.get("CANHGAC_TEST_DATABASE_URL", "")

_BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])

# aiosmtpd gives a test SMTP server 5 s to start ("system is too busy" otherwise): not enough on a loaded CI machine
os.environ.setdefault("AIOSMTPD_CONTROLLER_TIMEOUT", "60")


def pytest_configure(config: pytest.Config) -> None:
    """Tests that stop `canhgac crawl` / `canhgac run` with Ctrl-C or SIGHUP need those signals to have their
    default meaning in the subprocess. A test run started in the background (`make test &`, `nohup`, a CI runner
    without a terminal) inherits SIGINT and/or SIGHUP ignored, and an ignored signal stays ignored across exec —
    which canhgac honours on purpose (`nohup canhgac crawl`). Give the test process, and so every subprocess it
    starts, the defaults back."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if signal.getsignal(signal.SIGHUP) is signal.SIG_IGN:
        signal.signal(signal.SIGHUP, signal.SIG_DFL)


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test (and every process it starts) has a home folder of its own: nothing a test runs may write into
    the real one — a citizen's report kept by `crawler.report_kept` above all. Outside `tmp_path`, so tests that
    list their folder see only what they wrote."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    return home


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=_BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL: SQLite file, and the PostgreSQL test database when configured."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'canhgac.db'}"
    _reset_postgres(PG_URL)
    return PG_URL


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store.open(db_url, create=True)
    yield s
    s.close()


@pytest.fixture
def write_config(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a canhgac.toml into the test's directory and return its path."""

    def _write(body: str, name: str = "canhgac.toml") -> Path:
        path = tmp_path / name
        path.write_text(body, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"needs the labelled data in {SHARED_DATA} (only present next to the development checkout)")
    return SHARED_DATA
