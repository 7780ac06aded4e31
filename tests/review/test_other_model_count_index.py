"""Counting the waiting entries another model scored (`canhgac status`, `train --activate`) reads two indexes,
never the entries' or the scores' own rows (which hold the evidence): migration 0008.

A database at the revision before, real SQLite file (and PostgreSQL when configured), upgraded with the project's
own `review.database.upgrade`; the count is checked before and after, and SQLite's plan is read back (EXPLAIN
QUERY PLAN): the speed itself is measured in scratch benchmarks, not asserted here.
"""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import inspect, text

from review.database import _alembic_config, current_revision, head_revision, make_engine, upgrade
from review.rescore_pending import OTHER_MODEL_COUNT, SCORE_VERSION_INDEX, other_model_scores
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
    indexes = {t: {i["name"] for i in inspect(engine).get_indexes(t)} for t in ("review_entries", "scores")}
    assert "ix_review_status_score" in indexes["review_entries"] and SCORE_VERSION_INDEX in indexes["scores"]
    if sqlite:
        with engine.connect() as conn:
            plan = [row[3] for row in conn.exec_driver_sql(  # sqlite3 binds the :named parameters itself
                "EXPLAIN QUERY PLAN " + OTHER_MODEL_COUNT.format(hint=f" INDEXED BY {SCORE_VERSION_INDEX}"),
                {"open": "open", "claimed": "claimed", "in_use": "m-3"})]
        assert any("COVERING INDEX ix_review_status_score" in step for step in plan), plan
        assert any(f"COVERING INDEX {SCORE_VERSION_INDEX}" in step for step in plan), plan
    engine.dispose()
    store = Store.open(db_url)
    try:
        with store.session() as s:
            found = other_model_scores(s, "m-3")
            assert (found.count, found.by_model) == (3, {"m-1": 2, "m-2": 1})
            assert other_model_scores(s, "m-1").by_model == {"m-3": 3, "m-2": 1}
    finally:
        store.close()


def test_the_downgrade_drops_them(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    command.downgrade(_alembic_config(engine), BEFORE)
    assert "ix_review_status_score" not in {i["name"] for i in inspect(engine).get_indexes("review_entries")}
    assert SCORE_VERSION_INDEX not in {i["name"] for i in inspect(engine).get_indexes("scores")}
    engine.dispose()
