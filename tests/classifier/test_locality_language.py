import pytest

from classifier.language import detect_language
from classifier.locality import find_localities

HCM = "Thành phố Hồ Chí Minh"


@pytest.mark.parametrize("text", ["Kẹt xe ở TP.HCM", "tai nan o tphcm sang nay", "Sài Gòn mưa to",
                                  "Thanh pho Ho Chi Minh", "TP. Hồ Chí Minh"])
def test_hcm_aliases(text: str) -> None:
    assert HCM in find_localities(text)


def test_province_with_and_without_diacritics() -> None:
    assert find_localities("Lũ ở Lâm Đồng") == ("Lâm Đồng",)
    assert find_localities("lu o lam dong") == ("Lâm Đồng",)


def test_ward_resolves_to_its_province() -> None:
    assert "Phường Hoàn Kiếm, Thành phố Hà Nội" in find_localities("Người dân phường Hoàn Kiếm phản ánh")
    assert "Phường Bến Thành, Thành phố Hồ Chí Minh" in find_localities("phuong ben thanh")


def test_nothing_found() -> None:
    assert find_localities("Hôm nay trời đẹp") == ()


@pytest.mark.parametrize("text,lang", [
    ("Xin chào các bạn, hôm nay trời đẹp", "vi"),
    ("khong biet noi gi nua", "vi"),
    ("This is an English sentence about the weather", "en"),
    ("Das ist ein Haus und mehr", "other"),
    ("ok", "und"),
])
def test_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang
