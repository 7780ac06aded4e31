"""A citizen report pasted as text and a crawled copy of the same content share one review entry.

A pasted-text report has no page address (its canonical URL is "report:text/<hash>"), so it meets the
crawled copies of its text by content: the same text after folding case and whitespace, or a near
duplicate by the story-cluster MinHash threshold. Either way round (crawl after the report, report after
the crawl) the moderators get one entry, with the reporter and the crawled page's address and source in
`show`, and the join in the audit log. Different content, even on the same topic, does not join.

Real database file (SQLite), and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set; the races run two
threads with a `Store` each, as two processes would (the pattern of test_page_lock.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from hashlib import sha256
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select

import review.citizen as citizen
from classifier.fingerprint import band_keys, minhash, signature_bytes
from crawler.items import ARTICLE, REPORT, CollectedItem
from crawler.pipelines.normalize import NormalizeStage
from crawler.pipelines.store import to_scored_item
from review.citizen import ALREADY_DECIDED, CRAWL_JOIN, JOINED, NEAR_COPY, NEW, SAME_TEXT, file_report
from review.errors import ConflictError
from review.item_writer import CLUSTER_THRESHOLD
from review.models import DECIDED, AuditLog, Item, ReviewEntry, Source
from review.scoring import ScoredItem
from review.store import Store
from tests.review.factory import FakeResult
from tests.review.race import race

CLI = Callable[..., tuple[int, str, str]]
SCAM = FakeResult({"scam": 0.91, "misinformation": 0.2}, ("scam",))
SOURCE = "tin-nhanh"
PAGE = "https://tin-nhanh.vn/xa-hoi/canh-bao-lua-dao-qua-zalo.html"
COPY_PAGE = "https://chia-se.vn/bai/12345"
OTHER_PAGE = "https://tin-nhanh.vn/xa-hoi/canh-bao-lua-dao-ngan-hang.html"

HEADLINE = "Nhận quà tri ân khách hàng qua Zalo"
BODY = ("Chúc mừng quý khách đã trúng thưởng chương trình tri ân khách hàng năm nay của ngân hàng. "
        "Để nhận phần quà trị giá 50 triệu đồng, quý khách vui lòng kết bạn Zalo 0987654321 và chuyển trước "
        "phí hồ sơ 500 nghìn đồng vào tài khoản của nhân viên hỗ trợ. Chương trình chỉ áp dụng đến hết ngày mai, "
        "quý khách không chuyển phí sẽ mất quyền nhận quà. Vui lòng không chia sẻ mã nhận quà cho bất kỳ ai.")
# a repost: its own intro and sign-off around the same message
NEAR_BODY = ("Mọi người cẩn thận, mình vừa nhận được tin này. " + BODY
             + " Ai nhận được tin nhắn tương tự thì báo cho công an phường nhé.")
# the same topic (a fake bank prize over Zalo), told in other words: not a copy
OTHER_BODY = ("Công an phường cảnh báo người dân về thủ đoạn giả danh nhân viên ngân hàng gọi điện thông báo "
              "trúng thưởng. Kẻ gian đề nghị kết bạn Zalo rồi yêu cầu chuyển phí hồ sơ để nhận quà tri ân. "
              "Ngân hàng khẳng định không tổ chức chương trình nào như vậy và không bao giờ thu phí nhận quà. "
              "Người dân nhận được tin nhắn loại này cần báo ngay cho cơ quan công an gần nhất.")

# a citizen asking about the same message in their own words: not a copy of either
QUESTION = ("Tôi nhận được tin nhắn báo trúng thưởng quà tri ân của ngân hàng, họ bảo kết bạn Zalo và chuyển phí "
            "hồ sơ trước thì mới nhận được quà. Nhờ cán bộ xem giúp đây có phải lừa đảo không?")


def _prepared(item: CollectedItem) -> ScoredItem:
    """What the crawler's pipeline hands the store: normalised, fingerprinted, scored."""
    item = NormalizeStage().process_item(item)
    m = minhash(f"{item.title}\n{item.text}")
    item.minhash, item.band_keys, item.score = signature_bytes(m), band_keys(m), SCAM
    return to_scored_item(item)


