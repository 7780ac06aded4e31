"""Two processes adding the same newly configured source at once (`sync_sources`: the daemon reloading its
configuration while `canhgac status` runs, or several crawl workers starting). On PostgreSQL the second one's
INSERT waits for the first transaction and then used to fail with UniqueViolation on sources_name_key, rolling
back its whole sync. Now the second finds the row the first added, and the first configuration is recorded once.
(SQLite has one writer at a time, BEGIN IMMEDIATE: no interleaving to test.)
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

import review.sources as sources
from review.config_sections import SourceConfig
from review.models import Source
from review.source_first_seen import first_seen
from review.store import Store

WAIT = 30.0  # a safety net only: each wait ends as soon as the other side got there

NEW = SourceConfig(name="xa-moi", kind="rss", urls=("https://xa-moi.example.vn/rss",), official=True)


def _wait_for_insert_blocked(db_url: str) -> bool:
    """True once a session of this database waits for a lock in an INSERT into sources: the second process,
    whose read did not see the first one's uncommitted row."""
    engine = create_engine(db_url)
    try:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            with engine.connect() as c:
                if c.execute(text("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                                  "AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO sources%'")).first():
                    return True
            time.sleep(0.05)
        return False
    finally:
        engine.dispose()


def test_two_processes_adding_the_same_new_source_at_once(store: Store, db_url: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE): no race to test")
    inserted, go = threading.Event(), threading.Event()
    real = sources.record_first_seen

    def record_first_seen(*args: Any, **kw: Any) -> None:  # the first process has inserted, not committed yet
        real(*args, **kw)
        if threading.current_thread().name == "first":
            inserted.set()
            go.wait(WAIT)

    monkeypatch.setattr(sources, "record_first_seen", record_first_seen)
    errors: list[BaseException] = []

    def sync() -> None:
        st = Store.open(db_url)
        try:
            st.sync_sources([NEW])
        except Exception as exc:  # noqa: BLE001 - reported by the assertions below
            errors.append(exc)
        finally:
            st.close()

    first = threading.Thread(target=sync, name="first")
    first.start()
    assert inserted.wait(WAIT)
    second = threading.Thread(target=sync, name="second")
    second.start()
    blocked = _wait_for_insert_blocked(db_url)
    go.set()
    first.join(60)
    second.join(60)
    assert blocked, "the second process never waited on the first one's row"
    assert errors == [], errors
    with store.session() as s:
        assert [(src.name, src.official) for src in s.scalars(select(Source))] == [("xa-moi", True)]
        assert list(first_seen(s)) == ["xa-moi"]
