"""Every district-level unit abolished on 1 July 2025 (quận, huyện, thị xã, thành phố thuộc tỉnh: 696 on 4 January
2025), not only the 69 of the hand-checked table, counts as the province it now lies in after its type word
(`classifier/data/former_districts_gso.tsv`, built by `classifier/locality_district_table.py` from
vietnam-provinces 0.6.0). A name several units shared ("huyện Châu Thành": five provinces) counts only where the
text names one of their provinces; a unit called by a type it had before ("thị xã Phổ Yên", now a city) is found
too; a district named like a province elsewhere ("huyện Hòa Bình" of Bạc Liêu) is the district. Each case is
checked both as find_localities reads a text and as the scorer calls it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from classifier.analysis import analyze
from classifier.locality import find_localities, locality_mentions, match_localities
from classifier.locality_district_names import GSO_DISTRICTS_PATH, former_districts
from classifier.locality_district_table import main, read_divisions, table_rows
from classifier.locality_gazetteer import load_old_provinces, name_key

HCM, HN = "Thành phố Hồ Chí Minh", "Thành phố Hà Nội"


def _both_ways(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    d = analyze(text)
    return find_localities(text), match_localities(d.plain_text.split(), d.original)


@pytest.mark.parametrize(
    "text,place",
    [
        ("Dự án ở huyện Lâm Hà thuộc tỉnh Lâm Đồng", "Lâm Đồng"),
        ("huyện Lâm Hà", "Lâm Đồng"),
        ("Người dân huyện Nghi Lộc phản ánh", "Nghệ An"),
        ("thành phố Vinh", "Nghệ An"),
        ("Công an TP. Dĩ An", HCM),  # Bình Dương, now Hồ Chí Minh City
        ("TAND thị xã Phổ Yên tuyên án", "Thái Nguyên"),  # a thị xã until 2022, then a city
        ("Tx. Phước Long, Bình Phước", "Đồng Nai"),
        ("huyện Sa Thầy", "Quảng Ngãi"),  # Kon Tum's, and Kon Tum joined Quảng Ngãi
        ("huyện Hòa Bình, Bạc Liêu", "Cà Mau"),  # Bạc Liêu's district, not the province Hòa Bình
        ("huyện Quảng Ninh", "Quảng Trị"),  # Quảng Bình's district, not the province Quảng Ninh
        ("huyện Châu Thành, Tiền Giang", "Đồng Tháp"),
        ("huyện Phong Điền, Thừa Thiên Huế", "Thành phố Huế"),  # Huế's (a thị xã since 2025) or Cần Thơ's
        ("nhà tôi ở huyện nghi lộc", "Nghệ An"),  # a text all in lower case
        ("o huyen lam ha", "Lâm Đồng"),  # one unit so spelt without diacritics
    ],
)
def test_any_former_district_is_its_province(text: str, place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert place in found, text
    assert place in scorer_style, text


@pytest.mark.parametrize(
    "text,not_place",
    [
        ("huyện Hòa Bình, Bạc Liêu", "Phú Thọ"),
        ("huyện Quảng Ninh", "Quảng Ninh"),
        ("huyện Châu Thành, Tiền Giang", "An Giang"),
        ("huyện Thạnh Hóa, Long An", "Thanh Hóa"),
        ("huyen thanh hoa, tinh long an", "Thanh Hóa"),
    ],
)
def test_former_district_is_not_the_province_named_alike(text: str, not_place: str) -> None:
    found, scorer_style = _both_ways(text)
    assert not_place not in found, text
    assert not_place not in scorer_style, text


@pytest.mark.parametrize(
    "text",
    [
        "huyện Châu Thành",  # five provinces had one
        "huyện Chợ Mới",  # An Giang's and Bắc Kạn's
        "huyen thanh hoa",  # Long An's Thạnh Hóa or the province Thanh Hóa
        "Thành phố vinh danh các tập thể",  # honours: a city's name is capitalised
        "thành phố vinh danh các tập thể",
        "Nhà tôi ở huyện nghi lộc",  # with capitals elsewhere, a name in lower case is no name
        "cả huyện thanh bình",  # peaceful, not Đồng Tháp's huyện Thanh Bình
    ],
)
def test_unsure_or_ordinary_words_stay(text: str) -> None:
    assert _both_ways(text) == ((), ()), text


def test_mention_spans_the_unit() -> None:
    assert [(m.text, m.name) for m in locality_mentions("Công an huyện Lâm Hà, Lâm Đồng")] == [
        ("huyện Lâm Hà", "Lâm Đồng"),
        ("Lâm Đồng", "Lâm Đồng"),
    ]


def test_generated_table_agrees_with_old_provinces() -> None:
    old = load_old_provinces()
    rows = [line.split("\t") for line in GSO_DISTRICTS_PATH.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")][1:]
    assert len(rows) > 600
    for unit, name, province, old_province in rows:
        assert old[name_key(old_province)].merged_into == province, (unit, name, old_province, province)
    units = former_districts()
    for unit, name, province, _old in rows:
        assert province in {u.province for u in units[(unit, name_key(name))]}, (unit, name)


def _divisions() -> list[dict[str, object]]:
    """A small nested-divisions list shaped as vietnam-provinces 0.6.0 writes it."""
    return [
        {"name": "Tỉnh Kon Tum", "districts": [
            {"name": "Thành phố Kon Tum"}, {"name": "Huyện Sa Thầy"}, {"name": "Huyện Ngọc Hồi"}]},
        {"name": "Thành phố Hồ Chí Minh", "districts": [
            {"name": "Quận 1"}, {"name": "Quận Gò Vấp"}, {"name": "Thành phố Thủ Đức"}]},
        {"name": "Tỉnh Bạc Liêu", "districts": [{"name": "Huyện Hoà Bình"}, {"name": "Thị xã Giá Rai"}]},
        {"name": "Tỉnh Bắc Kạn", "districts": [{"name": "Thành Phố Bắc Kạn"}, {"name": "Huyện Chợ Mới"}]},
    ]


def test_table_rows_map_old_provinces_and_leave_out_names_tagged_elsewhere() -> None:
    assert table_rows(_divisions()) == [
        ("huyện", "Sa Thầy", "Quảng Ngãi", "Kon Tum"),
        ("huyện", "Ngọc Hồi", "Quảng Ngãi", "Kon Tum"),
        ("quận", "Gò Vấp", HCM, "Hồ Chí Minh"),
        ("huyện", "Hoà Bình", "Cà Mau", "Bạc Liêu"),
        ("thị xã", "Giá Rai", "Cà Mau", "Bạc Liêu"),
        ("huyện", "Chợ Mới", "Thái Nguyên", "Bắc Kạn"),
    ]


def test_build_from_a_wheel_writes_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wheel = tmp_path / "vietnam_provinces-0.6.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("vietnam_provinces/data/nested-divisions.json", json.dumps(_divisions(), ensure_ascii=False))
    out = tmp_path / "districts.tsv"
    assert main([str(wheel), "--out", str(out)]) == 0
    assert "6 units written" in capsys.readouterr().out
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[5] == "unit\tname\tprovince\told_province"
    assert lines[6:] == ["huyện\tSa Thầy\tQuảng Ngãi\tKon Tum", "huyện\tNgọc Hồi\tQuảng Ngãi\tKon Tum",
                         f"quận\tGò Vấp\t{HCM}\tHồ Chí Minh", "huyện\tHoà Bình\tCà Mau\tBạc Liêu",
                         "thị xã\tGiá Rai\tCà Mau\tBạc Liêu", "huyện\tChợ Mới\tThái Nguyên\tBắc Kạn"]


def test_build_refuses_a_current_release(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    current = tmp_path / "flat.json"  # 2025.x releases list wards only
    current.write_text(json.dumps([{"name": "Phường Hoàn Kiếm", "province_name": HN}]), encoding="utf-8")
    out = tmp_path / "districts.tsv"
    assert main([str(current), "--out", str(out)]) == 1
    assert "no districts in it" in capsys.readouterr().err
    assert not out.exists()
    with pytest.raises(ValueError, match="no districts"):
        read_divisions(current)
