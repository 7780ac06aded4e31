"""Known false readings of the locality tagger: "Q.1" opening a heading ("Quyển 1: Q.1 Mở đầu", "Q.1 Điều lệ
công ty": a chapter or a quarter, not District 1), the film "District 9" ("phim Quận 9"), and a province name
closing a sentence after a comma before "ơi" ("Nhớ quá, Thái Bình ơi": longing for the place) read as someone
called. Each case is checked both as find_localities reads a text and as the scorer calls it (normalised
syllables + the original text)."""

from __future__ import annotations

import pytest

from classifier.analysis import analyze
from classifier.locality import find_localities, match_localities

HCM, HY = "Thành phố Hồ Chí Minh", "Hưng Yên"  # Thái Bình is now part of Hưng Yên


def _both_ways(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    d = analyze(text)
    return find_localities(text), match_localities(d.plain_text.split(), d.original)


@pytest.mark.parametrize(
    "text",
    [
        "Quyển 1: Q.1 Mở đầu",
        "Q.1 Điều lệ công ty",
        "Mục lục\nQ.2 Quy định chung\nQ.3 Hiệu lực thi hành",
        "Xem phim District 9 chưa? Phim Quận 9 hay lắm",
        "Tối qua xem bộ phim Quận 9 của Neill Blomkamp",
        "phim District 9 (Quận 9) hay lắm",
    ],
)
def test_heading_or_film_is_no_district(text: str) -> None:
    found, scorer_style = _both_ways(text)
    assert HCM not in found, text
    assert HCM not in scorer_style, text


@pytest.mark.parametrize(
    "text",
    [
        "Q.1, TP.HCM",
        "Q.1 Sài Gòn kẹt xe",
        "Nhà em ở Q.1 Bến Thành",
        "Quán phở ngon ở Quận 9",
        "Đi xem phim ở Q.1 tối nay",  # the cinema is in District 1
        "Q.7 Cho thuê căn hộ giá rẻ",  # an advertisement opening with its district, no document's part
        "Q.1 Bệnh viện Từ Dũ",
    ],
)
def test_district_beside_headings_and_films_still_found(text: str) -> None:
    found, scorer_style = _both_ways(text)
    assert HCM in found, text
    assert HCM in scorer_style, text


@pytest.mark.parametrize(
    "text",
    [
        "Nhớ quá, Thái Bình ơi",
        "Quê tôi đó, Thái Bình ơi",
        "Mưa lũ mấy ngày nay, Thái Bình ơi, về đâu",
        "Đi xa mới thấy thương, Khánh Hòa ơi",
    ],
)
def test_place_after_a_comma_before_oi_is_the_place(text: str) -> None:
    found, scorer_style = _both_ways(text)
    place = "Khánh Hòa" if "Khánh" in text else HY
    assert place in found, text
    assert place in scorer_style, text


@pytest.mark.parametrize(
    "text",
    [
        "Thái Bình ơi",
        "Mẹ gọi: Thái Bình ơi, về ăn cơm",
        "Mẹ gọi \"Thái Bình ơi, về ăn cơm\"",
        "Trời tối rồi\nThái Bình ơi, về ăn cơm",
    ],
)
def test_someone_called_still_a_person(text: str) -> None:
    assert _both_ways(text) == ((), ()), text
