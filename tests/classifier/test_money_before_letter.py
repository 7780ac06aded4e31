"""An amount with its unit written onto the number stays money before a one-letter word ("200k.A chuyển", "5tr.e
nhé", "100k-a"): chat puts a pronoun right after an amount. Only a unit set off from the number by a space or a
point and dotted onto a lone letter is the first letter of a dotted word ("2026 Đ.ể n.h.ậ.n", "500 k.h.o.ả.n")."""

from __future__ import annotations

import pytest

from classifier.normalize import MONEY_TOKEN, normalize


@pytest.mark.parametrize("text", [
    "Phí 200k.A chuyển nhé",
    "ok 5tr.e nhé",
    "nạp 100k-a nhé",
    "Lương 10tr.Ở nhà cũng làm được",
])
def test_an_amount_before_a_one_letter_word_is_still_money(text: str) -> None:
    assert MONEY_TOKEN in normalize(text).split()


@pytest.mark.parametrize("text,expected", [
    ("Xe SH 2026 Đ.ể n.h.ậ.n quà", "xe sh 2026 để nhận quà"),
    ("Tặng 500 k.h.á.c.h h.à.n.g đầu tiên", "tặng 500 khách hàng đầu tiên"),
    ("Còn 500 k.h.o.ả.n nợ", "còn 500 khoản nợ"),
])
def test_a_number_set_off_before_a_dotted_word_is_no_money(text: str, expected: str) -> None:
    assert normalize(text) == expected
