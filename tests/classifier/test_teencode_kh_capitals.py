""""KH" in capitals is "khách hàng" only beside a customer cue ("Quý KH có nhu cầu", "mời KH đăng nhập", "KH
PE13000143179"), not after any word with a lower-case letter: ads and chat write the negation in capitals too
("Vay KH thế chấp", "KH tác dụng phụ", "Tao KH biết"), and the keyword rules built on "không" ("vay không thế
chấp", "không tác dụng phụ") must match. Before a word that follows "không" it is "không" whatever the cue ("quý
kh lắm", "con sóc kh chạy"); "Sở KH-ĐT" (kế hoạch – đầu tư) reads as written."""

from __future__ import annotations

import pytest

from classifier.normalize import expand_teencode, normalize
from classifier.scorer import Scorer


@pytest.mark.parametrize("text,expected", [
    ("Hỗ trợ vay KH thế chấp", "hỗ trợ vay không thế chấp"),
    ("Kem trị nám KH tác dụng phụ", "kem trị nám không tác dụng phụ"),
    ("Tao KH biết", "tao không biết"),
    ("Anh KH đi đâu", "anh không đi đâu"),
    ("Bạn có đi không? KH.", "bạn có đi không không"),
    ("con sóc kh chạy", "con sóc không chạy"),
    ("quý kh lắm", "quý không lắm"),
    ("Cho vay KH thẩm định", "cho vay không thẩm định"),
    ("Ưu đãi cho KH phải trả trước", "ưu đãi cho không phải trả trước"),
])
def test_kh_before_a_verb_or_negated_phrase_is_no_customer(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Quý KH có nhu cầu vay vốn", "quý khách hàng có nhu cầu vay vốn"),
    ("Các KH được tặng quà", "các khách hàng được tặng quà"),
    ("Kính mời KH đăng nhập", "kính mời khách hàng đăng nhập"),
    ("Dear KH vui lòng xác nhận", "dear khách hàng vui lòng xác nhận"),
    ("Quà dành riêng cho KH nhận được", "quà dành riêng cho khách hàng nhận được"),
    ("Trao đổi với KH về dịch vụ", "trao đổi với khách hàng về dịch vụ"),
    ("Thong bao KH nhan tien", "thong bao khách hàng nhan tien"),
    ("Hỗ trợ cho KH vay thế chấp", "hỗ trợ cho khách hàng vay thế chấp"),
])
def test_kh_beside_a_customer_cue_is_a_customer(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize("text", ["Sở KH-ĐT tỉnh Nghệ An", "Sở KH&ĐT", "Sở KH và ĐT"])
def test_kh_of_an_office_name_reads_as_written(text: str) -> None:
    words = normalize(text).split()
    assert "kh" in words and "khách" not in words and "không" not in words
    assert expand_teencode(text).startswith("Sở KH")


@pytest.mark.parametrize("text,rule", [
    ("Hỗ trợ vay KH thế chấp, lãi thấp", "scam.loan_no_check"),
    ("Kem trị nám KH tác dụng phụ, an toàn", "illegal_ad.superlatives"),
])
def test_keyword_rules_on_khong_still_match_a_capital_kh(default_scorer: Scorer, text: str, rule: str) -> None:
    assert any(e.detail.startswith(rule) for e in default_scorer.score(text).evidence)
