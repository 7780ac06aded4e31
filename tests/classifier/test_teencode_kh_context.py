"""Customer context for "KH": once a "kh" of a text was read "khách hàng", a later capital "KH" after "và",
"để", "khi"... is one too. The context is the whole text: a phone number, link or amount between the two
(nearly every advert has one) no longer resets it, in `normalize` as in `expand_teencode`, and it never
carries over from one text to the next."""

from __future__ import annotations

import pytest

from classifier.normalize import normalize
from classifier.teencode import expand_teencode


@pytest.mark.parametrize(
    "text",
    [
        "Ưu đãi cho KH mới, hotline 0901234567, và KH thân thiết",
        "Ưu đãi cho KH mới tại https://abc.vn và KH thân thiết",
        "Ưu đãi cho KH mới 500.000 đồng và KH thân thiết nhận quà",
    ],
)
def test_customer_context_survives_a_typed_token(text: str) -> None:
    assert "và khách hàng thân thiết" in normalize(text)
    assert "và khách hàng thân thiết" in expand_teencode(text)


def test_customer_context_does_not_carry_over_to_the_next_text() -> None:
    assert "và khách hàng thân thiết" in normalize("Ưu đãi cho KH mới, hotline 0901234567, và KH thân thiết")
    assert "và không thân thiết" in normalize("Trời mưa, gọi 0901234567 và KH thân thiết")


def test_without_customer_context_kh_after_va_is_khong() -> None:
    assert "và không bị phạt" in normalize("Ưu đãi cho KH mới, hotline 0901234567, và KH bị phạt")
