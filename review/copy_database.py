"""Copy a whole canhgac database into another, empty one: a ward that grows from SQLite into a province's
PostgreSQL keeps its queue, decisions, audit trail, banks, feed state, runs and digest record.

Every table of `review.models` is copied in foreign-key order, in batches, primary keys kept (the audit log's
hash chain, decisions and reports refer to ids). The copy is one transaction on the target: a copy that fails or
is interrupted (Ctrl-C, the machine down, a value PostgreSQL refuses) leaves the target as empty as it was, so it
is simply run again. Before the target's transaction commits, the rows of every table are counted on both sides;
afterwards PostgreSQL's id sequences are moved past the copied ids, so new rows get new ids.

PostgreSQL refuses the NUL character (U+0000) in text, which SQLite stores (an RSS title's `&#0;` kept by crawls
of earlier versions): into PostgreSQL, NUL is removed from every text and JSON value (JSON's `\\u0000` breaks
PostgreSQL's `->>`), and the number of values changed is reported per table. The audit log's `details` are left as
they are: the hash chain covers them, and PostgreSQL's `json` type stores the escape.

Refused, before anything is written: a URL that is not sqlite:///PATH or postgresql+psycopg://... (checked as
`[database] url` is), a source file that is not a database, a source that is not at this version's schema
(`canhgac init` on it first), a target that holds rows (named by table), a target with another version's schema,
the same database twice, a source whose daemon (`canhgac run`) is running, and a source with a crawl (`canhgac
crawl`) still running (a run recorded as running whose lease is renewed; one whose process is gone is copied as
it is, and closed as killed by the next crawl).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Connection, Engine, String, Table, func, insert, inspect, make_url, select, text
from sqlalchemy.exc import ArgumentError, DatabaseError, DBAPIError, OperationalError

from review.config_toml import ConfigReader
from review.config_urls import check_db_url
from review.database import current_revision, head_revision, make_engine, unreachable, upgrade
from review.errors import CanhgacError, ConfigError, UsageError
from review.housekeeping import DAEMON_LEASE
from review.models import AuditLog, Base, Lease, Source, SourceRun
from review.sources import holder_is_gone, run_lease
from review.types import utcnow
from review.url_secrets import HIDDEN, url_shown

NUL = "\x00"  # PostgreSQL's text refuses it; removed on the way into PostgreSQL

BATCH = 2000  # rows read and written at a time: bounded memory whatever the table's size
PROGRESS_ROWS = 100_000  # a table this long is reported on its way too (item_bands: about 20 rows an item)


@dataclass(frozen=True)
class CopiedTable:
    name: str
    rows: int
    finished: bool = True  # False: the table is still being copied, `rows` so far
    nul_removed: int = 0  # values (a row's text or JSON column) from which NUL characters were removed


class CopyRefused(CanhgacError):
    """The copy was not started (or was rolled back): the message says why and what to do."""


def copy_database(source_url: str, target_url: str, *, batch: int = BATCH,
                  copied: Callable[[CopiedTable], None] | None = None) -> list[CopiedTable]:
    """Copy every table of the canhgac database at `source_url` into the one at `target_url` (created, or an
    empty one of this version; a new SQLite file is made). Returns each table and its row count (equal on both
    sides); `copied` is told of each table as it is done, and of a long one every `PROGRESS_ROWS` rows."""
    check_url("--from", source_url)
    check_url("--to", target_url)
    _refuse_same(source_url, target_url)
    if source_url.startswith("sqlite"):
        path = make_url(source_url).database or ""
        if path and path != ":memory:" and not Path(path).is_file():
            raise CopyRefused(f"không có tệp cơ sở dữ liệu nguồn {path}")
    source, target = make_engine(source_url), make_engine(target_url)
    try:
        _check_source(source)
        _prepare_target(target)
        tables = Base.metadata.sorted_tables  # parents before children: foreign keys hold at every insert
        done: list[CopiedTable] = []
        try:
            with source.connect() as read, target.begin() as write:
                if read.dialect.name == "postgresql":  # one snapshot of the source for every table and count
                    read.execution_options(isolation_level="REPEATABLE READ")
                _lock(write, tables)
                _refuse_rows(write, tables)
                strip_nul = write.dialect.name == "postgresql"
                for table in tables:
                    rows, changed = _copy_table(read, write, table, batch, copied, strip_nul)
                    done.append(CopiedTable(table.name, rows, nul_removed=changed))
                    if copied is not None:
                        copied(done[-1])
                _check_counts(read, write, tables)
                _move_sequences(write, tables)
                read.rollback()  # read only: nothing to keep
        except DBAPIError as exc:  # the connection lost, the disk full ...: the target's transaction is rolled back
            said = " ".join(str(exc.orig).split())[:500]
            raise CopyRefused(f"chép bị gián đoạn ({said}); cơ sở dữ liệu đích không bị ghi gì (cả lần chép là một "
                              "giao dịch): hãy chạy lại lệnh") from None
        return done
    finally:
        source.dispose()
        target.dispose()


def check_url(flag: str, url: str) -> None:
    """UsageError unless `url` is a database URL canhgac takes (the checks of `[database] url`, and a port that is a
    number); the message shows it with its password hidden."""
    shown = url_shown(url)
    if "://" not in url and "@" in url:  # `user:password@host/db`, the scheme forgotten: url_shown finds no password
        shown = f"{HIDDEN}@{url.rpartition('@')[2]}"
    try:
        check_db_url(ConfigReader(flag, ""), shown)
        make_url(url)
    except ConfigError as exc:
        raise UsageError(f"{flag}: {exc.reason}") from None
    except (ArgumentError, ValueError) as exc:  # `:5432x`: the port is not a number
        said = str(exc).replace(url, shown)
        raise UsageError(f"{flag}: địa chỉ cơ sở dữ liệu không hợp lệ {shown!r} (cổng phải là một số, ví dụ :5432; "
                         f"{said})") from None


def _not_a_database(engine: Engine, exc: DatabaseError, which: str) -> CopyRefused:
    """sqlite3's "file is not a database" (a compressed backup, a wrong path): a DatabaseError, not an
    OperationalError."""
    shown = url_shown(engine.url.render_as_string(hide_password=True))
    said = " ".join(str(exc.orig).split())[:300]
    return CopyRefused(f"cơ sở dữ liệu {which} {shown} không đọc được: {said} (tệp nén hay tệp khác? cần tệp SQLite "
                       "của canhgac, đã giải nén)")


def _refuse_same(source_url: str, target_url: str) -> None:
    a, b = make_url(source_url), make_url(target_url)
    if a.get_backend_name() == b.get_backend_name() == "sqlite":
        same = bool(a.database) and bool(b.database) and Path(a.database or "").resolve() == Path(b.database or "").resolve()
    else:
        same = a.set(password=None, drivername=a.get_backend_name()) == b.set(password=None, drivername=b.get_backend_name())
    if same:
        raise CopyRefused(f"nguồn và đích là cùng một cơ sở dữ liệu ({url_shown(source_url)})")


def _check_source(source: Engine) -> None:
    try:
        revision = current_revision(source)
        tables = set(inspect(source).get_table_names())
    except OperationalError as exc:
        raise unreachable(source, exc) from None
    except DatabaseError as exc:
        raise _not_a_database(source, exc, "nguồn") from None
    head = head_revision()
    shown = url_shown(source.url.render_as_string(hide_password=True))
    if revision is None:
        raise CopyRefused(f"cơ sở dữ liệu nguồn {shown} không phải cơ sở dữ liệu của canhgac"
                          + (" (chưa có bảng nào)" if not tables else " (không có bảng alembic_version)"))
    if revision != head:
        raise CopyRefused(f"cơ sở dữ liệu nguồn {shown} đang ở phiên bản {revision}, phiên bản này cần {head}: hãy "
                          "nâng cấp nó trước bằng `canhgac init` (với tệp cấu hình có [database] url trỏ tới nguồn), "
                          "rồi chép lại")
    with source.connect() as conn:
        lease = conn.execute(select(Lease.holder, Lease.expires_at).where(Lease.name == DAEMON_LEASE)).first()
    if lease is not None and lease.expires_at >= utcnow():
        raise CopyRefused(f"tiến trình nền `canhgac run` đang chạy trên cơ sở dữ liệu nguồn ({lease.holder}): hãy dừng "
                          "nó (và các lượt thu thập) trước khi chép, để bản chép không thiếu những gì ghi sau đó")
    crawling = _running_crawls(source)
    if crawling:
        raise CopyRefused(f"lượt thu thập đang chạy trên cơ sở dữ liệu nguồn ({'; '.join(crawling)}): hãy chờ nó xong "
                          "hoặc dừng nó (Ctrl-C ở `canhgac crawl`) trước khi chép, để bản chép không thiếu những gì "
                          "ghi sau đó")


def _running_crawls(source: Engine) -> list[str]:
    """`source (host:pid)` of each run recorded as running whose lease is still renewed (`canhgac crawl`, the
    daemon's crawls, scrapy-redis workers). A run whose lease expired or whose process on this host is gone is
    stale: not counted (read only: the next crawl of its source closes it as killed)."""
    now, found = utcnow(), []
    with source.connect() as conn:
        runs = conn.execute(select(SourceRun.id, Source.name).join(Source, Source.id == SourceRun.source_id)
                            .where(SourceRun.status == "running")).all()
        for run_id, name in runs:
            lease = conn.execute(select(Lease.holder, Lease.expires_at)
                                 .where(Lease.name == run_lease(run_id))).first()
            if lease is not None and lease.expires_at >= now and not holder_is_gone(lease.holder):
                found.append(f"{name} ({lease.holder})")
    return found


def _prepare_target(target: Engine) -> None:
    """An empty target gets this version's schema (its own transaction: a failed copy leaves an empty, current
    database, which a second run fills). A target with tables must be at this version."""
    shown = url_shown(target.url.render_as_string(hide_password=True))
    try:
        tables = set(inspect(target).get_table_names())
    except OperationalError as exc:
        raise unreachable(target, exc) from None
    except DatabaseError as exc:
        raise _not_a_database(target, exc, "đích") from None
    if not tables:
        upgrade(target)
        return
    revision, head = current_revision(target), head_revision()
    if revision is None:
        raise CopyRefused(f"cơ sở dữ liệu đích {shown} đã có bảng ({', '.join(sorted(tables)[:5])}...) nhưng không phải "
                          "của canhgac: hãy chép vào một cơ sở dữ liệu mới, trống")
    if revision != head:
        raise CopyRefused(f"cơ sở dữ liệu đích {shown} đang ở phiên bản {revision}, cần {head}: hãy xoá và tạo lại nó "
                          "trống (xem docs/deploy.md), rồi chép lại")


def _lock(write: Connection, tables: list[Table]) -> None:
    """PostgreSQL: no other process writes the target while the copy runs (SQLite: BEGIN IMMEDIATE did)."""
    if write.dialect.name == "postgresql":
        names = ", ".join(write.dialect.identifier_preparer.quote(t.name) for t in tables)
        write.exec_driver_sql(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE")


def _refuse_rows(write: Connection, tables: list[Table]) -> None:
    for table in tables:
        if write.execute(select(1).select_from(table).limit(1)).first() is None:
            continue
        rows = write.execute(select(func.count()).select_from(table)).scalar_one()
        shown = url_shown(write.engine.url.render_as_string(hide_password=True))
        hint = (" (có lẽ `canhgac init` hoặc lệnh khác đã chạy với cơ sở dữ liệu này và ghi danh sách nguồn)"
                if table.name == "sources" else "")
        raise CopyRefused(f"cơ sở dữ liệu đích {shown} đã có dữ liệu: bảng {table.name} có {rows} dòng{hint}. Chỉ chép "
                          "vào cơ sở dữ liệu trống: hãy xoá và tạo lại nó (PostgreSQL: `dropdb TÊN && createdb --owner "
                          "NGƯỜI_DÙNG --encoding UTF8 TÊN`, xem docs/deploy.md), rồi chép lại")


def _copy_table(read: Connection, write: Connection, table: Table, batch: int,
                copied: Callable[[CopiedTable], None] | None, strip_nul: bool = False) -> tuple[int, int]:
    """All rows of `table`, in primary-key order, `batch` at a time; values go through the column types both ways
    (UTC datetimes, JSON), so what is written is what the product wrote. Returns the rows, and how many values
    had NUL removed (`strip_nul`: the target is PostgreSQL)."""
    rows = changed = 0
    columns = _nul_columns(table) if strip_nul else []
    result = read.execute(select(table).order_by(*table.primary_key.columns).execution_options(yield_per=batch))
    try:
        for part in result.partitions():
            values = [dict(row._mapping) for row in part]
            for row in values:
                for name in columns:
                    value = row[name]
                    if value is not None and (cleaned := _without_nul(value)) != value:
                        row[name] = cleaned
                        changed += 1
            try:
                write.execute(insert(table), values)
            except DBAPIError as exc:  # a value the target refuses (PostgreSQL checks lengths, SQLite does not)
                said = " ".join(str(exc.orig).split())[:500]
                raise CopyRefused(f"không chép được bảng {table.name} (các dòng {values[0].get('id', '')}…): {said}; "
                                  "chưa có gì được ghi vào cơ sở dữ liệu đích") from None
            rows += len(values)
            if copied is not None and rows // PROGRESS_ROWS > (rows - len(values)) // PROGRESS_ROWS:
                copied(CopiedTable(table.name, rows, finished=False, nul_removed=changed))
    finally:
        # Ctrl-C while SQLAlchemy fetched invalidated (closed) the source's connection: closing the result then
        # would log sqlite3's "Cannot operate on a closed database" traceback above the "đã dừng" line
        if not read.invalidated:
            result.close()
    return rows, changed


def _nul_columns(table: Table) -> list[str]:
    """The text and JSON columns of `table`; not the audit log's details, which its hash chain covers."""
    return [c.name for c in table.columns if isinstance(c.type, String | JSON)
            and not (table.name == AuditLog.__tablename__ and c.name == "details")]


