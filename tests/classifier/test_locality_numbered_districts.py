"""Numbered districts: "quận 1" … "quận 12" were Hồ Chí Minh City's urban districts (no other city had numbered
districts; since 2025 they are wards with other names) and people still write them "quận 12", "Q.12", "Q. 4",
"quan 1", or, after a word leading to a place, "ở q1", "tại Q 7". They count as the city, also in a text naming
another province ("huyện Vĩnh Cửu, Đồng Nai và Quận 2" is the city's Quận 2). "Audi Q5", "soạn Q5 gửi 999",
"Q2/2023" (a quarter), "XT-Q 1.5AT" and "quận 13" (there was none) are no districts."""

from __future__ import annotations

import pytest

from classifier.analysis import analyze
from classifier.locality import find_localities, locality_mentions, match_localities

HCM = "Thành phố Hồ Chí Minh"


def _both_ways(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    d = analyze(text)
    return find_localities(text), match_localities(d.plain_text.split(), d.original)


@pytest.mark.parametrize(
    "text",
    [
        "quận 12",
        "Q.12",
        "quan 1",
        "Sới bạc ở quận 12 dọa chặt tay người chơi",
        "Bệnh nhân trú tại Quận 7, là chuyên gia",
        "Chuyển bệnh viện Q. 4 lấy mẫu xét nghiệm",
        "Nhà tôi ở q.7 đã ở 2 năm",
        "Mình sống ở q3 hơn 20 năm rồi",
        "nha o quan 5 gan cho Lon",
        "Bệnh nhân ở huyện Vĩnh Cửu, Đồng Nai và Quận 2",  # the city's Quận 2 beside another province
    ],
)
def test_numbered_district_is_ho_chi_minh_city(text: str) -> None:
    found, scorer_style = _both_ways(text)
    assert HCM in found, text
    assert HCM in scorer_style, text


def test_numbered_district_offsets() -> None:
    assert [(m.text, m.name) for m in locality_mentions("Bệnh viện Q. 4 và quận 12")] == [
        ("Q. 4", HCM),
        ("quận 12", HCM),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Audi Q5 Sportback 2021",
        "Soạn Q5 gửi 999 CÓ NGAY 700MB/ngày",
        "Tốc độ nhanh nhất trong Q2/2023",
        "Nissan Sunny XT-Q 1.5AT giá lăn bánh 550 triệu",
        "Lớp IE403.Q11 học thứ 4",
        "Câu q1 khó quá",
        "quận 13",
        "Nhìn ngang xe nhái Q5, đầu thì như Q7/Q8",
    ],
)
def test_other_q_numbers_are_no_district(text: str) -> None:
    assert _both_ways(text) == ((), ()), text
