"""Review fixes to today's classifier changes: HTML names decoded only whole, look-alike letters spelt by HTML
references folded, and a place name with a wrong tone mark not taken from a person's name."""

from __future__ import annotations

import pytest

from classifier.entities import decode_entities
from classifier.locality import find_localities
from classifier.normalize import normalize, syllables


@pytest.mark.parametrize("text", [
    "xem &notit; nhé", "bản quyền &copyright; 2024", "Công ty &ltd; ABC", "&amplifier; x", "AT&T; rất tốt",
    "giá &Amp; thôi",
])
def test_a_name_that_only_begins_with_an_html_name_stays_as_written(text: str) -> None:
    assert decode_entities(text) == (text, None)
    assert normalize(text) == normalize(text.replace("&", " ").replace(";", " "))


@pytest.mark.parametrize(("text", "decoded"), [
    ("AT&GT; rất tốt", "AT> rất tốt"),  # "GT;" is an HTML5 name: a browser shows ">"
    ("giá 5&euro; thôi", "giá 5€ thôi"),
    ("https://shop.vn/p?id=1&amp;ref=2", "https://shop.vn/p?id=1&ref=2"),
    ("&copy; 2024 &copyright; &notin;", "© 2024 &copyright; ∉"),
    ("Vi&#7879;c &notit; nh&#x1EB9;", "Việc &notit; nhẹ"),
])
def test_whole_html_names_and_numeric_references_are_decoded_with_exact_offsets(text: str, decoded: str) -> None:
    out, pos = decode_entities(text)
    assert out == decoded
    assert pos is not None and len(pos) == len(out) + 1 and pos[-1] == len(text)
    for k, ch in enumerate(out):  # each character maps to where it (or the reference that spells it) starts
        assert text[pos[k]] == ch or text[pos[k]] == "&"
    assert [pos[k] for k, ch in enumerate(out) if ch == " "] == [k for k, ch in enumerate(text) if ch == " "]


def _as_references(text: str) -> str:
    return "".join(f"&#{ord(c)};" if ord(c) > 0xFFFF else c for c in text)


def test_look_alike_letters_spelt_by_references_are_folded() -> None:
    bold = "𝐂𝐡𝐮𝐲ể𝐧 𝐤𝐡𝐨ả𝐧 trước 𝟓𝟎𝟎𝐤"
    encoded = _as_references(bold)
    assert "&#119810;" in encoded
    assert normalize(bold) == normalize("Chuyển khoản trước 500k")
    assert normalize(encoded) == normalize(bold)


def test_syllables_of_referenced_look_alikes_slice_the_text_as_written() -> None:
    encoded = "Vui lòng " + _as_references("𝐂𝐡𝐮𝐲ể𝐧 𝐤𝐡𝐨ả𝐧") + " ngay"
    sylls = syllables(encoded)
    assert [s.text for s in sylls] == ["vui", "lòng", "chuyển", "khoản", "ngay"]
    assert encoded[sylls[2].start : sylls[2].end] == _as_references("𝐂𝐡𝐮𝐲ể𝐧")
    assert encoded[sylls[3].start : sylls[3].end] == _as_references("𝐤𝐡𝐨ả𝐧")


@pytest.mark.parametrize("text", [
    "Gặp anh Lâm Đông hôm qua",  # "Lâm Đồng" with one wrong tone, after a title
    "Hôm qua chị Lâm Đông gọi điện",
    "Thanh Hòa ơi, về ăn cơm",  # "Thanh Hóa" with one wrong tone, called by name
    "Thanh Hòa ạ, em nhớ anh",
    "Nguyễn Thanh Hòa gọi điện cho tôi",  # after a surname (already refused before the fix)
])
def test_a_misspelt_place_name_that_is_a_persons_name_is_no_place(text: str) -> None:
    assert find_localities(text) == ()


@pytest.mark.parametrize(("text", "place"), [
    ("Lũ ở Thanh Hòa", "Thanh Hóa"),
    ("Em ở Thanh Hòa à?", "Thanh Hóa"),  # "à" asks about the place here: the name does not open the phrase
    ("quê anh Lâm Đông đẹp lắm", "Lâm Đồng"),  # whose home it is
    ("Những bước chân dồn về đây. Sài Gón ơi! Vững tin đã bao năm", "Thành phố Hồ Chí Minh"),  # a song to the city
    ("hèn chi Hà Nối khói bụi mù", "Thành phố Hà Nội"),  # "chi" (no wonder), not "chị"
    ("Mưa lớn ở tỉnh Thanh Hòa ơi", "Thanh Hóa"),
])
def test_a_misspelt_place_name_among_other_words_is_still_the_place(text: str, place: str) -> None:
    assert find_localities(text) == (place,)
