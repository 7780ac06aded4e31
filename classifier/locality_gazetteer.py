"""The gazetteer the locality tagger matches against: the `vietnam-provinces` package's 34 provinces and
3,321 wards (post-2025), the common aliases of the big cities ("TP.HCM", "Sài Gòn", "HN"), and the 63
provinces from before the 2025 merger (`classifier/data/old_provinces.tsv`) and former cities and towns
people still name ("Nha Trang", "Đà Lạt": `classifier/data/former_cities.tsv`). Names are keyed by their
accent-stripped syllables; each key keeps the spellings with diacritics it may be written with, hỏi/ngã
folded into one tone."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from classifier.normalize import normalize, strip_accents

OLD_PROVINCES_PATH = Path(__file__).parent / "data" / "old_provinces.tsv"
FORMER_CITIES_PATH = Path(__file__).parent / "data" / "former_cities.tsv"

ALIASES = {
    "Thành phố Hồ Chí Minh": ["tp hcm", "tphcm", "hcm", "tp hồ chí minh", "sài gòn", "saigon", "hồ chí minh", "sg"],
    "Thành phố Hà Nội": ["hà nội", "hn", "thủ đô hà nội", "hanoi"],
    "Thành phố Đà Nẵng": ["đà nẵng", "đn", "danang"],
    "Thành phố Hải Phòng": ["hải phòng", "hp"],
    "Thành phố Cần Thơ": ["cần thơ"],
    "Thành phố Huế": ["huế", "thừa thiên huế", "tt huế"],
}
# only count written exactly so (upper-case, a word of its own): "DN" is "doanh nghiệp", "hn" "hôm nay"
SHORT_FORMS = {"hn": "HN", "hp": "HP", "dn": "ĐN", "sg": "SG", "hcm": "HCM"}
WARD_PREFIX = {"phuong": "Phường", "p": "Phường", "xa": "Xã", "dac khu": "Đặc khu"}
WARD_WORDS = {"phuong": ("phường",), "p": ("p",), "xa": ("xã",), "dac khu": ("đặc", "khu")}  # "phương án" ≠ "phường"
MAX_N = 6

Key = tuple[str, ...]


@dataclass(frozen=True)
class OldProvince:
    name: str  # as the text may write it, e.g. "Bình Dương"
    merged_into: str  # the current province, as in the gazetteer
    capitalised: bool  # also an ordinary phrase: counts only capitalised or after "tỉnh"


def name_key(name: str) -> Key:
    """A name's normalised syllables without diacritics: how the gazetteer and the word lists are keyed."""
    return tuple(strip_accents(normalize(name)).split())


@lru_cache(maxsize=50_000)
def fold(syllable: str) -> str:
    """A syllable with hỏi and ngã taken as one tone: "Đà Nẳng", "Quãng Ngãi" are common misspellings."""
    if syllable.isascii():
        return syllable
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", syllable).replace("\u0309", "\u0303"))


_TONE_MARKS = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))  # huyền, sắc, ngã, hỏi, nặng


@lru_cache(maxsize=50_000)
def toneless(syllable: str) -> str:
    """A syllable without its tone mark, its letters kept ("nội" → "nôi", "đã" → "đa"; "đ", "ă", "ơ" stay)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", syllable).translate(_TONE_MARKS))


@lru_cache(maxsize=20_000)
def accented(name: str) -> Key:
    """A name's normalised syllables with their diacritics (hỏi/ngã folded)."""
    return tuple(fold(x) for x in normalize(name).split())


@lru_cache(maxsize=2)
def load_old_provinces(path: str = str(OLD_PROVINCES_PATH)) -> dict[tuple[str, ...], OldProvince]:
    """Accent-stripped name key → the old province, for every old name and spelling in the table."""
    out: dict[tuple[str, ...], OldProvince] = {}
    header = True
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if header:  # "old<TAB>merged_into<TAB>also_written<TAB>guard"
            header = False
            continue
        old, merged, also, guard = (line.split("\t") + ["", "", ""])[:4]
        old, merged = old.strip(), merged.strip()
        entry = OldProvince(old.removeprefix("Thành phố ").removeprefix("Tỉnh "), merged, guard.strip() == "capitalised")
        for name in (old, entry.name, *[a for a in also.split("|") if a.strip()]):
            out.setdefault(name_key(name), entry)
    return out


