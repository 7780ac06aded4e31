"""Former cities and towns people still name ("Nha Trang", "Đà Lạt", "Hội An", "Phú Quốc"): since 2025 they are
wards or parts of a province, and count as the province they are in (the special zones "Phú Quốc", "Côn Đảo"
as themselves). Their names are ordinary words often enough ("xã hội an toàn", "cửa lò nướng", "nhà Trang")
that they count only capitalised, after a type word, or written with their diacritics after a word leading to
a place."""

from __future__ import annotations

import pytest

from classifier.analysis import analyze
from classifier.locality import find_localities, match_localities


def _both_ways(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    d = analyze(text)
    return find_localities(text), match_localities(d.plain_text.split(), d.original)


@pytest.mark.parametrize("text,place", [
    ("Tour du lịch Đà Lạt - Nha Trang 4 ngày 3 đêm", "Khánh Hòa"),
    ("Tour du lịch Đà Lạt - Nha Trang 4 ngày 3 đêm", "Lâm Đồng"),
    ("Phố cổ Hội An đông nghịt khách", "Thành phố Đà Nẵng"),
    ("Nghỉ hè ở Nha Trang", "Khánh Hòa"),
    ("Di Nha Trang choi", "Khánh Hòa"),
    ("Cuối tuần đi Vũng Tàu", "Thành phố Hồ Chí Minh"),
    ("Khách sạn ở Phan Thiết", "Lâm Đồng"),
    ("Biển Quy Nhơn đẹp", "Gia Lai"),
    ("Cà phê Buôn Ma Thuột", "Đắk Lắk"),
    ("Vịnh Hạ Long", "Quảng Ninh"),
    ("Săn mây ở Sapa", "Lào Cai"),
    ("Săn mây ở Sa Pa", "Lào Cai"),
    ("Du lịch Phú Quốc", "Đặc khu Phú Quốc, An Giang"),
    ("Chợ nổi Mỹ Tho", "Đồng Tháp"),
    ("Kẹt xe ở Biên Hòa", "Đồng Nai"),
    ("Nhà ở Thủ Đức", "Thành phố Hồ Chí Minh"),
    ("Kẹt xe trên Xa lộ Hà Nội, Thủ Đức", "Thành phố Hồ Chí Minh"),  # the street is no Hà Nội, Thủ Đức is a place
    ("Đi Nha Trang chơi", "Khánh Hòa"),
    ("thành phố nha trang", "Khánh Hòa"),
    ("Mình đang ở đà lạt", "Lâm Đồng"),
])
def test_former_city_tagged(text: str, place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert place in found, text
    assert place in scorer_style, text


@pytest.mark.parametrize("text", [
    "Xây dựng xã hội an toàn, văn minh",
    "Mở cửa lò nướng ra",
    "di nha trang choi",  # "đi nhà Trang": to Trang's house
    "Chúc mừng Nguyễn Hà Tiên nhé",
    "giá hạ long lanh",
])
def test_ordinary_words_are_no_former_city(text: str) -> None:
    assert _both_ways(text) == ((), ()), text
