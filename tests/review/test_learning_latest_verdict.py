"""The same text decided on several entries (a repost, a copy on another page) teaches the model the latest verdict,
as the known-item bank holds it (classifier.bank: per category, the latest row's verdict). It used to teach the
first: a post dismissed, then confirmed as a scam on its repost, was trained on as clean. Real store."""

from __future__ import annotations

from review.learning import decision_examples
from review.store import Store
from tests.review.factory import flagged

TEXT = "Nạp thẻ cào nhận iphone, chuyển phí ship trước cho admin nhé"


def test_a_text_dismissed_then_confirmed_is_learnt_as_confirmed(store: Store) -> None:
    store.decide(flagged(store, TEXT, "scam"), "lan", "dismiss")
    store.decide(flagged(store, TEXT, "scam"), "minh", "violation", category="scam")
    texts, labels = decision_examples(store)
    assert dict(zip(texts, map(tuple, labels), strict=True)) == {TEXT: ("scam",)}
    assert [sorted(m.entry.categories) for m in store.load_bank().match(TEXT) if m.entry.polarity == "confirmed"] \
        == [["scam"]]


def test_a_text_confirmed_then_dismissed_is_learnt_as_clean(store: Store) -> None:
    store.decide(flagged(store, TEXT, "scam"), "lan", "violation", category="scam")
    store.decide(flagged(store, TEXT, "scam"), "minh", "dismiss")
    texts, labels = decision_examples(store)
    assert dict(zip(texts, map(tuple, labels), strict=True)) == {TEXT: ()}
    assert [m.entry.polarity for m in store.load_bank().match(TEXT)] == ["dismissed"]
