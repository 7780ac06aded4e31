"""A "Q" and a number is as often a volume ("Toán 10 Q.1", "Tiếu Ngạo Giang Hồ Q.3"), a quarter ("Q.3 năm 2024",
"trong Q1 tăng 20%") or a question ("Q.1: Làm sao đăng ký?") as Hồ Chí Minh City's district; those are no
district. An address lists several ("ở Q1, Q3 và Q7"): each is a mention. Each case is checked both as
find_localities reads a text and as the scorer calls it (normalised syllables + the original text)."""

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
        # "Q.1" = quyển 1 (volume), quý (quarter), câu hỏi (question)
        "Sách giáo khoa Toán 10 Q.1",
        "Tập 1 Q.2 trang 5",
        "Tiếu Ngạo Giang Hồ Q.3",
        "Bộ truyện Kiếm Lai Q.1 chương 30",
        "Kết quả kinh doanh Q.3 năm 2024",
        "Lợi nhuận quý 2 tăng, Q.3 dự kiến giảm",
        "Câu hỏi thường gặp\nQ.1: Làm sao đăng ký?",
        # "trong/từ/đến/vào" + Q1..Q4: a quarter in business news
        "Lợi nhuận trong Q1 tăng 20% so với cùng kỳ",
        "Từ Q1 đến Q3 năm nay doanh thu giảm",
        "Sản phẩm dự kiến ra mắt vào Q4 năm nay",
    ],
)
def test_q_number_that_is_a_volume_quarter_or_question(text: str) -> None:
    found, scorer_style = _both_ways(text)
    assert HCM not in found, text
    assert HCM not in scorer_style, text


@pytest.mark.parametrize(
    "text",
    [
        "Địa chỉ: 12 Nguyễn Trãi, P. Bến Thành, Q.1",
        "Chuyển bệnh viện Q. 4 lấy mẫu xét nghiệm",
        "Từ Q1 qua Q7 mất 30 phút",
        "Ở Q.3 có quán này ngon",
    ],
)
def test_q_number_in_an_address_is_the_district(text: str) -> None:
    found, scorer_style = _both_ways(text)
    assert HCM in found, text
    assert HCM in scorer_style, text


def test_q_numbers_listed_are_each_a_mention() -> None:
    assert [m.text for m in locality_mentions("ở Q1, Q3 và Q7")] == ["Q1", "Q3", "Q7"]


@pytest.mark.parametrize(
    "text,written",
    [
        # a capitalised name before it, the city after: an address
        ("Nên gọi Bến Xe Miền Đông Q.9/ TP Hcm", "Q.9"),
        ("lập thủ tục theo quy trình; đồng thời thông báo cho Q. 1 về việc này", "Q. 1"),  # "quy" is no "quý"
    ],
)
def test_q_number_beside_words_of_a_title_or_a_quarter(text: str, written: str) -> None:
    assert written in [m.text for m in locality_mentions(text)], text
