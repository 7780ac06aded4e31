"""illegal_ad.gambling_term_alone: a text that is nothing but a gambling term (with a link or phone number) is
flagged by the rules alone; a one-word QUESTION in a comment thread ("Cá độ?" under a news item about a
gambling ring) sells nothing."""

from __future__ import annotations

import pytest

from classifier.rules import RuleSet


@pytest.mark.parametrize(
    "text", ["nhà cái", "Tài xỉu 0901234567", "Cá độ https://abc.bet", "Cá độ 0901234567?", "Nhà cái"]
)
def test_a_bare_gambling_term_is_flagged(default_scorer, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "illegal_ad" in default_scorer.score(text).flags


@pytest.mark.parametrize("text", ["Cá độ?", "Lô đề?", "Lô đề hả?"])
def test_a_one_word_question_is_no_gambling_advert(default_scorer, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "illegal_ad" not in default_scorer.score(text).flags


def _alone(original: str | None) -> bool:
    hits = RuleSet.load().match("cá độ", "ca do", original)
    return "illegal_ad.gambling_term_alone" in {h.rule.id for h in hits}


def test_the_question_mark_is_seen_only_in_the_original_text() -> None:
    assert _alone(None)
    assert _alone("Cá độ!")
    assert not _alone("Cá độ ?")
