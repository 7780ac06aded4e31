""""kh" is "không" in chat ("mình kh biết"), but "khách hàng" in the ads and scam texts the office watches: "ưu
đãi cho KH mới", "Quý KH vui lòng", "chăm sóc KH", "mã KH PE0100xxx789". A tester saw every "kh" read "không".
The words around it decide; where they do not, it stays "không"."""

from __future__ import annotations

import pytest

from classifier.normalize import expand_teencode, normalize, syllables


@pytest.mark.parametrize("text,expected", [
    ("Ưu đãi 100K cho KH mới", "ưu đãi moneytok cho khách hàng mới"),
    ("Quà tri ân dành cho kh thân thiết", "quà tri ân dành cho khách hàng thân thiết"),
    ("Tri ân các kh vip tháng 12", "tri ân các khách hàng vip tháng 12"),
    ("Shop tặng kh mới 1 phần quà", "shop tặng khách hàng mới 1 phần quà"),
    ("Shop tặng kh 1 phần quà", "shop tặng khách hàng 1 phần quà"),
    ("Quý kh vui lòng chuyển khoản phí", "quý khách hàng vui lòng chuyển khoản phí"),
    ("Quy KH vui long nhap ma 601343 de xac nhan", "quy khách hàng vui long nhap ma 601343 de xac nhan"),
    ("Cảm ơn đội chăm sóc KH, phản hồi nhanh", "cảm ơn đội chăm sóc khách hàng phản hồi nhanh"),
    ("thanh toán tiền điện mã KH PE0100xxx789", "thanh toán tiền điện mã khách hàng pe0100x789"),
    ("EVNHCMC TB TIEN DIEN T7/22 KH PE13000143179", "evnhcmc tb tien dien thứ bảy 22 khách hàng pe13000143179"),
])
def test_kh_next_to_a_customer_cue_reads_khach_hang(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Mình kh biết", "mình không biết"),
    ("Kh thích xem", "không thích xem"),
    ("Quà tặng kh đẹp lắm", "quà tặng không đẹp lắm"),
    ("Shop có tặng kh ạ", "shop có tặng không ạ"),
    ("Shop có tặng kh?", "shop có tặng không"),
    ("Hàng này kh mới lắm", "hàng này không mới lắm"),
    ("nhân viên kh thân thiện", "nhân viên không thân thiện"),
    ("ăn kh quen lắm", "ăn không quen lắm"),
    ("mã kh đúng", "mã không đúng"),
])
def test_kh_elsewhere_stays_khong(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_both_syllables_of_khach_hang_point_at_the_abbreviation() -> None:
    text = "Ưu đãi cho KH mới"
    kh = [s for s in syllables(text) if s.text in ("khách", "hàng")]
    assert len(kh) == 2 and all(text[s.start:s.end] == "KH" for s in kh)


def test_expand_teencode_reads_kh_the_same_way() -> None:
    assert expand_teencode("Quý KH vui lòng, mình kh biết") == "Quý khách hàng vui lòng, mình không biết"
