"""Which provinces and wards a text mentions, from the `vietnam-provinces` gazetteer (post-2025: 34
provinces, 3,321 wards). Names match with or without diacritics; common aliases ("TP.HCM", "Sài Gòn")
too. Ward names repeat across provinces, so a ward counts only with its type word ("phường Bến Thành",
"xã ...", "p. ...") and resolves to "Ward, Province" when unique or when the province is mentioned too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from classifier.normalize import normalize, strip_accents

_ALIASES = {
    "Thành phố Hồ Chí Minh": ["tp hcm", "tphcm", "hcm", "tp hồ chí minh", "sài gòn", "saigon", "hồ chí minh", "sg"],
    "Thành phố Hà Nội": ["hà nội", "hn", "thủ đô hà nội", "hanoi"],
    "Thành phố Đà Nẵng": ["đà nẵng", "đn", "danang"],
    "Thành phố Hải Phòng": ["hải phòng", "hp"],
    "Thành phố Cần Thơ": ["cần thơ"],
    "Thành phố Huế": ["huế", "thừa thiên huế", "tt huế"],
}
_AMBIGUOUS_SHORT = {"hn", "hp", "đn", "dn", "sg", "hcm"}  # only count when the text uses them standalone, upper-case
_WARD_PREFIX = {"phuong": "Phường", "p": "Phường", "xa": "Xã", "dac khu": "Đặc khu"}
_MAX_N = 6


def _key(name: str) -> tuple[str, ...]:
    return tuple(strip_accents(normalize(name)).split())


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[tuple[str, ...], str], dict[tuple[str, ...], list[tuple[str, str]]]]:
    from vietnam_provinces import Province, Ward

    provinces: dict[tuple[str, ...], str] = {}
    names = {}
    for p in Province.iter_all():
        names[p.code] = p.name
        short = p.name.removeprefix("Thành phố ").removeprefix("Tỉnh ")
        for alias in (p.name, short, f"tỉnh {short}", *_ALIASES.get(p.name, [])):
            provinces.setdefault(_key(alias), p.name)
    wards: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for w in Ward.iter_all():
        short = w.name.split(" ", 1)[1] if w.name.startswith(("Phường ", "Xã ")) else w.name.removeprefix("Đặc khu ")
        wards.setdefault(_key(short), []).append((w.name, names[w.province_code]))
    return provinces, wards


@lru_cache(maxsize=1)
def _first_tokens() -> frozenset[str]:
    """Tokens that can start a match: first syllables of province names/aliases and the ward type words."""
    provinces, _ = _gazetteer()
    return frozenset({k[0] for k in provinces if k} | {p.split()[0] for p in _WARD_PREFIX})


def match_localities(plain_syllables: Sequence[str], original_text: str = "") -> tuple[str, ...]:
    """Localities in an accent-stripped, normalised syllable sequence, in order of first mention."""
    provinces, wards = _gazetteer()
    starts = _first_tokens()
    found: list[str] = []
    ward_hits: list[tuple[str, list[tuple[str, str]]]] = []
    toks = list(plain_syllables)
    i, n = 0, len(toks)
    while i < n:
        if toks[i] not in starts:  # most syllables cannot begin a place name
            i += 1
            continue
        matched = 0
        for size in range(min(_MAX_N, n - i), 0, -1):
            key = tuple(toks[i : i + size])
            prefix = " ".join(key[:2]) if key[:2] == ("dac", "khu") else key[0]
            plen = 2 if prefix == "dac khu" else 1
            if prefix in _WARD_PREFIX and size > plen and key[plen:] in wards:
                kind = _WARD_PREFIX[prefix]
                cands = [c for c in wards[key[plen:]] if c[0].startswith(kind) or prefix == "p"]
                if cands:
                    ward_hits.append((cands[0][0], cands))
                    matched = size
                    break
            if key in provinces:
                if size == 1 and key[0] in _AMBIGUOUS_SHORT and key[0].upper() not in re.findall(r"\w+", original_text):
                    continue
                if provinces[key] not in found:
                    found.append(provinces[key])
                matched = size
                break
        i += matched or 1
    out = list(found)
    for name, cands in ward_hits:
        in_mentioned = [c for c in cands if c[1] in found]
        pick = in_mentioned[0] if in_mentioned else (cands[0] if len(cands) == 1 else None)
        label = f"{pick[0]}, {pick[1]}" if pick else name
        if label not in out:
            out.append(label)
    return tuple(out)


def find_localities(text: str) -> tuple[str, ...]:
    """Canonical province/ward names mentioned in `text`, e.g. ("Thành phố Hồ Chí Minh",)."""
    return match_localities(strip_accents(normalize(text)).split(), text)
