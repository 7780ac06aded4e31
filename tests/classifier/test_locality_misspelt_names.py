"""Place tags a reader would call wrong: misspelt names with a wrong tone mark missed ("Đã Nẳng", "Hà Nôi"),
friends' names tagged as places ("HN Thu Nguyên", "anh Bình Dương"), and the street or victory "Điện Biên Phủ"
tagged as Điện Biên province. Each case is checked both as find_localities reads a text and as the scorer
calls it (normalised syllables + the original text)."""

from __future__ import annotations

import pytest

from classifier.analysis import analyze
from classifier.locality import find_localities, locality_mentions, match_localities

HCM, HN, DN = "Thành phố Hồ Chí Minh", "Thành phố Hà Nội", "Thành phố Đà Nẵng"


def _both_ways(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    d = analyze(text, segment=False)
    return find_localities(text), match_localities(d.plain_text.split(), d.original)


@pytest.mark.parametrize("text,place", [
    # one capitalised syllable with another tone mark, the name written as a name among ordinary words
    ("Bão vào Đã Nẳng chiều nay", DN),
    ("Tôi ở Hà Nôi", HN),
    ("Mới từ Hà Nổi về", HN),
    ("Kẹt xe ở Tp Hồ Chí Mình", HCM),
    ("Quê tôi ở Ninh Bính", "Ninh Bình"),
    ("Đi Đông Thap chơi", "Đồng Tháp"),
    ("điều chuyển trưởng phòng cảnh sát giao thông Đã Nẳng - kết câu này.", DN),
])
def test_misspelt_tone_still_the_place(text: str, place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert place in found, text
    assert place in scorer_style, text


@pytest.mark.parametrize("text", [
    # every syllable's tone differs, or a letter does (đ/d): other words, as before
    "Giá Lại Tăng Mạnh",
    "Ngay Cả Màu Cũng Khác",
    "Diễn Biến Mới Nhất",
    # the wrong tone on a syllable written in lower case: not written as a name
    "Hà nôi mưa",
    # in a text that capitalises every word (or a run of capitals), capitals say nothing
    "Để Não Thành Hoá Thạch À",
    "Ca Việt Nam Đỉnh Thực Sự",
    "Phải Cào Bằng Ra Mới Đúng",
    "Nhận chữa ✅ ĐA NANG BUỒNG TRỨNG ✅ trứng chậm phát triển",
])
def test_other_tones_are_other_words(text: str) -> None:
    assert _both_ways(text) == ((), ()), text


@pytest.mark.parametrize("text", [
    # an abbreviation followed by a capitalised two-syllable name: part of a Facebook name
    "HN Thu Nguyên nói câu mát hết cả lòng :))",
    "HN Thu Nguyên hả dạ",
    # a place name that is also a given name, after a kinship or address word
    "anh Bình Dương ơi",
    "chị Hà Giang đẹp quá",
    "Cô Huế dạy văn hay lắm",
    # a name written given name first, then a surname
    "Hà Giang Nguyễn ơi",
    "Thu Hà Tinh Nguyen Lê Hồng Diễm Hoàng Dung nghĩ mà",
])
def test_friend_names_are_not_places(text: str) -> None:
    assert _both_ways(text) == ((), ()), text


@pytest.mark.parametrize("text,place", [
    ("ở HN và SG", HN),
    ("Giá nhà trong SG đặt ít nhất gấp rưỡi ở HN. Ở SG cách trung tâm 25km", HN),
    ("Tôi đi HN-Vinh chở cả nhà", HN),
    ("Y Dược HCM năm nay lấy điểm quá thấp", HCM),
    ("quê em Nam Định", "Ninh Bình"),
    ("nhà anh Thái Bình", "Hưng Yên"),
    ("nhất là ae thanh hóa ạ", "Thanh Hóa"),
    ("Chị em Hà Giang", "Tuyên Quang"),
    ("Em ở Hà Giang", "Tuyên Quang"),
    ("Trời! Giống như phim nhưng đời thực tại Kỳ Anh Hà Tĩnh.", "Hà Tĩnh"),
    ("Người dân Huế", "Thành phố Huế"),
])
def test_places_next_to_names_still_count(text: str, place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert place in found, text
    assert place in scorer_style, text


@pytest.mark.parametrize("text", [
    # "Điện Biên Phủ": a street in most towns, or the 1954 victory, not the province
    "Nhà em ở số 12 Điện Biên Phủ",
    "Chiến thắng Điện Biên Phủ",
    "Kẹt xe trên Điện Biên Phủ, Bình Thạnh",
    "lộ trình XVNT - Ung Văn Khiêm - Nguyễn Gia Trí - Điện Biên Phủ - Vòng xoay Hàng Xanh",
    "kẹt xe tại trước cua quẹo (Điện Biên Phủ - đường bên hông cầu vượt)",
    # streets named after places are not the places
    "Kẹt xe trên Xa lộ Hà Nội sáng nay",
    "Đường Hà Nội ngập nặng",
    "Quán ở số 5 đường Điện Biên Phủ",
    # the beers named after cities
    "5 năm nay không uống sài gòn xanh, đỏ nữa, bị vợ cấm xD",
    "Mua một két Hà Nội",
    # a plain across several provinces; a phrase with a name inside
    "Nó lấp đất đầy cái đồng tháp mười",
    "Toàn công nghệ an toàn mà Thaco lại cắt đi",
])
def test_streets_and_longer_names_are_not_the_province(text: str) -> None:
    assert _both_ways(text) == ((), ()), text


@pytest.mark.parametrize("text,place", [
    ("Du lịch thành phố Điện Biên Phủ", "Điện Biên"),
    ("Về TP. Điện Biên Phủ", "Điện Biên"),
    ("Người dân phường Điện Biên Phủ", "Phường Điện Biên Phủ, Điện Biên"),
    ("Mưa ở Điện Biên", "Điện Biên"),
    ("Mưa ở Đồng Tháp", "Đồng Tháp"),
    ("Tôi ở nghệ an", "Nghệ An"),
    ("Uống cà phê ở Sài Gòn", HCM),
])
def test_the_place_itself_still_counts(text: str, place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert place in found, text
    assert place in scorer_style, text


def test_misspelt_mention_keeps_its_offsets() -> None:
    [m] = locality_mentions("Bão vào Đã Nẳng chiều nay")
    assert (m.name, m.text, m.start, m.end) == (DN, "Đã Nẳng", 8, 15)
