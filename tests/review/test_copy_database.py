"""`canhgac copy-database`: a ward's SQLite database copied into PostgreSQL (and into another SQLite file) keeps its
queue, decisions, audit chain, banks, feed state, runs and digest record, and the product works on the copy.

A real SQLite file filled through the product's own store (the factories of tests/review/factory.py, decisions,
undo, feed validators, runs, digests) plus a few thousand bulk entries, so tables cross the copy's batches; the
real PostgreSQL of CANHGAC_TEST_DATABASE_URL, in a database of the test's own, created and dropped here.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, func, make_url, select, text, update

from crawler.cli import main
from review.database import _alembic_config, make_engine
from review.models import Base, Cluster, Decision, ItemBand, Lease, Source
from review.store import Store
from review.types import utcnow
from review.vi import VN_TZ
from tests.conftest import PG_URL
from tests.review.factory import add_item, bulk_entries, config_file, flagged

BULK = 4500  # items, entries and flags: more than two batches of the copy


def _ward(path: Path) -> str:
    """A ward's SQLite database as the product leaves it after some weeks: every table has rows."""
    url = f"sqlite:///{path}"
    store = Store.open(url, create=True)
    try:
        entries = [flagged(store, f"Lừa đảo trúng thưởng số {i}, chuyển khoản phí nhận quà", source="so-vhttdl")
                   for i in range(12)]
        entries += [flagged(store, f"Tin đồn sai sự thật về dịch bệnh ở phường {i}", category="misinformation",
                            source="bao-phuong") for i in range(8)]
        store.decide(entries[0], "lan", "violation", note="đã báo công an phường")
        store.decide(entries[1], "lan", "dismiss")
        store.decide(entries[12], "minh", "violation", category="misinformation")
        store.decide(entries[13], "minh", "dismiss")
        store.undo(entries[13], "minh", "nhầm, xem lại")
        store.save_feed_validators("https://sovhttdl.example.vn/rss", '"etag-1"', "Sat, 05 Dec 2026 10:00:00 GMT")
        store.save_entry_hash("entry:so-vhttdl|https://sovhttdl.example.vn/tin/1", "a" * 64)
        run = store.start_run("so-vhttdl")
        store.finish_run(run, ok=True, items_new=12, pages=14)
        store.plan_digest("2026-W48", ["lanh.dao@phuong.example.vn"])
        store.sync_thresholds("lan", {"scam": 0.7})
        now = utcnow()
        with store.session() as s:
            cluster = Cluster(size=2, sources=2, first_seen_at=now, last_seen_at=now)
            s.add(cluster)
            s.flush()
            s.add(Lease(name="daemon", holder="may-phuong:4242", acquired_at=now - timedelta(days=1),
                        expires_at=now - timedelta(hours=23)))  # the daemon stopped for the move
        for n in range(2):  # two copies of one story, with their LSH bands
            item_id = add_item(store, f"Bản sao {n} của một tin", source="bao-phuong", cluster_id=cluster.id)
            with store.session() as s:
                s.add(ItemBand(item_id=item_id, band_key=f"b{n:02d}-cum"))
        bulk_entries(store, BULK)
        with store.engine.connect() as conn:
            empty = [t.name for t in Base.metadata.sorted_tables
                     if not conn.execute(select(func.count()).select_from(t)).scalar()]
        assert empty == [], empty  # the copy is tested on every table
    finally:
        store.close()
    return url


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database of the test's own (dropped afterwards)."""
    if not PG_URL:
        pytest.skip("CANHGAC_TEST_DATABASE_URL is not set: no PostgreSQL to copy into")
    name = f"canhgac_copy_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _cli(cfg: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--config", str(cfg), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                    for t in Base.metadata.sorted_tables}
    finally:
        engine.dispose()


