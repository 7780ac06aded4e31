"""record_score: classifier results become review entries, once per item, ordered by the formula."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from review.errors import ConflictError
from review.models import BankEntry, Cluster, ReviewEntry, ReviewFlag, Score
from review.priority import PriorityInputs, base_priority, effective, stored_priority
from review.store import Store
from review.types import utcnow
from tests.review.factory import FakeEvidence, FakeResult, add_item, flagged


def test_flagged_result_creates_one_entry_and_rescoring_updates_it(store: Store) -> None:
    item = add_item(store, "Chuyển khoản ngay để nhận quà", source="fb-hn")
    first = FakeResult({"scam": 0.8, "hate": 0.6}, ("scam", "hate"),
                       evidence=(FakeEvidence("scam", "ngram", "Chuyển khoản", 0, 12, 1.5),))
    entry_id = store.record_score(item, first)
    assert entry_id is not None
    again = store.record_score(item, FakeResult({"scam": 0.95, "hate": 0.1}, ("scam",), model_version="test-2"))
    assert again == entry_id
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(ReviewEntry)) == 1
        assert s.scalar(select(func.count()).select_from(Score)) == 2
        entry = s.get(ReviewEntry, entry_id)
        assert entry is not None
        assert (entry.top_category, entry.top_score, entry.source_name) == ("scam", 0.95, "fb-hn")
        assert {f.category for f in s.scalars(select(ReviewFlag))} == {"scam"}
        score = s.get(Score, entry.score_id)
        assert score is not None and score.model_version == "test-2"
        first_score = s.scalars(select(Score).order_by(Score.id)).first()
        assert first_score is not None and first_score.evidence[0]["text"] == "Chuyển khoản"


def test_unflagged_result_is_stored_but_not_queued(store: Store) -> None:
    item = add_item(store, "Lễ hội hoa xuân khai mạc")
    assert store.record_score(item, FakeResult({"scam": 0.1}, ())) is None
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Score)) == 1
        assert s.scalar(select(func.count()).select_from(ReviewEntry)) == 0


def test_citizen_report_is_queued_even_below_threshold(store: Store) -> None:
    item = add_item(store, "Có người bán hàng giả ở chợ", kind="report")
    entry_id = store.record_score(item, FakeResult({"scam": 0.3, "illegal_ad": 0.4}, ()), is_report=True)
    with store.session() as s:
        entry = s.get(ReviewEntry, entry_id)
        assert entry is not None and entry.is_report and entry.top_category == "illegal_ad"


def test_priority_orders_harm_spread_report_locality(store: Store) -> None:
    with store.session() as s:
        s.add(Cluster(id=7, size=16, sources=5, first_seen_at=utcnow(), last_seen_at=utcnow()))
    offensive = flagged(store, "Lời lẽ tục tĩu", "offensive", 0.7)
    scam = flagged(store, "Lừa đảo đầu tư", "scam", 0.7)
    spread = flagged(store, "Lời lẽ tục tĩu lan rộng", "offensive", 0.7, cluster_id=7)
    local = store.record_score(add_item(store, "Tin đồn thất thiệt", locality=["Thành phố Hà Nội"]),
                               FakeResult({"misinformation": 0.7}, ("misinformation",)), office_locality="ha noi")
    rows = {r.id: r for r in store.list_entries()}
    assert rows[scam].priority > rows[offensive].priority
    assert rows[spread].priority - rows[offensive].priority > 31  # 8 × log2(16) = 32, minus a few ms of aging
    now = utcnow()
    assert abs(effective(rows[local].priority, now) - (100 * 0.7 * 0.75 + 10)) < 0.1


def test_aging_lets_an_old_entry_overtake_without_rewriting_rows() -> None:
    now = utcnow()
    mild, severe = PriorityInputs("offensive", 0.6), PriorityInputs("scam", 0.9)
    gap = base_priority(severe) - base_priority(mild)
    old_mild = stored_priority(mild, now - timedelta(hours=6 * gap + 6))
    assert old_mild > stored_priority(severe, now)
    assert stored_priority(mild, now - timedelta(hours=1)) < stored_priority(severe, now)


def test_load_bank_builds_the_classifier_bank_from_decisions(store: Store) -> None:
    entry = flagged(store, "Nạp thẻ cào nhận thưởng lớn ngay hôm nay", "scam")
    other = flagged(store, "Giảm giá sốc chỉ hôm nay thôi nhé bạn ơi", "illegal_ad")
    store.decide(entry, "lan", "violation")
    store.decide(other, "lan", "dismiss")
    bank = store.load_bank()
    texts = {(b.polarity, *b.categories) for b in bank}
    assert texts == {("confirmed", "scam"), ("dismissed", "illegal_ad")}
    store.undo(other, "lan", "nhầm")
    assert len(store.load_bank()) == 1
    with store.session() as s:
        s.execute(update(BankEntry).values(active=True))


def test_rescoring_that_changes_the_flags_makes_a_held_view_stale(store: Store) -> None:
    """A moderator who claimed the entry saw its flags; a re-score (new model, rules, bank) that changes them
    bumps the version, so a decision made on the old view is refused; one that changes nothing does not."""
    item = add_item(store, "Chuyển khoản ngay để nhận quà", source="fb-hn")
    entry_id = store.record_score(item, FakeResult({"scam": 0.8}, ("scam",)))
    assert entry_id is not None
    seen = store.claim(entry_id, "lan", 30).version
    store.record_score(item, FakeResult({"scam": 0.85, "hate": 0.1}, ("scam",), model_version="test-2"))
    assert store.entry_detail(entry_id).row.version == seen  # same flags, same top category: the view holds
    store.record_score(item, FakeResult({"scam": 0.7, "hate": 0.75}, ("scam", "hate"), model_version="test-3"))
    now = store.entry_detail(entry_id).row.version
    assert now == seen + 1
    with pytest.raises(ConflictError, match="đã bị thay đổi"):
        store.decide(entry_id, "lan", "dismiss", note="không vi phạm", version=seen)
    decided = store.decide(entry_id, "lan", "dismiss", note="không vi phạm", version=now)
    store.record_score(item, FakeResult({"scam": 0.1}, (), model_version="test-4"))  # decided: left as decided
    assert store.entry_detail(entry_id).row.version == decided.version
