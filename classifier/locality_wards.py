"""Wards named with their type word ("phường Bến Thành", "xã Kỳ Anh", "p. Tân Định"), and the district-level
units abolished in 2025 that people still name ("thị xã Kỳ Anh", "quận Hoàn Kiếm", "huyện Hoài Đức"). A ward
name repeats across provinces, so `classifier/locality.py` resolves it against the provinces the text
mentions. A former unit is no ward: "thị xã Sơn Tây" is not the commune "Xã Sơn Tây" (two of those, neither in
Hà Nội). It counts as the province of the wards that kept its name (a former town's or district's own ward:
"Phường Sơn Tây" is in Hà Nội) when those lie in one province or in one the text mentions. The units listed in
`classifier/data/former_districts.tsv` and `former_districts_gso.tsv` (`classifier/locality_district_names.py`:
every unit of 4 January 2025; "huyện Hoài Đức" was Hà Nội's, though a "Xã Hoài Đức" is also in Lâm Đồng) count
as the province listed (of several so named, the one the text names: "huyện Châu Thành, Tiền Giang"),
after their own type word or its address abbreviation ("Lê Lợi, Q. Gò Vấp", "xã Kim Chung, H.Hoài Đức"), also
in lower case unless the name is an ordinary phrase there ("toàn huyện cờ đỏ": red flags; a unit of the
generated table only in a text all in lower case, after a word leading to a place), and without diacritics where
one unit, ward or province is spelt so, else where the text names its province ("huyen hoai duc", "thi xa ky
anh"; "huyen thanh tri": Thanh Trì or Thạnh Trị)."""

from __future__ import annotations

import re
from collections.abc import Container

