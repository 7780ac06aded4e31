"""Acronyms and initials written in dotted capitals ("U.B.N.D", "B.H.Y.T", "O.K", "A.I", "D.C") read as the
acronym, the same as written without dots, or as letters, never as the teencode of each letter ("O.K" is not
"o không", "A.I" not "anh i", "S.G" not "sao g") nor cut into syllables ("U.B.N.D" is not "u bnd"); dotted
dodges of real words ("l.ừ.a đ.ả.o", "Đ.ể.n.h.ậ.n", "V.A.Y") read as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifier.acronyms import load_acronyms
from classifier.locality import find_localities
from classifier.normalize import deobfuscate, normalize, syllables


@pytest.mark.parametrize(
    "dotted,plain",
    [
        ("U.B.N.D", "UBND"),
        ("B.H.Y.T", "BHYT"),
        ("B.H.X.H", "BHXH"),
        ("C.C.C.D", "CCCD"),
        ("C.S.G.T", "CSGT"),
        ("T.P.H.C.M", "TPHCM"),
        ("C.T.Y", "CTY"),
        ("O.K.E", "OKE"),
        ("O.K", "OK"),
        ("A.I.D.S", "AIDS"),
        ("A.T.M", "ATM"),
    ],
)
def test_known_acronyms_read_as_written_without_dots(dotted: str, plain: str) -> None:
    assert normalize(f"Liên hệ {dotted} ngay") == normalize(f"Liên hệ {plain} ngay")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("U.B.N.D xã Tân Lập thông báo", "ủy ban nhân dân xã tân lập thông báo"),
        ("Thẻ B.H.Y.T hết hạn", "thẻ bảo hiểm y tế hết hạn"),
        ("Chất lượng O.K. Chế độ chống ồn tốt", "chất lượng được chế độ chống ồn tốt"),
        ("O.K.E luôn", "được luôn"),
        ("U B N D", "ủy ban nhân dân"),
        ("mời C.A vào cuộc điều tra", "mời công an vào cuộc điều tra"),
        # initials with a vowel that spell no known acronym: letters as written, no teencode per letter
        ("Tết A.I cũng có quà", "tết a i cũng có quà"),
        ("Hàng nhập từ U.S.A về", "hàng nhập từ u s a về"),
        ("địa chỉ I.P nữa", "địa chỉ i p nữa"),
        # consonants only: initials, read as one word as written
        ("sang Washington D.C tham quan", "sang washington dc tham quan"),
        ("cháu T.B.K 12 tuổi", "cháu tbk 12 tuổi"),
        ("Tin lời hứa, chị T.T.L. ở xã Đức Hòa", "tin lời hứa chị ttl ở xã đức hòa"),
        ("NÊN MUA NHA M.N", "nên mua nha mn"),
        ("học giỏi T.T", "học giỏi tt"),
        ("T.Q âm mưu", "tq âm mưu"),
    ],
)
def test_dotted_capitals_read_as_the_acronym_or_its_letters(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("l.ừ.a đ.ả.o", "lừa đảo"),
        ("Đ.ể.n.h.ậ.n quà", "để nhận quà"),
        ("Đ.ể n.h.ậ.n quà", "để nhận quà"),
        ("V.A.Y T.I.E.N nhanh", "vay tien nhanh"),
        ("K.H.Ô.N.G cần thế chấp", "không cần thế chấp"),
        ("C.H.U.Y.E.N K.H.O.A.N", "chuyen khoan"),
        ("Đ.M", "địt mẹ"),
        ("d.m", "địt mẹ"),
        ("Chi nhánh T.P.H.C.M. Đ.ể n.h.ậ.n quà", "chi nhánh thành phố hồ chí minh để nhận quà"),
        ("Cửa hàng ở Q.1 đ.a.n.g giảm giá", "cửa hàng ở q 1 đang giảm giá"),
    ],
)
def test_dotted_words_read_as_before(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_an_acronym_spans_its_dotted_letters_and_initials_each_letter() -> None:
    text = "U.B.N.D và A.I"
    got = [(s.text, text[s.start : s.end]) for s in syllables(text)]
    assert got == [("ủy", "U.B.N.D"), ("ban", "U.B.N.D"), ("nhân", "U.B.N.D"), ("dân", "U.B.N.D"), ("và", "và"),
                   ("a", "A"), ("i", "I")]


def test_deobfuscate_joins_a_known_acronym_and_keeps_initials_as_written() -> None:
    assert deobfuscate("U.B.N.D xã, A.I, l.ừ.a đ.ả.o") == "UBND xã, A.I, lừa đảo"


def test_hcm_in_dotted_capitals_is_still_a_locality() -> None:
    assert find_localities("Kẹt xe ở T.P.H.C.M sáng nay") == ("Thành phố Hồ Chí Minh",)
    assert find_localities("Kẹt xe ở TP.HCM sáng nay") == ("Thành phố Hồ Chí Minh",)


def test_a_dotted_id_card_reads_as_the_id_card() -> None:
    # the privacy rules and the model see the same words as for "CCCD"
    text = "Số C.C.C.D 012345678901 của nó đây"
    assert normalize(text) == normalize(text.replace("C.C.C.D", "CCCD")) == "số căn cước công dân 012345678901 của nó đây"


def test_the_acronym_file_reads_letters_and_optional_readings(tmp_path: Path) -> None:
    path = tmp_path / "acronyms.tsv"
    path.write_text("short\treading\n# a comment\nOK\nC.A\tCông An\n\nko\tko\n", encoding="utf-8")
    assert load_acronyms(str(path)) == {"ok": "", "ca": "công an", "ko": "ko"}
