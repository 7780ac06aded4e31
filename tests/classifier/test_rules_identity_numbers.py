"""The shipped `privacy.identity_numbers` rule finds a posted ID-card/account number however the document is named:
normalisation reads "CCCD" as "căn cước công dân" and "STK" as "số tài khoản", so the rule must match those
readings, with or without diacritics, and not a number that merely follows the words in another sense."""

from __future__ import annotations

import pytest

from classifier.analysis import analyze
from classifier.rules import RuleSet


def _rule_ids(text: str) -> set[str]:
    doc = analyze(text, segment=False)
    return {h.rule.id for h in RuleSet.load().match(doc.norm_text, doc.plain_text, doc.original)}


@pytest.mark.parametrize("text", [
    "Đây là CCCD 012345678901 của chị Lan, ai biết thì báo",
    "cccd số 012345678901 nhé mọi người",
    "Căn cước công dân: 012345678901",
    "can cuoc cong dan la 012345678901",
    "C.C.C.D 012345678901 của nó đây",
    "CMND 123456789 của thằng này",
    "stk 1903456789012 vcb của nó",  # a 10-digit "0…" number reads as a phone (phonetok), not here
    "Số CCCD 012345678901",
])
def test_an_identity_or_account_number_is_found(text: str) -> None:
    assert "privacy.identity_numbers" in _rule_ids(text)


@pytest.mark.parametrize("text", [
    "Cấp 1.234.567 thẻ căn cước công dân trong năm",  # a count, not a number of a card (no 6+ digit run right after)
    "Hướng dẫn làm căn cước công dân tại phường",
])
def test_talk_about_identity_cards_is_not_a_number(text: str) -> None:
    assert "privacy.identity_numbers" not in _rule_ids(text)
