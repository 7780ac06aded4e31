"""Schema management and the store's source health, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, text

from crawler.cli import main
from review.config import SourceConfig
from review.database import _alembic_config, current_revision, head_revision, make_engine, upgrade
from review.errors import CanhgacError
from review.models import Source, SourceRun
from review.store import Store


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(_alembic_config(make_engine("sqlite://")))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_upgrade_creates_schema_on_empty_database(db_url: str) -> None:
    engine = make_engine(db_url)
    before, after = upgrade(engine)
    assert before is None and after == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {"sources", "items", "scores", "review_entries", "decisions", "audit_log", "digests_sent"} <= tables
    assert upgrade(engine) == (after, after)  # idempotent
    engine.dispose()


def test_upgrade_keeps_data_of_an_existing_database(db_url: str) -> None:
    """Data written at the first revision survives every later migration."""
    engine = make_engine(db_url)
    cfg = _alembic_config(engine)
    first = _revisions()[0]
    command.upgrade(cfg, first)
    now = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO sources (name, kind, official, locality, consecutive_failures, "
                          "items_last_run, items_total) VALUES ('bao-tinh', 'rss', true, 'Nghệ An', 0, 0, 0)"))
        conn.execute(text("INSERT INTO items (source_id, url, canonical_url, kind, title, text, fetched_at, "
                          "content_hash, locality, revision, official, extra) VALUES (1, 'https://a.vn/x', "
                          "'https://a.vn/x', 'article', 'Tiêu đề', 'Nội dung bài viết', :t, 'h1', '[]', 1, true, '{}')"),
                     {"t": now.replace(tzinfo=None) if engine.dialect.name == "sqlite" else now})
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT title FROM items")) == "Tiêu đề"
        assert conn.scalar(text("SELECT name FROM sources")) == "bao-tinh"
    engine.dispose()


def test_store_refuses_an_uninitialised_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CanhgacError, match="canhgac init"):
        Store.open(f"sqlite:///{tmp_path / 'empty.db'}")


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(f"sqlite:///{tmp_path / 'c.db'}", create=True)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.close()


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(Exception, match="(?i)foreign key"):
        with store.session() as s:
            s.add(SourceRun(source_id=999, started_at=datetime.now(UTC)))


def test_source_health_tracks_runs(store: Store) -> None:
    store.sync_sources([SourceConfig(name="bao-tinh", kind="rss", urls=("https://a.vn/rss",), official=True)])
    run = store.start_run("bao-tinh")
    store.finish_run(run, ok=False, items_new=0, message="DNS lookup failed for a.vn")
    run = store.start_run("bao-tinh")
    store.finish_run(run, ok=False, items_new=0, message="HTTP 500")
    (h,) = store.source_health()
    assert h.consecutive_failures == 2 and h.last_error == "HTTP 500" and h.last_status == "failed"
    run = store.start_run("bao-tinh")
    store.finish_run(run, ok=True, items_new=7, pages=8)
    (h,) = store.source_health()
    assert h.consecutive_failures == 0 and h.items_last_run == 7 and h.items_total == 7
    assert h.last_success_at is not None and h.last_success_at.tzinfo is not None
    # syncing again keeps the health row and updates its settings
    store.sync_sources([SourceConfig(name="bao-tinh", kind="sitemap", urls=("https://a.vn/s.xml",))])
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Source)) == 1
        assert s.scalars(select(Source)).one().kind == "sitemap"


CONFIG = """
[database]
url = "{url}"

[[sources]]
name = "bao-tinh"
kind = "rss"
urls = ["https://baotinh.example.vn/rss"]
"""


def test_cli_init_then_status_prints_a_table(db_url: str, write_config, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write_config(CONFIG.format(url=db_url))
    assert main(["--config", str(path), "status"]) == 3  # not initialised yet: cannot read (1 is a CẢNH BÁO)
    assert "canhgac init" in capsys.readouterr().err
    assert main(["--config", str(path), "init"]) == 0
    assert "Đã tạo cơ sở dữ liệu" in capsys.readouterr().out
    assert main(["--config", str(path), "init"]) == 0
    assert "đã ở phiên bản mới nhất" in capsys.readouterr().out
    assert main(["--config", str(path), "status"]) == 0
    out = capsys.readouterr().out
    assert "nguồn" in out and "bao-tinh" in out and "Hàng chờ duyệt: 0" in out


def test_status_exit_code_signals_failing_sources(db_url: str, write_config, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write_config(CONFIG.format(url=db_url) + '\n[review]\nfailure_alert = 2\n')
    assert main(["--config", str(path), "init"]) == 0
    store = Store.open(db_url)
    for _ in range(2):
        store.finish_run(store.start_run("bao-tinh"), ok=False, items_new=0, message="HTTP 503")
    store.close()
    capsys.readouterr()
    assert main(["--config", str(path), "status"]) == 1
    assert "bao-tinh" in capsys.readouterr().out.split("CẢNH BÁO")[1]
    assert main(["--config", str(path), "status", "--json"]) == 1
