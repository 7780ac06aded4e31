"""The year's "handled" figure reads every decision of the year (100 000 of them in a busy province): the
articles' titles and texts, megabytes each, must be read only for the few commended entries the commended
sheet lists, not for every decision. Checked on the SQL the real database receives (SQLite, and PostgreSQL
when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event

from review.store import Store
from review.yearly_decisions import handled_in
from review.yearly_period import year_window
from tests.operate.seed import add_flagged

DECIDED = datetime(2026, 3, 2, tzinfo=UTC)


@contextmanager
def _statements(store: Store) -> Iterator[list[tuple[str, Any]]]:
    """Every statement (and its parameters) sent to the database inside the block."""
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def _reads_texts(statement: str) -> bool:
    return "items.text" in statement or "items.title" in statement


def _decide(store: Store, n: int, verdict: str, category: str = "scam") -> list[int]:
    return [add_flagged(store, title=f"Bài {verdict} {i}\nnội dung dài", category=category,
                        at=datetime(2026, 3, 1, tzinfo=UTC), verdict=verdict, decided_at=DECIDED) for i in range(n)]


def test_decisions_without_a_commendation_read_no_article_text(store: Store) -> None:
    _decide(store, 5, "violation")
    _decide(store, 3, "dismiss")
    with store.session() as s, _statements(store) as seen:
        handled = handled_in(s, *year_window(2026))
    assert handled.total == 8 and handled.commended == []
    assert seen, "the decisions were read from the database"
    assert not [st for st, _ in seen if _reads_texts(st)]


def test_only_the_commended_entries_texts_are_read(store: Store) -> None:
    _decide(store, 4, "violation")
    praised = _decide(store, 2, "commend", category="positive")
    with store.session() as s, _statements(store) as seen:
        handled = handled_in(s, *year_window(2026))
    assert handled.total == 6
    assert [(r[0], r[5]) for r in handled.commended] == [(praised[0], "Bài commend 0"), (praised[1], "Bài commend 1")]
    texts = [(st, params) for st, params in seen if _reads_texts(st)]
    assert len(texts) == 1
    # the one statement that reads texts is limited to the commended entries, by their ids
    params = texts[0][1]
    values = list(params.values()) if isinstance(params, dict) else list(params)
    assert sorted(v for v in values if isinstance(v, int)) == sorted(praised)


def test_the_yearly_summary_reads_texts_only_of_the_cases_it_lists(store: Store) -> None:
    """Vụ việc nổi bật lists at most NOTABLE_MAX stories: only their texts are read, not every flagged one's."""
    from review.yearly import summarize

    listed = _decide(store, 2, "violation")
    _decide(store, 6, "dismiss")
    for i in range(4):
        add_flagged(store, title=f"Chưa xử lý {i}", category="scam", at=datetime(2026, 3, 1, tzinfo=UTC))
    with _statements(store) as seen:
        summary = summarize(store, *year_window(2026))
    assert sorted(n[0] for n in summary.notable) == sorted(listed)
    assert {n[8] for n in summary.notable} == {"Bài violation 0", "Bài violation 1"}
    texts = [params for st, params in seen if _reads_texts(st)]
    assert len(texts) == 1
    values = list(texts[0].values()) if isinstance(texts[0], dict) else list(texts[0])
    assert sorted(v for v in values if isinstance(v, int)) == sorted(listed)
