"""Two crawler workers storing copies of one story under different addresses at the same moment put them in
one story cluster (`review.page_locks.lock_stories`), as one worker storing both would.

Each worker has a `Store` of its own, as two processes would; the first pauses inside its transaction right
after looking for stored copies of its page (`review.item_writer._candidates`) until the second has committed,
or for `WAIT` seconds when the second is rightly kept waiting (tests/review/race.py). Real SQLite file, and
PostgreSQL when CANHGAC_TEST_DATABASE_URL is set (where the race was: READ COMMITTED lets both miss the other).
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

import review.item_writer as writer
from classifier.fingerprint import band_keys, minhash, signature_bytes
from crawler.items import ARTICLE, CollectedItem
from crawler.pipelines.normalize import NormalizeStage
from crawler.pipelines.store import to_scored_item
from review.models import Cluster, Item, ReviewEntry
from review.page_locks import STORY_LOCK_CHUNK, story_key, story_lock_budget
from review.scoring import ScoredItem
from review.store import Store
from tests.review.factory import FakeResult
from tests.review.race import THROUGH_WAIT, WAIT, race

SCAM = FakeResult({"scam": 0.93, "misinformation": 0.2}, ("scam",))
STORY = ("Đầu tư tiền ảo lãi cố định 30% mỗi tháng, chuyển khoản trước để giữ suất, liên hệ Zalo 0912345678. "
         "Nhiều người dân trong tỉnh đã bị lừa mất hàng trăm triệu đồng khi tham gia nhóm đầu tư này trên mạng.")
FIRST = "https://dien-dan-a.vn/bai/dau-tu-tien-ao.html"
SECOND = "https://cho-tot-b.vn/tin/lai-30-moi-thang.html"


def _prepared(url: str, text: str, title: str = "Cảnh báo lừa đảo đầu tư tiền ảo") -> ScoredItem:
    """What the crawler's pipeline hands the store: normalised, fingerprinted, scored."""
    item = NormalizeStage().process_item(CollectedItem(url=url, kind=ARTICLE, title=title, text=text,
                                                       source_name=None))
    m = minhash(f"{item.title}\n{item.text}")
    item.minhash, item.band_keys, item.score = signature_bytes(m), band_keys(m), SCAM
    return to_scored_item(item)


def _other_stories(n: int) -> list[ScoredItem]:
    """`n` unrelated pages, each a story of its own (so the batch has n × 32 band keys)."""
    words = ["lễ hội", "đua thuyền", "hát xoan", "chợ phiên", "bảo tàng", "đình làng", "ca trù", "múa rối",
             "thư viện", "di tích", "làng nghề", "gốm sứ", "dệt thổ cẩm", "trống đồng", "nhà rông", "quan họ",
             "hội xuân", "văn miếu", "tranh dân gian", "áo dài"]
    return [_prepared(f"https://so-vhttdl.vn/tin/{i}.html",
                      f"Tin số {i}: {words[i % len(words)]} {words[(i * 7 + 3) % len(words)]} của phường {i} "
                      f"năm {2000 + i} thu hút {i * 37 + 11} lượt khách, ban tổ chức số {i * 13 + 5} cho biết.",
                      title=f"Bản tin văn hóa số {i}") for i in range(n)]


def _stories(store: Store) -> dict[str, tuple[int | None, int]]:
    """URL -> (its cluster id, that cluster's size), for the two copies of the story."""
    with store.session() as s:
        rows = s.execute(select(Item.canonical_url, Item.cluster_id, Cluster.size)
                         .join(Cluster, Cluster.id == Item.cluster_id)
                         .where(Item.canonical_url.in_([FIRST, SECOND]))).all()
    return {url: (cid, size) for url, cid, size in rows}


def _race(db_url: str, monkeypatch: pytest.MonkeyPatch, first: list[ScoredItem], second: list[ScoredItem],
          *, wait: float = WAIT) -> dict[str, Any]:
    """Worker "crawl" stores `first` and pauses after its look-up of stored copies; worker "report" (a second
    crawler worker here, despite race()'s name for it) then stores `second`."""
    return race(db_url, monkeypatch, "crawl",
                {"crawl": lambda st: st.add_scored_items(first),
                 "report": lambda st: st.add_scored_items(second)},
                {"crawl": (writer, "_candidates"), "report": (writer, "_candidates")}, wait=wait)


