"""Former districts and towns (abolished in 2025) named with their type word count as the province they were in
(`classifier/data/former_districts.tsv`), also where wards of that name lie in several provinces ("huyện Hoài
Đức" was Hà Nội's; a commune "Xã Hoài Đức" is in Lâm Đồng too) and also written in lower case or without
diacritics ("huyen hoai duc", "thi xa ky anh", "tp thu duc"). Each case is checked both as find_localities
reads a text and as the scorer calls it (normalised syllables + the original text)."""

from __future__ import annotations

import pytest

from classifier.analysis import analyze
from classifier.locality import find_localities, locality_mentions, match_localities

HCM, HN = "Thành phố Hồ Chí Minh", "Thành phố Hà Nội"


def _both_ways(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    d = analyze(text)
    return find_localities(text), match_localities(d.plain_text.split(), d.original)


@pytest.mark.parametrize(
    "text,place",
    [
        ("huyện Hoài Đức", HN),
        ("Tôi ở huyện Hoài Đức", HN),
        ("huyện Việt Yên", "Bắc Ninh"),  # Bắc Giang's (now Bắc Ninh); "Xã Việt Yên" is in Hưng Yên
        ("huyen hoai duc", HN),
        ("nha em o huyen hoai duc", HN),
        ("thi xa ky anh", "Hà Tĩnh"),
        ("thi xa Ky Anh", "Hà Tĩnh"),
        ("Nhà tôi ở huyện hoài đức", HN),
        ("tp thu duc", HCM),
        ("kẹt xe ở quan binh thanh", HCM),
        ("quận cầu giấy", HN),
        ("tx ky anh", "Hà Tĩnh"),
    ],
)
def test_former_district_is_its_province(text: str, place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert place in found, text
    assert place in scorer_style, text


def test_former_district_no_commune_of_another_province() -> None:
    assert [(m.text, m.name) for m in locality_mentions("Tôi ở huyện Hoài Đức")] == [("huyện Hoài Đức", HN)]


@pytest.mark.parametrize(
    "text",
    [
        "Ông quan huyện ngày xưa rất nghiêm",
        "ông quan huyện thanh liêm",
        "thị trấn bình yên quá",
        "quan tam den nhau",
        "huyen thoai duc hanh",
        "Thị xã tân tiến",
    ],
)
def test_ordinary_words_stay(text: str) -> None:
    assert _both_ways(text) == ((), ()), text
