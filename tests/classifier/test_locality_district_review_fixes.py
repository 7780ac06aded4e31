"""Readings the full former-district table (former_districts_gso.tsv) and the comma rule for "X ơi" got wrong:
"thành phố Vinh" in a headline written all in capitals or in title case before an ordinary word it opens ("VINH
DANH" honours, "Vinh Quang" glory); the five Central Highlands units whose names carry an apostrophe ("huyện
M'Đrắk", "huyện Cư M'gar"), which never matched; and someone called by a place name after a comma when the words
before the comma call or bid them ("Về ăn cơm đi, Thái Bình ơi"), which the comma rule read as the province.
Each case is checked both as find_localities reads a text and as the scorer calls it."""

from __future__ import annotations

import pytest

from classifier.analysis import analyze
from classifier.locality import find_localities, match_localities

HY = "Hưng Yên"  # Thái Bình is now part of Hưng Yên


def _both_ways(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    d = analyze(text)
    return find_localities(text), match_localities(d.plain_text.split(), d.original)


@pytest.mark.parametrize(
    "text",
    [
        "THÀNH PHỐ VINH DANH CÁC TẬP THỂ XUẤT SẮC",
        "Thành Phố Vinh Danh Các Tập Thể Xuất Sắc",
        "Thành Phố Vinh Quang Của Những Người Thợ Mỏ",
        "THÀNH PHỐ VINH DỰ ĐÓN NHẬN HUÂN CHƯƠNG",
        "Thành Phố Vinh Hiển Một Thời",  # "hiển": a hook-above tone, as the tagger folds it
    ],
)
def test_city_word_before_an_ordinary_word_in_a_headline_is_no_city(text: str) -> None:
    assert _both_ways(text) == ((), ()), text


@pytest.mark.parametrize(
    "text",
    [
        "Thành phố Vinh dự kiến xây thêm hai cây cầu",  # the capital says it: "dự kiến", planned
        "CÔNG AN THÀNH PHỐ VINH BẮT GIỮ HAI ĐỐI TƯỢNG",
        "Công An Thành Phố Vinh Bắt Giữ Hai Đối Tượng",
        "Thành phố Vinh",
    ],
)
def test_city_of_vinh_still_found(text: str) -> None:
    found, scorer_style = _both_ways(text)
    assert "Nghệ An" in found, text
    assert "Nghệ An" in scorer_style, text


@pytest.mark.parametrize(
    "text,place",
    [
        ("Động đất ở huyện M'Đrắk", "Đắk Lắk"),
        ("Nông dân huyện Cư M'gar thu hoạch cà phê", "Đắk Lắk"),
        ("Mưa lớn ở huyện Ea H'leo", "Đắk Lắk"),
        ("Công an huyện Đắk R'Lấp", "Lâm Đồng"),  # Đắk Nông's, now Lâm Đồng
        ("Đồn biên phòng huyện Ia H'Drai", "Quảng Ngãi"),  # Kon Tum's, now Quảng Ngãi
        ("huyện Cư M’gar", "Đắk Lắk"),  # the typographic apostrophe
    ],
)
def test_district_names_with_an_apostrophe(text: str, place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert place in found, text
    assert place in scorer_style, text


@pytest.mark.parametrize(
    "text",
    [
        "Về ăn cơm đi, Thái Bình ơi",  # a bid before the comma: someone called
        "Dậy đi học đi con, Khánh Hòa ơi",
        "Con ơi, Thái Bình ơi, về ăn cơm",  # a call before the comma
        "Mẹ gọi mãi, Thái Bình ơi, về ăn cơm",  # someone calling
    ],
)
def test_someone_called_after_a_comma_is_still_a_person(text: str) -> None:
    assert _both_ways(text) == ((), ()), text


@pytest.mark.parametrize(
    "text",
    [
        "Nhớ quá, Thái Bình ơi",
        "Quê tôi đó, Thái Bình ơi",
        "Mưa lũ mấy ngày nay, Thái Bình ơi, về đâu",
        "Đi xa mới thấy thương, Thái Bình ơi",
        "Quê hương của em, Thái Bình ơi",  # "em" here is the writer, bidding no one
    ],
)
def test_place_longed_for_after_a_comma_is_still_the_place(text: str) -> None:
    found, scorer_style = _both_ways(text)
    assert HY in found, text
    assert HY in scorer_style, text


@pytest.mark.parametrize(
    "text",
    [
        "Động đất ở huyện Đông Hải, tỉnh Giang Tô, Trung Quốc",  # Donghai county; Bạc Liêu had a huyện Đông Hải
        "Cảnh sát huyện Đông Hải (Trung Quốc) bắt giữ hai người",
        "Một nhà máy ở huyện Tiên Du, tỉnh Phúc Kiến, Trung Quốc phát nổ",  # Xianyou county, not Bắc Ninh's
        "Lũ lớn ở huyện Thanh Hà, Hồ Nam, Trung Quốc",
    ],
)
def test_chinese_county_named_like_a_former_district_is_abroad(text: str) -> None:
    assert _both_ways(text) == ((), ()), text


@pytest.mark.parametrize(
    "text,place",
    [
        ("Huyện Đông Hải, tỉnh Bạc Liêu, giáp biển", "Cà Mau"),
        ("Công an huyện Tiên Du, Bắc Ninh phối hợp với cảnh sát Trung Quốc", "Bắc Ninh"),
        ("Hàng hóa từ huyện Tiên Du (Bắc Ninh) xuất sang Trung Quốc", "Bắc Ninh"),
        ("huyện Tiên Du xuất khẩu sang Trung Quốc", "Bắc Ninh"),
    ],
)
def test_former_district_beside_china_still_found(text: str, place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert place in found, text
    assert place in scorer_style, text


@pytest.mark.parametrize(
    "text",
    [
        "cuộc sống ở huyện yên bình lắm",  # peaceful, not Yên Bái's huyện Yên Bình
        "ở huyện hòa bình lắm",  # peace, not Bạc Liêu's huyện Hòa Bình
        "về thị xã bình minh lên rất đẹp",  # the dawn, not Vĩnh Long's thị xã Bình Minh
        "ở huyện thống nhất ý kiến rồi mới làm",  # agreed, not Đồng Nai's huyện Thống Nhất
        "ở huyện kế sách này hay lắm",  # a strategy, not Sóc Trăng's huyện Kế Sách
        "o huyen yen binh lam",
    ],
)
def test_lower_case_name_that_is_an_ordinary_word_is_no_district(text: str) -> None:
    assert _both_ways(text) == ((), ()), text


@pytest.mark.parametrize(
    "text,place",
    [
        ("nhà tôi ở huyện yên bình, yên bái", "Lào Cai"),  # its province named: the district
        ("Nhà tôi ở huyện Yên Bình", "Lào Cai"),  # capitalised: the district
        ("nhà tôi ở huyện nghi lộc", "Nghệ An"),  # no ordinary word: as before
        ("về thị xã bình minh vĩnh long", "Vĩnh Long"),
    ],
)
def test_lower_case_ordinary_name_with_its_province_or_capitals_still_found(text: str, place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert place in found, text
    assert place in scorer_style, text


@pytest.mark.parametrize(
    "text,place",
    [
        ("Tàu cá của ngư dân huyện đảo Lý Sơn bị nạn", "Quảng Ngãi"),  # island districts are written so
        ("Chiến sĩ huyện đảo Trường Sa đón Tết", "Khánh Hòa"),
        ("Du lịch huyện đảo Cô Tô", "Quảng Ninh"),
    ],
)
def test_island_district_is_its_province(text: str, place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert place in found, text
    assert place in scorer_style, text


@pytest.mark.parametrize(
    "text",
    [
        # listings whose lines each open with a district and a street: no document's parts
        "Cho thuê nhà:\nQ.1 Lê Thánh Tôn 20tr\nQ.3 Võ Văn Tần 15tr\nQ.7 Nguyễn Thị Thập 10tr",
        "Bán căn hộ\nQ.2 Masteri Thảo Điền\nQ.7 Sunrise City",
        "Tuyển nhân viên\nQ.10 Ba Tháng Hai\nQ.11 Lãnh Binh Thăng",
    ],
)
def test_listing_lines_opening_with_a_district_are_the_city(text: str) -> None:
    found, scorer_style = _both_ways(text)
    assert "Thành phố Hồ Chí Minh" in found, text
    assert "Thành phố Hồ Chí Minh" in scorer_style, text


@pytest.mark.parametrize(
    "text",
    [
        "Mục lục\nQ.2 Quy định chung\nQ.3 Các bên tham gia",  # one line a document's part: all are
        "Q.1 Điều lệ công ty\nQ.2 Cổ đông sáng lập",
    ],
)
def test_lines_of_a_document_still_no_district(text: str) -> None:
    assert _both_ways(text) == ((), ()), text


@pytest.mark.parametrize(
    "text",
    [
        # bilingual addresses: the English name of the district, no film
        "Cho thuê căn hộ Quận 2 - District 2 giá tốt",
        "Bán nhà Quận 9 (District 9), sổ hồng riêng",
        "Serviced apartment District 1 - căn hộ dịch vụ Quận 1",
    ],
)
def test_district_with_its_english_name_is_the_city(text: str) -> None:
    found, scorer_style = _both_ways(text)
    assert "Thành phố Hồ Chí Minh" in found, text
    assert "Thành phố Hồ Chí Minh" in scorer_style, text


def test_film_named_in_english_and_vietnamese_still_no_district() -> None:
    assert _both_ways("Xem District 9 chưa? Quận 9 là phim hay") == ((), ())


@pytest.mark.parametrize(
    "text",
    [
        "Q.1 Mở đầu",  # heading words with a hook-above tone ("mở", "tổng", "hỏi") were never matched
        "Q.2 Tổng quan thị trường",
        "Q.4 Câu hỏi thường gặp",
    ],
)
def test_heading_word_with_a_hook_above_is_a_heading(text: str) -> None:
    assert _both_ways(text) == ((), ()), text
