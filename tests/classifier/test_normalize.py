import unicodedata

import pytest

from classifier.normalize import (
    deobfuscate,
    expand_teencode,
    normalize,
    normalize_tones,
    strip_accents,
    syllables,
)


def test_nfc_and_nfd_inputs_normalise_identically() -> None:
    text = "Hòa bình và thủy điện"
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    assert normalize(nfd) == normalize(text) == "hòa bình và thủy điện"


@pytest.mark.parametrize("old,new", [("hoà", "hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("Hoà Bình", "Hòa Bình")])
def test_old_tone_placement_becomes_new(old: str, new: str) -> None:
    assert normalize_tones(old) == new
    assert normalize(old) == new.lower()


def test_case_is_folded() -> None:
    assert normalize("CẢNH GIÁC") == "cảnh giác"


@pytest.mark.parametrize("short,long", [("ko", "không"), ("k", "không"), ("dc", "được"), ("đc", "được"),
                                        ("ck", "chồng"), ("vk", "vợ")])
def test_teencode(short: str, long: str) -> None:
    assert normalize(f"tôi {short} biết") == f"tôi {long} biết"
    assert expand_teencode(short) == long


@pytest.mark.parametrize("dodge,plain", [
    ("l.ừ.a đ.ả.o", "lừa đảo"),
    ("c h u y ể n k h o ả n", "chuyển khoản"),
    ("l0a", "loa"),
    ("c.h.u.y.ể.n k.h.o.ả.n ngay", "chuyển khoản ngay"),
    ("ngoooon quááá", "ngon quá"),
])
def test_dodges_are_undone(dodge: str, plain: str) -> None:
    assert normalize(dodge) == plain


def test_deobfuscate_keeps_the_rest() -> None:
    assert deobfuscate("Cẩn thận l.ừ.a đ.ả.o nhé!") == "Cẩn thận lừa đảo nhé!"


def test_numbers_are_not_leet() -> None:
    assert normalize("covid19 mp3 4g") == "covid19 mp3 4g"


@pytest.mark.parametrize("text,token", [
    ("vào https://bit.ly/abc ngay", "urltok"),
    ("xem tại www.ví-dụ.vn nhé", "urltok"),
    ("gọi 0912 345 678", "phonetok"),
    ("gọi +84912345678", "phonetok"),
    ("giá 500k thôi", "moneytok"),
    ("chỉ 2.500.000 đồng", "moneytok"),
    ("mail a.b@gmail.com", "emailtok"),
])
def test_typed_tokens(text: str, token: str) -> None:
    assert token in normalize(text).split()


def test_strip_accents_is_length_preserving() -> None:
    s = "Đường Nguyễn Huệ, Quận Một"
    assert strip_accents(s) == "Duong Nguyen Hue, Quan Mot"
    assert len(strip_accents(s)) == len(s)


def test_syllable_offsets_point_into_the_original_even_when_nfd() -> None:
    text = unicodedata.normalize("NFD", "Chuyển khoản l.ừ.a 500k")
    out = syllables(text)
    assert [s.text for s in out] == ["chuyển", "khoản", "lừa", "moneytok"]
    pieces = [unicodedata.normalize("NFC", text[s.start:s.end]) for s in out]
    assert pieces == ["Chuyển", "khoản", "l.ừ.a", "500k"]
