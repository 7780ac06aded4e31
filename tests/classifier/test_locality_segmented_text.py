"""Word-segmented text joins a word's syllables with "_" ("Hà_Nội", "Thừa_Thiên_Huế", as ReINTEL and
Vietnamese word segmenters write it) and may put a space before the full stop of "TP." ("TP .Hà_Tĩnh"): the
syllables of a name still stand in one phrase there."""

from __future__ import annotations

import pytest

from classifier.analysis import analyze
from classifier.locality import find_localities, locality_mentions, match_localities


@pytest.mark.parametrize("text,place,written", [
    ("Bệnh_nhân 17 ở phường Trúc_Bạch , quận Ba_Đình , Hà_Nội", "Thành phố Hà Nội", "Hà_Nội"),
    ("Sở Y_tế tỉnh Nghệ_An cho biết", "Nghệ An", "tỉnh Nghệ_An"),
    ("cách_ly tại Đà_Nẵng", "Thành phố Đà Nẵng", "Đà_Nẵng"),
    ("đến Thành_phố Hồ_Chí_Minh hôm_qua", "Thành phố Hồ Chí Minh", "Thành_phố Hồ_Chí_Minh"),
])
def test_underscore_joined_name(text: str, place: str, written: str) -> None:
    d = analyze(text)
    assert place in find_localities(text)
    assert place in match_localities(d.plain_text.split(), d.original)
    assert written in [m.text for m in locality_mentions(text)]


def test_underscore_names_keep_their_context_rules() -> None:
    assert find_localities("theo tư_tưởng Hồ_Chí_Minh") == ()  # the President, as with spaces
    assert find_localities("giải Nobel Hòa_Bình") == ()


def test_tp_dot_written_apart() -> None:
    # tokenised text puts a space before the full stop of "TP." ("TP .Hồ_Chí_Minh")
    assert find_localities("sân_bay Tân_Sơn_Nhất ( TP .Hồ_Chí_Minh ) .Số_hiệu") == ("Thành phố Hồ Chí Minh",)
    assert find_localities("Công_ty ( TP .Hà_Tĩnh ) tiến_hành") == ("Hà Tĩnh",)
