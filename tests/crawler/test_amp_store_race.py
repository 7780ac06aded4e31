"""Two crawl workers store an article's AMP copy and its normal copy at the very same moment: still one item.

Each worker's store stage checks what is stored under the canonical address before its transaction
(`crawler.pipelines.store`); two workers that both check before either has committed both find nothing. The
transaction asks again after the page lock (`review.items.NewItem.other_copy`, `review.item_writer`), so the
second one to get the lock sees the first one's copy and stores nothing.

The race is made to happen: each worker stops right after its check until the other has checked too (a
barrier), then both store. Real threads, each with its own `Store` (as two processes would), on a real
database file (SQLite) and on PostgreSQL when CANHGAC_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from scrapy.exceptions import DropItem
from sqlalchemy import func, select

import crawler.pipelines.store as store_stage
from crawler.context import CrawlContext
from crawler.items import CollectedItem
from crawler.pipelines.dedupe import AmpCopies, DedupeStage
from crawler.pipelines.normalize import NormalizeStage
from crawler.pipelines.store import StoreStage, to_new_item
from review.config import parse_config
from review.models import Item, ReviewEntry
from review.store import Store
from tests.review.factory import FakeResult

AMP, NORMAL = "http://baotinh.vn/amp/xa-hoi/lua-dao-viec-nhe.html", "http://baotinh.vn/xa-hoi/lua-dao-viec-nhe.html"
AMP_HTML = "http://baotinh.vn/amphtml/xa-hoi/lua-dao-viec-nhe.html"  # AMP by its <html amp> alone, filed at NORMAL
TEXT = ("Công an tỉnh cảnh báo thủ đoạn tuyển cộng tác viên làm việc nhẹ lương cao qua mạng xã hội, yêu cầu nạp "
        "tiền trước để nhận nhiệm vụ rồi chiếm đoạt; nhiều người dân ở phường Vinh Phú đã bị lừa hàng chục triệu đồng.")
CAPTION = " Ảnh: Công an tỉnh cung cấp"  # the normal copy's page differs a little: its photo caption
SCAM = FakeResult({"scam": 0.91}, ("scam",))


def _ctx(db_url: str) -> CrawlContext:
    return CrawlContext(config=parse_config(f'[database]\nurl = "{db_url}"\n'), store=Store.open(db_url))


@pytest.fixture
def two_workers(db_url: str) -> Iterator[tuple[CrawlContext, CrawlContext]]:
    Store.open(db_url, create=True).close()
    workers = (_ctx(db_url), _ctx(db_url))
    yield workers
    for w in workers:
        w.store.close()


def _copy(url: str) -> CollectedItem:
    return CollectedItem(url=url, canonical_url=NORMAL, title="Cảnh giác lừa đảo việc nhẹ lương cao",
                         text=TEXT + (CAPTION if url == NORMAL else ""), source_name=None)


def _deduped(ctx: CrawlContext, url: str) -> CollectedItem:
    item = DedupeStage(ctx).process_batch([NormalizeStage(ctx).process_item(_copy(url))])[0]
    assert isinstance(item, CollectedItem)
    item.score = SCAM
    return item


def _pausing(barrier: threading.Barrier, real: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kw: Any) -> Any:
        out = real(*args, **kw)
        barrier.wait()  # both workers have checked what is stored before either stores
        return out
    return wrapper


def store_both_at_once(a: CrawlContext, b: CrawlContext, amp: str,
                       monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Worker `a` stores the `amp` copy, `b` the normal copy, both checking what is stored before either stores:
    each one's store stage result by address."""
    items = {amp: _deduped(a, amp), NORMAL: _deduped(b, NORMAL)}  # both pass their dedupe stage: nothing stored
    barrier = threading.Barrier(2, timeout=60)
    monkeypatch.setattr(store_stage, "stored_owners", _pausing(barrier, store_stage.stored_owners))
    results: dict[str, Any] = {}

    def work(ctx: CrawlContext, url: str) -> None:
        try:
            results[url] = StoreStage(ctx).process_batch([items[url]])[0]
        except Exception as exc:  # noqa: BLE001 - reported by the assertions below
            results[url] = exc

    threads = [threading.Thread(target=work, args=(ctx, url)) for ctx, url in ((a, amp), (b, NORMAL))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads)
    monkeypatch.undo()
    return results


@pytest.mark.parametrize("amp", [AMP, AMP_HTML])
def test_two_workers_storing_both_copies_at_once_keep_one(two_workers: tuple[CrawlContext, CrawlContext],
                                                          monkeypatch: pytest.MonkeyPatch, amp: str) -> None:
    a, b = two_workers
    results = store_both_at_once(a, b, amp, monkeypatch)
    kept = [url for url, r in results.items() if isinstance(r, CollectedItem)]
    dropped = [r for r in results.values() if isinstance(r, DropItem)]
    assert len(kept) == 1 and len(dropped) == 1, results
    other = amp if kept == [NORMAL] else NORMAL
    assert str(dropped[0]) == f"another copy of {NORMAL} was stored from {kept[0]}: {other}"
    with a.store.session() as s:
        assert s.execute(select(Item.url, Item.revision)).all() == [(kept[0], 1)]
        assert s.scalar(select(func.count()).select_from(ReviewEntry)) == 1


def _new(url: str, text: str = TEXT) -> Any:
    item = NormalizeStage().process_item(CollectedItem(url=url, canonical_url=NORMAL, title="Cảnh giác", text=text,
                                                       source_name=None))
    return to_new_item(item)


@pytest.mark.parametrize(("first", "second"), [(AMP, NORMAL), (NORMAL, AMP), (AMP_HTML, NORMAL), (NORMAL, AMP_HTML)])
def test_the_store_transaction_refuses_the_other_copy(store: Store, first: str, second: str) -> None:
    """What the transaction does once the page lock is held (no store stage in front of it): the other copy is
    not stored, in a later batch or later in the same batch; the owner's own edit is a revision. A page AMP by
    its `<html amp>` at an address that does not look AMP (`AMP_HTML`) is told by where it is filed."""
    owner = store.add_items([_new(first)])[0]
    refused = store.add_items([_new(second, TEXT + CAPTION)])[0]
    assert (refused.other_copy, refused.created, refused.item_id) == (first, False, owner.item_id)
    edited = store.add_items([_new(first, TEXT + " Cơ quan công an đã khởi tố vụ án.")])[0]
    assert (edited.other_copy, edited.created, edited.revision) == (None, True, 2)
    with store.session() as s:
        assert s.execute(select(Item.url, Item.revision).order_by(Item.id)).all() == [(first, 1), (first, 2)]


def test_one_batch_holding_both_copies_stores_the_first(store: Store) -> None:
    results = store.add_items([_new(AMP), _new(NORMAL, TEXT + CAPTION)])
    assert [(r.created, r.other_copy) for r in results] == [(True, None), (False, AMP)]
    assert store.item_count() == 1


def test_no_rule_for_an_ad_or_the_other_copys_edit() -> None:
    ad = CollectedItem(url=AMP, canonical_url=NORMAL, kind="ad", title="", text=TEXT, source_name=None)
    edit = _copy(AMP)
    edit.copy_key = "copy:http://baotinh.vn/amp/xa-hoi/lua-dao-viec-nhe.html"
    assert AmpCopies.store_rule(ad) is None and AmpCopies.store_rule(edit) is None
    rule = AmpCopies.store_rule(_copy(AMP))
    assert rule is not None and rule(NORMAL) == NORMAL and rule(AMP) is None
