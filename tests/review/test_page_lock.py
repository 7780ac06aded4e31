"""A crawl and a citizen report of the same page, at the same moment, open one review entry between them.

Both paths take the same per-page lock (`review.page_locks`) before they read what is stored under the URL,
so whichever comes second sees the first one's item and entry: a report joins the crawled page's entry; a
crawled page whose content was reported is stored as a revision of the report and opens no entry of its
own. Real threads on a real database file (SQLite), and on PostgreSQL when CANHGAC_TEST_DATABASE_URL is
set; each thread has its own `Store`, as two processes would.

The race is made to happen rather than hoped for: the first writer stops right after its read, inside its
transaction, until the second writer has committed (or for `WAIT` seconds, when the second is rightly kept
waiting by the lock).
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from sqlalchemy import select

import review.citizen as citizen
import review.item_writer as writer
from classifier.fingerprint import band_keys, minhash, signature_bytes
from crawler.items import ARTICLE, REPORT, CollectedItem
from crawler.pipelines.normalize import NormalizeStage
from crawler.pipelines.store import to_scored_item
from review.citizen import JOINED, NEW, file_report
from review.models import DECIDED, Item, ReviewEntry
from review.scoring import ScoredItem
from review.store import Store
from tests.review.factory import FakeResult
from tests.review.race import race

URL = "https://dien-dan.vn/bai/dau-tu-tien-ao-lai-30.html"
TITLE = "Đầu tư tiền ảo lãi 30% mỗi tháng"
TEXT = "Đầu tư tiền ảo lãi cố định 30% mỗi tháng, chuyển khoản trước để giữ suất, liên hệ Zalo 0912345678."
SCAM = FakeResult({"scam": 0.93, "misinformation": 0.2}, ("scam",))


def _prepared(item: CollectedItem) -> ScoredItem:
    """What the crawler's pipeline hands the store: normalised, fingerprinted, scored."""
    item = NormalizeStage().process_item(item)
    m = minhash(f"{item.title}\n{item.text}")
    item.minhash, item.band_keys, item.score = signature_bytes(m), band_keys(m), SCAM
    return to_scored_item(item)


def crawled() -> ScoredItem:
    return _prepared(CollectedItem(url=URL, kind=ARTICLE, title=TITLE, text=TEXT, source_name=None))


def reported() -> ScoredItem:
    """A citizen's report of URL, fetched (its page downloaded: `raw_hash`), as `canhgac report URL` stores it. (A
    report pasted with the link has no `raw_hash`: a crawl of that page joins it by place, `review.report_match`.)"""
    return _prepared(CollectedItem(url=URL, kind=REPORT, title=TITLE, text=TEXT, raw_hash=hashlib.sha256(b"page").hexdigest(),
                                   extra={"note": "bị lừa mất 20 triệu", "reporter": "Nguyễn Văn A",
                                          "reported": True}))


def _entries(store: Store) -> list[tuple[int, int, str, bool]]:
    """(entry id, item id, status, is_report) of every entry of the page."""
    with store.session() as s:
        return [tuple(r) for r in s.execute(  # type: ignore[misc]
            select(ReviewEntry.id, ReviewEntry.item_id, ReviewEntry.status, ReviewEntry.is_report)
            .join(Item, Item.id == ReviewEntry.item_id).where(Item.canonical_url == URL).order_by(ReviewEntry.id))]


def _race(db_url: str, monkeypatch: pytest.MonkeyPatch, first: str) -> dict[str, Any]:
    """The report of the page and its crawl; the report pauses after "is this page stored?", the crawl after
    "what is stored under the URL?" (tests/review/race.py)."""
    return race(db_url, monkeypatch, first,
                {"report": lambda st: file_report(st, reported(), actor="lan"),
                 "crawl": lambda st: st.add_scored_items([crawled()])[0]},
                {"report": (citizen, "_matching_entry"), "crawl": (writer, "_stored_rows")})


