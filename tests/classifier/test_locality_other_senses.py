"""Place abbreviations and names a reader would not call places where they stand: a person's name written
half without diacritics after a title ("anh Hải Phong"), a singer's initials ("vocal như HN"), President Hồ
Chí Minh ("yêu HCM"), the beer ("Saigon đỏ"), the HP brand and horsepower ("laptop HP", "1.5 HP"), a compass
direction ("hướng ĐN" = south-east); and names after their type word that are places whatever follows ("TP.
Hà Nội Nguyễn Đức Chung"). Each case is checked both as find_localities reads a text and as the scorer calls
it (normalised syllables + the original text)."""

from __future__ import annotations

import pytest

from classifier.analysis import analyze
from classifier.locality import find_localities, match_localities

HCM, HN, HP, DN = "Thành phố Hồ Chí Minh", "Thành phố Hà Nội", "Thành phố Hải Phòng", "Thành phố Đà Nẵng"


def _both_ways(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    d = analyze(text)
    return find_localities(text), match_localities(d.plain_text.split(), d.original)


@pytest.mark.parametrize("text,place", [
    # a person: "Phong" written without its diacritics in a text that has them is a given name, not "Phòng"
    ("Hôm qua gặp anh Hải Phong ở chợ", HP),
    ("anh Hải Phong", HP),
    ("Chúc mừng sinh nhật chị Hà Nọi", HN),
    # a singer's initials: a voice is compared with a person, not a city
    ("Hỏng biết Cây cà - lem thấy hit quá có xin vocal như HN hk teee", HN),
    ("hát như HN luôn", HN),
    # President Hồ Chí Minh, not the city
    ("yêu tổ quốc, yêu đồng bào yêu HCM mà không thấy dạy là phải yêu bản thân", HCM),
    ("Học tập tư tưởng HCM", HCM),
    ("Lăng Bác, lăng HCM đông khách", HCM),
    # the beer
    ("Saigon đỏ ngon hơn Tiger", HCM),
    ("Làm vài lon Saigon cho mát", HCM),
    ("một thùng Sài Gòn xanh", HCM),
    ("nhậu Saigon Special", HCM),
    ("uống bia Saigon", HCM),
    ("mua két Saigon đỏ về nhậu", HCM),
    # the HP brand and horsepower
    ("Máy 14inch HP để vừa vặn luôn", HP),
    ("mình dùng HP probook 450 G1", HP),
    ("Hàng chính hãng HP - Bảo hành 3 năm", HP),
    ("Chính sách CAM KẾT từ HP Fashion", HP),
    ("2 máy với công suất 1HP và 1.5 HP", HP),
    # a compass direction: "hướng ĐN" is south-east
    ("sale mạnh miếng đất hướng ĐN thích hợp cho hộ gia đình", DN),
])
def test_other_sense_is_no_place(text: str, place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert place not in found, text
    assert place not in scorer_style, text


@pytest.mark.parametrize("text,place", [
    ("Giao hàng ở ngoại thành HP mà khá nhanh", HP),
    ("Ship từ HP vào SG mất 3 ngày", HP),
    ("Tôi yêu Sài Gòn", HCM),
    ("Tôi yêu TP.HCM", HCM),
    ("Kẹt xe ở HCM quá", HCM),
    ("Từ HN vào HCM mất 2 ngày", HCM),
    ("Thời tiết như HN mùa đông", HN),
    ("Nóng như Sài Gòn", HCM),
    ("anh Hải Phòng", HP),
    ("ae Hai Phong cố lên", HP),
    ("Sài Gòn xanh hơn sau cơn mưa", HCM),
    ("Đường phố Sài Gòn đỏ rực cờ hoa", HCM),
    ("Nhà tớ ở ĐN", DN),
    ("giọng như HN luôn", HN),  # a regional accent
])
def test_place_still_tagged(text: str, place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert place in found, text
    assert place in scorer_style, text


@pytest.mark.parametrize("text,place", [
    # a name after its type word ("TP.", "thành phố") is the place even when an official's name follows
    ("Chủ tịch UBND TP. Hà Nội Nguyễn Đức Chung cho biết", HN),
    ("Chủ tịch TP.Hà Nội Nguyễn Đức Chung", HN),
    ("Chủ_tịch UBND TP. Hà_Nội Nguyễn_Đức_Chung cho biết", HN),
    ("Ban chỉ đạo thành phố Hà Nội Nguyễn Văn A", HN),
    ("Công an TP Huế Nguyễn Văn A", "Thành phố Huế"),
])
def test_typed_name_before_a_person(text: str, place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert place in found, text
    assert place in scorer_style, text
