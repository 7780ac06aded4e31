"""`canhgac copy-database` given what a ward will really have: a URL typed like psql's or with a typo, a compressed
backup instead of the database, a NUL character PostgreSQL refuses, a crawl still running, Ctrl-C.

Each ends with one Vietnamese line (never a traceback) or, for NUL, with the move done and the changed values
counted. PostgreSQL: the real server of CANHGAC_TEST_DATABASE_URL, in a database of the test's own.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest
from sqlalchemy import Engine, event, select

from crawler.cli import main
from crawler.extract import clean_text
from review import copy_database as copy_module
from review.database import make_engine
from review.models import Item, Lease
from review.sources import run_lease
from review.store import Store
from review.types import utcnow
from tests.review.factory import add_item, bulk_entries, config_file, flagged
from tests.review.test_copy_database import _counts, pg_database  # noqa: F401 - the fixture


def _source(tmp_path: Path) -> str:
    source = f"sqlite:///{tmp_path / 'phuong.db'}"
    store = Store.open(source, create=True)
    flagged(store, "Lừa đảo nhận quà", source="so-vhttdl")
    store.close()
    return source


def _copy(tmp_path: Path, source: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--config", str(config_file(tmp_path, source)), "copy-database", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("target", ["postgres://canhgac:mat-khau@localhost/canhgac",  # libpq's own scheme
                                    "postgresql+psycopg://canhgac:mat-khau@localhost:5432x/canhgac",  # a typo
                                    "canhgac:mat-khau@localhost/canhgac"])  # the scheme forgotten
@pytest.mark.parametrize("flag", ["--to", "--from"])
def test_a_libpq_scheme_or_mistyped_url_is_told_in_vietnamese(tmp_path: Path, target: str, flag: str,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    source = _source(tmp_path)
    args = ("--to", target) if flag == "--to" else ("--from", target, "--to", f"sqlite:///{tmp_path / 'moi.db'}")
    code, out, err = _copy(tmp_path, source, capsys, *args)
    assert code == 2, (out, err)
    assert err.startswith(f"canhgac: {flag}: ") and err.count("\n") == 1, err  # one line, not a traceback
    assert "postgresql+psycopg://" in err and "mat-khau" not in out + err, (out, err)
    assert "cổng" in err if "5432x" in target else "cần sqlite:///PATH" in err, err
    assert out == "" and not (tmp_path / "moi.db").exists()  # refused before anything is printed or made


@pytest.mark.parametrize("side", ["--from", "--to"])
def test_a_file_that_is_not_a_database_is_told_not_a_traceback(tmp_path: Path, side: str,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A compressed backup (`canhgac.db.gz`) as either side: sqlite3's "file is not a database" (a DatabaseError,
    not the OperationalError of an unreachable database)."""
    source = _source(tmp_path)
    backup = tmp_path / "canhgac.db.gz"
    backup.write_bytes(b"\x1f\x8b\x08\x00" + b"\x00" * 200)
    other = f"sqlite:///{tmp_path / 'moi.db'}"
    ends = (f"sqlite:///{backup}", other) if side == "--from" else (source, f"sqlite:///{backup}")
    code, out, err = _copy(tmp_path, source, capsys, "--from", ends[0], "--to", ends[1])
    assert code == 1 and "canhgac.db.gz" in err and "không đọc được" in err, (out, err)
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert backup.read_bytes() == b"\x1f\x8b\x08\x00" + b"\x00" * 200


