"""A crawler worker's PostgreSQL connection dropped in the middle of storing a batch (the server restarted, a
failover, an administrator's pg_terminate_backend): the batch is stored on a new connection, once.

PostgreSQL only (CANHGAC_TEST_DATABASE_URL): the connection is really terminated by the server, from a second
connection, right after the batch looked for stored copies of its pages, inside its transaction.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, select, text

import review.item_writer as writer
from classifier.fingerprint import band_keys, minhash, signature_bytes
from crawler.items import ARTICLE, CollectedItem
from crawler.pipelines.normalize import NormalizeStage
from crawler.pipelines.store import to_scored_item
from review.models import FeedState, Item, ReviewEntry
from review.scoring import ScoredItem
from review.store import Store
from tests.conftest import PG_URL
from tests.review.factory import FakeResult

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (CANHGAC_TEST_DATABASE_URL)")
SCAM = FakeResult({"scam": 0.93, "misinformation": 0.2}, ("scam",))


def _prepared(n: int) -> ScoredItem:
    item = NormalizeStage().process_item(CollectedItem(
        url=f"https://so-vhttdl.vn/tin/{n}.html", kind=ARTICLE, title=f"Cảnh báo lừa đảo số {n}",
        text=f"Tin số {n}: chuyển khoản {n * 7 + 3} triệu đồng để nhận thưởng, liên hệ Zalo 09{n:08d}.",
        source_name=None, entry_url=f"https://so-vhttdl.vn/tin/{n}.html", entry_hash=f"hash-{n}"))
    m = minhash(f"{item.title}\n{item.text}")
    item.minhash, item.band_keys, item.score = signature_bytes(m), band_keys(m), SCAM
    return to_scored_item(item)


def test_a_batch_whose_connection_is_terminated_is_stored_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before the fix the batch failed with "terminating connection due to administrator command" and the
    store stage, storing its items one by one, lost the lone item of a batch of one (an error on the run, the
    page left to the next crawl); now the transaction is retried on a fresh connection."""
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    store = Store.open(PG_URL, create=True)
    real = writer._candidates
    terminated: list[int] = []

    def candidates_then_drop(conn: Connection, *args: Any, **kw: Any) -> Any:
        out = real(conn, *args, **kw)
        if not terminated:
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
            with engine.connect() as admin:
                assert admin.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar_one()
            terminated.append(pid)
        return out

    monkeypatch.setattr(writer, "_candidates", candidates_then_drop)
    try:
        [res] = store.add_scored_items([_prepared(1)])
        assert terminated and res.created and res.scored
        with store.session() as s:
            assert s.scalars(select(Item.id)).all() == [res.item_id]
            assert s.scalars(select(ReviewEntry.item_id)).all() == [res.item_id]
            assert s.scalars(select(FeedState.entry_hash)).all() == ["hash-1"]
    finally:
        store.close()
        engine.dispose()