def pasted(text: str, reporter: str = "Trần Thị B", note: str = "mẹ tôi nhận được tin này") -> ScoredItem:
    """A report pasted without an address, built like `crawler.report.submit_report` builds it."""
    return _prepared(CollectedItem(url=f"report:text/{sha256(text.encode()).hexdigest()[:16]}", kind=REPORT,
                                   title=text.strip().splitlines()[0][:200], text=text,
                                   extra={"note": note, "reporter": reporter, "reported": True}))


def crawled(body: str, url: str = PAGE, title: str = HEADLINE) -> ScoredItem:
    return _prepared(CollectedItem(url=url, kind=ARTICLE, title=title, text=body, source_name=SOURCE))


def _similarity(a: ScoredItem, b: ScoredItem) -> float:
    assert a.item.minhash is not None and b.item.minhash is not None
    x, y = np.frombuffer(a.item.minhash, dtype=np.uint64), np.frombuffer(b.item.minhash, dtype=np.uint64)
    return float(np.count_nonzero(x == y)) / len(x)


def _entries(store: Store) -> list[tuple[int, int, str, bool]]:
    with store.session() as s:
        return [tuple(r) for r in s.execute(  # type: ignore[misc]
            select(ReviewEntry.id, ReviewEntry.item_id, ReviewEntry.status, ReviewEntry.is_report)
            .order_by(ReviewEntry.id))]


def _audit(store: Store, action: str) -> list[tuple[int | None, dict[str, Any]]]:
    with store.session() as s:
        return [(e, d) for e, d in s.execute(select(AuditLog.entry_id, AuditLog.details)
                                             .where(AuditLog.action == action).order_by(AuditLog.id))]


@pytest.fixture(autouse=True)
def _source(store: Store) -> None:
    with store.session() as s:
        s.add(Source(name=SOURCE, kind="rss"))


def test_the_fixtures_are_what_they_claim() -> None:
    """The near copy is near by the story-cluster threshold; the same-topic text is not."""
    report = pasted(BODY)
    assert _similarity(report, crawled(NEAR_BODY)) >= CLUSTER_THRESHOLD
    assert _similarity(report, crawled(OTHER_BODY)) < CLUSTER_THRESHOLD / 2


@pytest.mark.parametrize("pasted_text", [
    BODY,  # the article's text
    f"{HEADLINE}\n\n{BODY}",  # its headline and text
    "  " + BODY.upper().replace(". ", ".\n\n"),  # other case and line breaks
], ids=["text", "headline-and-text", "case-and-whitespace"])
def test_a_crawled_copy_of_a_pasted_report_joins_its_entry(store: Store, cli: CLI, pasted_text: str) -> None:
    """The report came first; the crawl of a page with the same text opens no second entry."""
    filed = file_report(store, pasted(pasted_text), actor="lan")
    assert filed.outcome == NEW and filed.entry_id is not None
    version_before = store.entry_detail(filed.entry_id).row.version
    [res] = store.add_scored_items([crawled(BODY)])
    assert res.created and res.scored
    assert [e[0] for e in _entries(store)] == [filed.entry_id]
    [(entry_id, details)] = _audit(store, CRAWL_JOIN)
    assert entry_id == filed.entry_id
    assert details["item_id"] == res.item_id and details["url"] == PAGE and details["source"] == SOURCE
    assert details["match"] == SAME_TEXT and details["outcome"] == "joined"
    # the same text from one more source: nothing new to decide, a claimed view stays valid (no version bump)
    assert store.entry_detail(filed.entry_id).row.version == version_before
    [again] = store.add_scored_items([crawled(BODY)])  # the next crawl finds the stored page: nothing new
    assert not again.created and len(_audit(store, CRAWL_JOIN)) == 1

    code, out, _ = cli("show", str(filed.entry_id))
    assert code == 0
    assert "Người dân phản ánh (1):" in out and "Trần Thị B — mẹ tôi nhận được tin này" in out
    assert "gộp vào mục này" in out and f"{SOURCE} {PAGE} (trùng nội dung)" in out
    first_line = pasted_text.strip().splitlines()[0][:200]
    # the headline is the text's first line: printed once, in the text, not also above it in capitals
    assert out.count(first_line) == 1 and out.count(first_line.upper()) == (first_line == first_line.upper())
    code, out, _ = cli("show", str(filed.entry_id), "--json")
    shown = json.loads(out)
    assert [r["reporter"] for r in shown["reporters"]] == ["Trần Thị B"] and shown["reporters"][0]["url"] is None
    assert [(p["url"], p["source"], p["match"]) for p in shown["joined_pages"]] == [(PAGE, SOURCE, SAME_TEXT)]
    assert store.verify_audit().ok


