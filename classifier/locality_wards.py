"""Wards named with their type word ("phường Bến Thành", "xã Kỳ Anh", "p. Tân Định"), and the district-level
units abolished in 2025 that people still name ("thị xã Kỳ Anh", "quận Hoàn Kiếm", "huyện Hoài Đức"). A ward
name repeats across provinces, so `classifier/locality.py` resolves it against the provinces the text
mentions. A former unit is no ward: "thị xã Sơn Tây" is not the commune "Xã Sơn Tây" (two of those, neither in
Hà Nội). It counts as the province of the wards that kept its name (a former town's or district's own ward:
"Phường Sơn Tây" is in Hà Nội) when those lie in one province or in one the text mentions. The units listed in
`classifier/data/former_districts.tsv` (the big cities' districts, and units whose name is a ward's in another
province too: "huyện Hoài Đức" was Hà Nội's, a "Xã Hoài Đức" is also in Lâm Đồng) count as the province listed,
after their own type word or its address abbreviation ("Lê Lợi, Q. Gò Vấp", "xã Kim Chung, H.Hoài Đức"), also
in lower case unless the name is an ordinary phrase there ("toàn huyện cờ đỏ": red flags), and without
diacritics unless a ward of the kind the unit became, or another unit, is spelt so too ("huyen hoai duc", "thi xa
ky anh"; not "huyen thanh tri": Thanh Trì or Thạnh Trị)."""

from __future__ import annotations

import re
from collections.abc import Container
from functools import lru_cache
from pathlib import Path

from classifier.locality_context import context
from classifier.locality_gazetteer import (
    WARD_PREFIX,
    WARD_WORDS,
    Key,
    accented,
    gazetteer,
    name_key,
    ward_short,
)
from classifier.locality_text import WrittenText, capitalised

Wards = dict[Key, list[tuple[str, str]]]

# the former unit's type word as written (accent-stripped key → with diacritics) and the kind of ward that
# kept its name: a town's ("thị xã") an urban ward when there is one; a district's ("quận") an urban ward of a
# centrally-run city; a rural district's ("huyện": "Xã Việt Yên" is in Hưng Yên, the district was Bắc Giang's)
# any, so its wards must all lie in one province
_CITY_WARD = "city ward"
_UNITS: dict[Key, tuple[Key, str]] = {
    ("thi", "xa"): (("thị", "xã"), "Phường"), ("tx",): (("tx",), "Phường"), ("quan",): (("quận",), _CITY_WARD),
    ("thi", "tran"): (("thị", "trấn"), ""), ("huyen",): (("huyện",), ""),
}
_CITIES = frozenset({"Thành phố Hà Nội", "Thành phố Hồ Chí Minh", "Thành phố Hải Phòng", "Thành phố Đà Nẵng",
                     "Thành phố Cần Thơ", "Thành phố Huế"})
_MAX_NAME = 4
FORMER_DISTRICTS_PATH = Path(__file__).parent / "data" / "former_districts.tsv"
# the type word of former_districts.tsv each unit key stands for ("TX" is "thị xã"), its abbreviations in
# addresses ("Q. Gò Vấp", "H.Hoài Đức"), and the kind of ward that a unit of that type became
_KINDS: dict[Key, str] = {("thi", "xa"): "thị xã", ("tx",): "thị xã", ("quan",): "quận", ("huyen",): "huyện"}
_ABBREVIATIONS = {"q": "quận", "h": "huyện"}
_KEPT_AS = {"quận": "Phường", "thị xã": "Phường", "huyện": "Xã"}
_DOT = re.compile(r"\.[ \t\u00a0]*")
_COMMA = re.compile(r"[ \t\u00a0]*,[ \t\u00a0]*")
UNIT_STARTS = frozenset({*(k[0] for k in _UNITS), *_ABBREVIATIONS})


