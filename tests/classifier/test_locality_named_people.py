"""People named like a place: a province name said to be someone's name ("Bé tên Hà Nội", "con gái tôi tên là Hà
Nội", "Cô bé mang tên Huế") or called by it ("Khánh Hòa ơi, dậy đi học") is a person, while a city addressed in
a song-like exclamation ("Hà Nội ơi, mùa thu đẹp quá", "Sài Gòn ơi!") and a name a place or a thing bears
("con đường mang tên Hà Nội", "tỉnh mới mang tên Thái Nguyên") stay the place. Each case is checked both as
find_localities reads a text and as the scorer calls it (normalised syllables + the original text)."""

from __future__ import annotations

import pytest

from classifier.analysis import analyze
from classifier.locality import find_localities, match_localities

HCM, HN, HUE = "Thành phố Hồ Chí Minh", "Thành phố Hà Nội", "Thành phố Huế"


def _both_ways(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    d = analyze(text)
    return find_localities(text), match_localities(d.plain_text.split(), d.original)


@pytest.mark.parametrize(
    "text",
    [
        "Bé tên Hà Nội",
        "con gái tôi tên là Hà Nội",
        "Cô bé mang tên Huế",
        "Thằng bé mang tên Hà Nội, sinh năm 2010",
        "Khánh Hòa ơi",
        "Khánh Hòa ơi, dậy đi học",
        "Mẹ gọi: Thái Bình ơi, về ăn cơm",
        "khánh hòa ơi ra đây mẹ bảo",
    ],
)
def test_person_named_like_a_place(text: str) -> None:
    assert _both_ways(text) == ((), ()), text


@pytest.mark.parametrize(
    "text,place",
    [
        ("Hà Nội ơi, mùa thu đẹp quá", HN),
        ("Sài Gòn ơi", HCM),
        ("Bao nhiêu người dồn chân về đây. Sài Gòn ơi! Vững tin đã bao năm rồi", HCM),  # vihsd train
        ("chiến thắng tất cả Hà nội ơi Việt Nam đất nước", HN),  # vihsd train
        ("Huế ơi, mùa mưa lại về", HUE),  # a city sung to, though "Huế" is also a given name
        ("Nhớ Khánh Hòa ơi là nhớ", "Khánh Hòa"),  # not opening its phrase: longing for the place
        ("Con đường mang tên Hà Nội", HN),  # a thing bears the name
        ("Sau sáp nhập, tỉnh mới mang tên Thái Nguyên", "Thái Nguyên"),
        ("Đội bóng của tôi mang tên Hà Nội", HN),  # "tôi" owns the team
        ("Quê tôi tên Thái Bình", "Hưng Yên"),  # the home town's name (Thái Bình is now part of Hưng Yên)
        ("Trường em tên Hà Nội", HN),  # the school's name
        ("Bài nhạc tên Quảng Nam nghe ấm lòng", "Thành phố Đà Nẵng"),  # victsd: a song, no person named
    ],
)
def test_place_addressed_or_bearing_a_name_stays_the_place(text: str, place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert place in found, text
    assert place in scorer_style, text