def test_a_nul_from_an_rss_title_is_removed_on_the_way_into_postgresql_and_counted(
        tmp_path: Path, pg_database: str, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    feed = b"<rss><channel><item><title>Tin &#0;n\xc3\xb3ng</title></item></channel></rss>"
    title = feedparser.parse(feed).entries[0].title  # what a feed gives: NUL included
    assert "\x00" in title and clean_text(title) == "Tin nóng"  # today's crawler drops it; older versions stored
    # it on SQLite as it was, which is what this database holds
    source = _source(tmp_path)
    store = Store.open(source, create=True)
    item_id = add_item(store, "Nội dung\x00 tin", title=title, source="so-vhttdl")
    with store.session() as s:
        item = s.get(Item, item_id)
        assert item is not None
        item.extra = {"ghi\x00chu": ["a\x00b", 1], "x": "sạch"}  # JSON too
    store.close()
    code, out, err = _copy(tmp_path, source, capsys, "--to", pg_database)
    assert code == 0, (out, err)
    assert _counts(pg_database) == _counts(source)
    assert "  items: 2 dòng (bỏ ký tự NUL (U+0000), PostgreSQL không nhận, khỏi 3 giá trị)\n" in out, out
    assert "Đã bỏ ký tự NUL (U+0000) khỏi 3 giá trị (items: 3)" in out, out
    engine = make_engine(pg_database)
    try:
        with engine.connect() as conn:
            row = conn.execute(select(Item.title, Item.text, Item.extra).where(Item.id == item_id)).one()
    finally:
        engine.dispose()
    assert tuple(row) == ("Tin nóng", "Nội dung tin", {"ghichu": ["ab", 1], "x": "sạch"})


def test_a_nul_is_kept_into_sqlite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """SQLite stores NUL: a copy into SQLite changes nothing and says nothing about it."""
    source = _source(tmp_path)
    store = Store.open(source, create=True)
    item_id = add_item(store, "Nội dung", title="Tin \x00nóng", source="so-vhttdl")
    store.close()
    target = f"sqlite:///{tmp_path / 'moi.db'}"
    code, out, err = _copy(tmp_path, source, capsys, "--to", target)
    assert code == 0 and "NUL" not in out, (out, err)
    engine = make_engine(target)
    try:
        with engine.connect() as conn:
            assert conn.execute(select(Item.title).where(Item.id == item_id)).scalar() == "Tin \x00nóng"
    finally:
        engine.dispose()


def test_a_running_crawl_is_refused_and_a_stale_one_is_not(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """`canhgac crawl` holds no daemon lease, only its run's: a run recorded as running with its lease renewed stops
    the copy; once its lease has expired (the process gone), the copy goes ahead."""
    source = _source(tmp_path)
    store = Store.open(source, create=True)
    run = store.start_run("so-vhttdl", holder="may-phuong:4343")
    store.close()
    target = tmp_path / "moi.db"
    code, out, err = _copy(tmp_path, source, capsys, "--to", f"sqlite:///{target}")
    assert code == 1 and "lượt thu thập đang chạy" in err and "so-vhttdl (may-phuong:4343)" in err, (out, err)
    assert not target.exists()
    store = Store.open(source)
    with store.session() as s:
        lease = s.get(Lease, run_lease(run))
        assert lease is not None
        lease.expires_at = utcnow() - timedelta(minutes=5)
    store.close()
    code, out, err = _copy(tmp_path, source, capsys, "--to", f"sqlite:///{target}")
    assert code == 0, (out, err)
    assert _counts(f"sqlite:///{target}") == _counts(source)


class _InterruptedCursor(sqlite3.Cursor):
    """Ctrl-C arriving while sqlite3 fetches a batch of rows (where a long copy spends its time)."""

    def fetchmany(self, size: int | None = None) -> list[Any]:
        rows = super().fetchmany(size if size is not None else self.arraysize)
        if len(rows) > 1:
            raise KeyboardInterrupt
        return rows


class _InterruptingConnection(sqlite3.Connection):
    def cursor(self, factory: Any = _InterruptedCursor) -> Any:
        return super().cursor(factory)


def test_ctrl_c_while_reading_the_source_stops_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             caplog: pytest.LogCaptureFixture,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLAlchemy closes (invalidates) a connection a KeyboardInterrupt went through; closing the copy's result on it
    afterwards logged sqlite3's "Cannot operate on a closed database" with a traceback above "đã dừng"."""
    source = _source(tmp_path)
    store = Store.open(source)
    bulk_entries(store, 50)
    store.close()
    real = copy_module.make_engine

    def make_engine_interrupting_source(url: str, **kwargs: Any) -> Engine:
        engine = real(url, **kwargs)
        if url == source:
            @event.listens_for(engine, "do_connect")
            def _factory(_dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
                cparams["factory"] = _InterruptingConnection
        return engine

    monkeypatch.setattr(copy_module, "make_engine", make_engine_interrupting_source)
    target = f"sqlite:///{tmp_path / 'moi.db'}"
    caplog.set_level(logging.WARNING)
    code, out, err = _copy(tmp_path, source, capsys, "--to", target)
    assert code == 130 and err == "canhgac: đã dừng (Ctrl-C)\n", (out, err)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert set(_counts(target).values()) == {0}  # rolled back
