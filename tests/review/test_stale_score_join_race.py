"""A crawl batch scoring pages an earlier run stored unscored ("stale": scoring was off, no model then, or the run
died before scoring) while a moderator decides, or another crawl worker joins, the entries those pages touch.

`decide` (and `undo`, `claim`, a rescore batch) take their entries' row locks first and the audit lock last. The
crawl's store path (`Store.add_scored_items`) used to score its stale pages one by one: the first page joining a
citizen report's entry appended its `crawl_join` audit row (taking the audit lock), and only then did the next page
lock the entry it joins, or its own entry. A moderator holding that entry and wanting the audit lock, or a second
crawl worker holding it, then waited for each other and PostgreSQL aborted one transaction (40P01): a moderator's
verdict lost, or a crawl batch. Now the batch locks every entry it will write (id order) before the first audit row.

The race is made to happen, not hoped for: the side holding the contested entry stops until the crawl has either
appended its first audit row (the defect) or is waiting for a lock (`pg_stat_activity`; the fix: kept out before
it took the audit lock). The crawl runs without `add_scored_items`' retry, so a deadlock shows whichever
transaction PostgreSQL picks. PostgreSQL only (CANHGAC_TEST_DATABASE_URL): SQLite has one writer at a time. The
last test checks, on every backend, that such a batch still scores its stale pages and joins the reports.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from hashlib import sha256
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

import review.report_joins as report_joins
from classifier.fingerprint import band_keys, minhash, signature_bytes
from crawler.items import ARTICLE, REPORT, CollectedItem
from crawler.pipelines.normalize import NormalizeStage
from crawler.pipelines.store import to_scored_item
from review.citizen import CRAWL_JOIN, NEW, SAME_TEXT, file_report
from review.decisions import DecisionsMixin
from review.models import DECIDED, OPEN, AuditLog, ReviewEntry, Score, Source
from review.scoring import ScoredItem
from review.store import Store
from review.types import utcnow
from tests.conftest import PG_URL
from tests.review.factory import FakeResult

pg_only = pytest.mark.skipif(not PG_URL, reason="a PostgreSQL-only race (CANHGAC_TEST_DATABASE_URL): SQLite has one "
                                                "writer at a time")
SCAM = FakeResult({"scam": 0.92, "misinformation": 0.1}, ("scam",))
SOURCE = "chia-se"
LIMIT = 120.0  # seconds: a side that never gets to its step fails the test instead of hanging it (generous: a loaded machine)
TEXTS = [  # two scam messages citizens pasted; crawled pages carry them word for word
    ("Chúc mừng quý khách đã trúng thưởng chương trình tri ân của ngân hàng. Để nhận quà trị giá 50 triệu đồng, "
     "quý khách kết bạn Zalo 0987654321 và chuyển trước phí hồ sơ 500 nghìn đồng vào tài khoản nhân viên hỗ trợ."),
    ("Tuyển cộng tác viên làm việc tại nhà, mỗi ngày chỉ cần thả tim bài đăng là nhận ngay 300 nghìn đồng. "
     "Nạp trước 2 triệu đồng để kích hoạt tài khoản, rút tiền trong ngày, liên hệ Telegram @viec_nhe_luong_cao."),
]


def _prepared(item: CollectedItem, score: FakeResult | None = SCAM) -> ScoredItem:
    """What the crawler's pipeline hands the store: normalised, fingerprinted, scored (None: scoring off)."""
    item = NormalizeStage().process_item(item)
    m = minhash(f"{item.title}\n{item.text}")
    item.minhash, item.band_keys, item.score = signature_bytes(m), band_keys(m), score
    return to_scored_item(item)


def pasted(body: str) -> ScoredItem:
    """A citizen's report pasted as text, as `crawler.report.submit_report` builds it."""
    return _prepared(CollectedItem(url=f"report:text/{sha256(body.encode()).hexdigest()[:16]}", kind=REPORT,
                                   title=body[:60], text=body,
                                   extra={"note": "nhận qua tin nhắn", "reporter": "Lê Thị Hoa", "reported": True}))