@lru_cache(maxsize=1)
def gazetteer() -> tuple[dict[Key, str], dict[Key, frozenset[Key]], dict[Key, list[tuple[str, str]]]]:
    """Accent-stripped name key → province; key → the name's spellings with diacritics; ward key → wards."""
    from vietnam_provinces import Province, Ward

    provinces: dict[Key, str] = {}
    forms: dict[Key, set[Key]] = {}

    def add(name: str, province: str) -> None:
        key = name_key(name)
        if provinces.setdefault(key, province) == province:  # a name already taken is never shadowed
            forms.setdefault(key, set()).add(accented(name))

    names = {}
    for p in Province.iter_all():
        names[p.code] = p.name
        short = p.name.removeprefix("Thành phố ").removeprefix("Tỉnh ")
        for alias in (p.name, short, f"tỉnh {short}", *ALIASES.get(p.name, [])):
            add(alias, p.name)
    old_names = load_old_provinces()
    for spelling in old_spellings():  # after the current names
        merged = old_names[name_key(spelling)].merged_into
        add(spelling, merged)
        add(f"tỉnh {spelling}", merged)
    for spellings, counts_as in former_cities().values():  # each spelling's entry: one per spelling
        for spelling in spellings:
            add(spelling, counts_as)
    wards: dict[Key, list[tuple[str, str]]] = {}
    for w in Ward.iter_all():
        wards.setdefault(name_key(ward_short(w.name)), []).append((w.name, names[w.province_code]))
    return provinces, {k: frozenset(v) for k, v in forms.items()}, wards


@lru_cache(maxsize=2)
def former_cities(path: str = str(FORMER_CITIES_PATH)) -> dict[Key, tuple[tuple[str, ...], str]]:
    """Accent-stripped key of each spelling of a former city → (all its spellings, the name it counts as:
    a current province, or "Ward, Province" for a special zone)."""
    out: dict[Key, tuple[tuple[str, ...], str]] = {}
    rows = [line for line in Path(path).read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    for number, line in enumerate(rows[1:], start=2):  # rows[0]: "name<TAB>counts_as<TAB>also_written"
        name, counts_as, also = (line.split("\t") + ["", ""])[:3]
        if not name.strip() or not counts_as.strip():
            raise ValueError(f"{path}: data row {number - 1} needs a name and what it counts as: {line!r}")
        spellings = (name.strip(), *[a.strip() for a in also.split("|") if a.strip()])
        for spelling in spellings:
            out[name_key(spelling)] = (spellings, counts_as.strip())
    return out


def old_spellings(path: str = str(OLD_PROVINCES_PATH)) -> list[str]:
    """Every old province name and spelling of the table, as written there."""
    out: list[str] = []
    header = True
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if header:
            header = False
            continue
        old, _, also, _ = (line.split("\t") + ["", "", ""])[:4]
        short = old.strip().removeprefix("Thành phố ").removeprefix("Tỉnh ")
        out += [old.strip(), short, *[a.strip() for a in also.split("|") if a.strip()]]
    return out


def ward_short(name: str) -> str:
    """A ward's name without its type word: "Phường Bến Thành" → "Bến Thành", "Đặc khu Phú Quốc" → "Phú Quốc"."""
    return name.split(" ", 1)[1] if name.startswith(("Phường ", "Xã ")) else name.removeprefix("Đặc khu ")


@lru_cache(maxsize=1)
def first_tokens() -> frozenset[str]:
    """Tokens that can start a match: first syllables of province names/aliases and the ward type words."""
    provinces, _, _ = gazetteer()
    return frozenset({k[0] for k in provinces if k} | {p.split()[0] for p in WARD_PREFIX})


@lru_cache(maxsize=1)
def current_keys() -> frozenset[tuple[str, ...]]:
    """Name keys of the current provinces and their aliases (an old name that is still current is not "old")."""
    from vietnam_provinces import Province

    keys = set()
    for p in Province.iter_all():
        short = p.name.removeprefix("Thành phố ").removeprefix("Tỉnh ")
        keys |= {name_key(a) for a in (p.name, short, *ALIASES.get(p.name, []))}
    return frozenset(keys)
