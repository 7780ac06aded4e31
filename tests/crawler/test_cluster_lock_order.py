"""Two crawler workers storing batches that join the same two story clusters in opposite orders
(`review.item_writer`): each locks the clusters it joins, so they must lock them in one order, or each holds
one and waits for the other's (PostgreSQL then kills one transaction as a deadlock).

PostgreSQL only (CANHGAC_TEST_DATABASE_URL): SQLite has one writer at a time. Each worker has a `Store` of
its own, as two processes would; each pauses after its first cluster join until the other has made its
first join too, or for `WAIT` seconds when the other is rightly kept waiting.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import select

import review.item_writer as writer
from classifier.fingerprint import band_keys, minhash, signature_bytes
from review.items import NewItem
from review.models import Cluster, Item
from review.store import Store
from review.types import utcnow
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (CANHGAC_TEST_DATABASE_URL)")
WAIT = 3.0
SCAM = ("Cảnh báo thủ đoạn lừa đảo tuyển cộng tác viên bán hàng online, yêu cầu chuyển khoản đặt cọc trước rồi "
        "chiếm đoạt tiền của người lao động tại nhiều xã trong tỉnh")
FESTIVAL = ("Lễ hội hoa xuân khai mạc tại quảng trường trung tâm với nhiều hoạt động văn hoá dân gian, hát quan "
            "họ, đua thuyền và trưng bày làng nghề truyền thống của các phường")


def item(url: str, text: str) -> NewItem:
    m = minhash(text)
    return NewItem(url=url, canonical_url=url, kind="article", title="", text=text, content_hash=str(hash(text)),
                   minhash=signature_bytes(m), band_keys=band_keys(m))


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_batches_joining_two_stories_in_opposite_orders_do_not_deadlock(store: Store, db_url: str,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Story X has pages a and d, story Y pages b and c. Worker 1 stores new revisions of a then b (joining X
    then Y), worker 2 of c then d (Y then X): no page and no new page's band key in common, so nothing else
    keeps them apart. Before the fix each locked its first cluster, then waited for the other's: one of them
    failed with a deadlock (its batch rolled back, retried by the store). Now both lock X and Y in id order:
    the second waits for the first's commit and neither fails."""
    a, b, c, d = (f"https://tin-{n}.vn/bai.html" for n in "abcd")
    first = store.add_items([item(a, SCAM), item(b, FESTIVAL), item(c, "Tin lại: " + FESTIVAL),
                             item(d, "Tin lại: " + SCAM)])
    assert first[0].cluster_id == first[3].cluster_id != first[1].cluster_id == first[2].cluster_id

    joined = {"1": threading.Event(), "2": threading.Event()}
    waited: dict[str, bool] = {}
    real_join = writer._join

    def pausing_join(*args: Any, **kw: Any) -> bool:
        out = real_join(*args, **kw)
        me = threading.current_thread().name
        if me in joined and not joined[me].is_set():
            joined[me].set()
            other = "2" if me == "1" else "1"
            waited[me] = not joined[other].wait(WAIT)
        return out

    monkeypatch.setattr(writer, "_join", pausing_join)
    batches = {"1": [item(a, SCAM + " Cập nhật."), item(b, FESTIVAL + " Cập nhật.")],
               "2": [item(c, "Tin lại: " + FESTIVAL + " Cập nhật."), item(d, "Tin lại: " + SCAM + " Cập nhật.")]}
    results: dict[str, Any] = {}

    def run(me: str) -> None:
        st = Store.open(db_url)
        try:
            with st.session() as s:  # the writer itself, without the store's retry: a deadlock shows
                results[me] = writer.add_items(s.connection(), batches[me], utcnow())
        except Exception as exc:  # noqa: BLE001 - reported by the assertions
            results[me] = exc
        finally:
            st.close()

    threads = [threading.Thread(target=run, name=me, args=(me,)) for me in ("1", "2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not any(t.is_alive() for t in threads)
    assert not any(isinstance(r, BaseException) for r in results.values()), results
    assert sorted(waited.values()) == [False, True]  # one worker waited for the other's commit
    with store.session() as s:
        sizes = dict(s.execute(select(Cluster.id, Cluster.size)).all())
        clusters = dict(s.execute(select(Item.canonical_url, Item.cluster_id).where(Item.revision == 2)).all())
    assert clusters[a] == clusters[d] == first[0].cluster_id and clusters[b] == clusters[c] == first[1].cluster_id
    assert sizes == {first[0].cluster_id: 2, first[1].cluster_id: 2}
