"""Counting the waiting entries another model scored (`canhgac status`, `train --activate`) reads two indexes on
SQLite, never the entries' or the scores' own rows (which hold the evidence): migration 0008. PostgreSQL's plan
does not use them, so they are made on SQLite only.

A database at the revision before, real SQLite file (and PostgreSQL when configured), upgraded with the project's
own `review.database.upgrade`; the count is checked before and after, and SQLite's plan for the very statement
`other_model_scores` sends (caught as it goes to the driver) is read back (EXPLAIN QUERY PLAN): the speed itself
is measured in scratch benchmarks, not asserted here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, inspect, text

from review.database import _alembic_config, current_revision, head_revision, make_engine, upgrade
from review.models import Base, made_on
from review.rescore_pending import SCORE_VERSION_INDEX, other_model_scores
from review.store import Store

BEFORE = "0007_items_day_only_dates"
# item n: (its score's model version, its entry's status, or None: no entry)
ROWS = {1: ("m-1", "open"), 2: ("m-1", "claimed"), 3: ("m-1", "decided"), 4: ("m-2", "open"), 5: ("m-3", "open"),
        6: ("m-1", None), 7: ("m-3", "open"), 8: ("m-3", "claimed")}


def _fill(engine, sqlite: bool) -> None:  # type: ignore[no-untyped-def]
    now = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
    at = now.replace(tzinfo=None) if sqlite else now
    with engine.begin() as conn:
        for n, (version, status) in ROWS.items():
            conn.execute(text("INSERT INTO items (id, url, canonical_url, kind, title, text, fetched_at, content_hash,"
                              " locality, revision, official, extra) VALUES (:n, :u, :u, 'article', 'Tiêu đề',"
                              " 'Nội dung', :t, :u, '[]', 1, false, '{}')"), {"n": n, "u": f"https://a.vn/{n}", "t": at})
            conn.execute(text("INSERT INTO scores (id, item_id, model_version, scores, flags, evidence, label,"
                              " created_at) VALUES (:n, :n, :v, '{}', '[]', '[]', 'scam', :t)"),
                         {"n": n, "v": version, "t": at})
            if status:
                conn.execute(text("INSERT INTO review_entries (item_id, score_id, status, priority, top_category,"
                                  " top_score, is_report, version, created_at, updated_at) VALUES (:n, :n, :s, 0.5,"
                                  " 'scam', 0.9, false, 1, :t, :t)"), {"n": n, "s": status, "t": at})


def _indexes(engine) -> set[str]:  # type: ignore[no-untyped-def]
    return {i["name"] for t in ("review_entries", "scores") for i in inspect(engine).get_indexes(t)}


def test_the_count_is_read_from_two_indexes_after_the_upgrade(db_url: str) -> None:
    engine = make_engine(db_url)
    command.upgrade(_alembic_config(engine), BEFORE)
    sqlite = engine.dialect.name == "sqlite"
    _fill(engine, sqlite)
    if sqlite:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")  # a database analysed before: the upgrade refreshes the stats
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    mine = {"ix_review_status_score", SCORE_VERSION_INDEX}
    assert _indexes(engine) & mine == (mine if sqlite else set())
    engine.dispose()
    store = Store.open(db_url)
    sent: list[tuple[str, Any]] = []

    def catch(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        sent.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", catch)
    try:
        with store.session() as s:
            found = other_model_scores(s, "m-3")
            assert (found.count, found.by_model) == (3, {"m-1": 2, "m-2": 1})
            assert other_model_scores(s, "m-1").by_model == {"m-3": 3, "m-2": 1}
        counts = [(sql, params) for sql, params in sent if "count(" in sql.lower()]
        assert len(counts) == 2, sent
        if sqlite:
            with store.engine.connect() as conn:
                plan = [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + counts[0][0], counts[0][1])]
            assert any("COVERING INDEX ix_review_status_score" in step for step in plan), plan
            assert any(f"COVERING INDEX {SCORE_VERSION_INDEX}" in step for step in plan), plan
    finally:
        event.remove(store.engine, "before_cursor_execute", catch)
        store.close()


def test_the_models_and_the_migrations_agree(db_url: str) -> None:
    """What `models.py` declares (SQLite only for these two) is what the migrations made: autogenerate sees no
    index to add or drop on either database."""
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as conn:  # as review/migrations/env.py configures it
        context = MigrationContext.configure(
            conn, opts={"include_object": lambda obj, *_: made_on(obj, conn.dialect.name)})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert [d for d in diff if d[0] in ("add_index", "remove_index")] == []


def test_an_earlier_draft_s_indexes_are_dropped_on_postgresql(db_url: str) -> None:
    """A PostgreSQL database upgraded by the first version of 0008 (which made them there too) loses them."""
    engine = make_engine(db_url)
    command.upgrade(_alembic_config(engine), BEFORE)
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE INDEX ix_review_status_score ON review_entries (status, score_id)")
            conn.exec_driver_sql(f"CREATE INDEX {SCORE_VERSION_INDEX} ON scores (id, model_version)")
    upgrade(engine)
    mine = {"ix_review_status_score", SCORE_VERSION_INDEX}
    assert _indexes(engine) & mine == (mine if engine.dialect.name == "sqlite" else set())
    engine.dispose()


def test_the_downgrade_drops_them(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    command.downgrade(_alembic_config(engine), BEFORE)
    assert not _indexes(engine) & {"ix_review_status_score", SCORE_VERSION_INDEX}
    engine.dispose()
