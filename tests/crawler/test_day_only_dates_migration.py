"""Items stored before 2026-12-04 with a day alone (00:00 UTC, shown as "07:00") move to 00:00 Vietnam time.

A database at the revision before the data migration, real SQLite file (and PostgreSQL when configured),
upgraded with the project's own `review.database.upgrade`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import select, text

from review.database import _alembic_config, current_revision, head_revision, make_engine, upgrade
from review.models import Item
from review.store import Store
from review.vi import hhmm

BEFORE = "0006_items_longer_urls"

STORED = {  # url: published_at as stored by the old crawler -> after the migration
    "https://a.vn/ngay": (datetime(2026, 12, 4, tzinfo=UTC), datetime(2026, 12, 3, 17, tzinfo=UTC)),
    "https://a.vn/dau-nam": (datetime(2026, 1, 1, tzinfo=UTC), datetime(2025, 12, 31, 17, tzinfo=UTC)),
    "https://a.vn/gio": (datetime(2026, 12, 4, 1, 15, tzinfo=UTC), datetime(2026, 12, 4, 1, 15, tzinfo=UTC)),
    "https://a.vn/giay": (datetime(2026, 12, 4, 0, 0, 1, tzinfo=UTC), datetime(2026, 12, 4, 0, 0, 1, tzinfo=UTC)),
    "https://a.vn/moi": (datetime(2026, 12, 3, 17, tzinfo=UTC), datetime(2026, 12, 3, 17, tzinfo=UTC)),
    "https://a.vn/khong-ngay": (None, None),
}


def test_day_only_dates_stored_at_utc_midnight_move_to_vietnam_midnight(db_url: str) -> None:
    engine = make_engine(db_url)
    command.upgrade(_alembic_config(engine), BEFORE)
    sqlite = engine.dialect.name == "sqlite"
    fetched = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO sources (name, kind, official, locality, consecutive_failures, "
                          "items_last_run, items_total) VALUES ('bao-tinh', 'rss', true, 'Nghệ An', 0, 0, 0)"))
        for url, (published, _) in STORED.items():
            conn.execute(text("INSERT INTO items (source_id, url, canonical_url, kind, title, text, fetched_at, "
                              "published_at, content_hash, locality, revision, official, extra) VALUES (1, :u, :u, "
                              "'article', 'Tiêu đề', 'Nội dung', :f, :p, :u, '[]', 1, true, '{}')"),
                         {"u": url, "f": fetched.replace(tzinfo=None) if sqlite else fetched,
                          "p": published.replace(tzinfo=None) if sqlite and published else published})
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()
    store = Store.open(db_url)
    try:
        with store.session() as s:
            after = {i.url: i.published_at for i in s.scalars(select(Item))}
    finally:
        store.close()
    assert after == {url: expected for url, (_, expected) in STORED.items()}, after
    assert hhmm(after["https://a.vn/ngay"], day_if_midnight=True) == "04/12/2026"  # was "04/12/2026 07:00"