def page(url: str, body: str) -> ScoredItem:
    return _prepared(CollectedItem(url=url, kind=ARTICLE, title="Chia sẻ từ người dùng", text=body,
                                   source_name=SOURCE))


def store_unscored(store: Store, pages: Sequence[ScoredItem]) -> list[int]:
    """Store the pages as a run with scoring off does (no score, no entry); their item ids."""
    out = store.add_scored_items([dataclasses.replace(p, score=None) for p in pages])
    assert all(r.created and not r.scored for r in out)
    return [r.item_id for r in out]


def reports(store: Store) -> list[int]:
    """Both messages reported by citizens: their entries' ids (ascending)."""
    ids = []
    for body in TEXTS:
        filed = file_report(store, pasted(body), actor="lan")
        assert filed.outcome == NEW and filed.entry_id is not None
        ids.append(filed.entry_id)
    assert ids == sorted(ids)
    return ids


def own_entry(store: Store, item_id: int) -> int:
    """A review entry of its own for a stored page without a score (left by an earlier score, since purged)."""
    with store.session() as s:
        entry = ReviewEntry(item_id=item_id, status=OPEN, version=1, created_at=utcnow(), updated_at=utcnow(),
                            is_report=False, top_category="scam", priority=0.0)
        s.add(entry)
        s.flush()
        return entry.id


def joins(store: Store) -> list[tuple[int | None, int, str]]:
    """(entry id, page item id, outcome) of every `crawl_join` audit row."""
    with store.session() as s:
        return sorted((e, d["item_id"], d["outcome"]) for e, d in s.execute(
            select(AuditLog.entry_id, AuditLog.details).where(AuditLog.action == CRAWL_JOIN)))


@pytest.fixture(autouse=True)
def _source(store: Store) -> None:
    with store.session() as s:
        s.add(Source(name=SOURCE, kind="rss"))


def crawl(st: Store, batch: Sequence[ScoredItem]) -> Any:
    """`add_scored_items` without its retry: a deadlock shows, whichever transaction PostgreSQL aborts."""
    with st.session() as s:
        return st._add_scored_items(s, batch, "")


