"""Engine creation and schema management (Alembic) for SQLite and PostgreSQL."""

from __future__ import annotations

import os
import re
import weakref
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect, make_url
from sqlalchemy.exc import OperationalError

from review.errors import CanhgacError
from review.url_secrets import url_shown

MIGRATIONS = Path(__file__).parent / "migrations"
DEFAULT_CONNECT_TIMEOUT_S = 10  # PostgreSQL: seconds to wait for the server's answer, unless the URL says


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the settings canhgac relies on: SQLite in WAL mode with foreign keys on; PostgreSQL with a
    connect timeout (`DEFAULT_CONNECT_TIMEOUT_S` unless the URL sets `connect_timeout`)."""
    if url.startswith("sqlite"):
        path = make_url(url).database or ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # A small pool: opening a SQLite connection (and the WAL flush on close) cost ~25 ms per
        # transaction with NullPool. A forked child must not reuse the parent's connections.
        pooling = {"pool_size": 5, "max_overflow": 10} if path and path != ":memory:" else {}
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                               **pooling, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # isolation_level=None would break SQLAlchemy's transactions; pragmas go through a cursor.
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin_immediate(conn: Any) -> None:
            # Take the write lock at BEGIN: avoids SQLITE_BUSY upgrades deadlocking concurrent writers.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        # pysqlite's own transaction handling must be off for the explicit BEGIN above.
        @event.listens_for(engine, "connect")
        def _sqlite_autocommit_off(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None

        _forget_connections_after_fork(engine)
        return engine
    if "connect_timeout" not in make_url(url).query:
        # a server that accepts the connection but never answers (hung, a firewall holding it) would hang every
        # command: libpq waits for ever without it. `?connect_timeout=N` in `[database] url` is kept.
        kwargs["connect_args"] = {"connect_timeout": DEFAULT_CONNECT_TIMEOUT_S, **kwargs.get("connect_args", {})}
    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, **kwargs)
    _forget_connections_after_fork(engine)
    return engine


def _forget_connections_after_fork(engine: Engine) -> None:
    ref = weakref.ref(engine)

    def _in_child() -> None:
        eng = ref()
        if eng is not None:
            eng.dispose(close=False)

    os.register_at_fork(after_in_child=_in_child)


def _alembic_config(engine: Engine) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str | None:
    script = ScriptDirectory.from_config(_alembic_config(create_engine("sqlite://")))
    return script.get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


# libpq's words (English whatever the locale) -> what the officer should check, by `[database] url`'s parts
_CAUSES = (
    (re.compile(r'database "([^"]+)" does not exist'), "chưa có cơ sở dữ liệu {0!r} trên máy chủ (tạo bằng "
     "`createdb --owner NGƯỜI_DÙNG --encoding UTF8 {0}`, xem docs/deploy.md mục 2)"),
    (re.compile(r'role "([^"]+)" does not exist'), "chưa có người dùng {0!r} trên máy chủ PostgreSQL (tạo bằng "
     "`createuser --pwprompt {0}`)"),
    (re.compile(r"password authentication failed|no password supplied"), "sai mật khẩu hoặc chưa có mật khẩu "
     "(đặt trong ~/.pgpass hoặc biến môi trường PGPASSWORD)"),
    (re.compile(r"Connection refused|could not translate host name|timeout expired|No route to host"),
     "không có máy chủ PostgreSQL nào trả lời ở máy và cổng này (PostgreSQL chưa chạy, sai địa chỉ, hoặc "
     "tường lửa chặn)"),
    (re.compile(r"no pg_hba.conf entry"), "máy chủ PostgreSQL không cho máy này đăng nhập (xem pg_hba.conf)"),
)


def unreachable(engine: Engine, exc: OperationalError) -> CanhgacError:
    """The error a command stops with when the database of `[database] url` cannot be used: the URL (password
    hidden), what to check in Vietnamese when libpq's reason is a known one, and libpq's own words."""
    said = " ".join(str(exc.orig).split())
    why = next((text.format(*m.groups()) for pattern, text in _CAUSES if (m := pattern.search(said))), None)
    shown = url_shown(engine.url.render_as_string(hide_password=True))
    return CanhgacError(f"không kết nối được cơ sở dữ liệu ([database] url = {shown})"
                        + (f": {why}" if why else "") + f" ({said})")


def upgrade(engine: Engine) -> tuple[str | None, str | None]:
    """Create or upgrade the schema to the newest revision; returns (before, after)."""
    try:
        before = current_revision(engine)
        command.upgrade(_alembic_config(engine), "head")
    except OperationalError as exc:
        raise unreachable(engine, exc) from None
    return before, current_revision(engine)


def ensure_schema_current(engine: Engine) -> None:
    """Refuse to run against a database that `canhgac init` has not created or upgraded."""
    try:
        current = current_revision(engine)
    except OperationalError as exc:
        raise unreachable(engine, exc) from None
    head = head_revision()
    if current != head:
        tables = inspect(engine).get_table_names()
        what = ("chưa được khởi tạo cho canhgac" if not tables or current is None
                else f"đang ở phiên bản {current}, cần {head}")
        raise CanhgacError(f"cơ sở dữ liệu {what}: hãy chạy `canhgac init` trước")
