"""The district-level units abolished on 1 July 2025 (quận, huyện, thị xã, thành phố thuộc tỉnh), by type word and
accent-stripped name, each with the province it now lies in: the hand-checked table
(`classifier/data/former_districts.tsv`: the big cities' districts, units renamed or merged before 2025 such as
"huyện Thủy Nguyên") and the full list of 4 January 2025 (`classifier/data/former_districts_gso.tsv`, built from
vietnam-provinces 0.6.0 by `classifier/locality_district_table.py`). A name may belong to units of one type in
several provinces ("huyện Châu Thành": five), and a unit's type changed over the years ("thị xã Phổ Yên" is now
"thành phố Phổ Yên", Huế's "huyện Phong Điền" a "thị xã"), so a name after "huyện" may be any unit that a huyện
became: all of them are candidates, and `classifier/locality.py` keeps the one whose province the text names."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from classifier.locality_gazetteer import Key, accented, gazetteer, name_key, ward_short

FORMER_DISTRICTS_PATH = Path(__file__).parent / "data" / "former_districts.tsv"
GSO_DISTRICTS_PATH = Path(__file__).parent / "data" / "former_districts_gso.tsv"
# the types a unit of each type may have become before 2025 and still be called by its old one
_BECAME = {"huyện": ("thị xã", "quận", "thành phố"), "thị xã": ("thành phố", "quận"), "quận": (), "thành phố": ()}
# the kind of ward that kept a unit's name ("Xã Thạnh Trị" for huyện Thạnh Trị)
_KEPT_AS = {"quận": "Phường", "thị xã": "Phường", "thành phố": "Phường", "huyện": "Xã"}


@dataclass(frozen=True)
class FormerDistrict:
    unit: str  # its type word: "quận", "huyện", "thị xã", "thành phố"
    name: Key  # its name's syllables with their diacritics
    province: str  # the province it now lies in, as in the gazetteer
    checked: bool  # from the hand-checked table: read in lower case too ("quận cầu giấy")


@lru_cache(maxsize=2)
def former_districts(hand: str = str(FORMER_DISTRICTS_PATH), gso: str = str(GSO_DISTRICTS_PATH)
                     ) -> dict[tuple[str, Key], tuple[FormerDistrict, ...]]:
    """(type word, accent-stripped name) → the units so named, hand-checked ones first."""
    out: dict[tuple[str, Key], list[FormerDistrict]] = {}
    for path, checked in ((hand, True), (gso, False)):
        rows = [line for line in Path(path).read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
        for number, line in enumerate(rows[1:], start=1):  # rows[0]: "unit<TAB>name<TAB>province..."
            unit, name, province = (line.split("\t") + ["", ""])[:3]
            unit, name, province = unit.strip(), name.strip(), province.strip()
            if not (unit and name and province) or unit not in _BECAME:
                raise ValueError(f"{path}: data row {number} needs a unit ({', '.join(_BECAME)}), a name and a "
                                 f"province: {line!r}")
            entry = FormerDistrict(unit, accented(name), province, checked)
            same = out.setdefault((unit, name_key(name)), [])
            if not any(e.name == entry.name and e.province == province for e in same):
                same.append(entry)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=4_096)
def named(kind: str, key: Key) -> tuple[FormerDistrict, ...]:
    """The units a name after the type word `kind` may be: of that type, or of a type such a unit became."""
    table = former_districts()
    return tuple(e for k in (kind, *_BECAME[kind]) for e in table.get((k, key), ()))


@lru_cache(maxsize=4_096)
def unaccented_provinces(kind: str, key: Key) -> tuple[str, ...]:
    """The provinces a name written without diacritics after `kind` may be in: of every unit so spelt, of a ward of
    the kind such a unit left behind ("huyen thanh tri": Hà Nội's Thanh Trì, or Cần Thơ's Thạnh Trị, a district
    of Sóc Trăng), and of a province so spelt ("huyen thanh hoa": Long An's Thạnh Hóa, or Thanh Hóa)."""
    provinces, _forms, wards = gazetteer()
    units = named(kind, key)
    spellings = {e.name for e in units}
    out = [e.province for e in units]
    kept = _KEPT_AS[kind]
    out += [c[1] for c in wards.get(key, []) if c[0].startswith(kept) and accented(ward_short(c[0])) not in spellings]
    if key in provinces:
        out.append(provinces[key])
    return tuple(dict.fromkeys(out))
