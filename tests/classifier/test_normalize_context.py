"""Teencode that used to turn ordinary text into profanity or places: "lol", "cc:", "hn"/"sg"/"đn", "1 m 70";
and the dodged "Đ.M" that used to become "đ mày" instead of the profanity."""

from __future__ import annotations

import pytest

from classifier.normalize import expand_teencode, load_teencode, normalize, syllables


@pytest.mark.parametrize("text,norm", [
    ("lol vui quá", "lol vui quá"),
    ("tối nay chơi LoL không", "tối nay chơi lol không"),
    ("cc: anh Nam phòng kế toán", "cc anh nam phòng kế toán"),
    ("CC: chị Lan\nNội dung: họp giao ban", "cc chị lan nội dung họp giao ban"),
    ("Kính gửi anh Hùng,\nCc : phòng hành chính", "kính gửi anh hùng cc phòng hành chính"),
    ("hn đi chơi không", "hn đi chơi không"),
    ("hôm qua ở sg", "hôm qua ở sg"),
    ("đn mưa to", "đn mưa to"),
    ("em cao 1 m 70", "em cao 1 m 70"),
    ("tường dài 5 m", "tường dài 5 m"),
])
def test_no_false_expansion(text: str, norm: str) -> None:
    assert normalize(text) == norm


@pytest.mark.parametrize("text,norm", [
    ("thằng cc này", "thằng con cặc này"),  # "cc" without a colon is still the insult
    ("m đi đi", "mày đi đi"),
    ("m bị điên à", "mày bị điên à"),
    ("Đ.M thằng kia", "địt mẹ thằng kia"),
    ("đ.m", "địt mẹ"),
    ("đ m nó", "địt mẹ nó"),
    ("Đ - M", "địt mẹ"),
    ("d.m", "địt mẹ"),
    ("dm", "địt mẹ"),
    ("ĐM", "địt mẹ"),
    ("đ.m.m", "địt mẹ mày"),
])
def test_profanity_still_expanded(text: str, norm: str) -> None:
    assert normalize(text) == norm


def test_dodged_dm_points_at_both_letters() -> None:
    sylls = syllables("à Đ.M nó")
    assert [(s.text, s.start, s.end) for s in sylls[1:3]] == [("địt", 2, 5), ("mẹ", 2, 5)]


def test_expand_teencode_follows_the_same_context_rules() -> None:
    assert expand_teencode("cc: anh Nam") == "cc: anh Nam"
    assert expand_teencode("cao 1 m 70") == "cao 1 m 70"
    assert expand_teencode("Đ.M thằng kia") == "địt mẹ thằng kia"
    assert expand_teencode("đồ cc") == "đồ con cặc"


def test_the_dictionary_has_no_places_and_no_lol() -> None:
    table = load_teencode()
    assert not {"hn", "sg", "đn", "lol"} & set(table)
    assert table["dm"] == table["đm"] == "địt mẹ"
