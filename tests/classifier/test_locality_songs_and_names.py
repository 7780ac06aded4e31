"""A province addressed in a song or a poem ("Quảng Bình ơi, quê hương anh hùng") and a province's name spoken of
as a name ("biết tên Hà Nội", "đặt tên Hà Nội cho kinh thành", "Con đường tên Hà Nội") are the place; only
someone clearly called ("Khánh Hòa ơi, dậy đi học") or said to bear the name ("Bé tên Hà Nội") is a person
(tests/classifier/test_locality_named_people.py). Where the words cannot tell, the place wins: a missed
place mention costs a culture office more than a rare person read as a place. Each case is checked both as
find_localities reads a text and as the scorer calls it (normalised syllables + the original text)."""

from __future__ import annotations

import pytest

from classifier.analysis import analyze
from classifier.locality import find_localities, match_localities

HN = "Thành phố Hà Nội"


def _both_ways(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    d = analyze(text)
    return find_localities(text), match_localities(d.plain_text.split(), d.original)


@pytest.mark.parametrize(
    "text,place",
    [
        ("Quảng Bình ơi, quê hương anh hùng", "Quảng Trị"),  # Quảng Bình is now part of Quảng Trị
        ("Hà Giang ơi, mùa hoa tam giác mạch", "Tuyên Quang"),
        ("Phú Yên ơi, nắng vàng hoa cỏ xanh", "Đắk Lắk"),
        ("Bình Dương ơi, ta về đây", "Thành phố Hồ Chí Minh"),
        ("Tình ca Tây Bắc: Hà Giang ơi em có nhớ", "Tuyên Quang"),
        ("Thái Bình ơi, quê lúa anh hùng", "Hưng Yên"),
    ],
)
def test_province_sung_to_is_the_place(text: str, place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert place in found, text
    assert place in scorer_style, text


@pytest.mark.parametrize(
    "text,place",
    [
        ("Các bạn có biết tên Hà Nội có từ năm nào không?", HN),
        ("Minh Mạng là ông vua đặt tên Hà Nội cho kinh thành", HN),
        ("Chính ông đã đặt tên Hà Nội năm 1831", HN),
        ("Mình nghe tên Đà Lạt là thấy mê", "Lâm Đồng"),
        ("Con đường tên Hà Nội", HN),
        ("Có một con phố tên Huế ở Sài Gòn", "Thành phố Huế"),
        ("Ông bà tôi đặt tên Thái Bình cho vùng đất này", "Hưng Yên"),
    ],
)
def test_name_of_a_place_spoken_of_is_the_place(text: str, place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert place in found, text
    assert place in scorer_style, text


@pytest.mark.parametrize(
    "text",
    [
        "Khánh Hòa ơi, về ăn cơm",
        "Bình Dương ơi, dậy đi học",
        "Hà Giang ơi ra đây mẹ bảo",
        "Cô giáo dạy văn tên Huế",
        "Con gái tôi tên Hà Giang",
        "Bạn thân mình tên Bình Dương",
    ],
)
def test_someone_called_or_named_is_a_person(text: str) -> None:
    assert _both_ways(text) == ((), ()), text
