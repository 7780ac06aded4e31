"""`crawler.daemon.run_job` (what APScheduler calls for every job): a job failing because the database is out of
reach is logged on one line and returns (the job runs again at its next time); any other error — a bug, a missing
column, a statement timeout — goes on to APScheduler, which logs it with its traceback. Real databases: the
SQLite file and, when configured, PostgreSQL; a PostgreSQL nobody listens on (port 1) for a refused connection."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

import crawler.daemon as daemon
from crawler.jobs import JOBS
from review.config import parse_config
from review.store import Store

NOBODY = "postgresql+psycopg://postgres@127.0.0.1:1/canhgac?connect_timeout=5"


def _run(monkeypatch: pytest.MonkeyPatch, db_url: str, job: Any) -> None:
    monkeypatch.setitem(JOBS, "thu", job)
    daemon.run_job(parse_config(f'[database]\nurl = "{db_url}"\n', "test.toml"), "thu", "nguon-a")


def _errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "canhgac.daemon" and r.levelno >= logging.ERROR]


def test_a_bug_keeps_its_traceback(monkeypatch: pytest.MonkeyPatch, store: Store, db_url: str) -> None:
    def job(cfg: Any, st: Store, *args: str) -> None:
        raise ValueError("lỗi lập trình")

    with pytest.raises(ValueError, match="lỗi lập trình"):
        _run(monkeypatch, db_url, job)


def test_a_missing_column_is_no_outage(monkeypatch: pytest.MonkeyPatch, store: Store, db_url: str,
                                       caplog: pytest.LogCaptureFixture) -> None:
    """An OperationalError on SQLite, a ProgrammingError on PostgreSQL: a bug either way, never "out of reach"."""
    def job(cfg: Any, st: Store, *args: str) -> None:
        with st.engine.connect() as conn:
            conn.execute(text("SELECT khong_co_cot FROM sources"))

    with pytest.raises(Exception, match="khong_co_cot"):
        _run(monkeypatch, db_url, job)
    assert not [r for r in _errors(caplog) if "out of reach" in r.getMessage()]


def test_a_statement_timeout_is_no_outage(monkeypatch: pytest.MonkeyPatch, store: Store, db_url: str) -> None:
    if store.dialect != "postgresql":
        pytest.skip("a statement timeout is PostgreSQL's (needs CANHGAC_TEST_DATABASE_URL)")

    def job(cfg: Any, st: Store, *args: str) -> None:
        with st.engine.connect() as conn:
            conn.execute(text("SET statement_timeout = 50"))
            conn.execute(text("SELECT pg_sleep(5)"))

    with pytest.raises(OperationalError, match="statement timeout"):
        _run(monkeypatch, db_url, job)


def test_a_store_opened_in_the_job_on_a_refused_connection_is_one_line(
        monkeypatch: pytest.MonkeyPatch, store: Store, db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    def job(cfg: Any, st: Store, *args: str) -> None:
        Store.open(NOBODY)

    caplog.set_level(logging.INFO, logger="canhgac.daemon")
    _run(monkeypatch, db_url, job)  # returns: no traceback for APScheduler
    [line] = _errors(caplog)
    said = line.getMessage()
    assert said.startswith("job thu nguon-a failed, the database out of reach") and "127.0.0.1" in said, said
    assert line.exc_info is None


def test_a_locked_sqlite_database_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Any,
                                              caplog: pytest.LogCaptureFixture) -> None:
    """A real lock, taken by another connection once the job has its store; the job's own connection gives up at
    once (busy timeout 0) instead of after 30 s."""
    url = f"sqlite:///{tmp_path / 'canhgac.db'}"
    Store.open(url, create=True).close()
    locker = sqlite3.connect(tmp_path / "canhgac.db", isolation_level=None, timeout=60)

    def job(cfg: Any, st: Store, *args: str) -> None:
        locker.execute("BEGIN EXCLUSIVE")
        with st.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA busy_timeout = 0")
            conn.execute(text("SELECT count(*) FROM sources"))

    try:
        caplog.set_level(logging.INFO, logger="canhgac.daemon")
        _run(monkeypatch, url, job)
    finally:
        if locker.in_transaction:
            locker.execute("ROLLBACK")
        locker.close()
    [line] = _errors(caplog)
    said = line.getMessage()
    assert said.startswith("job thu nguon-a failed, the database out of reach"), said
    assert "database is locked" in said and "bị khoá" in said, said