from classifier.locality_context import context
from classifier.locality_district_names import named, unaccented_provinces
from classifier.locality_gazetteer import (
    MAX_N,
    WARD_PREFIX,
    WARD_WORDS,
    Key,
    accented,
    fold,
    gazetteer,
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
# the type word of the former district tables each unit key stands for ("TX" is "thị xã", "TP" is written out
# "thành phố" by the normaliser), and its abbreviations in addresses ("Q. Gò Vấp", "H.Hoài Đức")
_KINDS: dict[Key, str] = {("thi", "xa"): "thị xã", ("tx",): "thị xã", ("quan",): "quận", ("huyen",): "huyện",
                          ("thanh", "pho"): "thành phố"}
_ISLAND_DISTRICT = ("huyen", "dao")  # "huyện đảo Lý Sơn", "huyện đảo Trường Sa": an island district
_CITY_WORD = ("thanh", "pho")  # "thành phố Vinh": a provincial city of the tables only, never a ward's name
_ABBREVIATIONS = {"q": "quận", "h": "huyện"}
# a one-letter syllable and an apostrophe open a Central Highlands name ("huyện M'Đrắk", "Cư M'gar", "Ia H'Drai")
_APOSTROPHE = re.compile(r"[ \t\u00a0]*['\u2019\u02bc][ \t\u00a0]*")
# names of the generated table that are ordinary words, accent-stripped: in lower case after "ở huyện" they
# describe the place ("ở huyện yên bình lắm": peaceful; "bình minh": dawn; "thống nhất": agreed; "kế sách": a
# strategy; "năm căn": five houses; "vĩnh cửu": eternal; "tam nông": the farm policy), so they count in lower case
# only before their province (the hand-checked table's such names: `district_phrases`, locality_context.toml)
_ORDINARY_NAMES: frozenset[Key] = frozenset(tuple(n.split()) for n in (
    "yen binh", "hoa binh", "thanh binh", "binh minh", "thong nhat", "ke sach", "nam can", "vinh cuu", "tam nong",
    "phu qui", "phu quy"))
# ordinary words a one-syllable unit's name opens ("vinh danh": honours): in a text whose capitals say nothing
# there (all in capitals, or each word capitalised: "THÀNH PHỐ VINH DANH", "Thành Phố Vinh Quang") no unit;
# folded as `WrittenText.is_word` compares them
_NAME_OPENS_WORD: dict[str, tuple[str, ...]] = {
    "vinh": tuple(fold(w) for w in ("danh", "dự", "quang", "hạnh", "hoa", "hiển", "quy", "thăng", "nhục")),
}
_DOT = re.compile(r"\.[ \t\u00a0]*")
_COMMA = re.compile(r"[ \t\u00a0]*,[ \t\u00a0]*")
UNIT_STARTS = frozenset({*(k[0] for k in _UNITS), *_ABBREVIATIONS, _CITY_WORD[0]})


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
    if tuple(t.toks[i : i + 2]) == _CITY_WORD:  # "thành phố Vinh", "TP. Dĩ An"; "thành phố Huế" is no unit here
        return _listed_unit(t, i, i + 2, _CITY_WORD, ("thành", "phố")) if i + 2 < len(t.toks) else None
    if tuple(t.toks[i : i + 2]) == _ISLAND_DISTRICT and i + 2 < len(t.toks):  # "huyện đảo Lý Sơn"
        island = _listed_unit(t, i, i + 2, ("huyen",), accented("huyện đảo"))
        if island is not None:
            return island
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


def _listed_unit(t: WrittenText, i: int, start: int, unit: Key, written_as: Key) -> tuple[tuple[str, ...], int] | None:
    """(the provinces, number of syllables) when syllables from i are a unit of the former district tables after
    its own type word ("huyện Hoài Đức", "quận cầu giấy", "tx ky anh"; "quán", "huyền" are other words)."""
    kind = _KINDS.get(unit)
    if kind is None or (unit != ("tx",) and not t.fit(i, start, [written_as])):
        return None
    return _district_named(t, i, start, kind)


def _abbreviated_unit(t: WrittenText, i: int) -> tuple[tuple[str, ...], int] | None:
    """(the provinces, number of syllables) when syllables from i are a unit of the former district tables after
    its type word abbreviated as addresses write it, after a comma or a word leading to a place ("Lê Lợi, Q. Gò Vấp",
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
    """The provinces of the former units of type `kind` (or a type such a unit became) named from syllable
    `start`, and the number of syllables: with their diacritics, the units so spelt ("huyện Thanh Trì": Hà
    Nội's); without, every unit, ward or province spelt so (`unaccented_provinces`: "huyen thanh tri" is Hà Nội's
    Thanh Trì or Cần Thơ's Thạnh Trị), the text naming the province when there are several. In lower case only a
    hand-checked unit whose name is no ordinary phrase there ("quận cầu giấy"; not "toàn huyện cờ đỏ": red flags),
    or any unit but a city in a text written all in lower case where the words show a place (`_lower_case_unit`:
    "nhà tôi ở huyện nghi lộc"; not "ông quan huyện thanh liêm", an honest mandarin, nor "thành phố vinh danh",
    honours). `abbreviated`: after "Q.", "H.", only capitalised with its diacritics."""
    for size in range(min(_MAX_NAME, len(t.toks) - start), 0, -1):
        key = tuple(t.toks[start : start + size])
        units = named(kind, key)
        if not units or not _name_joined(t, i, start, start + size) or _opens_word(t, start, start + size):
            continue
        fits = [t.fit(start, start + size, [u.name]) for u in units]
        if not any(fits):
            continue
        exact = [u for u, f in zip(units, fits, strict=True) if f == "exact"]
        if not exact and abbreviated:
            return None
        written = t.written(start, start + size)
        if written is not None and not capitalised(_APOSTROPHE.sub("", written)):  # "Cư M'gar": capitalised
            reading = exact or units
            if abbreviated or any(u.name in context().district_phrases for u in reading):
                return None
            if not any(u.checked for u in reading) and not _lower_case_unit(t, i, start + size, kind, key):
                return None
        provinces = tuple(dict.fromkeys(u.province for u in exact)) if exact else unaccented_provinces(kind, key)
        return provinces, start + size - i
    return None


def _name_joined(t: WrittenText, i: int, start: int, j: int) -> bool:
    """Syllables i..j-1, a type word and a name from `start`, stand in one phrase; within the name an apostrophe
    may follow a one-letter syllable ("huyện M'Đrắk", "huyện Ia H' Drai")."""
    if t.spans is None:
        return t.joined(i, j)
    k = i
    for m in range(max(start, i + 1), j):
        gap = t.original[t.spans[m - 1][1] : t.spans[m][0]]
        if len(t.original[t.spans[m - 1][0] : t.spans[m - 1][1]]) == 1 and _APOSTROPHE.fullmatch(gap):
            if not t.joined(k, m):
                return False
            k = m
    return t.joined(k, j)


def _opens_word(t: WrittenText, start: int, j: int) -> bool:
    """The one-syllable name at `start` opens an ordinary word with the syllable after it (`_NAME_OPENS_WORD`),
    in a text whose capitals say nothing there: all in capitals, or that syllable capitalised too ("THÀNH PHỐ
    VINH DANH", "Thành Phố Vinh Quang"; "Thành phố Vinh dự kiến" is the city planning)."""
    words = _NAME_OPENS_WORD.get(t.toks[start]) if j == start + 1 else None
    if not words or j >= len(t.toks) or not t.joined(start, j + 1):
        return False
    if not (t.shouting or ((w := t.written(j, j + 1)) is not None and w[:1].isupper())):
        return False
    return any(t.is_word(j, (w,)) for w in words)


def _lower_case_unit(t: WrittenText, i: int, j: int, kind: str, key: Key) -> bool:
    """A unit of the generated table written in lower case at syllables i..j-1 is the place: the text is all in
    lower case (with capitals its names would have them) and a word leading to a place stands before the type
    word ("ở huyện nghi lộc"), unless its name is an ordinary word (`_ORDINARY_NAMES`: "ở huyện yên bình lắm" is
    peaceful), or a province follows its name ("huyện nghi lộc nghệ an", "huyện yên bình, yên bái"). Never a
    city: "thành phố vinh danh" honours, "thành phố tân an" is no name without capitals."""
    if kind == "thành phố" or t.uses_capitals:
        return False
    if key not in _ORDINARY_NAMES and t.before(i, context().chat_place_before):
        return True
    provinces = gazetteer()[0]
    k = j + (j < len(t.toks) and t.toks[j] == "tinh")
    return any(tuple(t.toks[k : k + n]) in provinces for n in range(1, MAX_N + 1))
