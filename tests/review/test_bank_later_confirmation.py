"""A dismissal and a later confirmation of the same post on two copies that differ by a word. The bank merges the
rows of one text (latest verdict per category), but only of byte-identical texts: reposts rarely are. The earlier
dismissal of one copy then hid, for good, the category a moderator later confirmed on the other (a dismissal is
applied last, whatever else matched). Copies near enough to each other for a dismissal to reach (0.8) are now one
text for this: per category the later verdict stands, either way. A confirmation of a text only loosely similar
(below 0.8) does not take a near-identical dismissal back."""

from __future__ import annotations

from typing import Any

import pytest

from classifier.bank import CONFIRMED, DISMISSED, Bank, BankText
from review.store import Store
from tests.review.factory import flagged
from tests.review.test_bank_categories import SCAM

OTHER_COPY = SCAM.replace("24 giờ", "48 giờ")
REPOST = SCAM.replace("khách hàng", "kh") + " Nhanh tay nha!!"  # 0.86 / 0.84 similar to the two


@pytest.fixture(scope="module")
def scorer() -> Any:
    from classifier.scorer import Scorer

    return Scorer.load()


def test_a_later_confirmation_of_another_copy_wins(store: Store, scorer: Any) -> None:
    store.decide(flagged(store, SCAM, "scam"), "lan", "dismiss")
    store.decide(flagged(store, OTHER_COPY, "scam"), "minh", "violation", category="scam")
    bank = store.load_bank()
    assert bank.fingerprints == 2
    assert [m.entry.polarity for m in bank.match(REPOST)] == [CONFIRMED]
    assert "scam" in scorer.score(REPOST, bank=bank).flags


def test_a_later_dismissal_of_another_copy_wins(scorer: Any) -> None:
    bank = Bank([BankText(OTHER_COPY, "scam", CONFIRMED, "bank:1"), BankText(SCAM, "scam", DISMISSED, "bank:2")])
    assert [m.entry.polarity for m in bank.match(REPOST)] == [DISMISSED, CONFIRMED]
    assert "scam" not in scorer.score(REPOST, bank=bank).flags


def test_a_later_confirmation_takes_back_only_its_categories() -> None:
    bank = Bank([BankText(SCAM, frozenset({"scam", "illegal_ad"}), DISMISSED, "bank:1"),
                 BankText(OTHER_COPY, "scam", CONFIRMED, "bank:2")])
    assert sorted((m.entry.polarity, sorted(m.entry.categories)) for m in bank.match(REPOST)) == [
        (CONFIRMED, ["scam"]), (DISMISSED, ["illegal_ad"])]


def test_a_loosely_similar_later_confirmation_does_not_take_a_dismissal_back() -> None:
    loose = SCAM.split("\n")[0] + " Liên hệ tổng đài để được hướng dẫn chi tiết về thủ tục nhận thưởng nhé."
    bank = Bank([BankText(SCAM, "scam", DISMISSED, "bank:1"), BankText(loose, "scam", CONFIRMED, "bank:2")])
    matches = {m.entry.polarity: m.similarity for m in bank.match(REPOST)}
    assert set(matches) == {CONFIRMED, DISMISSED} and matches[CONFIRMED] < bank.dismissed_min, matches
