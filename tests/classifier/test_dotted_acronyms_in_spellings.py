"""Two dotted capitals inside a longer dotted spelling in capitals ("D.I.T M.E", "C.H.O E.M V.A.Y", "N.G.U V.L") are
a word of the dodge, read as it was before dotted acronyms were read: the syllable they spell ("me", "em", "đi"),
or their teencode ("vl" → "vãi lồn", "tp" → "thành phố"), never letter by letter ("m e") nor as bare initials
("vl"). A pair standing alone ("Tết A.I", "A.I 2026", "Washington D.C") and the acronyms of
classifier/data/acronyms.tsv ("O.K", "C.A") still read as classifier.acronyms says."""

from __future__ import annotations

import pytest

from classifier.normalize import deobfuscate, normalize


@pytest.mark.parametrize(
    "text,expected",
    [
        ("D.I.T M.E M.A.Y", "dit me may"),
        ("C.H.O E.M V.A.Y T.I.E.N", "cho em vay tien"),
        ("V.A.Y T.I.E.N N.H.A.N.H C.H.O A.I C.A.N", "vay tien nhanh cho ai can"),
        ("Đ.I C.H.E.T Đ.I", "đi chet đi"),
        ("L.I.E.N H.E Z.A.L.O", "lien he za lo"),
        ("A.I B.I.E.T", "ai biet"),
        ("N.G.U V.L", "ngu vãi lồn"),
        ("N.G.U V.L T.H.E", "ngu vãi lồn the"),
        ("T.P H.C.M", "thành phố hcm"),
        # in Unicode's decomposed form too
        ("C.H.O E\u0301.M", "cho ém"),
    ],
)
def test_two_capitals_in_a_dotted_spelling_read_as_a_word_of_it(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Tết A.I cũng có quà", "tết a i cũng có quà"),
        ("A.I 2026", "a i 2026"),
        # a word of one letter next to a pair is no spelling ("ở", "à", "ạ")
        ("Công nghệ A.I ở Việt Nam", "công nghệ a i ở việt nam"),
        ("Ừ A.I à", "ừ a i à"),
        ("sang Washington D.C ở 3 ngày", "sang washington dc ở 3 ngày"),
        ("U.B.N.D, A.I", "ủy ban nhân dân a i"),
        ("sang Washington D.C tham quan", "sang washington dc tham quan"),
        ("Chất lượng O.K. Chế độ tốt", "chất lượng được chế độ tốt"),
        ("B.I C.A B.A.T", "bi công an bat"),  # listed: read the list's way wherever it stands
        ("K.H.O.N.G O.K", "khong được"),
    ],
)
def test_pairs_alone_and_listed_acronyms_read_as_acronyms(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_deobfuscate_joins_the_words_of_a_dotted_spelling_in_capitals() -> None:
    assert deobfuscate("D.I.T M.E M.A.Y, N.G.U V.L, Tết A.I") == "DIT ME MAY, NGU VL, Tết A.I"
