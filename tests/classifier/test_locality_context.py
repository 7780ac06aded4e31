"""False place tags: everyday words that strip to a province name ("diễn biến" → Điện Biên), names joined
across sentences, people and streets named after places. The real mentions next to them keep working."""

from __future__ import annotations

import pytest

from classifier.analysis import analyze
from classifier.locality import find_localities, locality_mentions, match_localities

HCM, HN, DN, HUE = "Thành phố Hồ Chí Minh", "Thành phố Hà Nội", "Thành phố Đà Nẵng", "Thành phố Huế"


def _both_ways(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What find_localities says, and what the scorer's call (syllables + original text) says."""
    d = analyze(text, segment=False)
    return find_localities(text), match_localities(d.plain_text.split(), d.original)


@pytest.mark.parametrize("text", [
    # words with diacritics that are not the place's: matched with their diacritics, they are no place
    "Ở một diễn biến khác, giá xăng tăng",
    "Mua 2 tuần trước rồi giá lại tốt hơn bây giờ",
    "Máy này đa tài đa năng lắm",
    "Ngay cả màu xanh vẫn khác nha",
    "Ngay cả\nMau",
    "Tôi đã nâng cấp máy",
    "Nhà có hai phòng ngủ",
    "Làm ăn lắm đồng lắm",
    # the same words in lower case without diacritics: ambiguous, so they need a capital or a type word
    "o mot dien bien khac gia xang tang",
    "mua xong gia lai tot hon",
    "may nay da nang lam",
    "nha co hai phong ngu",
    # spelt like the place but an ordinary phrase: counts only capitalised as a name
    "Hai đứa cao bằng nhau",
    "Cao bằng người lớn rồi",
    "chiều cao bằng 1/6 chiều rộng",
    "cầu cho thế giới hòa bình.",
    # people, streets, prizes and brands named after places
    "Đi dạo phố đi bộ Nguyễn Huệ tối nay",
    "Di dao pho di bo Nguyen Hue toi nay",
    "Phó thủ tướng Trương Hòa Bình yêu cầu Bộ Nội vụ",
    "Chúc mừng Nguyễn Khánh Hòa nhé",
    "Anh Thy Pham Thai Nguyen ơi",
    "Giải Nobel Hòa Bình năm nay",
    "Nhà ở đường Hòa Bình",
    "Tôi thích uống bia Sài Gòn",
    "Học tập tư tưởng Hồ Chí Minh",
    "Tấm gương đạo đức Hồ Chí Minh",
    "Câu nói của chủ tịch Hồ Chí Minh",
    "CẦU CHO THẾ GIỚI HÒA BÌNH",
    "Chúng ta hướng tới hòa bình",
    "nha co hai phòng ngủ",
    # a ward type word does not join the next sentence, nor a lower-case phrase after it
    "Mẹ là niềm tự hào của Khu phố 6 của Phường. Tấm lòng đôn hậu của Mẹ",
    "Mẹ sống ở Phường 5. Tấm lòng của Mẹ thật đáng quý",
    "Chuyện ở xã tân tiến",
    "Cán bộ phường tâm huyết",
    "Đây là phương án hai",
])
def test_not_places(text: str) -> None:
    assert _both_ways(text) == ((), ()), text


@pytest.mark.parametrize("text,place", [
    ("Kẹt xe ở TP.HCM", HCM),
    ("Kẹt xe ở TP. HCM", HCM),
    ("tai nan o TPHCM", HCM),
    ("Sài Gòn mưa to", HCM),
    ("sài gòn mưa to", HCM),
    ("Bia ở Saigon ngon", HCM),
    ("về sai gon gap em", HCM),
    ("Ha Noi mua to", HN),
    ("ha noi mua to", HN),
    ("Hanoi traffic", HN),
    ("Tôi ở Hà Nội", HN),
    ("Giỏi thì ra hà nội", HN),
    ("Tôi ở Hà nội", HN),
    ("Đi từ Đà Nẵng vào", DN),
    ("bão vào đà nẳng", DN),  # hỏi for ngã, a common misspelling
    ("Quê tôi ở Quãng Ngãi", "Quảng Ngãi"),
    ("Người dân Huế", HUE),
    ("Lũ ở Gia Lai", "Gia Lai"),
    ("lu o Gia Lai", "Gia Lai"),
    ("lu o tinh gia lai", "Gia Lai"),
    ("Bạc Liêu và Cà Mau", "Cà Mau"),
    ("tôi ở Cao Bằng", "Cao Bằng"),
    ("Dân chơi Cao Bằng", "Cao Bằng"),
    ("Mưa ở Điện Biên", "Điện Biên"),
    ("Lũ ở Hòa Bình", "Phú Thọ"),
    ("tỉnh hòa bình", "Phú Thọ"),
    ("Tôi ở Hồ Chí Minh", HCM),
    ("Lived in Ho Chi Minh City", HCM),
    ("Thành phố Hồ Chí Minh", HCM),
    ("TP Hồ Chí Minh", HCM),
    ("đường phố Hà Nội về đêm", HN),
    ("Tỉnh Bà Rịa - Vũng Tàu", HCM),
    ("Người dân phường Bến Thành phản ánh", "Phường Bến Thành, Thành phố Hồ Chí Minh"),
    ("phuong ben thanh", "Phường Bến Thành, Thành phố Hồ Chí Minh"),
    ("Ở p. Bến Thành", "Phường Bến Thành, Thành phố Hồ Chí Minh"),
    ("Về đặc khu Phú Quốc", "Đặc khu Phú Quốc, An Giang"),
    ("người dân phường hoàn kiếm phản ánh", "Phường Hoàn Kiếm, Thành phố Hà Nội"),
    # partly without diacritics, the diacritics written being the name's
    ("từ bến xe vào sai gòn", HCM),
    ("Tp hcm thì Nhật, ha nội thì Trung Quốc", HN),
    ("bão vào Quang Trị", "Quảng Trị"),
    ("vô đak lak nà", "Đắk Lắk"),
    # a name that is also a phrase, in lower case after a word that puts a place after it
    ("đi lên cao bằng thì hết sảy", "Cao Bằng"),
    ("IQ đến từ cao bằng", "Cao Bằng"),
    ("Đồ hiệu cao bằng :))", "Cao Bằng"),
    # in capitals throughout, a name after a name is no person's
    ("ĐẤT BÌNH DƯƠNG BÌNH PHƯỚC ĐANG SỐT", "Đồng Nai"),
    # decomposed (NFD) diacritics are capitals all the same
    ("Trên Cao Ba\u0306\u0300ng bọn tôi", "Cao Bằng"),
])
def test_places(text: str, place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert place in found, text
    assert place in scorer_style, text


def test_a_place_after_a_sentence_or_a_person_still_counts() -> None:
    assert find_localities("Cảm ơn Nguyễn Văn A. Hà Nội mưa to") == (HN,)
    assert find_localities("Tin từ Phường.\nHà Nội mưa to") == (HN,)
    assert find_localities("Nguyễn Huệ là vua. Huế là kinh đô") == (HUE,)
    [m] = locality_mentions("Đi Cà\nMau rồi về Cà Mau")
    assert m.text == "Cà Mau" and m.start == 17