def _kept_out_on_sqlite(db_url: str) -> float:
    """The first worker's wait where the second is kept out only on SQLite (every writer waits for the one
    before): short there, generous on PostgreSQL, where the second is expected to get through meanwhile."""
    return WAIT if db_url.startswith("sqlite") else THROUGH_WAIT


def test_copies_of_one_story_stored_by_two_workers_at_once_form_one_story(store: Store, db_url: str,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Before the fix (PostgreSQL): each worker found no stored copy and opened a cluster of its own, so the
    queue showed two stories of size 1 instead of one story of two copies."""
    out = _race(db_url, monkeypatch, [_prepared(FIRST, STORY)], [_prepared(SECOND, STORY + " Theo diễn đàn B.")])
    stories = _stories(store)
    assert stories[FIRST] == stories[SECOND], stories
    assert stories[FIRST][1] == 2
    assert out["report"][0].cluster_id == out["crawl"][0].cluster_id and out["report"][0].cluster_size == 2
    assert out["timed_out"] == [True]  # the second worker waited for the first's commit
    with store.session() as s:  # each copy is flagged: its own entry, nothing twice
        entries = s.scalars(select(ReviewEntry.item_id).order_by(ReviewEntry.item_id)).all()
        items = s.scalars(select(Item.id).order_by(Item.id)).all()
    assert list(entries) == list(items) and len(items) == 2


def _over_budget(store: Store) -> int:
    """How many unrelated pages make a batch with more band keys than one transaction locks one by one."""
    if store.engine.dialect.name != "postgresql":
        return STORY_LOCK_CHUNK // 32 + 1
    with store.engine.connect() as conn:
        return story_lock_budget(conn) // 32 + 1


@pytest.mark.parametrize("pages", ["chunked", "over budget"])
def test_a_large_batch_and_a_copy_of_one_of_its_stories_form_one_story(store: Store, db_url: str, pages: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch with more band keys than one statement locks (`STORY_LOCK_CHUNK`) locks them in chunks; one
    with more than one transaction may lock one by one (`story_lock_budget`) takes the story namespace's
    single lock instead: either way a worker storing one copy meanwhile still waits for it."""
    count = STORY_LOCK_CHUNK // 32 + 1 if pages == "chunked" else _over_budget(store)
    big = [*_other_stories(count), _prepared(FIRST, STORY)]
    out = _race(db_url, monkeypatch, big, [_prepared(SECOND, STORY + " Theo diễn đàn B.")])
    stories = _stories(store)
    assert stories[FIRST] == stories[SECOND] and stories[FIRST][1] == 2, stories
    assert out["timed_out"] == [True]
    with store.session() as s:
        assert s.scalar(select(Item.id).where(Item.canonical_url == FIRST)) == out["crawl"][-1].item_id


def test_unrelated_pages_stored_at_once_do_not_wait_for_each_other(store: Store, db_url: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The story locks are per band key: a worker storing another story is not kept waiting (on SQLite every
    writer waits for the one before, BEGIN IMMEDIATE)."""
    out = _race(db_url, monkeypatch, [_prepared(FIRST, STORY)], _other_stories(1), wait=_kept_out_on_sqlite(db_url))
    assert out["timed_out"] == [db_url.startswith("sqlite")]
    assert out["crawl"][0].cluster_id != out["report"][0].cluster_id


def _story_keys(batch: list[ScoredItem]) -> set[int]:
    return {story_key(k) for p in batch for k in p.item.band_keys}


def test_two_large_batches_of_different_stories_do_not_wait_for_each_other(store: Store, db_url: str,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Before the fix (PostgreSQL): a batch of more than 16 new pages (over 512 band keys, the old
    `MAX_STORY_KEYS`, now `STORY_LOCK_CHUNK`) took the story namespace's one lock exclusively, so every
    other worker storing new pages waited for it, however unrelated: the workers of a round stored in turn."""
    pages = _other_stories(2 * (STORY_LOCK_CHUNK // 32 + 1))
    first, second = pages[::2], pages[1::2]
    assert len(_story_keys(first)) > STORY_LOCK_CHUNK and len(_story_keys(second)) > STORY_LOCK_CHUNK
    second = [p for p in second if not _story_keys([p]) & _story_keys(first)]  # no story in common
    assert len(_story_keys(second)) > STORY_LOCK_CHUNK
    out = _race(db_url, monkeypatch, first, second, wait=_kept_out_on_sqlite(db_url))
    assert out["timed_out"] == [db_url.startswith("sqlite")]
    assert len(out["crawl"]) == len(first) and len(out["report"]) == len(second)