class Race:
    """Threads, each with a `Store` of its own as processes would have, and the events between them: `audited`
    (by thread name) is set once that thread appended a `crawl_join` audit row, holding the audit lock."""

    def __init__(self, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
        self.db_url = db_url
        self.audited = {"crawl": threading.Event(), "crawl-1": threading.Event(), "crawl-2": threading.Event()}
        self.holding = threading.Event()
        self.steps: list[str] = []  # what the paused side saw before going on: "crawl waits" or "crawl audited"
        self.monitor = create_engine(db_url)
        real_audit = report_joins.append_audit

        def audit(*args: Any, **kw: Any) -> Any:
            row = real_audit(*args, **kw)
            me = threading.current_thread().name
            if me in self.audited:
                self.audited[me].set()
                if me == "crawl-1":  # the first worker holds the audit lock: let the second one run into it
                    self.pause_until("crawl-1", "crawl-2")
            return row

        monkeypatch.setattr(report_joins, "append_audit", audit)

    def waiting_for_a_lock(self) -> bool:
        """Whether a backend of this database (another side of the race) waits for a lock."""
        with self.monitor.connect() as conn:
            return bool(conn.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND wait_event_type = 'Lock'")))

    def pause_until(self, me: str, crawl: str) -> None:
        """Once, in thread `me`: stop until `crawl` has appended an audit row or waits for a lock."""
        if threading.current_thread().name != me or self.holding.is_set():
            return
        self.holding.set()
        for _ in range(int(LIMIT / 0.02)):
            if self.audited[crawl].is_set():
                self.steps.append("crawl audited")
                return
            if self.waiting_for_a_lock():
                self.steps.append("crawl waits")
                return
            self.audited[crawl].wait(0.02)
        raise AssertionError(f"{crawl} neither audited nor waited for a lock")

    def run(self, jobs: dict[str, Callable[[Store], Any]], after: dict[str, threading.Event]) -> dict[str, Any]:
        """Run each job in a thread of that name; a job named in `after` starts once its event is set."""
        results: dict[str, Any] = {}

        def go(who: str) -> None:
            if who in after:
                assert after[who].wait(LIMIT), f"{who}: the other side never got hold of the entry"
            st = Store.open(self.db_url)
            try:
                results[who] = jobs[who](st)
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                results[who] = exc
            finally:
                st.close()

        threads = [threading.Thread(target=go, name=who, args=(who,)) for who in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(2 * LIMIT)
        self.monitor.dispose()
        assert not any(t.is_alive() for t in threads)
        assert not any(isinstance(r, BaseException) for r in results.values()), results
        return results


def _decide_while_crawling(store: Store, db_url: str, monkeypatch: pytest.MonkeyPatch, entry_id: int,
                           batch: Sequence[ScoredItem]) -> dict[str, Any]:
    """The moderator decides `entry_id` (its row locked, the audit lock not yet) while the crawl stores `batch`."""
    race = Race(db_url, monkeypatch)
    real_record = DecisionsMixin._record_decision

    def record_decision(self: Any, *args: Any, **kw: Any) -> Any:
        race.pause_until("moderator", "crawl")
        return real_record(self, *args, **kw)

    monkeypatch.setattr(DecisionsMixin, "_record_decision", record_decision)
    out = race.run({"moderator": lambda st: st.decide(entry_id, "minh", "violation"),
                    "crawl": lambda st: crawl(st, batch)}, after={"crawl": race.holding})
    assert race.steps == ["crawl waits"]  # kept out by the entry's row lock before it took the audit lock
    assert out["moderator"].entry_id == entry_id
    assert store.verify_audit().ok
    return out


@pg_only
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("second", ["stale", "fresh"])
def test_a_batch_scoring_stale_copies_of_two_reports_while_a_moderator_decides_the_second(
        store: Store, db_url: str, monkeypatch: pytest.MonkeyPatch, second: str) -> None:
    """The first stale page joins report a, the second page (stale, or new in this batch) report b, which a
    moderator is deciding: before the fix the crawl held the audit lock (a's join) and waited for b, the moderator
    held b and waited for the audit lock; PostgreSQL aborted one, usually the moderator: the verdict was lost."""
    a, b = reports(store)
    pages = [page("https://chia-se.vn/bai/1", TEXTS[0]), page("https://chia-se.vn/bai/2", TEXTS[1])]
    stored = store_unscored(store, pages if second == "stale" else pages[:1])

    out = _decide_while_crawling(store, db_url, monkeypatch, b, pages)

    first, then = out["crawl"]
    assert first.item_id == stored[0] and not first.created and first.scored and then.scored
    assert joins(store) == [(a, first.item_id, "joined"), (b, then.item_id, "already_decided")]
    with store.session() as s:
        assert dict(s.execute(select(ReviewEntry.id, ReviewEntry.status)).all()) == {a: OPEN, b: DECIDED}


@pg_only
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_batch_scoring_a_stale_page_with_its_own_entry_while_a_moderator_decides_it(
        store: Store, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first stale page joins report a; the second has an entry of its own, which a moderator is deciding:
    before the fix the crawl held the audit lock and waited to update that entry, the moderator held it and
    waited for the audit lock."""
    a, _ = reports(store)
    pages = [page("https://chia-se.vn/bai/1", TEXTS[0]),
             page("https://tin-nhanh.vn/bai/3", "Bán thuốc giảm cân thần tốc, giảm 10 cân trong 7 ngày, không cần "
                                                "ăn kiêng, cam kết hoàn tiền, đặt hàng qua số 0911222333.")]
    joined, own = store_unscored(store, pages)
    e = own_entry(store, own)

    out = _decide_while_crawling(store, db_url, monkeypatch, e, pages)

    assert [r.scored for r in out["crawl"]] == [True, True]
    assert joins(store) == [(a, joined, "joined")]
    with store.session() as s:
        entry = s.get(ReviewEntry, e)
        assert entry is not None and entry.status == DECIDED
        assert entry.score_id == s.scalar(select(Score.id).where(Score.item_id == own))  # scored after the verdict


@pg_only
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_crawl_workers_scoring_stale_copies_of_two_reports_in_opposite_orders(
        store: Store, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two workers each store (stale) copies of both reported messages, from different sites, in opposite orders:
    before the fix the first held a and the audit lock and waited for b, the second held b (its join's UPDATE) and
    waited for the audit lock. Different pages take different page locks, so nothing else kept them apart."""
    a, b = reports(store)
    one = [page("https://chia-se.vn/bai/1", TEXTS[0]), page("https://chia-se.vn/bai/2", TEXTS[1])]
    two = [page("https://dien-dan.vn/t/2", TEXTS[1]), page("https://dien-dan.vn/t/1", TEXTS[0])]
    ids_one, ids_two = store_unscored(store, one), store_unscored(store, two)
    race = Race(db_url, monkeypatch)

    race.run({"crawl-1": lambda st: crawl(st, one), "crawl-2": lambda st: crawl(st, two)},
             after={"crawl-2": race.holding})

    assert race.steps == ["crawl waits"]
    assert joins(store) == sorted([(a, ids_one[0], "joined"), (b, ids_one[1], "joined"),
                                   (b, ids_two[0], "joined"), (a, ids_two[1], "joined")])
    assert store.verify_audit().ok


def test_a_batch_scores_its_stale_pages_and_joins_the_reports(store: Store) -> None:
    """No race (every backend): stale copies of two reports, a stale page with an entry of its own and a new copy,
    in one batch: the copies join the reports' entries (audited once each), the own entry takes the new score."""
    a, b = reports(store)
    body = "Bán thuốc giảm cân thần tốc, giảm 10 cân trong 7 ngày, cam kết hoàn tiền, đặt hàng qua số 0911222333."
    batch = [page("https://chia-se.vn/bai/2", TEXTS[1]), page("https://tin-nhanh.vn/bai/3", body),
             page("https://chia-se.vn/bai/1", TEXTS[0]), page("https://dien-dan.vn/t/1", TEXTS[0])]
    stale = store_unscored(store, batch[:3])
    e = own_entry(store, stale[1])

    out = store.add_scored_items(batch)

    assert [r.created for r in out] == [False, False, False, True] and all(r.scored for r in out)
    assert [r.item_id for r in out[:3]] == stale
    assert joins(store) == sorted([(b, stale[0], "joined"), (a, stale[2], "joined"), (a, out[3].item_id, "joined")])
    with store.session() as s:
        assert sorted(s.scalars(select(ReviewEntry.id))) == [a, b, e]  # no entry of their own for the copies
        entry = s.get(ReviewEntry, e)
        assert entry is not None and entry.status == OPEN and entry.version == 2  # its flags changed: bumped
        assert [f.category for f in entry.flags] == ["scam"]
        assert entry.score_id == s.scalar(select(Score.id).where(Score.item_id == stale[1]))
    assert {row.details["match"] for row in store.iter_audit() if row.action == CRAWL_JOIN} == {SAME_TEXT}
    again = store.add_scored_items(batch)  # a re-run: nothing new
    assert [(r.item_id, r.created, r.scored) for r in again] == [(r.item_id, False, True) for r in out]
    assert len(joins(store)) == 3
    assert store.verify_audit().ok
