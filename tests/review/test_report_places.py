"""A pasted report with a link (`canhgac report URL --text …`) and the page its link leads to are one entry,
whichever comes first: a crawl of that page joins the report's undecided entry (audited `crawl_join`, match
`same_place`, the version bumped: the page is more than the pasted text), a pasted report of a queued page joins
the page's entry, and a near copy of a pasted-with-link text joins like one of a text pasted alone. A decided
entry is not joined by place alone, nor is a page of another address or the home page. Real database
(SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

from hashlib import sha256

import pytest

from crawler.items import REPORT, CollectedItem
from review.citizen import CRAWL_JOIN, JOINED, NEAR_COPY, NEW, RESOLVED_URL, SAME_PLACE, file_report
from review.scoring import ScoredItem
from review.store import Store
from tests.review.test_text_reports import BODY, NEAR_BODY, PAGE, SOURCE, _audit, _entries, _prepared, crawled

MESSAGE = "Bấm link này nhận quà tri ân 50 triệu của ngân hàng, chỉ hôm nay"
SHORT = "https://bit.ly/qua-tri-an"


@pytest.fixture(autouse=True)
def _source(store: Store) -> None:
    from review.models import Source

    with store.session() as s:
        s.add(Source(name=SOURCE, kind="rss"))


def pasted_with_link(text: str, link: str, led_to: str | None = None, reporter: str = "Trần Thị B") -> ScoredItem:
    """Built like `crawler.report.submit_report` builds a `--text` report with a link (`pasted_link`)."""
    extra = {"reporter": reporter, "reported": True, **({RESOLVED_URL: led_to} if led_to else {})}
    assert sha256  # the pasted text's own address is the link, not report:text/<hash>
    return _prepared(CollectedItem(url=link, kind=REPORT, title=text.splitlines()[0][:200], text=text, extra=extra))


def test_a_crawl_of_the_page_a_pasted_link_leads_to_joins_its_entry(store: Store) -> None:
    filed = file_report(store, pasted_with_link(MESSAGE, SHORT, led_to=PAGE), actor="lan")
    assert filed.outcome == NEW and filed.entry_id is not None
    before = store.entry_detail(filed.entry_id).row.version
    [page] = store.add_scored_items([crawled(BODY)])
    assert [e[0] for e in _entries(store)] == [filed.entry_id]
    [(entry_id, details)] = _audit(store, CRAWL_JOIN)
    assert entry_id == filed.entry_id and details["item_id"] == page.item_id and details["match"] == SAME_PLACE
    assert store.entry_detail(filed.entry_id).row.version == before + 1


def test_a_crawl_of_the_pasted_link_itself_joins_its_entry(store: Store) -> None:
    filed = file_report(store, pasted_with_link(MESSAGE, PAGE), actor="lan")
    store.add_scored_items([crawled(BODY)])
    assert [e[0] for e in _entries(store)] == [filed.entry_id]


def test_a_near_copy_of_a_text_pasted_with_a_link_joins_it(store: Store) -> None:
    filed = file_report(store, pasted_with_link(BODY, "https://chia-se.vn/bai/1"), actor="lan")
    store.add_scored_items([crawled(NEAR_BODY, url="https://khac.vn/bai/2")])
    [(_, details)] = _audit(store, CRAWL_JOIN)
    assert details["match"] == NEAR_COPY and [e[0] for e in _entries(store)] == [filed.entry_id]


def test_a_pasted_link_to_a_queued_page_joins_its_entry(store: Store) -> None:
    [page] = store.add_scored_items([crawled(BODY)])
    filed = file_report(store, pasted_with_link(MESSAGE, SHORT, led_to=PAGE), actor="lan")
    assert filed.outcome == JOINED and [e[1] for e in _entries(store)] == [page.item_id]
    [(_, details)] = _audit(store, "report")
    assert details["match"] == SAME_PLACE and details[RESOLVED_URL] == PAGE and "similarity" not in details


def test_a_decided_page_is_not_joined_by_place_alone(store: Store) -> None:
    filed = file_report(store, pasted_with_link(MESSAGE, SHORT, led_to=PAGE), actor="lan")
    assert filed.entry_id is not None
    store.decide(filed.entry_id, "minh", "dismiss")
    store.add_scored_items([crawled(BODY)])
    assert len(_entries(store)) == 2 and _audit(store, CRAWL_JOIN) == []
    again = file_report(store, pasted_with_link("Vẫn còn link nhận quà này", SHORT, led_to=PAGE, reporter="C"),
                        actor="lan")
    assert again.outcome == JOINED and again.entry_id == _entries(store)[1][0]  # the crawled page's, undecided


@pytest.mark.parametrize("link", ["https://tin-nhanh.vn/", "https://tin-nhanh.vn/xa-hoi/bai-khac.html"])
def test_another_address_or_the_home_page_does_not_join(store: Store, link: str) -> None:
    file_report(store, pasted_with_link(MESSAGE, link), actor="lan")
    store.add_scored_items([crawled(BODY), crawled(BODY.replace("50 triệu", "80 triệu"), url="https://tin-nhanh.vn/")])
    assert len(_entries(store)) == 3 and _audit(store, CRAWL_JOIN) == []
