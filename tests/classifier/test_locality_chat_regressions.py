"""Regressions found in review of the chat-abbreviation rules of the locality tagger: a long "hay hn hay hn"
chain (spam) must neither crash nor slow down, merger talk about a province's name ("giữ tên Thái Nguyên") is
the place, "cao bằng" after "ở"/"đi" is the place whatever follows, the President loved with reverence or in a
list is no city while a lover elsewhere in the text does not make a list, a flooded laptop is no Hải Phòng, and
a text all in lower case names no former district. Each case is checked as find_localities reads a text and as
the scorer calls it (analyze + localities_with_old)."""

from __future__ import annotations

import pytest

from classifier.analysis import analyze
from classifier.locality import find_localities, localities_with_old

HCM, HN, HP = "Thành phố Hồ Chí Minh", "Thành phố Hà Nội", "Thành phố Hải Phòng"


def _both_ways(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    d = analyze(text)
    return find_localities(text), localities_with_old(d.plain_text.split(), d.original)[0]


@pytest.mark.parametrize("text,places", [  # RecursionError before: one call per "hay"
    ("ngày nào cũng ăn cơm" + " hay hn" * 600, ()),  # spam repeating words: "hn" is "hôm nay" here
    ("ở hn" + " hay sg" * 600, (HN, HCM)),
    ("ở HN" + " hay sg hoặc hcm" * 2_000, (HN, HCM)),
])
def test_a_long_chain_of_or_is_read_without_crashing(text: str, places: tuple[str, ...]) -> None:
    assert _both_ways(text) == (places, places)


@pytest.mark.parametrize("text,place", [
    ("Sau sáp nhập, tỉnh mới giữ tên Thái Nguyên", "Thái Nguyên"),
    ("Phản đối việc bỏ tên Bình Dương", HCM),
    ("Tiếc cái tên Bình Dương quá", HCM),
    ("Em tiếc cái tên Bình Dương quá", HCM),  # someone speaks, but of the name, not of themselves
])
def test_a_province_name_kept_or_dropped_in_the_merger_is_the_place(text: str, place: str) -> None:
    for got in _both_ways(text):
        assert place in got, text


@pytest.mark.parametrize("text", ["Em tên là Hà Giang", "Bạn ấy tên là Huế", "em tên Bình Dương"])
def test_someone_named_after_a_province_is_a_person(text: str) -> None:
    assert _both_ways(text) == ((), ())


@pytest.mark.parametrize("text", [
    "ở cao bằng cả tuần",
    "quê mình ở cao bằng bạn ạ",
    "đi cao bằng với bạn bè",
])
def test_cao_bang_after_o_or_di_is_the_place_whatever_follows(text: str) -> None:
    assert _both_ways(text) == (("Cao Bằng",),) * 2


@pytest.mark.parametrize("text", [
    "Vị lãnh tụ kính yêu HCM",  # "kính yêu": reverence, for the President
    "Yêu HCM, yêu Tổ quốc, yêu đồng bào",  # the list of loves comes after "yêu HCM"
])
def test_the_president_loved_with_reverence_or_in_a_list_is_no_city(text: str) -> None:
    for got in _both_ways(text):
        assert HCM not in got, text


@pytest.mark.parametrize("text", [
    "Người yêu mình ở Đà Lạt, còn mình thì yêu HCM",  # "người yêu" is a lover, not a love in a list
    "Yêu HCM quá. Yêu Sài Gòn",  # another love in the next sentence, not opening a list of loves
])
def test_a_city_loved_beside_another_yeu_that_makes_no_list_is_the_city(text: str) -> None:
    for got in _both_ways(text):
        assert HCM in got, text


@pytest.mark.parametrize("text", [
    "HP ngập nước có sửa được không shop",
    "HP ngập nước thì mang ra hãng bảo hành",
])
def test_a_flooded_laptop_is_no_city(text: str) -> None:
    for got in _both_ways(text):
        assert HP not in got, text


@pytest.mark.parametrize("text", [
    "HP ngập nước rồi, đi lại khó khăn quá",
    "HP mưa to quá. Laptop HP có sửa không",  # the repair is another sentence's
])
def test_a_flooded_city_stays_hai_phong(text: str) -> None:
    for got in _both_ways(text):
        assert HP in got, text


@pytest.mark.parametrize("text", [
    "ông quan huyện thanh liêm",  # an honest district mandarin (a text with no capitals at all)
    "thị trấn bình yên quá",  # a peaceful town
])
def test_former_unit_words_in_an_all_lower_case_text_name_no_place(text: str) -> None:
    assert _both_ways(text) == ((), ())
