"""The scorer hands `localities_with_old` the syllables it already cut the text into, so a long text is not cut
twice: the answer must be the one the tagger gets cutting the text itself, and syllables that are not the
text's are not used (the tagger then cuts the text itself)."""

from __future__ import annotations

import pytest

from classifier.analysis import analyze
from classifier.locality import localities_with_old
from classifier.normalize import syllables


@pytest.mark.parametrize(
    "text",
    [
        "Nhà ở huyện Hoài Đức, còn em ở Bình Dương",
        "Mưa lớn ở Sóc Trăng, Q.1 và quận 12 ngập",
        "Bé tên Hà Nội, quê ở Hải Phòng",
    ],
)
def test_given_syllables_give_the_same_answer(text: str) -> None:
    d = analyze(text)
    plain = d.plain_text.split()
    assert localities_with_old(plain, d.original, original_syllables=d.syllables) == localities_with_old(
        plain, d.original
    )


def test_syllables_of_another_text_are_not_used() -> None:
    text = "Mưa lớn ở Sóc Trăng"
    d = analyze(text)
    other = syllables("Trời nắng")  # not this text's: the tagger cuts the text itself, and finds the offsets
    found, evidence = localities_with_old(d.plain_text.split(), d.original, original_syllables=other)
    assert found == ("Thành phố Cần Thơ",)
    assert [(e.text, e.start, e.end) for e in evidence] == [("Sóc Trăng", 10, 19)]