def ward_candidates(t: WrittenText, i: int, size: int, key: Key, wards: Wards) -> list[tuple[str, str]]:
    """The wards syllables i..i+size-1 name with their type word ("phường Bến Thành"), or none."""
    prefix = " ".join(key[:2]) if key[:2] == ("dac", "khu") else key[0]
    plen = 2 if prefix == "dac khu" else 1
    if prefix not in WARD_PREFIX or size <= plen or key[plen:] not in wards:
        return []
    if not t.fit(i, i + plen, [WARD_WORDS[prefix]]):  # "phương án hai" is no "phường An Hải"
        return []
    if prefix == "xa" and i > 0 and t.toks[i - 1] == "thi" and t.joined(i - 1, i + 1):
        return []  # "thị xã Kỳ Anh": a former town, not the commune "xã Kỳ Anh"
    kind = WARD_PREFIX[prefix]
    cands = [c for c in wards[key[plen:]] if c[0].startswith(kind) or prefix == "p"]
    fits = [t.fit(i + plen, i + size, [accented(ward_short(c[0]))]) for c in cands]
    exact = [c for c, f in zip(cands, fits, strict=True) if f == "exact"]
    if exact and t.acc is not None and t.uses_capitals:
        written = t.written(i + plen, i + size)
        if written is not None and not capitalised(written):  # "xã tân tiến": a progressive commune
            return []
    return exact or [c for c, f in zip(cands, fits, strict=True) if f == "bare"]


def former_unit(t: WrittenText, i: int, wards: Wards, provinces: Container[Key]) -> tuple[tuple[str, ...], int] | None:
    """(the provinces it may be in, number of syllables) when syllables from i name an abolished town or
    district with its type word written with its diacritics and its name capitalised ("thị xã Kỳ Anh", "quận
    Hoàn Kiếm", "TX Kỳ Anh"; a text all in lower case names none: "thị trấn bình yên quá" is a peaceful town)
    and wards kept its name; None otherwise, and for a name that is itself a province or a former city
    ("huyện Côn Đảo" is the special zone, left to the province names)."""
    if t.acc is None or t.spans is None:
        return None
    if t.toks[i] in _ABBREVIATIONS:
        return _abbreviated_unit(t, i)
    for unit, (written_as, kept_by) in _UNITS.items():
        start = i + len(unit)
        if tuple(t.toks[i:start]) != unit or start >= len(t.toks):
            continue
        listed = _listed_unit(t, i, start, unit, written_as)
        if listed is not None:
            return listed
        if unit == ("tx",) and t.written(i, start) != "TX":
            continue
        if unit != ("tx",) and t.fit(i, start, [written_as]) != "exact":  # "quan", "huyen": other words so
            continue
        for size in range(min(_MAX_NAME, len(t.toks) - start), 0, -1):
            name = tuple(t.toks[start : start + size])
            if not t.joined(i, start + size):
                continue
            if name in provinces:
                return None
            if name not in wards:
                continue
            same = [c for c in wards[name] if t.fit(start, start + size, [accented(ward_short(c[0]))]) == "exact"]
            written = t.written(start, start + size)
            if not same or written is None or not capitalised(written):
                return None  # "thị xã tân tiến": a progressive town; "quan huyện thanh liêm": an honest mandarin
            if kept_by == _CITY_WARD:  # districts ("quận") were only in the centrally-run cities
                same = [c for c in same if c[0].startswith("Phường") and c[1] in _CITIES]
            elif kept_by:
                same = [c for c in same if c[0].startswith(kept_by)] or same
            found = tuple(dict.fromkeys(c[1] for c in same))
            return (found, start + size - i) if found else None
    return None