def _without_nul(value: Any) -> Any:
    """`value` (text, or JSON: dicts, lists, texts, numbers) with every NUL character removed."""
    if isinstance(value, str):
        return value.replace(NUL, "")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    return value


def _check_counts(read: Connection, write: Connection, tables: list[Table]) -> None:
    for table in tables:
        had = read.execute(select(func.count()).select_from(table)).scalar_one()
        has = write.execute(select(func.count()).select_from(table)).scalar_one()
        if had != has:
            raise CopyRefused(f"bảng {table.name}: nguồn có {had} dòng nhưng đích có {has} (nguồn bị ghi trong lúc chép?): "
                              "đã huỷ, chưa có gì được ghi vào cơ sở dữ liệu đích; hãy dừng mọi tiến trình canhgac rồi "
                              "chép lại")


def _move_sequences(write: Connection, tables: list[Table]) -> None:
    """PostgreSQL: each id sequence past the largest copied id (inserts with explicit ids do not advance it)."""
    if write.dialect.name != "postgresql":
        return  # SQLite gives max(rowid) + 1
    for table in tables:
        for column in table.primary_key.columns:
            sequence = write.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                     {"t": table.name, "c": column.name}).scalar()
            if sequence is None:
                continue
            largest = write.execute(select(func.max(column))).scalar()
            write.execute(text("SELECT setval(:s, :v, :called)"),
                          {"s": sequence, "v": largest if largest is not None else 1, "called": largest is not None})