def test_a_near_copy_joins_an_undecided_report_entry(store: Store, cli: CLI) -> None:
    filed = file_report(store, pasted(BODY), actor="lan")
    seen = store.claim(filed.entry_id, "lan", 30).version
    [res] = store.add_scored_items([crawled(NEAR_BODY, url=COPY_PAGE, title="")])
    # more text than the moderator saw: the claimed view is stale, a decision on it is refused
    assert store.entry_detail(filed.entry_id).row.version == seen + 1
    with pytest.raises(ConflictError, match="đã bị thay đổi"):
        store.decide(filed.entry_id, "lan", "violation", category="scam", version=seen)
    assert res.created
    assert [e[0] for e in _entries(store)] == [filed.entry_id]
    [(_, details)] = _audit(store, CRAWL_JOIN)
    assert details["match"] == NEAR_COPY and details["similarity"] >= CLUSTER_THRESHOLD
    code, out, _ = cli("show", str(filed.entry_id))
    assert code == 0 and COPY_PAGE in out and "gần trùng, giống" in out


def test_after_the_decision_an_exact_copy_joins_but_a_near_copy_opens_its_own_entry(store: Store) -> None:
    """Like a page and a report of one address: the same content stays decided; a copy that differs from
    what was decided gets its own look."""
    filed = file_report(store, pasted(BODY), actor="lan")
    assert filed.entry_id is not None
    store.decide(filed.entry_id, "minh", "violation")
    [same] = store.add_scored_items([crawled(BODY)])
    assert [e[0] for e in _entries(store)] == [filed.entry_id]
    [(_, details)] = _audit(store, CRAWL_JOIN)
    assert details["item_id"] == same.item_id and details["outcome"] == "already_decided"
    [near] = store.add_scored_items([crawled(NEAR_BODY, url=COPY_PAGE)])
    assert [e[1] for e in _entries(store)] == [filed.item_id, near.item_id]
    assert len(_audit(store, CRAWL_JOIN)) == 1


@pytest.mark.parametrize("body", [BODY, NEAR_BODY], ids=["exact", "near"])
def test_a_pasted_report_of_a_queued_page_joins_its_entry(store: Store, cli: CLI, body: str) -> None:
    """The crawl came first: the report marks the crawled page's entry and records who reported it."""
    [res] = store.add_scored_items([crawled(body)])
    [(entry_id, item_id, _, is_report)] = _entries(store)
    assert item_id == res.item_id and not is_report
    filed = file_report(store, pasted(BODY), actor="lan")
    assert filed.outcome == JOINED and filed.entry_id == entry_id
    assert _entries(store) == [(entry_id, res.item_id, "open", True)]
    [(_, details)] = _audit(store, "report")
    assert details["match"] == (SAME_TEXT if body == BODY else NEAR_COPY)
    code, out, _ = cli("show", str(entry_id))
    assert code == 0 and PAGE in out and SOURCE in out  # the entry is the crawled page's
    assert "Trần Thị B — mẹ tôi nhận được tin này — (dán nội dung, không có địa chỉ)" in out
    with store.session() as s:  # no item was stored for the joined report
        assert s.scalar(select(Item.id).where(Item.kind == REPORT)) is None


def test_a_pasted_report_of_a_decided_page_opens_an_entry_only_when_not_the_same_text(store: Store) -> None:
    [res] = store.add_scored_items([crawled(NEAR_BODY)])
    [(entry_id, *_)] = _entries(store)
    store.decide(entry_id, "minh", "dismiss")
    exact = file_report(store, pasted(NEAR_BODY), actor="lan")  # the very text decided: told the verdict
    assert exact.outcome == ALREADY_DECIDED and exact.entry_id == entry_id and exact.verdict == "dismiss"
    assert res.item_id == exact.item_id
    near = file_report(store, pasted(BODY), actor="lan")  # a near copy of a decided page: its own look
    assert near.outcome == NEW and near.entry_id != entry_id
    assert [e[0] for e in _entries(store)] == [entry_id, near.entry_id]


