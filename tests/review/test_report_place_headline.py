"""A report pasted with its link and the page at that link follow the headline rule of a fetched report: the
page whose headline changed since the citizen reported it (with the very text they pasted under it) is no longer
"the same thing the citizen reported". Once the report's entry is decided, such a page opens an entry of its own
(maybe flagged for the new headline) instead of hiding behind the decision; while it waits, the page joins it by
the place only (audit `same_place`, the version bumped: the moderator holding it sees more than before). Copies
at other addresses, whose headlines the citizen never saw, keep the pasted-text rule (the same text joins,
decided or not). Real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import pytest

from crawler.items import REPORT, CollectedItem
from review.citizen import CRAWL_JOIN, NEW, RESOLVED_URL, SAME_PLACE, SAME_TEXT, file_report
from review.models import Source
from review.scoring import ScoredItem
from review.store import Store
from tests.review.factory import FakeResult
from tests.review.test_text_reports import (
    BODY,
    HEADLINE,
    PAGE,
    SCAM,
    SOURCE,
    _audit,
    _entries,
    _prepared,
    crawled,
)

SHORT = "https://bit.ly/qua-tri-an"
CHANGED = "NÓNG: ngân hàng phát quà 50 triệu cho mọi khách hàng, nhận ngay hôm nay"


@pytest.fixture(autouse=True)
def _source(store: Store) -> None:
    with store.session() as s:
        s.add(Source(name=SOURCE, kind="rss"))


def pasted_with_link(text: str, link: str, led_to: str | None = None) -> ScoredItem:
    """Built like `crawler.report.submit_report` builds a `--text` report with a link (`pasted_link`)."""
    extra = {"reporter": "Trần Thị B", "reported": True, **({RESOLVED_URL: led_to} if led_to else {})}
    return _prepared(CollectedItem(url=link, kind=REPORT, title=text.splitlines()[0][:200], text=text, extra=extra))


def _reported_then_seen(store: Store, link: str, led_to: str | None) -> int:
    """The citizen pastes the page's text with its link; a crawl then finds the page as it was (joins)."""
    filed = file_report(store, pasted_with_link(BODY, link, led_to), actor="lan")
    assert filed.outcome == NEW and filed.entry_id is not None
    store.add_scored_items([crawled(BODY)])
    [(_, details)] = _audit(store, CRAWL_JOIN)
    assert details["match"] == SAME_TEXT
    return filed.entry_id


@pytest.mark.parametrize(("link", "led_to"), [(PAGE, None), (SHORT, PAGE)], ids=["the-link", "a-short-link"])
def test_a_changed_headline_at_the_link_opens_its_own_entry_once_decided(store: Store, link: str,
                                                                         led_to: str | None) -> None:
    entry_id = _reported_then_seen(store, link, led_to)
    store.decide(entry_id, "minh", "dismiss")
    [res] = store.add_scored_items([crawled(BODY, title=CHANGED)])  # the same text under another headline
    assert res.created
    assert [e[1] for e in _entries(store)] == [_entries(store)[0][1], res.item_id]
    assert len(_audit(store, CRAWL_JOIN)) == 1  # the first page's join only


def test_a_changed_headline_joins_an_undecided_entry_by_the_place_only(store: Store) -> None:
    entry_id = _reported_then_seen(store, PAGE, None)
    before = store.entry_detail(entry_id).row.version
    store.add_scored_items([crawled(BODY, title=CHANGED)])
    assert [e[0] for e in _entries(store)] == [entry_id]
    details = _audit(store, CRAWL_JOIN)[-1][1]
    assert details["match"] == SAME_PLACE, details
    assert store.entry_detail(entry_id).row.version == before + 1  # more than the moderator saw


def test_the_same_headline_typed_another_way_still_joins_the_decided_entry(store: Store) -> None:
    """Only the spelling changed (decomposed Unicode, case, spaces): the page is what the citizen reported."""
    entry_id = _reported_then_seen(store, PAGE, None)
    store.decide(entry_id, "minh", "dismiss")
    again = "  " + unicodedata.normalize("NFD", HEADLINE.upper()) + " "
    store.add_scored_items([crawled(BODY + " ", title=again)])
    assert [e[0] for e in _entries(store)] == [entry_id]
    assert [d["match"] for _, d in _audit(store, CRAWL_JOIN)] == [SAME_TEXT, SAME_TEXT]


