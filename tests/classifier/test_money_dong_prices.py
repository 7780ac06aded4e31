"""The word "đồng" after a number: a small bare count before a compound ("2 đồng hồ", "5 đồng xu") counts things, but a
price -- thousands separators, 1000 or more, or a unit before "đồng" -- is money, whatever syllable starts the
next phrase ("99.000 đồng | sở hữu ngay", "200.000 đồng | hồ sơ", "50.000 đồng | phục vụ")."""

from __future__ import annotations

import pytest

from classifier.normalize import MONEY_TOKEN, normalize


@pytest.mark.parametrize(
    "text",
    [
        "Chỉ 99.000 đồng sở hữu ngay gói cước 4G",
        "Nộp 200.000 đồng hồ sơ để được giải ngân",
        "Phí 50.000 đồng phục vụ tận nơi",
        "Thưởng 500.000 đồng đội thắng cuộc",
        "Học phí 300.000 đồng môn Toán",
        "Giá 1500 đồng xu mỗi lượt",
        "Chỉ 2 triệu đồng hồ chính hãng",
    ],
)
def test_a_price_before_a_dong_compound_syllable_is_money(text: str) -> None:
    assert MONEY_TOKEN in normalize(text).split()


@pytest.mark.parametrize(
    "text",
    ["Nhà có 2 đồng hồ treo tường", "Bé nhặt được 5 đồng xu", "Tôi có 3 đồng nghiệp mới", "Mua 12 dong xu"],
)
def test_a_small_bare_count_before_a_dong_compound_is_no_money(text: str) -> None:
    assert MONEY_TOKEN not in normalize(text).split()
