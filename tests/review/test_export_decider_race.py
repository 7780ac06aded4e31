"""The items sheet of the officers' shape names who decided ("Cán bộ duyệt") and why ("Ghi chú của cán bộ"):
the standing decision's moderator and note must be read with the entry's verdict and time, in one query. They were
read in a second transaction: a decision undone and made again by another officer in between gave lan's
"vi phạm" next to minh's name and note.

The undo and the new decision are made by another session as soon as the transaction that ran the export's first
query of the entries has ended and given its connection back (SQLAlchemy events on the real engine: no part is
replaced; SQLite's BEGIN IMMEDIATE holds the write lock until then). Real database (SQLite, and PostgreSQL
when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from review.export import items
from review.export_headers import for_officers
from review.store import Store
from tests.review.export_sample import SCAM_NOTE, fill_sample

ZONE = "Asia/Ho_Chi_Minh"


def test_verdict_and_decider_come_from_one_reading(store: Store) -> None:
    ids = fill_sample(store)
    entry = ids["violation"]  # lan: violation, SCAM_NOTE
    read: list[bool] = []
    done: list[bool] = []

    def entries_read(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "review_entries.verdict" in statement:
            read.append(True)

    def meanwhile(*args: Any) -> None:
        if read and not done:
            done.append(True)
            store.undo(entry, "minh", "nhầm nhóm")
            store.decide(entry, "minh", "dismiss", category="scam", note="Không phải lừa đảo")

    export = for_officers(items(store, None, None), ZONE, "giờ Việt Nam")
    event.listen(store.engine, "after_cursor_execute", entries_read)
    event.listen(store.engine.pool, "checkin", meanwhile)
    try:
        rows = list(export.rows)
    finally:
        event.remove(store.engine, "after_cursor_execute", entries_read)
        event.remove(store.engine.pool, "checkin", meanwhile)
    assert done
    row = dict(zip(export.columns, next(r for r in rows if r[0] == entry), strict=True))
    decided = (row["Quyết định"], row["Cán bộ duyệt"], row["Ghi chú của cán bộ"])
    assert decided == ("vi phạm", "lan", SCAM_NOTE)  # as it stood when the export read it
