"""A "quận" and a number is Hồ Chí Minh City's numbered district ("ở quận 12", "quận 01") except where it counts
districts ("Hải Phòng có 7 quận 8 huyện", "mỗi quận 1 bệnh viện") or names another city's or a story's
("quận 1 Paris", "Quận 12" of The Hunger Games). Each case is checked both as find_localities reads a text and
as the scorer calls it (normalised syllables + the original text)."""

from __future__ import annotations

import pytest

from classifier.analysis import analyze
from classifier.locality import find_localities, locality_mentions, match_localities

HCM = "Thành phố Hồ Chí Minh"


def _both_ways(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    d = analyze(text)
    return find_localities(text), match_localities(d.plain_text.split(), d.original)


@pytest.mark.parametrize(
    "text",
    [
        # a count of districts, not "Quận 8"
        "Hải Phòng có 7 quận 8 huyện",
        "TP Cần Thơ gồm 5 quận 4 huyện",
        "Hà Nội có 12 quận 1 thị xã 17 huyện",
        "Hà Nội: mỗi quận 1 bệnh viện dã chiến",
        "Đà Nẵng phân bổ cho mỗi quận 3 xe cứu thương",
        # Paris's arrondissements, The Hunger Games' districts
        "Vụ xả súng ở quận 1 Paris",
        "Du khách đến khu phố Latin ở quận 5 của Paris",
        "Katniss đến từ Quận 12 trong Đấu trường sinh tử",
    ],
)
def test_quan_and_a_number_that_is_no_ho_chi_minh_district(text: str) -> None:
    found, scorer_style = _both_ways(text)
    assert HCM not in found, text
    assert HCM not in scorer_style, text


@pytest.mark.parametrize(
    "text",
    [
        "Nhà tôi ở quận 01",
        "Khu vực quận 1, 3, 5 cấm đỗ xe",
        "Giá: quận 1 là 5 triệu, quận 3 là 4 triệu",
        "Tôi ở Quận 1, tuần sau bay đi Paris",  # Paris elsewhere in the sentence, not the district's city
    ],
)
def test_numbered_district_still_counts(text: str) -> None:
    found, scorer_style = _both_ways(text)
    assert HCM in found, text
    assert HCM in scorer_style, text


def test_quan_01_offsets() -> None:
    assert [(m.text, m.name) for m in locality_mentions("Nhà tôi ở quận 01")] == [("quận 01", HCM)]
