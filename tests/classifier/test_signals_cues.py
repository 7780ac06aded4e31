"""Sensational cues: "khan hiếm" is not "khẩn", weather is not "nóng" news; cues on text with diacritics match
as written, accent-stripped matching only for text written without diacritics."""

from __future__ import annotations

import pytest

from classifier.signals import cue_tokens, sensational_cues, written_with_diacritics


@pytest.mark.parametrize("text", [
    "Nước sạch đang khan hiếm",
    "Mùa khô, nước sạch khan hiếm ở nhiều xã",
    "Trời nắng nóng!",
    "Nắng nóng gay gắt kéo dài ở Bắc Bộ",
    "Thời tiết nóng bức: người dân nên uống đủ nước",
    "Trời nóng: 39 độ",
    "Sáng nay cực nóng",
    "TRỜI NẮNG NÓNG QUÁ",
    "Phòng trọ có nóng lạnh, giờ giấc tự do",
    "Nóng quá!",
    "nuoc sach dang khan hiem",
    "troi nang nong!",
    "mua khan giay o dau",
    "NONG DAN THU HOACH LUA",
    "con soc nho",
    "du lich soc trang",
])
def test_ordinary_text_has_no_hot_or_urgent_cue(text: str) -> None:
    assert not {"cue_hot", "cue_urgent", "cue_shock"} & set(cue_tokens(text)), cue_tokens(text)


@pytest.mark.parametrize("text,cue", [
    ("Nóng: ông A bị bắt", "cue_hot"),
    ("TIN NÓNG: uống nước chanh nóng chữa khỏi ung thư", "cue_hot"),
    ("[Nóng] Cháy lớn ở chợ", "cue_hot"),
    ("Tin cực nóng về vụ án", "cue_hot"),
    ("Cực nóng: clip gây bão mạng\nNội dung bài viết", "cue_hot"),
    ("Xem ngay NÓNG hổi vụ việc", "cue_hot"),
    ("Khẩn cấp: sơ tán ngay", "cue_urgent"),
    ("KHẨN: mất điện diện rộng", "cue_urgent"),
    ("khan cap: so tan ngay", "cue_urgent"),
    ("canh bao khan toan dan", "cue_urgent"),
    ("tin nong: ong A bi bat", "cue_hot"),
    ("chia se gap truoc khi bi xoa", "cue_share"),
    ("Sốc: sự thật bị che giấu", "cue_shock"),
    ("soc: su that", "cue_shock"),
])
def test_cues_still_fire(text: str, cue: str) -> None:
    assert cue in cue_tokens(text)


def test_cực_nóng_counts_only_in_the_headline() -> None:
    assert "cue_hot" in cue_tokens("Cực nóng: vụ án chấn động\nNội dung")
    assert "cue_hot" not in cue_tokens("Bản tin thời sự\nCông nhân làm việc ở lò cực nóng")


def test_evidence_offsets_point_at_the_cue() -> None:
    text = "Trời nắng nóng! Nhưng TIN NÓNG: ông A bị bắt"
    (ev,) = [e for e in sensational_cues(text) if e.detail == "gắn nhãn 'nóng'"]
    assert ev.text == text[ev.start:ev.end] == "TIN NÓNG"


def test_written_with_diacritics() -> None:
    assert written_with_diacritics("Nước sạch đang khan hiếm")
    assert not written_with_diacritics("nuoc sach dang khan hiem o Đà Nẵng va cac tinh mien trung")
    assert not written_with_diacritics("!!!")
