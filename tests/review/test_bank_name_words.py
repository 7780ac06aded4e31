"""`full_names` took words whose first syllable is a surname for names when written capitalised, as Title Case
headings, SMS and amounts are: "Lưu Ý", "5 Triệu Đồng", "Vũ Khí", "Dương Tính", "Phạm Vi", "Hoàng Hôn". A dismissed
text reposted with such a heading ("Lưu Ý Quan Trọng:") then named "a new person" and lost its dismissal in privacy,
harassment and child_safety. Those words are no names; people with the same surnames still are."""

from __future__ import annotations

import pytest

from classifier.bank import DISMISSED, Bank, BankText
from classifier.personal_data import full_names
from tests.review.test_bank_dismissal_limits import BASE


@pytest.mark.parametrize("text", [
    "Lưu Ý Quan Trọng: hàng giả tràn lan",
    "Nhận Ngay 5 Triệu Đồng khi đăng ký",
    "nhận 5 TRIỆU ĐỒNG ngay hôm nay",
    "Vũ Khí Hạt Nhân và an ninh",
    "Dương Tính với ma túy",
    "Phạm Vi Hoạt Động rộng",
    "Hoàng Hôn Trên Biển đẹp quá",
    "Tôn Giáo và đời sống",
    "Võ Thuật cổ truyền",
    "Vũ Trụ bao la",
    "Đàm Phán thương mại",
    "Kiều Hối tăng mạnh",
    "Triệu Chứng Sốt Xuất Huyết",
    "Trần Truồng giữa phố",
    "Phạm Tội Lần Đầu",
    "Hà Nội Mùa Thu đẹp",
    "Cao Tốc Bắc Nam thông xe",
    "Châu Âu siết quy định",
    "Đào Tạo Lái Xe uy tín",
    "Đoàn Kết Toàn Dân",
])
def test_words_starting_with_a_surname_are_no_names(text: str) -> None:
    assert full_names(text) == frozenset(), text


@pytest.mark.parametrize("text, name", [
    ("Nhạc sĩ Trịnh Công Sơn", "trinh cong son"),
    ("Anh Vũ Khiêm bị đánh", "vu khiem"),
    ("chị Lưu Thị Yến ở tổ 3", "luu thi yen"),
    ("Ông Triệu Văn Dũng", "trieu van dung"),
    ("Hoàng Gia Bảo 5 tuổi", "hoang gia bao"),
    ("Đoàn Thanh Tùng", "doan thanh tung"),
])
def test_people_with_those_surnames_are_still_named(text: str, name: str) -> None:
    assert full_names(text) == frozenset({name}), text


def test_a_dismissal_still_covers_its_repost_under_a_title_case_heading() -> None:
    bank = Bank([BankText(BASE, frozenset({"privacy", "harassment"}), DISMISSED, "bank:1")])
    repost = "Lưu Ý Quan Trọng: " + BASE
    assert [sorted(m.entry.categories) for m in bank.match(repost)] == [["harassment", "privacy"]]
