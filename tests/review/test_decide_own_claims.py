"""`decide --version N` (the version `show` printed) after one's own claim: a change to what the moderator saw
that happened between `show` and the claim refuses the decision, as it would after the claim.

The version moves when what a decision rests on moves: the flags or the top category (a re-score), a citizen
report joining, a crawled near copy joining. A re-score that only moves scores or evidence, the same flags and the
same top category, does not move it, before the claim as after it."""

from __future__ import annotations

import pytest

from review.citizen import JOINED, file_report
from review.errors import ConflictError
from review.models import Source
from review.store import Store
from tests.review.factory import FakeEvidence, FakeResult, add_item
from tests.review.test_text_reports import BODY, COPY_PAGE, NEAR_BODY, SOURCE, crawled, pasted


def _source(store: Store) -> None:
    with store.session() as s:
        s.add(Source(name=SOURCE, kind="rss"))


def test_a_flag_changing_rescore_between_show_and_own_claim_is_refused(store: Store) -> None:
    item = add_item(store, "Đầu tư tiền ảo lãi 30%/tháng")
    e = store.record_score(item, FakeResult({"scam": 0.6, "hate": 0.05}, ("scam",)))
    seen = store.entry_detail(e).row.version
    store.record_score(item, FakeResult({"scam": 0.6, "hate": 0.8}, ("scam", "hate"), label="hate"))
    store.claim(e, "lan", 30)
    with pytest.raises(ConflictError):
        store.decide(e, "lan", "dismiss", version=seen)


def test_a_score_only_rescore_between_show_and_own_claim_is_accepted(store: Store) -> None:
    # By design: the version counts changes to what a decision rests on (flags, top category, reports, joined
    # pages), not every score. The same re-score after the claim is accepted too (the moderator's view holds:
    # the entry is flagged for the same thing), so refusing it only because it came before the claim would make
    # the order of two unrelated events decide; and a version bumped on every score would refuse decisions each
    # time the daemon re-scores with a new model.
    item = add_item(store, "Đầu tư tiền ảo lãi 30%/tháng")
    e = store.record_score(item, FakeResult({"scam": 0.55}, ("scam",),
                                            evidence=(FakeEvidence("scam", "ngram", "Đầu", 0, 3, 1.0),)))
    seen = store.entry_detail(e).row
    store.record_score(item, FakeResult({"scam": 0.99}, ("scam",),
                                        evidence=(FakeEvidence("scam", "ngram", "lãi 30%", 15, 22, 3.0),)))
    now = store.entry_detail(e).row
    assert (seen.top_score, now.top_score) == (0.55, 0.99)
    assert (now.version, now.top_category, list(now.flags)) == (seen.version, seen.top_category, list(seen.flags))
    store.claim(e, "lan", 30)
    store.decide(e, "lan", "dismiss", version=seen.version)
    assert store.entry_detail(e).row.verdict == "dismiss"


def test_a_citizen_report_joining_between_show_and_own_claim_is_refused(store: Store) -> None:
    _source(store)
    store.add_scored_items([crawled(BODY)])
    [row] = store.list_entries()
    seen = store.entry_detail(row.id).row.version
    filed = file_report(store, pasted(BODY), actor="lan")
    assert filed.outcome == JOINED and filed.entry_id == row.id
    store.claim(row.id, "lan", 30)
    with pytest.raises(ConflictError):
        store.decide(row.id, "lan", "dismiss", version=seen)


def test_a_near_copy_crawl_joining_between_show_and_own_claim_is_refused(store: Store) -> None:
    _source(store)
    filed = file_report(store, pasted(BODY), actor="lan")
    e = filed.entry_id
    assert e is not None
    seen = store.entry_detail(e).row.version
    store.add_scored_items([crawled(NEAR_BODY, url=COPY_PAGE, title="")])
    assert store.entry_detail(e).joined, "the near copy joined the report's entry"
    store.claim(e, "lan", 30)
    with pytest.raises(ConflictError):
        store.decide(e, "lan", "dismiss", version=seen)
