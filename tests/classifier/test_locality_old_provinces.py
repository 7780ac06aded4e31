"""Province names from before the 2025 merger resolve to the province each became part of (Resolution
202/2025/QH15); lowercase "hn"/"sg"/"đn" are not places."""

from __future__ import annotations

import pytest

from classifier.analysis import analyze
from classifier.locality import (
    find_localities,
    load_old_provinces,
    locality_evidence,
    locality_mentions,
    match_localities,
)
from classifier.normalize import strip_accents

HCM, CT = "Thành phố Hồ Chí Minh", "Thành phố Cần Thơ"


@pytest.mark.parametrize("text,new", [
    ("Mưa lớn ở Bình Dương", HCM),
    ("mua lon o binh duong", HCM),
    ("Tắm biển Vũng Tàu", HCM),
    ("Tỉnh Bà Rịa - Vũng Tàu", HCM),
    ("ba ria vung tau", HCM),
    ("Lũ quét ở Hà Giang", "Tuyên Quang"),
    ("Sóc Trăng", CT),
    ("soc trang", CT),
    ("Hậu Giang", CT),
    ("Long An", "Tây Ninh"),
    ("Kiên Giang", "An Giang"),
    ("Bến Tre", "Vĩnh Long"),
    ("Trà Vinh", "Vĩnh Long"),
    ("Quảng Nam", "Thành phố Đà Nẵng"),
    ("Hải Dương", "Thành phố Hải Phòng"),
    ("tỉnh Bắc Kạn", "Thái Nguyên"),
    ("Đắk Nông", "Lâm Đồng"),
    ("Kon Tum", "Quảng Ngãi"),  # Resolution 202/2025/QH15: Kon Tum joined Quảng Ngãi, Bình Định joined Gia Lai
    ("Phú Yên", "Đắk Lắk"),
    ("Bạc Liêu", "Cà Mau"),
    ("Yên Bái", "Lào Cai"),
    ("Hòa Bình", "Phú Thọ"),
    ("Hoà Bình", "Phú Thọ"),
])
def test_old_province_names_resolve_to_the_new_province(text: str, new: str) -> None:
    assert find_localities(text) == (new,)


def test_every_old_province_is_in_the_table() -> None:
    table = load_old_provinces()
    olds = {p.name for p in table.values()}
    assert len(olds) == 63
    from vietnam_provinces import Province

    assert {p.merged_into for p in table.values()} == {p.name for p in Province.iter_all()}
    for old in table.values():  # every old name with and without diacritics
        assert old.merged_into in find_localities(f"tỉnh {old.name}"), old
        assert old.merged_into in find_localities(strip_accents(f"tinh {old.name}")), old
        assert old.merged_into in find_localities(f"Người dân {old.name} phản ánh"), old


def test_evidence_shows_the_old_name_and_its_offsets() -> None:
    text = "Người dân Bình Dương và TP.HCM"
    mentions = locality_mentions(text)
    assert [(m.name, m.text, m.old_province) for m in mentions] == [(HCM, "Bình Dương", "Bình Dương"), (HCM, "TP.HCM", "")]
    assert text[mentions[0].start:mentions[0].end] == "Bình Dương"
    (ev, _) = locality_evidence(text)
    assert ev.kind == "locality" and (ev.start, ev.end) == (10, 20) and "Bình Dương" in ev.detail and HCM in ev.detail


@pytest.mark.parametrize("text", [
    "hòa bình thế giới", "Thái Bình Dương rộng lớn", "thai binh duong", "ngành hải dương học", "bình định giá",
    "hn đi chơi không", "hôm nay sg nhé", "đn ơi", "DN vừa và nhỏ", "Hôm nay trời đẹp",
])
def test_ordinary_words_are_not_places(text: str) -> None:
    assert find_localities(text) == ()


@pytest.mark.parametrize("text,place", [("HN mưa to", "Thành phố Hà Nội"), ("SG kẹt xe", HCM),
                                        ("ĐN nắng đẹp", "Thành phố Đà Nẵng")])
def test_upper_case_abbreviations_are_places(text: str, place: str) -> None:
    assert find_localities(text) == (place,)
    d = analyze(text, segment=False)  # as the scorer calls it: syllables and the original text, no offsets
    assert match_localities(d.plain_text.split(), d.original) == (place,)
    assert match_localities(analyze(text.lower(), segment=False).plain_text.split(), text.lower()) == ()


def test_scorer_style_call_handles_old_names_and_guards() -> None:
    for text, want in [("Hòa Bình có lũ", ("Phú Thọ",)), ("hòa bình có lũ", ()), ("Sóc Trăng", (CT,))]:
        d = analyze(text, segment=False)
        assert match_localities(d.plain_text.split(), d.original) == want, text


def test_scorer_shows_old_province_names_as_evidence() -> None:
    from classifier.scorer import Scorer

    scorer = Scorer.load()
    text = "Công an Bình Dương cảnh báo mưa lớn ở TP.HCM"
    res = scorer.score(text)
    assert res.locality == (HCM,)
    places = [e for e in res.evidence if e.kind == "locality"]
    assert len(places) == 1  # TP.HCM is a current name: the locality list says enough
    ev = places[0]
    assert (ev.category, ev.weight, ev.text) == ("", 0.0, "Bình Dương")
    assert text[ev.start:ev.end] == "Bình Dương" and "tỉnh cũ" in ev.detail and HCM in ev.detail
    # in a title, the offsets index the title and the detail says so, as for every evidence found there
    res = scorer.score("Mưa lớn kéo dài", title="Tin Sóc Trăng")
    [ev] = [e for e in res.evidence if e.kind == "locality"]
    assert ev.text == "Sóc Trăng" and "Tin Sóc Trăng"[ev.start:ev.end] == "Sóc Trăng" and ev.detail.startswith("title: ")
    assert not [e for e in scorer.score("Mưa lớn ở Hà Nội").evidence if e.kind == "locality"]