@lru_cache(maxsize=2)
def former_districts(path: str = str(FORMER_DISTRICTS_PATH)) -> dict[tuple[str, Key], tuple[Key, str]]:
    """(type word, accent-stripped name key) → (the name with its diacritics, the province it lay in), from
    `classifier/data/former_districts.tsv`."""
    rows = [line for line in Path(path).read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    out: dict[tuple[str, Key], tuple[Key, str]] = {}
    for number, line in enumerate(rows[1:], start=1):  # rows[0]: "unit<TAB>name<TAB>province"
        unit, name, province = (line.split("\t") + ["", ""])[:3]
        if not (unit.strip() and name.strip() and province.strip()):
            raise ValueError(f"{path}: data row {number} needs a unit, a name and a province: {line!r}")
        out[(unit.strip(), name_key(name))] = (accented(name.strip()), province.strip())
    return out


def _listed_unit(t: WrittenText, i: int, start: int, unit: Key, written_as: Key) -> tuple[tuple[str, ...], int] | None:
    """(the province, number of syllables) when syllables from i are a unit of former_districts.tsv after its
    own type word ("huyện Hoài Đức", "quận cầu giấy", "tx ky anh"; "quán", "huyền" are other words)."""
    kind = _KINDS.get(unit)
    if kind is None or (unit != ("tx",) and not t.fit(i, start, [written_as])):
        return None
    return _district_named(t, i, start, kind)


def _abbreviated_unit(t: WrittenText, i: int) -> tuple[tuple[str, ...], int] | None:
    """(the province, number of syllables) when syllables from i are a unit of former_districts.tsv after its
    type word abbreviated as addresses write it, after a comma or a word leading to a place ("Lê Lợi, Q. Gò Vấp",
    "xã Kim Chung, H.Hoài Đức"), its name capitalised with its diacritics ("H. Hoài Đức" alone is someone's
    initial and name)."""
    kind = _ABBREVIATIONS.get(t.toks[i])
    start = i + 1
    if kind is None or t.spans is None or start >= len(t.toks) or t.written(i, start) != t.toks[i].upper():
        return None
    if not _DOT.fullmatch(t.original[t.spans[i][1] : t.spans[start][0]]):
        return None
    comma = i > 0 and _COMMA.fullmatch(t.original[t.spans[i - 1][1] : t.spans[i][0]]) is not None
    if not (comma or t.before(i, context().place_before)):
        return None
    return _district_named(t, i, start, kind, abbreviated=True)


def _district_named(t: WrittenText, i: int, start: int, kind: str, abbreviated: bool = False
                    ) -> tuple[tuple[str, ...], int] | None:
    """The unit of former_districts.tsv of type `kind` named from syllable `start`: with its diacritics (in lower
    case only when its name is no ordinary phrase there: "toàn huyện cờ đỏ" are red flags), or without any when
    no other district or ward of its kind is spelt so ("huyen hoai duc"; not "huyen thanh tri": Hà Nội's Thanh
    Trì or Sóc Trăng's Thạnh Trị). `abbreviated`: after "Q.", "H.", only capitalised with its diacritics."""
    table = former_districts()
    for size in range(min(_MAX_NAME, len(t.toks) - start), 0, -1):
        key = tuple(t.toks[start : start + size])
        found = table.get((kind, key))
        if found is None or not t.joined(i, start + size):
            continue
        fit = t.fit(start, start + size, [found[0]])
        if not fit:
            continue
        written = t.written(start, start + size)
        lower = written is not None and not capitalised(written)
        if fit != "exact" and (abbreviated or (kind, key) in _spelt_otherwise()):
            return None
        if lower and (abbreviated or found[0] in context().district_phrases):
            return None
        return (found[1],), start + size - i
    return None


@lru_cache(maxsize=1)
def _spelt_otherwise() -> frozenset[tuple[str, Key]]:
    """(type word, accent-stripped name) of the units of former_districts.tsv whose name, without diacritics, is
    also another spelling's: another listed unit's, or a ward's of the kind the unit's wards are ("thanh tri":
    Thanh Trì, and the commune Thạnh Trị, once a district of Sóc Trăng)."""
    wards, table = gazetteer()[2], former_districts()
    out = set()
    for (kind, key), (name, _province) in table.items():
        spellings = {n for (_k, other), (n, _p) in table.items() if other == key}
        spellings |= {accented(ward_short(c[0])) for c in wards.get(key, []) if c[0].startswith(_KEPT_AS[kind])}
        if spellings - {name}:
            out.add((kind, key))
    return frozenset(out)
