"""The bank's character 5-gram fingerprint compares long texts only: on two short texts a few shared letters make
most of the grams ("Đồ chó!" and "Đồ chơi": 0.72), so a confirmed two-word insult raised unrelated two-word texts.
Short texts are compared by word 3-shingles, as before the character grams (0.0 for those). Real store (SQLite),
the bundled model and rules, `store.load_bank()`; the long teencode repost is in test_bank_feedback."""

from __future__ import annotations

from typing import Any

import pytest

from classifier.bank import CONFIRMED, Bank, BankText
from review.store import Store
from tests.review.factory import flagged


@pytest.fixture(scope="module")
def scorer() -> Any:
    from classifier.scorer import Scorer

    return Scorer.load()


def test_a_confirmed_short_insult_does_not_flag_a_different_short_text(store: Store, scorer: Any) -> None:
    entry = flagged(store, "Đồ chó!", "offensive")
    store.decide(entry, "lan", "violation", category="offensive")
    toy = scorer.score("Đồ chơi", bank=store.load_bank())  # "toy": 0.72 by character 5-grams, 0.0 by words
    assert not any(e.kind == "bank" for e in toy.evidence), toy.evidence
    assert "offensive" not in toy.flags


@pytest.mark.parametrize(("confirmed", "other"), [("Đồ chó!", "Đồ chơi"), ("Bóng dơ", "Bóng đời"),
                                                  ("Ngu như bò", "Như bò")])
def test_short_texts_sharing_letters_are_no_match(confirmed: str, other: str) -> None:
    bank = Bank([BankText(confirmed, "offensive", CONFIRMED, "item:1")])
    assert bank.match(other) == []


def test_a_short_text_reposted_as_written_still_matches() -> None:
    bank = Bank([BankText("Đồ chó!", "offensive", CONFIRMED, "item:1")])
    assert [round(m.similarity, 2) for m in bank.match("đồ chó")] == [1.0]
