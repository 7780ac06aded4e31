"""Dotted dodges with a space after only SOME of their dots ("l.ừ. a đ.ả. o", "c.h.u.y. ể.n k.h.o. ả.n") are
still read as the words they spell: keyword rules and the model must see "lừa đảo", "chuyển khoản", "không thẩm
định". A space after a dot goes on the word when the letters after it finish the syllable before it ("l.ừ. a")
or the letters before it are a bare onset ("c. h.u.y.ể.n"); a plain space between dotted words ("Đ.ể n.h.ậ.n",
"c.h.o a.n.h"), initials ("chị T.T.L. ở") and numbers ("Bước 2. C.h.u.y.ể.n") stay word boundaries."""

from __future__ import annotations

import pytest

from classifier.normalize import MONEY_TOKEN, deobfuscate, normalize, syllables
from classifier.scorer import Scorer

CASES = [
    ("l.ừ. a đ.ả. o", "lừa đảo"),
    ("l.u. a d.a. o", "lua dao"),
    ("n.h. à c.á. i", "nhà cái"),
    ("n. h.à c. á.i", "nhà cái"),
    ("c.h.u.y. ể.n k.h.o. ả.n", "chuyển khoản"),
    ("c. h.u.y.ể.n", "chuyển"),
    ("l.ừ .a", "lừa"),
    ("Bán t.h.u.ố.c l.á đ.i. ệ.n t.ử", "bán thuốc lá điện tử"),
    ("Vay t.i. ề.n", "vay tiền"),
    ("n.g. h.ĩ.a v.ụ", "nghĩa vụ"),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_a_space_after_some_dots_still_reads_the_dotted_word(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Đ.ể n.h.ậ.n quà", "để nhận quà"),
    ("Đ.ể. n.h.ậ.n quà", "để nhận quà"),
    ("c.h.o a.n.h", "cho anh"),
    ("n.h.à. ơ.i", "nhà ơi"),
    ("Tin lời hứa, chị T.T.L. ở xã Đức Hòa", "tin lời hứa chị ttl ở xã đức hòa"),
    ("Chi nhánh T.P.H.C.M. Đ.ể n.h.ậ.n quà", "chi nhánh thành phố hồ chí minh để nhận quà"),
    ("Bước 2. C.h.u.y.ể.n k.h.o.ả.n", "bước 2 chuyển khoản"),
    ("l.i. x.i. k. C.T.R.L.", "li xi không ctrl"),  # a lone "k" no onset of "ctrl"
])
def test_separate_words_initials_and_numbers_stay_apart(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_deobfuscate_reads_a_space_after_some_dots() -> None:
    assert deobfuscate("Cẩn thận l.ừ. a đ.ả. o nhé") == "Cẩn thận lừa đảo nhé"


def test_syllables_of_a_mixed_spacing_dodge_span_the_whole_word() -> None:
    text = "c.h.u.y. ể.n"
    assert [(s.text, text[s.start:s.end]) for s in syllables(text)] == [("chuyển", "c.h.u.y. ể.n")]


def test_many_dodged_amounts_each_read_as_money() -> None:
    # every amount is found among many dodged spellings (the spans are matched by bisection, not pair by pair)
    text = "Chuyển khoản 5 t.r.i.ệ.u l.ừ. a " * 300 + "5 t.r.i.ệ.u"
    words = normalize(text).split()
    assert words.count(MONEY_TOKEN) == 301
    assert words.count("lừa") == 300


def test_the_loan_rule_still_sees_a_dotted_no_check_loan(default_scorer: Scorer) -> None:
    text = "Vay t.i. ề.n k.h.ô.n.g t.h. ẩ.m đ.ị.n.h, giải ngân nhanh"
    hits = [e for e in default_scorer.score(text).evidence if e.detail.startswith("scam.loan_no_check")]
    assert hits, "the keyword 'không thẩm định' is spelled with dots and must still match"