def test_different_content_on_the_same_topic_does_not_join(store: Store) -> None:
    """A news warning about the same scam is not the scam message itself: two entries, either way round."""
    filed = file_report(store, pasted(BODY), actor="lan")
    [warning] = store.add_scored_items([crawled(OTHER_BODY, url=OTHER_PAGE, title="Cảnh báo lừa đảo trúng thưởng")])
    assert [e[1] for e in _entries(store)] == [filed.item_id, warning.item_id]
    question = pasted(QUESTION)
    assert max(_similarity(question, pasted(BODY)), _similarity(question, crawled(OTHER_BODY))) < CLUSTER_THRESHOLD
    other = file_report(store, question, actor="lan")
    assert other.outcome == NEW
    assert len(_entries(store)) == 3 and not _audit(store, CRAWL_JOIN) and not _audit(store, "report")


def _race(db_url: str, monkeypatch: pytest.MonkeyPatch, first: str, body: str) -> dict[str, Any]:
    """The pasted report and the crawl of `body`; the report pauses after "is this content queued?", the crawl
    after "was this content reported?" (tests/review/race.py)."""
    import review.scoring as scoring

    return race(db_url, monkeypatch, first,
                {"report": lambda st: file_report(st, pasted(BODY), actor="lan"),
                 "crawl": lambda st: st.add_scored_items([crawled(body)])[0]},
                {"report": (citizen, "_matching_entry"), "crawl": (scoring, "reported_entries")})


@pytest.mark.parametrize("body", [BODY, NEAR_BODY], ids=["exact", "near"])
@pytest.mark.parametrize("first", ["report", "crawl"])
def test_a_pasted_report_racing_a_crawl_of_its_text_opens_one_entry(store: Store, db_url: str,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   first: str, body: str) -> None:
    """Whichever reads first, the other is kept waiting by the text-report lock (PostgreSQL) or the write
    lock (SQLite), then sees it: one entry between them, undecided, marked as a report."""
    out = _race(db_url, monkeypatch, first, body)
    entries = _entries(store)
    [(entry_id, item_id, status, is_report)] = entries
    assert status != DECIDED and is_report
    filed, crawl = out["report"], out["crawl"]
    assert crawl.created and crawl.scored
    if first == "report":  # the report opened the entry, the crawled copy joined it
        assert filed.outcome == NEW and filed.entry_id == entry_id and filed.item_id == item_id
        assert [e for e, _ in _audit(store, CRAWL_JOIN)] == [entry_id]
    else:  # the crawl opened the entry, the report joined it
        assert crawl.item_id == item_id and filed.outcome == JOINED and filed.entry_id == entry_id
        assert [e for e, _ in _audit(store, "report")] == [entry_id]
    assert out["timed_out"] == [True]  # the second one was kept out until the first committed


def test_queue_by_source_finds_a_report_entry_a_page_of_that_source_joined(store: Store, cli: CLI) -> None:
    """`queue --source S` (and claim/bulk, which share the filter) lists a citizen report's entry once a page of
    S has joined it, as it would list the entry that page would have opened on its own."""
    filed = file_report(store, pasted(BODY), actor="lan")
    other = file_report(store, pasted(QUESTION), actor="lan")  # nothing of SOURCE joined this one
    assert filed.entry_id is not None and other.entry_id is not None
    code, out, _ = cli("queue", "--source", SOURCE, "--json")
    assert code == 0 and json.loads(out) == []
    store.add_scored_items([crawled(BODY)])
    code, out, _ = cli("queue", "--source", SOURCE, "--json")
    assert code == 0 and [row["id"] for row in json.loads(out)] == [filed.entry_id]
    code, out, _ = cli("queue", "--source", "nguon-khac", "--json")
    assert code == 0 and json.loads(out) == []


def test_filing_the_same_stored_report_again_records_nothing_new(store: Store) -> None:
    """Two processes queueing the same waiting report (or a report re-sent word for word): the second finds the
    report's own entry; it records no second "report" audit row and does not bump the entry's version (a
    moderator's decision in progress stays valid)."""
    report = pasted(BODY)
    first = file_report(store, report, actor="lan")
    assert first.outcome == NEW and first.entry_id is not None
    version = store.entry_detail(first.entry_id).row.version
    again = file_report(store, report, actor="canhgac-crawler")
    assert again.entry_id == first.entry_id and again.repeated
    assert _audit(store, "report") == []
    assert store.entry_detail(first.entry_id).row.version == version
    assert [e[0] for e in _entries(store)] == [first.entry_id]