def _same_product(tmp_path: Path, source: str, target: str, capsys: pytest.CaptureFixture[str]) -> None:
    """What moderators and the digest see is the same on the copy; then the copy takes new work."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    old, new = config_file(tmp_path / "a", source), config_file(tmp_path / "b", target)
    week = utcnow().astimezone(VN_TZ).strftime("%G-W%V")
    for args in (("queue", "--json", "--limit", "100"), ("digest", "--week", week), ("stats",), ("audit", "verify")):
        a, b = _cli(old, capsys, *args), _cli(new, capsys, *args)
        assert a[0] == 0 and a == b, (args, a, b)
    queue = json.loads(_cli(new, capsys, "queue", "--json", "--limit", "1")[1])
    first = queue[0]["id"] if isinstance(queue, list) else queue["entries"][0]["id"]
    code, out, err = _cli(new, capsys, "decide", str(first), "--verdict", "violation", "--as", "lan")
    assert code == 0, (out, err)
    store = Store.open(target)
    try:
        entry = flagged(store, "Quảng cáo thuốc chữa bách bệnh, giá rẻ", source="so-vhttdl")  # new ids
        with store.session() as s:
            assert entry > BULK
            assert s.scalar(select(func.count()).select_from(Decision).where(Decision.entry_id == first)) == 1
            assert s.scalar(select(Source.items_total).where(Source.name == "so-vhttdl")) is not None
        assert store.verify_audit().ok
    finally:
        store.close()
    assert _cli(new, capsys, "audit", "verify")[0] == 0


def test_a_sqlite_ward_copied_into_postgresql_works_there(tmp_path: Path, pg_database: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    source = _ward(tmp_path / "phuong.db")
    code, out, err = _cli(config_file(tmp_path, source), capsys, "copy-database", "--to", pg_database)
    assert code == 0, (out, err)
    counts = _counts(source)
    assert _counts(pg_database) == counts
    for table, rows in counts.items():
        assert f"  {table}: {rows} dòng" in out, out
    assert f"Đã chép {sum(counts.values())} dòng trong {len(counts)} bảng" in out, out
    _same_product(tmp_path, source, pg_database, capsys)


def test_a_sqlite_ward_copied_into_another_sqlite_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("review.copy_database.PROGRESS_ROWS", 2000)  # long tables say how far they got
    source, target = _ward(tmp_path / "phuong.db"), f"sqlite:///{tmp_path / 'moi' / 'canhgac.db'}"
    code, out, err = _cli(config_file(tmp_path, source), capsys, "copy-database", "--from", source, "--to", target)
    assert code == 0, (out, err)
    assert "  items: 2000 dòng…\n  items: 4000 dòng…\n  items: 4522 dòng\n" in out, out
    assert _counts(target) == _counts(source)
    _same_product(tmp_path, source, target, capsys)


def test_a_target_with_rows_is_refused_naming_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _ward(tmp_path / "phuong.db")
    target = f"sqlite:///{tmp_path / 'dich.db'}"
    store = Store.open(target, create=True)
    flagged(store, "Một tin đã có ở đích", source="nguon-khac")
    store.close()
    before = _counts(target)
    code, out, err = _cli(config_file(tmp_path, source), capsys, "copy-database", "--to", target)
    assert code == 1, (out, err)
    assert "cơ sở dữ liệu đích" in err and "bảng sources có 1 dòng" in err and "trống" in err, err
    assert _counts(target) == before


def test_a_source_behind_the_current_schema_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = f"sqlite:///{tmp_path / 'cu.db'}"
    engine = make_engine(source)
    command.upgrade(_alembic_config(engine), "0006_items_longer_urls")
    engine.dispose()
    target = tmp_path / "dich.db"
    code, out, err = _cli(config_file(tmp_path, source), capsys, "copy-database", "--to", f"sqlite:///{target}")
    assert code == 1, (out, err)
    assert "phiên bản 0006_items_longer_urls" in err and "`canhgac init`" in err, err
    assert not target.exists()  # nothing made before the refusal


def test_a_copy_that_fails_midway_leaves_the_target_empty_and_runs_again(
        tmp_path: Path, pg_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A value PostgreSQL refuses in a late table (SQLite does not check lengths): the tables copied before it are
    rolled back with it; once the value is fixed, the same command copies everything."""
    source = _ward(tmp_path / "phuong.db")
    engine = make_engine(source)
    with engine.begin() as conn:
        conn.execute(update(Decision).where(Decision.id == 1).values(moderator="x" * 200))
    engine.dispose()
    cfg = config_file(tmp_path, source)
    code, out, err = _cli(cfg, capsys, "copy-database", "--to", pg_database)
    assert code == 1 and "bảng decisions" in err and "chưa có gì được ghi" in err, (out, err)
    assert "  items:" in out  # items were copied before decisions ...
    assert set(_counts(pg_database).values()) == {0}  # ... and rolled back with them
    engine = make_engine(source)
    with engine.begin() as conn:
        conn.execute(update(Decision).where(Decision.id == 1).values(moderator="lan"))
    engine.dispose()
    code, out, err = _cli(cfg, capsys, "copy-database", "--to", pg_database)
    assert code == 0, (out, err)
    assert _counts(pg_database) == _counts(source)


def test_a_source_whose_daemon_runs_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = f"sqlite:///{tmp_path / 'phuong.db'}"
    store = Store.open(source, create=True)
    flagged(store, "Lừa đảo nhận quà", source="so-vhttdl")
    now = utcnow()
    with store.session() as s:
        s.add(Lease(name="daemon", holder="may-phuong:4242", acquired_at=now, expires_at=now + timedelta(minutes=5)))
    store.close()
    target = tmp_path / "dich.db"
    code, out, err = _cli(config_file(tmp_path, source), capsys, "copy-database", "--to", f"sqlite:///{target}")
    assert code == 1 and "`canhgac run` đang chạy" in err and "may-phuong:4242" in err, (out, err)
    assert not target.exists()


def test_the_same_database_twice_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _ward(tmp_path / "phuong.db")
    before = _counts(source)
    code, out, err = _cli(config_file(tmp_path, source), capsys, "copy-database", "--to",
                          f"sqlite:///{tmp_path / '.' / 'phuong.db'}")
    assert code == 1 and "cùng một cơ sở dữ liệu" in err, (out, err)
    assert _counts(source) == before
