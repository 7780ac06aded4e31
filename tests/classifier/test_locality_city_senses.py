"""City mentions that look like another sense of the same words and are not: "Sài Gòn xanh" as a slogan (the
beer only with beer words before it or its product name after it), "lon" that is "lớn"/"lợn" in a text without
diacritics, "Đoàn HCM" (the city's team), "HP" next to other places or after "cảng", "giọng như
SG" (a regional accent), and "các bạn Hà Noi" (people from the place). Each case is checked both as
find_localities reads a text and as the scorer calls it (normalised syllables + the original text)."""

from __future__ import annotations

import pytest

from classifier.analysis import analyze
from classifier.locality import find_localities, match_localities

HCM, HN, HP, DN = "Thành phố Hồ Chí Minh", "Thành phố Hà Nội", "Thành phố Hải Phòng", "Thành phố Đà Nẵng"


def _both_ways(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    d = analyze(text)
    return find_localities(text), match_localities(d.plain_text.split(), d.original)


@pytest.mark.parametrize("text,place", [
    # a colour after "Sài Gòn" is a slogan or a description of the city unless beer words come before it
    ("Góp phần xây dựng Sài Gòn xanh, sạch, đẹp", HCM),
    ("Chung tay vì một Sài Gòn xanh.", HCM),
    ("Cuối tuần Sài Gòn chill ghê", HCM),
    ("Ngày 30/4, Sài Gòn đỏ lửa pháo hoa", HCM),
    ("Saigon xanh sạch đẹp là mục tiêu của thành phố.", HCM),
    # "lon", "thùng" written without diacritics are "lớn", "thung": no beer
    ("cac thanh pho lon Ha Noi va Da Nang", HN),
    ("cac thanh pho lon Ha Noi va Da Nang", DN),
    ("ban thit lon Ha Noi sach", HN),
    # the city's team, not the Youth Union
    ("Đoàn HCM giành 50 huy chương vàng", HCM),
    # "HP" beside another place, or after a word leading to the port city
    ("Xe khách HN - HP chạy mỗi 30 phút", HP),
    ("Lịch thi đấu: HN, HP, ĐN cùng ra sân cuối tuần này.", HP),
    ("Trận HP và HN tối nay", HP),
    ("Cảng HP đón tàu container lớn nhất", HP),
    ("Tôi về HP Tết này, ai có xe ghép không?", HP),
    # a regional accent, not a singer's initials
    ("giọng như SG vậy", HCM),
    ("nói giống giọng HN ghê", HN),
    # "các bạn" + a name half without diacritics: people from the place, not a person
    ("Các bạn Hà Noi cho mình hỏi", HN),
    # someone who has lived there loves the city
    ("mình yêu HCM quá, ở đây 10 năm rồi", HCM),
])
def test_city_tagged(text: str, place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert place in found, text
    assert place in scorer_style, text


@pytest.mark.parametrize("text,place", [
    ("uống bia Saigon", HCM),
    ("mua két Saigon đỏ về nhậu", HCM),
    ("nhậu Saigon Special", HCM),
    ("Mua 2 thùng Sài Gòn Lager", HCM),
    ("Làm vài lon Saigon cho mát", HCM),
    ("Saigon đỏ ngon hơn Tiger", HCM),
    ("Đoàn TNCS HCM tổ chức hiến máu", HCM),
    ("Đoàn thanh niên cộng sản HCM", HCM),
    ("Học tập và làm theo tấm gương đạo đức HCM.", HCM),
    ("Máy in HP LaserJet Pro", HP),
    ("laptop HP, Dell, Asus giá rẻ", HP),
    ("Hạn nộp HP là thứ 6", HP),
    ("vocal như HN", HN),
])
def test_other_sense_kept(text: str, place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert place not in found, text
    assert place not in scorer_style, text
