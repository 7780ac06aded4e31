"""Former districts (classifier/data/former_districts.tsv) read only where the words are the district: not an
ordinary phrase in lower case ("toàn huyện cờ đỏ rợp trời": red flags), not a name written without diacritics
that another district or commune shares ("huyen thanh tri": Hà Nội's Thanh Trì or Sóc Trăng's Thạnh Trị), not
another country's district ("quận Tây Hồ, thành phố Hàng Châu"); read also after the abbreviations addresses use
("Q. Gò Vấp", "H.Hoài Đức"), and in the order the text names them. Each case is checked both as
find_localities reads a text and as the scorer calls it (normalised syllables + the original text)."""

from __future__ import annotations

import pytest

from classifier.analysis import analyze
from classifier.locality import find_localities, match_localities

HCM, HN, CT = "Thành phố Hồ Chí Minh", "Thành phố Hà Nội", "Thành phố Cần Thơ"


def _both_ways(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    d = analyze(text)
    return find_localities(text), match_localities(d.plain_text.split(), d.original)


@pytest.mark.parametrize(
    "text,not_place",
    [
        ("Dịp Quốc khánh, toàn huyện cờ đỏ rợp trời", CT),  # red flags, not huyện Cờ Đỏ
        ("khắp huyện cờ đỏ sao vàng tung bay", CT),
        ("cả huyện đông anh em họ hàng đều về", HN),  # many brothers, not huyện Đông Anh
        ("huyen thanh tri, tinh soc trang", HN),  # huyện Thạnh Trị of Sóc Trăng, not Hà Nội's Thanh Trì
        ("Hồ Tây nằm ở quận Tây Hồ, thành phố Hàng Châu, Trung Quốc", HN),
        ("Vụ cháy ở quận Hai Bà Trưng, Bắc Kinh", HN),
    ],
)
def test_former_district_read_from_ordinary_or_other_words(text: str, not_place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert not_place not in found, text
    assert not_place not in scorer_style, text


@pytest.mark.parametrize(
    "text,place",
    [
        ("Dịp Quốc khánh, toàn huyện Cờ Đỏ rợp cờ hoa", CT),
        ("huyện Thanh Trì", HN),
        ("nhà em ở huyện thanh trì", HN),  # with its diacritics: Hà Nội's
        ("huyện Đông Anh", HN),
        ("Số 5 Lê Lợi, Q. Gò Vấp", HCM),  # addresses abbreviate the unit word as they do "Q.1"
        ("Số 5 Lê Lợi, Q.Bình Thạnh", HCM),
        ("xã Kim Chung, H.Hoài Đức", HN),
        ("Thôn 3, H. Hoài Đức", HN),
    ],
)
def test_former_district_is_found(text: str, place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert place in found, text
    assert place in scorer_style, text


@pytest.mark.parametrize(
    "text",
    [
        "Q. Cổ Tích chương 3",  # no district of that name
        "H. Hoài Đức",  # no address around: an initial and a name
    ],
)
def test_abbreviation_without_a_listed_district_stays(text: str) -> None:
    assert _both_ways(text) == ((), ()), text


def test_provinces_in_order_of_first_mention() -> None:
    assert _both_ways("Nhà ở huyện Hoài Đức, còn em ở Bình Dương") == ((HN, HCM),) * 2
    assert _both_ways("Đi từ Q.1 qua huyện Hoài Đức rồi về Hà Nam") == ((HCM, HN, "Ninh Bình"),) * 2
