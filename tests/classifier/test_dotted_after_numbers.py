"""Dotted words next to numbers, prices, dates, versions, domains and abbreviations, found by a tester:
"SH 2026. Đ.ể n.h.ậ.n" was read "sh moneytok ển hận" — the year, the full stop and the "Đ" of "Đ.ể" made a money
amount ("2026. đ"), and the letters of two dotted words written with a space between them were joined and cut
again as "ển hận". A dotted word must read as the word, whatever stands before it, and a number stays a number.
Every syllable's span must still slice the text as written."""

from __future__ import annotations

import pytest

from classifier.normalize import MONEY_TOKEN, deobfuscate, normalize, syllables
from classifier.scorer import Scorer

TESTER = "Chúc mừng bạn trúng xe SH 2026. Đ.ể n.h.ậ.n quà vui lòng chuyển khoản phí"


def test_the_testers_text_reads_the_year_the_stop_and_the_dotted_words() -> None:
    assert normalize(TESTER) == "chúc mừng bạn trúng xe sh 2026 để nhận quà vui lòng chuyển khoản phí"
    spans = {s.text: TESTER[s.start:s.end] for s in syllables(TESTER)}
    assert spans["2026"] == "2026"
    assert spans["để"] == "Đ.ể"
    assert spans["nhận"] == "n.h.ậ.n"


# (dotted text, what it reads as): the reading is also what the same text reads as written plainly
CASES = [
    # a number or abbreviation, then ". " (or nothing), then a dotted word
    ("Xe SH 2026 Đ.ể n.h.ậ.n quà", "xe sh 2026 để nhận quà"),
    ("Bước 2. C.h.u.y.ể.n k.h.o.ả.n 50k", "bước 2 chuyển khoản moneytok"),
    ("Đợt 3. N.h.ậ.n q.u.à ngay", "đợt 3 nhận quà ngay"),
    ("Mua xe SH. Đ.ể n.h.ậ.n quà", "mua xe sh để nhận quà"),
    ("Tặng 500 k.h.á.c.h h.à.n.g đầu tiên", "tặng 500 khách hàng đầu tiên"),
    # sentence starts after "!" / "?"
    ("Bạn đã trúng thưởng! Đ.ể n.h.ậ.n quà bấm vào đây", "bạn đã trúng thưởng để nhận quà bấm vào đây"),
    ("Bạn muốn nhận quà? Đ.ể n.h.ậ.n hãy gọi", "bạn muốn nhận quà để nhận hãy gọi"),
    ("Trúng rồi!!! L.ừ.a đ.ả.o đó", "trúng rồi lừa đảo đó"),
    # prices next to dotted words
    ("Phí 2.500.000đ. Đ.ể n.h.ậ.n xe", "phí moneytok để nhận xe"),
    ("Nộp 2.500.000đ đ.ể n.h.ậ.n xe", "nộp moneytok để nhận xe"),
    ("Chỉ 2.500.000 đ.ồ.n.g. Đ.ể n.h.ậ.n xe", "chỉ moneytok để nhận xe"),
    # dates
    ("Hạn chót 05.12.2026. Đ.ể n.h.ậ.n thưởng", "hạn chót 05 12 2026 để nhận thưởng"),
    ("Ngày 05.12.2026 c.h.u.y.ể.n k.h.o.ả.n", "ngày 05 12 2026 chuyển khoản"),
    # versions and domains
    ("Cập nhật v1.2. Đ.ể n.h.ậ.n quà", "cập nhật v1 2 để nhận quà"),
    ("Truy cập abc.vn. Đ.ể n.h.ậ.n quà", "truy cập urltok để nhận quà"),
    # initials and districts
    ("Chi nhánh T.P.H.C.M. Đ.ể n.h.ậ.n quà", "chi nhánh thành phố hồ chí minh để nhận quà"),
    ("Chi nhánh TP.HCM. Đ.ể n.h.ậ.n quà", "chi nhánh thành phố hcm để nhận quà"),
    ("Cửa hàng ở Q.1 đ.a.n.g giảm giá", "cửa hàng ở q 1 đang giảm giá"),
    ("Văn phòng Q.1. Đ.ể n.h.ậ.n quà", "văn phòng q 1 để nhận quà"),
    # space-spelled letters next to dotted ones are still one word
    ("c h ư ơ n g t.r.ì.n.h tri ân", "chương trình tri ân"),
    ("Đ ể n.h.ậ.n quà", "để nhận quà"),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_dotted_words_next_to_numbers_read_as_the_words(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize("text,expected", CASES)
def test_syllable_spans_slice_the_text_as_written(text: str, expected: str) -> None:
    sylls = syllables(text)
    assert all(text[s.start:s.end].strip() for s in sylls)
    assert all(a.start <= b.start for a, b in zip(sylls, sylls[1:], strict=False))
    for s in sylls:
        written = text[s.start:s.end]
        if s.text in ("để", "nhận", "lừa", "đảo"):
            assert written.replace(".", "").replace(" ", "").lower() == s.text, (s.text, written)


@pytest.mark.parametrize("text,expected", [
    ("Phí 2.500.000đ. Đ.ể n.h.ậ.n xe", "2.500.000đ"),
    ("Chỉ 2.500.000 đ.ồ.n.g. Đ.ể n.h.ậ.n xe", "2.500.000 đ.ồ.n.g"),
])
def test_a_price_before_a_dotted_word_is_one_money_token_over_the_price(text: str, expected: str) -> None:
    tok = next(s for s in syllables(text) if s.text == MONEY_TOKEN)
    assert text[tok.start:tok.end] == expected


@pytest.mark.parametrize("text", [
    "Nxb. Chính trị quốc gia, H, 2011, tr. 69, 70.",  # "2011, tr." is a page, not 2011 million
    "Từ năm 1989, tỷ lệ tiêm đã tăng lên trên 90%",
    "đến 17h00 ngay 27/8/2024. Dong thoi HUIT tang ngay uu dai",
    "giới trẻ Việt Nam 9. k :v",
])
def test_a_number_closing_a_sentence_or_clause_is_no_money(text: str) -> None:
    assert MONEY_TOKEN not in normalize(text)


def test_deobfuscate_keeps_the_year_and_reads_both_dotted_words() -> None:
    assert deobfuscate("xe SH 2026. Đ.ể n.h.ậ.n quà") == "xe SH 2026. Để nhận quà"
    assert deobfuscate("Cẩn thận l.ừ.a đ.ả.o nhé!") == "Cẩn thận lừa đảo nhé!"


def test_scorer_evidence_on_the_testers_text_points_into_it(default_scorer: Scorer) -> None:
    res = default_scorer.score(TESTER)
    assert res.evidence
    assert all(e.text == TESTER[e.start:e.end] for e in res.evidence if e.start >= 0)
    assert not any(e.text.startswith("2026") and "Đ" in e.text for e in res.evidence)
