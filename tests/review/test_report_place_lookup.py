"""Finding the pasted reports whose link led to a page (`review.report_match.place_of`) reads an index, not the
backlog: filing a report does it once, a crawl once per batch, and a rescore once for every page it flags, so a
lookup that walked the undecided entries (the JSON field `resolved_url` has no index) made each of those cost in
proportion to the backlog (~100 ms per lookup at 300,000 entries on SQLite). The work is counted in SQLite virtual
machine instructions (deterministic, no timing): it must not grow with the number of undecided entries. The joins
themselves are also checked on PostgreSQL when CANHGAC_TEST_DATABASE_URL is set."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import insert

import review.citizen as citizen
from review.citizen import JOINED, SAME_PLACE, file_report, reported_entries
from review.models import OPEN, Item, ReviewEntry, Source
from review.store import Store
from review.types import utcnow
from tests.review.test_report_places import MESSAGE, SHORT, pasted_with_link
from tests.review.test_text_reports import BODY, PAGE, SOURCE, crawled

LANDING = "https://qua-tri-an.top/nhan?ma=7"


@pytest.fixture(autouse=True)
def _source(store: Store) -> None:
    with store.session() as s:
        s.add(Source(name=SOURCE, kind="rss"))


def _backlog(store: Store, n: int, start: int) -> None:
    """`n` undecided entries of unrelated collected pages (Core inserts: a big backlog, quickly)."""
    now = utcnow()
    items = [{"id": i, "url": f"https://x.vn/{i}", "canonical_url": f"https://x.vn/{i}", "kind": "post",
              "title": f"Tin số {i}", "text": f"Nội dung số {i}", "fetched_at": now - timedelta(minutes=i),
              "content_hash": f"h{i}", "locality": [], "revision": 1, "official": False, "extra": {}}
             for i in range(start, start + n)]
    entries = [{"id": i, "item_id": i, "status": OPEN, "top_category": "scam", "top_score": 0.9, "priority": 1.0,
                "source_name": SOURCE, "is_report": False, "version": 1, "created_at": now, "updated_at": now}
               for i in range(start, start + n)]
    with store.session() as s:
        s.execute(insert(Item), items)
        s.execute(insert(ReviewEntry), entries)


def _steps(store: Store, work: Callable[..., object]) -> int:
    """SQLite VM instructions (in hundreds) that `work(session)` runs."""
    count = [0]

    def tick() -> int:
        count[0] += 1
        return 0

    with store.session() as s:
        raw = s.connection().connection.dbapi_connection
        raw.set_progress_handler(tick, 100)  # type: ignore[union-attr]
        try:
            work(s)
        finally:
            raw.set_progress_handler(None, 100)  # type: ignore[union-attr]
    return count[0]


def test_the_place_lookups_do_not_walk_the_backlog(store: Store) -> None:
    if store.dialect != "sqlite":
        pytest.skip("counts SQLite VM instructions")
    filed = file_report(store, pasted_with_link(MESSAGE, SHORT, led_to=LANDING), actor="lan")
    assert filed.entry_id is not None
    [page] = store.add_scored_items([crawled(BODY)])  # another page: the crawl side's lookup, measured below
    with store.session() as s:
        item = s.get(Item, page.item_id)
        assert item is not None
        probe = citizen.CrawledPage(item.id, LANDING, item.title, item.text, None, item.minhash, [], LANDING, SOURCE)

    def lookups(s: object) -> None:
        assert citizen._same_place(s, LANDING, False) == [filed.item_id]  # type: ignore[arg-type]
        [join] = reported_entries(s.connection(), [probe]).values()  # type: ignore[attr-defined]
        assert join.entry_id == filed.entry_id and join.match == SAME_PLACE

    small = _steps(store, lookups)
    _backlog(store, 5000, 100_000)
    big = _steps(store, lookups)
    # walking 5,000 more undecided entries costs thousands of hundreds of instructions; an index lookup none
    assert big < small + 200, (small, big)


def test_a_pasted_link_and_a_report_of_its_landing_page_still_meet(store: Store) -> None:
    # the place key is written when the pasted report is filed, and read by a later report of the page it led to
    first = file_report(store, pasted_with_link(MESSAGE, SHORT, led_to=PAGE), actor="lan")
    again = file_report(store, pasted_with_link("Tin nhắn khác, cùng đường link nhận quà", "https://tinyurl.com/q",
                                                led_to=PAGE, reporter="Lê Văn C"), actor="lan")
    assert again.outcome == JOINED and again.entry_id == first.entry_id
    [page] = store.add_scored_items([crawled(BODY)])
    with store.session() as s:
        assert s.get(ReviewEntry, first.entry_id) is not None
        assert s.query(ReviewEntry).filter(ReviewEntry.item_id == page.item_id).count() == 0  # joined, no entry
