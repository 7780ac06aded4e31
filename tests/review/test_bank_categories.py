"""One text, several confirmed categories. The bank used to keep a copy of a text per verdict: a scam confirmed
twice (two copies of one post) raised its category twice (two noisy-OR steps of the same evidence), and a text
dismissed once and later confirmed lost the confirmed flag to the dismissal's "every category". The bank now holds
per text the set of categories confirmed and dismissed, the latest verdict deciding each category, and a match
gives one evidence per category naming every bank row behind it. Real store (SQLite/PostgreSQL), the bundled model
and rules, `store.load_bank()`."""

from __future__ import annotations

from typing import Any

import pytest

from classifier.bank import CONFIRMED, DISMISSED, Bank, BankText
from review.store import Store
from tests.review.factory import flagged

SCAM = ("Bạn là khách hàng may mắn nhận xe SH 2026. Để nhận giải, vui lòng nộp phí trước bạ và vận chuyển "
        "3.500.000 đồng vào tài khoản bên dưới trong 24 giờ.\nQuá thời hạn, phần thưởng sẽ bị hủy.")
REPOST = SCAM.replace("khách hàng", "kh").replace("24 giờ", "24h") + " Nhanh tay nha!!"


@pytest.fixture(scope="module")
def scorer() -> Any:
    from classifier.scorer import Scorer

    return Scorer.load()


def _bank_evidence(result: Any, kind: str = "bank") -> list[tuple[str, str]]:
    return sorted((e.category, e.detail) for e in result.evidence if e.kind == kind)


def test_a_text_confirmed_in_two_categories_is_one_match_raising_both(store: Store, scorer: Any) -> None:
    first = flagged(store, SCAM, "scam")
    second = flagged(store, SCAM, "illegal_ad")
    store.decide(first, "lan", "violation", category="scam")
    store.decide(second, "minh", "violation", category="illegal_ad")
    bank = store.load_bank()
    assert bank.fingerprints == 1
    assert [sorted(m.entry.categories) for m in bank.match(REPOST)] == [["illegal_ad", "scam"]]
    evidence = _bank_evidence(scorer.score(REPOST, bank=bank))
    assert [c for c, _ in evidence] == ["illegal_ad", "scam"], evidence
    for _, detail in evidence:  # each category names both verdicts' bank rows
        assert detail.count("bank:") == 2, detail


def test_a_text_confirmed_twice_in_one_category_raises_it_once(store: Store, scorer: Any) -> None:
    for moderator in ("lan", "minh"):
        store.decide(flagged(store, SCAM, "scam"), moderator, "violation", category="scam")
    once = Bank([BankText(SCAM, "scam", CONFIRMED, "item:1")])
    twice = store.load_bank()
    assert len(twice) == 2
    raised_once = scorer.score(REPOST, bank=once)
    raised_twice = scorer.score(REPOST, bank=twice)
    assert [c for c, _ in _bank_evidence(raised_twice)] == ["scam"]
    assert raised_twice.scores["scam"] == raised_once.scores["scam"]


def test_a_later_confirmation_is_not_suppressed_by_an_earlier_blanket_dismissal(scorer: Any) -> None:
    bank = Bank([BankText(SCAM, None, DISMISSED, "bank:1"), BankText(SCAM, "scam", CONFIRMED, "bank:2")])
    result = scorer.score(SCAM, bank=bank)
    assert "scam" in result.flags
    assert [c for c, _ in _bank_evidence(result)] == ["scam"]
    suppressed = {c for c, _ in _bank_evidence(result, "bank_negative")}
    assert "scam" not in suppressed and {"misinformation", "illegal_ad", "privacy"} <= suppressed


def test_a_later_dismissal_overrides_the_earlier_confirmation_of_its_category(scorer: Any) -> None:
    bank = Bank([BankText(SCAM, frozenset({"scam", "illegal_ad"}), CONFIRMED, "bank:1"),
                 BankText(SCAM, "illegal_ad", DISMISSED, "bank:2")])
    result = scorer.score(SCAM, bank=bank)
    assert [c for c, _ in _bank_evidence(result)] == ["scam"]
    assert [c for c, _ in _bank_evidence(result, "bank_negative")] == ["illegal_ad"]


def test_older_single_category_entries_still_load_and_match() -> None:
    bank = Bank([BankText(SCAM, "scam", CONFIRMED, "item:1"), BankText(SCAM, "privacy", DISMISSED, "item:2")])
    by_polarity = {m.entry.polarity: sorted(m.entry.categories) for m in bank.match(SCAM)}
    assert by_polarity == {CONFIRMED: ["scam"], DISMISSED: ["privacy"]}


def test_a_dismissal_recorded_for_one_flag_covers_the_entry_s_other_flags_only(store: Store) -> None:
    entry = flagged(store, SCAM, "privacy")
    store.decide(entry, "lan", "dismiss")
    [match] = store.load_bank().match(SCAM)
    assert match.entry.polarity == DISMISSED and sorted(match.entry.categories) == ["privacy"]


def test_a_confirmed_entry_needs_a_category() -> None:
    with pytest.raises(ValueError, match="category"):
        Bank([BankText(SCAM, frozenset(), CONFIRMED, "item:1")])
    with pytest.raises(ValueError, match="unknown"):
        Bank([BankText(SCAM, "scams", CONFIRMED, "item:1")])



def test_a_text_decided_on_many_entries_names_a_few_rows_and_counts_the_rest() -> None:
    bank = Bank([BankText(SCAM, "scam", CONFIRMED, f"bank:{i}") for i in range(1, 41)])
    [match] = bank.match(SCAM)
    assert match.entry.ref == "bank:1, bank:2, bank:3, bank:4, bank:5 (+35 mục khác)"