def test_a_changed_headline_since_the_first_page_seen_counts_through_later_revisions(store: Store) -> None:
    """The headline the report is compared with is the page's when it was seen with the report, not that of
    whatever revision came last (a revision with other text and the new headline opened its own entry)."""
    entry_id = _reported_then_seen(store, PAGE, None)
    store.decide(entry_id, "minh", "dismiss")
    store.add_scored_items([crawled("Bài viết đã được cập nhật với nội dung hoàn toàn khác, không còn tin nhắn "
                                    "trúng thưởng nào nữa mà chỉ là thông báo lịch làm việc của ngân hàng.",
                                    title=CHANGED)])
    [res] = store.add_scored_items([crawled(BODY, title=CHANGED)])
    assert res.created and res.item_id in [e[1] for e in _entries(store)]
    assert len(_audit(store, CRAWL_JOIN)) == 1


def test_a_copy_elsewhere_under_another_headline_still_joins_the_decided_entry(store: Store) -> None:
    """Another address's headline was never part of what the citizen sent: the pasted text is what is compared."""
    entry_id = _reported_then_seen(store, PAGE, None)
    store.decide(entry_id, "minh", "dismiss")
    store.add_scored_items([crawled(BODY, url="https://chia-se.vn/bai/12345", title=CHANGED)])
    assert [e[0] for e in _entries(store)] == [entry_id]
    assert [d["match"] for _, d in _audit(store, CRAWL_JOIN)] == [SAME_TEXT, SAME_TEXT]


def test_a_page_first_seen_after_the_decision_joins_it(store: Store) -> None:
    """No headline of the page was known with the report: the same text at the link is what was reported."""
    filed = file_report(store, pasted_with_link(BODY, PAGE), actor="lan")
    assert filed.entry_id is not None
    store.decide(filed.entry_id, "minh", "dismiss")
    store.add_scored_items([crawled(BODY, title=CHANGED)])
    assert [e[0] for e in _entries(store)] == [filed.entry_id]


# the page as crawled long before the report: another text under another headline (R7)
OLD_TEXT = ("Ngân hàng thông báo lịch nghỉ lễ của các phòng giao dịch trên địa bàn tỉnh trong tuần tới, quý khách "
            "vui lòng sắp xếp thời gian giao dịch phù hợp. Xin cảm ơn quý khách đã tin tưởng sử dụng dịch vụ.")


def _older_version_then_reported(store: Store) -> int:
    """The page's old version (OLD_TEXT, "Lịch nghỉ lễ") was crawled and dismissed; the site then showed BODY
    under CHANGED, and a citizen pasted BODY with the link: the page as they saw it."""
    store.add_scored_items([crawled(OLD_TEXT, title="Lịch nghỉ lễ")])
    store.decide(_entries(store)[0][0], "minh", "dismiss")
    filed = file_report(store, pasted_with_link(BODY, PAGE), actor="lan")
    assert filed.outcome == NEW and filed.entry_id is not None
    return filed.entry_id


def test_an_older_version_with_other_text_is_not_the_headline_reported_once_decided(store: Store) -> None:
    """The revision before the report carries other text: its headline is not what the citizen saw, so the page
    crawled again exactly as reported joins the decided entry (no second entry for the same content)."""
    entry_id = _older_version_then_reported(store)
    store.decide(entry_id, "minh", "violation", category="scam")
    store.add_scored_items([crawled(BODY, title=CHANGED)])
    assert [e[0] for e in _entries(store)] == [_entries(store)[0][0], entry_id]
    assert [d["match"] for _, d in _audit(store, CRAWL_JOIN)] == [SAME_TEXT]


def test_an_older_version_with_other_text_is_not_the_headline_reported_while_undecided(store: Store) -> None:
    entry_id = _older_version_then_reported(store)
    before = store.entry_detail(entry_id).row.version
    store.add_scored_items([crawled(BODY, title=CHANGED)])
    [(_, details)] = _audit(store, CRAWL_JOIN)
    assert details["match"] == SAME_TEXT, details
    assert store.entry_detail(entry_id).row.version == before


def test_a_page_stored_before_the_report_and_flagged_by_a_rescore_joins_the_decided_entry(store: Store) -> None:
    """The page itself was stored (unflagged, no entry) before the report with the pasted text: a rescore that
    flags it later finds its own headline was the one reported, not that of an older version with other text."""
    store.add_scored_items([crawled(OLD_TEXT, title="Lịch nghỉ lễ")])
    store.decide(_entries(store)[0][0], "minh", "dismiss")
    [page] = store.add_scored_items([replace(crawled(BODY, title=CHANGED), score=FakeResult({"scam": 0.1}, ()))])
    assert len(_entries(store)) == 1
    filed = file_report(store, pasted_with_link(BODY, PAGE), actor="lan")
    assert filed.outcome == NEW and filed.entry_id is not None
    store.decide(filed.entry_id, "minh", "violation", category="scam")
    assert store.record_score(page.item_id, SCAM) == filed.entry_id
    assert len(_entries(store)) == 2
