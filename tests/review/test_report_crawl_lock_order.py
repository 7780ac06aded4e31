"""A citizen report of a fetched page (another URL) locks the entries it matches in id order, as a crawl scoring
stale items does (`review.stale_scores.lock_written_entries`): neither holds one the other waits for while waiting
(PostgreSQL; it deadlocked when `_matching_entry` locked them newest first). Sequenced deterministically: a third
session X holds entry a; the crawl queues on a; the report locks b then queues on a; X commits."""
from __future__ import annotations

import dataclasses
import threading
import time
from hashlib import sha256
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from classifier.fingerprint import minhash
from crawler.items import REPORT, CollectedItem
from review.citizen import NEW, _file_report, file_report
from review.store import Store
from tests.conftest import PG_URL
from tests.review.test_stale_score_join_race import (  # noqa: F401
    _prepared,
    _source,  # noqa: F401  (autouse fixture)
    crawl,
    page,
    pasted,
    store_unscored,
)

T = ("Chúc mừng quý khách đã trúng thưởng chương trình tri ân của ngân hàng. Để nhận quà trị giá 50 triệu đồng, "
     "quý khách kết bạn Zalo 0987654321 và chuyển trước phí hồ sơ 500 nghìn đồng vào tài khoản nhân viên hỗ trợ.")
T2 = T + " Hạn chót nhận quà là ngày mai, nhanh tay kẻo lỡ."  # a near copy (same scam, one sentence added)


def fetched(url: str, body: str) -> Any:
    item = _prepared(CollectedItem(url=url, kind=REPORT, title="", text=body,
                                   extra={"note": "", "reporter": "Lê Thị Hoa", "reported": True}))
    return dataclasses.replace(item, item=dataclasses.replace(item.item, raw_hash=sha256(body.encode()).hexdigest()))


def waiters(eng: Any) -> int:
    with eng.connect() as c:
        return int(c.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                 "AND wait_event_type = 'Lock'")))


@pytest.mark.skipif(not PG_URL, reason="PG only")
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("retry", [False, True])
def test_fetched_report_vs_stale_crawl(store: Store, db_url: str, retry: bool) -> None:
    print("similarity", minhash(T).jaccard(minhash(T2)) if hasattr(minhash(T), "jaccard") else "?")
    a = file_report(store, pasted(T), actor="lan")
    assert a.outcome == NEW
    store.decide(a.entry_id, "minh", "violation")
    b = file_report(store, pasted(T2), actor="lan")
    assert b.outcome == NEW and b.entry_id > a.entry_id, b  # near copy of a DECIDED entry: an entry of its own
    store.decide(b.entry_id, "minh", "violation")
    pages = [page("https://chia-se.vn/bai/1", T), page("https://chia-se.vn/bai/2", T2)]
    store_unscored(store, pages)
    report = fetched("https://lua-dao.vn/qua-tang", T)

    eng = create_engine(db_url)
    x = eng.connect()
    tx = x.begin()
    x.execute(text("SELECT id FROM review_entries WHERE id = :a FOR UPDATE"), {"a": a.entry_id})
    results: dict[str, Any] = {}

    def run(name: str, fn: Any) -> None:
        st = Store.open(db_url)
        try:
            results[name] = fn(st)
        except Exception as exc:  # noqa: BLE001
            results[name] = exc
        finally:
            st.close()

    def do_report(st: Store) -> Any:
        if retry:
            return file_report(st, report, actor="hoa")
        with st.session() as s:
            return _file_report(st, s, report, "hoa", "")

    def do_crawl(st: Store) -> Any:
        return st.add_scored_items(pages) if retry else crawl(st, pages)

    tc = threading.Thread(target=run, args=("crawl", do_crawl))
    tc.start()
    for _ in range(6000):  # 2 minutes at most: a loaded machine takes a while to open a store and get there
        if waiters(eng) >= 1:
            break
        time.sleep(0.02)
    tr = threading.Thread(target=run, args=("report", do_report))
    tr.start()
    for _ in range(6000):
        if waiters(eng) >= 2:
            break
        time.sleep(0.02)
    try:
        assert waiters(eng) >= 2
    finally:  # a failure must not leave the lock held: the next test's schema reset would wait on it for ever
        tx.commit()
        x.close()
    tc.join(300)
    tr.join(300)
    with eng.connect() as c:
        dl = c.scalar(text("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"))
    eng.dispose()
    print("results", {k: type(v).__name__ + ": " + str(v)[:120] for k, v in results.items()}, "pg deadlocks", dl)
    assert not any(isinstance(v, BaseException) for v in results.values()), results
