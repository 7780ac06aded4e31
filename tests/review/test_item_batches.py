"""Storing items in batches (`Store.add_items`, review.item_writer): the same rows as one by one, and two
workers storing a changed page at the same moment get revisions N+1 and N+2, never two N+1."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

import review.item_writer as writer
from classifier.fingerprint import band_keys, minhash, signature_bytes
from review.config import SourceConfig
from review.items import NewItem
from review.models import Cluster, Item
from review.store import Store
from review.types import utcnow

STORY = ("Cảnh báo thủ đoạn lừa đảo tuyển cộng tác viên bán hàng online, yêu cầu chuyển khoản đặt cọc "
         "trước rồi chiếm đoạt tiền của người lao động tại nhiều xã trong tỉnh")


def item(url: str, text: str, source: str | None = "bao-tinh") -> NewItem:
    m = minhash(text)
    return NewItem(url=url, canonical_url=url, kind="article", title="", text=text, content_hash=str(hash(text)),
                   source_name=source, minhash=signature_bytes(m), band_keys=band_keys(m))


def batch() -> list[NewItem]:
    return [
        item("https://a.vn/1", STORY),
        item("https://b.vn/1", "Chia sẻ lại: " + STORY, source="fb-nhom"),  # a repost from another source
        item("https://a.vn/2", "Lễ hội hoa xuân khai mạc tại quảng trường trung tâm với nhiều hoạt động"),
        item("https://a.vn/1", STORY + " Công an tỉnh đề nghị người dân báo tin."),  # revision 2 of the first
        item("https://b.vn/1", "Chia sẻ lại: " + STORY, source="fb-nhom"),  # the same content again
        item("https://c.vn/9", STORY + " (nguồn: báo tỉnh)", source=None),
    ]


def snapshot(store: Store) -> list[tuple[Any, ...]]:
    """Every item as (url, revision, url it supersedes, its cluster's first url, size, sources)."""
    with store.session() as s:
        items = s.scalars(select(Item).order_by(Item.id)).all()
        by_id = {i.id: i for i in items}
        clusters = {c.id: c for c in s.scalars(select(Cluster))}
        out = []
        for i in items:
            c = clusters[i.cluster_id] if i.cluster_id is not None else None
            rep = by_id[c.representative_item_id].canonical_url if c and c.representative_item_id else None
            out.append((i.canonical_url, i.revision, by_id[i.supersedes_id].canonical_url if i.supersedes_id else None,
                        rep, c.size if c else None, c.sources if c else None))
        return out


def open_store(db_url: str) -> Store:
    store = Store.open(db_url, create=True)
    store.sync_sources([SourceConfig(name="bao-tinh", kind="rss", urls=("https://a.vn/rss",)),
                        SourceConfig(name="fb-nhom", kind="html", urls=("https://b.vn/",))])
    return store


def test_a_batch_stores_what_one_by_one_would(db_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    one = open_store(db_url)
    singles = [one.add_item(n) for n in batch()]
    expected = snapshot(one)
    one.close()
    many_url = f"sqlite:///{tmp_path / 'many.db'}" if db_url.startswith("sqlite") else db_url
    if not db_url.startswith("sqlite"):  # one PostgreSQL database: start it afresh
        from tests.conftest import _reset_postgres

        _reset_postgres(db_url)
    many = open_store(many_url)
    together = many.add_items(batch())
    assert snapshot(many) == expected
    assert [(r.created, r.revision, r.cluster_size) for r in together] == \
        [(r.created, r.revision, r.cluster_size) for r in singles]
    assert together[4].item_id == together[1].item_id and not together[4].created
    assert expected[1][3:] == ("https://a.vn/1", 3, 2)  # three pages, two sources (an unsourced page adds none)
    again = many.add_items(batch())  # a second run finds every item, in its cluster as it is now
    assert [(r.item_id, r.created, r.cluster_id) for r in again] == [(r.item_id, False, r.cluster_id) for r in together]
    assert {r.cluster_size for r in again if r.cluster_id == together[0].cluster_id} == {3}
    assert snapshot(many) == expected
    many.close()


def test_one_row_per_url_and_revision(store: Store) -> None:
    row = {"url": "https://a.vn/x", "canonical_url": "https://a.vn/x", "kind": "article", "title": "", "text": "a",
           "fetched_at": utcnow(), "locality": [], "official": False, "extra": {}, "revision": 2}
    with store.session() as s:
        s.execute(insert(Item), [{**row, "content_hash": "a"}])
    with pytest.raises(IntegrityError):
        with store.session() as s:
            s.execute(insert(Item), [{**row, "content_hash": "b", "text": "b"}])


def test_a_revision_written_meanwhile_by_another_worker_is_not_duplicated(store: Store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Our read of the page's revisions predates another worker's commit of revision 2 (simulated by hiding
    it from the first read): our insert of revision 2 collides, the batch is retried, and becomes revision 3."""
    url = "https://a.vn/tin"
    first = store.add_item(item(url, "Bản tin buổi sáng: hội nghị văn hóa tỉnh khai mạc"))
    theirs = store.add_item(item(url, "Bản tin buổi sáng: hội nghị văn hóa tỉnh khai mạc và bế mạc"))
    assert theirs.revision == 2
    real, calls = writer._stored_rows, []

    def stale_first_read(conn, urls, clusters):  # type: ignore[no-untyped-def]
        stored, latest = real(conn, urls, clusters)
        calls.append(1)
        if len(calls) == 1:  # as read before the other worker committed
            stored = {k: v for k, v in stored.items() if v.id != theirs.item_id}
            latest = {u: r for u, r in latest.items() if r.id != theirs.item_id} | \
                {u: stored[k] for k in stored for u in [k[0]] if stored[k].id == first.item_id}
        return stored, latest

    monkeypatch.setattr(writer, "_stored_rows", stale_first_read)
    ours = store.add_item(item(url, "Bản tin buổi sáng: hội nghị văn hóa tỉnh khai mạc, đính chính"))
    assert len(calls) == 2 and ours.created and ours.revision == 3
    with store.session() as s:
        rows = s.execute(select(Item.revision, Item.supersedes_id).where(Item.canonical_url == url)
                         .order_by(Item.revision)).all()
    assert rows == [(1, None), (2, first.item_id), (3, theirs.item_id)]


def test_two_workers_storing_a_changed_page_at_once(db_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL, for real: the first worker reads revision 1 and, inside its transaction, waits for the
    other to read too. The other cannot: it waits for the page's lock (`review.page_locks`) until the first
    commits revision 2, then reads that and stores revision 3, without colliding or retrying. (Without the
    lock both read revision 1 and the unique index makes the second retry, see the test above. SQLite has
    one writer at a time, so there the two cannot interleave.)"""
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE): no race to test")
    url = "https://a.vn/tin"
    seed = Store.open(db_url, create=True)
    seed.add_item(item(url, "Bản tin buổi sáng: hội nghị văn hóa tỉnh khai mạc"))
    read = threading.Condition()
    real, reads, readers = writer._stored_rows, threading.local(), []
    waited: list[str] = []

    def read_then_wait(conn, urls, clusters):  # type: ignore[no-untyped-def]
        out = real(conn, urls, clusters)
        reads.n = getattr(reads, "n", 0) + 1
        if reads.n == 1:
            with read:
                readers.append(threading.current_thread().name)
                read.notify_all()
                if len(readers) == 1 and not read.wait_for(lambda: len(readers) == 2, timeout=3):
                    waited.append(readers[0])  # the other one never got to read: the lock kept it out
        return out

    monkeypatch.setattr(writer, "_stored_rows", read_then_wait)
    results: dict[str, Any] = {}
    read_counts: dict[str, int] = {}

    def worker(name: str, text: str) -> None:
        store = Store.open(db_url)
        try:
            results[name] = store.add_item(item(url, text))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[name] = exc
        finally:
            read_counts[name] = getattr(reads, "n", 0)
            store.close()

    threads = [threading.Thread(target=worker, name=n, args=(n, f"Bản tin buổi sáng: hội nghị văn hóa, bản {n}"))
               for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not [t.name for t in threads if t.is_alive()], "a writer never finished"
    assert sorted(r.revision for r in results.values()) == [2, 3], results
    assert read_counts == {"a": 1, "b": 1}  # neither had to retry
    assert len(waited) == 1  # the first reader waited in vain while it held the page
    with seed.session() as s:
        revisions = s.scalars(select(Item.revision).where(Item.canonical_url == url).order_by(Item.revision)).all()
    assert revisions == [1, 2, 3]
    seed.close()


def test_upgrade_renumbers_revisions_that_already_collided(db_url: str) -> None:
    from alembic import command

    from review.database import _alembic_config, make_engine, upgrade

    engine = make_engine(db_url)
    command.upgrade(_alembic_config(engine), "0003_review_queue_indexes")
    row = {"url": "https://a.vn/x", "canonical_url": "https://a.vn/x", "kind": "article", "title": "",
           "fetched_at": utcnow(), "locality": [], "official": False, "extra": {}}
    with engine.begin() as conn:
        conn.execute(insert(Item), [{**row, "text": t, "content_hash": t, "revision": r}
                                    for t, r in (("a", 1), ("b", 2), ("c", 2), ("d", 3))])
    upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(Item.content_hash, Item.revision, Item.supersedes_id).order_by(Item.id)).all()
    assert [(h, r) for h, r, _ in rows] == [("a", 1), ("b", 2), ("c", 3), ("d", 4)]
    assert [p for _, _, p in rows] == [None, 1, 2, 3]
    engine.dispose()
