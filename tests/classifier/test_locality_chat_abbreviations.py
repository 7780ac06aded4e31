"""Place names as chat writes them: "hn", "sg", "hcm" in lower case after a word that leads to a place ("lên hn",
"về sg", "ra hn chơi"; "hn" alone is as often "hôm nay"), "HP" as the subject of weather ("HP mưa to quá"; the
laptop brand is never rained on), a lone "yêu HCM" (the city; "yêu nước, yêu HCM" is the President), a former
town or district ("thị_xã Kỳ_Anh", "thị xã Sơn Tây": not the commune "xã Kỳ Anh"), "cao bằng" in lower case as
a place and as "as tall as", and a province name after "tên" (named: a person). Each case is checked both as
find_localities reads a text and as the scorer calls it (normalised syllables + the original text)."""

from __future__ import annotations

import pytest

from classifier.analysis import analyze
from classifier.locality import find_localities, locality_mentions, match_localities

HCM, HN, HP, DN = "Thành phố Hồ Chí Minh", "Thành phố Hà Nội", "Thành phố Hải Phòng", "Thành phố Đà Nẵng"


def _both_ways(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    d = analyze(text)
    return find_localities(text), match_localities(d.plain_text.split(), d.original)


@pytest.mark.parametrize("text,place", [
    ("lên hn", HN),
    ("Muốn lên hn mà toàn bất thành chán", HN),
    ("Mai em lên hn thi đại học", HN),
    ("Mai chị lên hn khám bệnh", HN),
    ("Nguyễn Đình Huy lên hn đi cc", HN),
    ("Tuần sau lên hn", HN),
    ("ra hn chơi", HN),
    ("Trần Hưng Quân ra hn chạy grap đê", HN),
    ("Tết này về hn ăn Tết với bố mẹ", HN),
    ("Ở Hn nhưng giao hàng nhanh", HN),
    ("len hn choi", HN),
    ("về sg", HCM),
    ("tối bay về sg rồi đi liền", HCM),
    ("em lên sg tìm nó", HCM),
    ("o sg", HCM),
    ("hôm nay ở sg", HCM),  # today in Sài Gòn: test_locality_old_provinces had it as no place ("hôm nay sg" now)
    ("Bạn nào ở hcm cho mình hỏi chỗ sửa xe", HCM),
    ("em vào sg học đại học rồi", HCM),
    ("bạn ở hn hay sg", HCM),  # a second place after the first: "ở hn hay sg", "từ hcm và hn"
    ("ở HN hoặc sg đều được", HCM),
])
def test_lower_case_abbreviation_after_a_place_word(text: str, place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert place in found, text
    assert place in scorer_style, text


@pytest.mark.parametrize("text,place", [
    # "hn" is as often "hôm nay": "từ hôm nay", "đến hôm nay", "ra hôm nay" (released today), "tại" = because
    ("hn trời lạnh quá", HN),
    ("sáng hn đã có hàng", HN),
    ("từ hn trở đi mình sẽ chăm chỉ", HN),
    ("đặt từ tuần trước đến hn vẫn chưa giao", HN),
    ("Phim này ra hn mà rạp đông quá", HN),
    ("anh về hn rồi", HN),
    ("sự kiện diễn ra vào hn", HN),
    ("vào hn làm gì mà vội thế", HN),
    ("giá vàng lên hn lại tăng", HN),  # prices went up today: "lên" after a thing, not a person going
    ("video lên hn rồi đó", HN),
    ("tại hn mệt quá nên nghỉ", HN),
    # lower-case "hp" is "hạnh phúc", "dn"/"đn" "doanh nghiệp", "đồng nghiệp": never a place
    ("chúc chị luôn vui vẻ và hp", HP),
    ("ở hp bên nhau", HP),
    ("vào dn làm việc", DN),
    ("về đn chơi", DN),
    # no place word before it
    ("mình sg mua tận nơi", HCM),
    ("hôm nay hay sg mai", HCM),  # no place before "hay"
])
def test_lower_case_abbreviation_elsewhere_is_no_place(text: str, place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert place not in found, text
    assert place not in scorer_style, text


@pytest.mark.parametrize("text", [
    "HP mưa to quá",
    "HP mưa to quá, đường Lạch Tray ngập hết rồi",
    "HP hôm nay mưa to",
    "Hôm nay HP có bão không mọi người",
    "HP rét quá anh em ơi",
])
def test_hp_under_weather_is_the_city(text: str) -> None:
    found, scorer_style = _both_ways(text)
    assert HP in found, text
    assert HP in scorer_style, text


@pytest.mark.parametrize("text", [
    "HP nóng máy quá, chơi game 10 phút là sập",  # a laptop runs hot
    "HP có bảo hành 2 năm không shop",
    "HP bền lắm, dùng 5 năm chưa hỏng",
    "Laptop HP mưa gió gì cũng mang theo",
    "HAN NOP HP DOT 1 LA 28/9. MUA TO",  # all capitals: "HP" is học phí
])
def test_hp_elsewhere_is_no_city(text: str) -> None:
    found, scorer_style = _both_ways(text)
    assert HP not in found, text
    assert HP not in scorer_style, text


@pytest.mark.parametrize("text", ["yeu HCM", "Yêu HCM quá đi mất", "yeu HCM qua, di dau cung thay vui"])
def test_lone_love_for_hcm_is_the_city(text: str) -> None:
    found, scorer_style = _both_ways(text)
    assert HCM in found, text
    assert HCM in scorer_style, text


@pytest.mark.parametrize("text", [
    "cứ nhồi yêu nước, yêu HCM ? Sao không yêu những thứ gần gũi",
    "yeu to quoc, yeu dong bao, yeu HCM",
    "Yêu Tổ quốc. Yêu đồng bào. Yêu HCM",
])
def test_love_in_a_list_of_loves_is_the_president(text: str) -> None:
    found, scorer_style = _both_ways(text)
    assert HCM not in found, text
    assert HCM not in scorer_style, text


@pytest.mark.parametrize("text,place,not_place", [
    ("thị_xã Kỳ_Anh", "Hà Tĩnh", "Xã Kỳ Anh, Hà Tĩnh"),
    ("Người dân thị xã Kỳ Anh phản ánh về ô nhiễm", "Hà Tĩnh", "Xã Kỳ Anh, Hà Tĩnh"),
    ("Thị xã Sơn Tây tổ chức lễ hội", HN, "Xã Sơn Tây"),  # "Phường Sơn Tây" is Hà Nội's; two "Xã Sơn Tây" not
    ("Căn hộ ở quận Tân Phú", HCM, ""),  # a district: a city's ward ("Xã Tân Phú" lies in five provinces)
    ("huyện Bình_Đại , tỉnh Vĩnh Long", "Vĩnh Long", ""),
    ("Bão đi qua huyện Quảng Điền", "Thành phố Huế", ""),
    ("thị_xã Hương_Thủy", "Thành phố Huế", ""),
    ("Thằng bạn mình ở quận Hoàn Kiếm mới chuyển nhà", HN, ""),
    ("TX Kỳ Anh", "Hà Tĩnh", "Xã Kỳ Anh, Hà Tĩnh"),
    ("Thị xã Mai Châu", "Phú Thọ", "Xã Mai Châu, Phú Thọ"),  # the one "Mai Châu" left, in Phú Thọ (was Hòa Bình)
    # "Phường Bình Minh" is in Tây Ninh and in Vĩnh Long, but the only thị xã Bình Minh (former_districts_gso.tsv)
    # was Vĩnh Long's
    ("Thị xã Bình Minh", "Vĩnh Long", "Tây Ninh"),
])
def test_former_town_or_district_is_its_province(text: str, place: str, not_place: str) -> None:
    found, scorer_style = _both_ways(text)
    for got in (found, scorer_style):
        assert place in got, text
        assert not_place not in got, text


@pytest.mark.parametrize("text", [
    "Thị xã tân tiến",  # a progressive town: in a text with capitals the name would be "Tân Tiến"
    "huyện Phong Điền",  # two districts of that name: Thừa Thiên Huế's and Cần Thơ's
    "huyện An Lão",  # two districts of that name: Bình Định's and Hải Phòng's
    "Ông quan huyện ngày xưa rất nghiêm",
])
def test_former_unit_not_known_is_no_place(text: str) -> None:
    assert _both_ways(text) == ((), ())


def test_former_unit_resolved_by_the_province_named() -> None:
    assert [(m.text, m.name) for m in locality_mentions("huyện Hoài Đức, Hà Nội")] == [
        ("huyện Hoài Đức", HN), ("Hà Nội", HN)]
    assert [(m.text, m.name) for m in locality_mentions("huyện Việt Yên, tỉnh Bắc Giang")] == [
        ("huyện Việt Yên", "Bắc Ninh"), ("tỉnh Bắc Giang", "Bắc Ninh")]


def test_ward_resolved_by_its_former_district() -> None:
    # "Xã Thạnh Phước" lies in several provinces; former Bình Đại district is Vĩnh Long's now
    assert "Xã Thạnh Phước, Vĩnh Long" in find_localities("xã Thạnh Phước, huyện Bình Đại")


def test_former_unit_that_is_a_special_zone() -> None:
    assert _both_ways("Rừng ở huyện Côn Đảo") == (("Đặc khu Côn Đảo, Thành phố Hồ Chí Minh",),) * 2


def test_commune_itself_still_tagged() -> None:
    assert _both_ways("UBND xã Kỳ Anh họp dân") == (("Xã Kỳ Anh, Hà Tĩnh",),) * 2


@pytest.mark.parametrize("text", ["lên cao bằng chơi", "tỉnh cao bằng", "Mùa thu này lên cao bằng ngắm thác"])
def test_cao_bang_lower_case_place(text: str) -> None:
    assert _both_ways(text) == (("Cao Bằng",),) * 2


@pytest.mark.parametrize("text", ["cao bằng nhau", "cao bằng anh", "Con gái tôi cao bằng anh nó rồi",
                                  "Hai đứa cao bằng nhau, khó phân biệt", "Con lên cao bằng bố rồi đấy",
                                  "thằng bé lớn nhanh, lên cao bằng mẹ nó"])
def test_cao_bang_as_tall_as(text: str) -> None:
    assert _both_ways(text) == ((), ())


@pytest.mark.parametrize("text", ["Cô giáo dạy văn tên Huế rất hiền", "Bạn mình tên Bình Dương"])
def test_named_after_a_place_is_a_person(text: str) -> None:
    assert _both_ways(text) == ((), ())