def test_a_crawl_racing_a_report_of_the_same_page_joins_the_report(store: Store, db_url: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The report has found nothing stored and is about to store the page when the crawl of it arrives:
    before the fix the crawl stored the page with an entry of its own, and (PostgreSQL) the report then
    stored its item as the next revision with a second entry; now the crawl waits, then sees the report."""
    out = _race(db_url, monkeypatch, first="report")
    entries = _entries(store)
    assert len([e for e in entries if e[2] != DECIDED]) == 1, entries
    [(entry_id, item_id, status, is_report)] = entries
    filed, crawl = out["report"], out["crawl"]
    assert filed.outcome == NEW and filed.entry_id == entry_id and filed.item_id == item_id and is_report
    assert crawl.created and crawl.item_id != item_id and crawl.scored  # stored, as the report's next revision
    with store.session() as s:
        kinds = s.execute(select(Item.revision, Item.kind).where(Item.canonical_url == URL)
                          .order_by(Item.revision)).all()
    assert [tuple(k) for k in kinds] == [(1, REPORT), (2, ARTICLE)]
    assert out["timed_out"] == [True]  # the crawl was kept out while the report held the page


def test_a_report_racing_a_crawl_of_the_same_page_joins_the_crawl(store: Store, db_url: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The crawl has read the page as new and is about to store it when the report arrives: before the fix
    the report stored the page first and the crawl, retried, stored its own revision with a second entry;
    now the report waits, then joins the crawled page's entry."""
    out = _race(db_url, monkeypatch, first="crawl")
    entries = _entries(store)
    assert len([e for e in entries if e[2] != DECIDED]) == 1, entries
    [(entry_id, item_id, status, is_report)] = entries
    filed, crawl = out["report"], out["crawl"]
    assert crawl.created and crawl.item_id == item_id and crawl.revision == 1
    assert filed.outcome == JOINED and filed.entry_id == entry_id and is_report and status == "open"
    assert out["timed_out"] == [True]


@pytest.mark.parametrize("decided", [False, True])
def test_a_crawl_after_a_report_opens_no_second_entry(store: Store, decided: bool) -> None:
    """No race at all: a page reported first and crawled later keeps the report's entry, undecided or decided
    (before the fix, the crawl opened a second entry for the same text)."""
    filed = file_report(store, reported(), actor="lan")
    assert filed.outcome == NEW and filed.entry_id is not None
    if decided:
        store.decide(filed.entry_id, "minh", "dismiss")
    [res] = store.add_scored_items([crawled()])
    assert res.created and res.revision == 2 and res.scored
    assert [e[0] for e in _entries(store)] == [filed.entry_id]
    [again] = store.add_scored_items([crawled()])  # the next crawl finds the stored revision
    assert not again.created and again.item_id == res.item_id
    assert [e[0] for e in _entries(store)] == [filed.entry_id]


def test_a_changed_page_after_a_report_opens_its_own_entry(store: Store) -> None:
    filed = file_report(store, reported(), actor="lan")
    changed = _prepared(CollectedItem(url=URL, kind=ARTICLE, title=TITLE, text=TEXT.replace("30%", "50%")))
    [res] = store.add_scored_items([changed])
    assert res.created and res.revision == 2
    assert [e[1] for e in _entries(store)] == [filed.item_id, res.item_id]


def test_a_changed_headline_after_a_report_opens_its_own_entry(store: Store) -> None:
    """The body is the same but the crawled page's headline changed since the report: a changed page (maybe
    flagged for the new headline) gets its own entry instead of hiding behind the report's, decided or not."""
    filed = file_report(store, reported(), actor="lan")
    assert filed.entry_id is not None
    store.decide(filed.entry_id, "minh", "dismiss")
    changed = _prepared(CollectedItem(url=URL, kind=ARTICLE, title="NÓNG: " + TITLE + " — rút tiền ngay", text=TEXT))
    [res] = store.add_scored_items([changed])
    assert res.created and res.revision == 2
    assert [e[1] for e in _entries(store)] == [filed.item_id, res.item_id]
