"""Which provinces and wards a text mentions, from the `vietnam-provinces` gazetteer (post-2025: 34
provinces, 3,321 wards). Names match with or without diacritics; common aliases ("TP.HCM", "Sài Gòn")
too. Ward names repeat across provinces, so a ward counts only with its type word ("phường Bến Thành",
"xã ...", "p. ...") and resolves to "Ward, Province" when unique or when the province is mentioned too.

The 63 provinces before the 2025 merger ("Bình Dương", "Bà Rịa - Vũng Tàu", "Sóc Trăng" ...; crawled archives
and people still use them) resolve to the province each became part of (`classifier/data/old_provinces.tsv`,
from Resolution 202/2025/QH15); `locality_mentions` gives the offsets of the old name the text used.

Abbreviations ("HN", "SG", "ĐN", "HP", "HCM") count only written upper-case as a word of their own: "hn" is as
often "hôm nay". Old names that are also ordinary phrases ("hòa bình" = peace, "hải dương" = ocean, "thái bình
dương" = the Pacific) count only capitalised or after "tỉnh".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from classifier.normalize import normalize, strip_accents, syllables
from classifier.result import Evidence

OLD_PROVINCES_PATH = Path(__file__).parent / "data" / "old_provinces.tsv"
MERGER = "Nghị quyết 202/2025/QH15"

_ALIASES = {
    "Thành phố Hồ Chí Minh": ["tp hcm", "tphcm", "hcm", "tp hồ chí minh", "sài gòn", "saigon", "hồ chí minh", "sg"],
    "Thành phố Hà Nội": ["hà nội", "hn", "thủ đô hà nội", "hanoi"],
    "Thành phố Đà Nẵng": ["đà nẵng", "đn", "danang"],
    "Thành phố Hải Phòng": ["hải phòng", "hp"],
    "Thành phố Cần Thơ": ["cần thơ"],
    "Thành phố Huế": ["huế", "thừa thiên huế", "tt huế"],
}
# only count written exactly so (upper-case, a word of its own): "DN" is "doanh nghiệp", "hn" "hôm nay"
_SHORT_FORMS = {"hn": "HN", "hp": "HP", "dn": "ĐN", "sg": "SG", "hcm": "HCM"}
# (previous token, next token) that make a name something else: "Thái Bình Dương" is the Pacific Ocean
_NOT_NEXT_TO = {("thai", "binh"): (None, "duong"), ("binh", "duong"): ("thai", None)}
_WARD_PREFIX = {"phuong": "Phường", "p": "Phường", "xa": "Xã", "dac khu": "Đặc khu"}
_MAX_N = 6


@dataclass(frozen=True)
class OldProvince:
    name: str  # as the text may write it, e.g. "Bình Dương"
    merged_into: str  # the current province, as in the gazetteer
    capitalised: bool  # also an ordinary phrase: counts only capitalised or after "tỉnh"


@dataclass(frozen=True)
class LocalityMention:
    """A place the text names: the canonical (current) name, and where in the text it stands."""

    name: str  # "Thành phố Hồ Chí Minh", or "Phường Bến Thành, Thành phố Hồ Chí Minh"
    text: str  # the text as written there ("Bình Dương", "TP.HCM")
    start: int  # offsets into the text given to locality_mentions
    end: int
    old_province: str = ""  # the pre-2025 province the text named, when it did ("Bình Dương")


def _key(name: str) -> tuple[str, ...]:
    return tuple(strip_accents(normalize(name)).split())


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
            out.setdefault(_key(name), entry)
    return out


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
    for key, old in load_old_provinces().items():  # after the current names: never shadows one
        provinces.setdefault(key, old.merged_into)
        provinces.setdefault(("tinh", *key), old.merged_into)
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


Spans = Callable[[], "Sequence[tuple[int, int]] | None"]


def _capitalised(text: str) -> bool:
    return all(w[0].isupper() for w in re.findall(r"[^\W\d_]+", text))


def _scan(toks: Sequence[str], original: str, spans: Spans) -> list[tuple[str, int, int, str]]:
    """(canonical name, first token, end token, old province name or "") for each place mentioned, in text order;
    wards resolved against the provinces found anywhere in the text."""
    provinces, wards = _gazetteer()
    old_names = load_old_provinces()
    starts = _first_tokens()
    hits: list[tuple[str, int, int, str]] = []
    ward_hits: list[tuple[str, list[tuple[str, str]], int, int]] = []
    words: set[str] | None = None

    def written(i: int, j: int) -> str | None:
        s = spans()
        return original[s[i][0] : s[j - 1][1]] if s is not None else None

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
                    ward_hits.append((cands[0][0], cands, i, i + size))
                    matched = size
                    break
            if key not in provinces:
                continue
            if size == 1 and key[0] in _SHORT_FORMS:
                form, as_written = _SHORT_FORMS[key[0]], written(i, i + 1)
                if as_written is None:  # no offsets: anywhere in the text
                    words = words if words is not None else set(re.findall(r"\w+", original))
                    if form not in words:
                        continue
                elif as_written != form:
                    continue
            bare = key[1:] if key[0] == "tinh" and size > 1 else key
            after_tinh = bare is not key or (i > 0 and toks[i - 1] == "tinh")
            if bare in _NOT_NEXT_TO:
                before, after = _NOT_NEXT_TO[bare]
                if (before and i > 0 and toks[i - 1] == before) or (after and i + size < n and toks[i + size] == after):
                    continue
            old = old_names.get(bare)
            if old is not None and old.capitalised and not after_tinh:
                as_written = written(i, i + size)
                if as_written is None or not _capitalised(as_written):
                    continue
            is_old = old is not None and _key(old.merged_into) != _key(old.name) and bare not in _current_keys()
            hits.append((provinces[key], i, i + size, old.name if is_old and old is not None else ""))
            matched = size
            break
        i += matched or 1
    found = {h[0] for h in hits}
    for name, cands, a, b in ward_hits:
        in_mentioned = [c for c in cands if c[1] in found]
        pick = in_mentioned[0] if in_mentioned else (cands[0] if len(cands) == 1 else None)
        hits.append((f"{pick[0]}, {pick[1]}" if pick else name, a, b, ""))
    return hits


@lru_cache(maxsize=1)
def _current_keys() -> frozenset[tuple[str, ...]]:
    """Name keys of the current provinces and their aliases (an old name that is still current is not "old")."""
    from vietnam_provinces import Province

    keys = set()
    for p in Province.iter_all():
        short = p.name.removeprefix("Thành phố ").removeprefix("Tỉnh ")
        keys |= {_key(a) for a in (p.name, short, *_ALIASES.get(p.name, []))}
    return frozenset(keys)


def _names(hits: list[tuple[str, int, int, str]]) -> tuple[str, ...]:
    out: list[str] = []
    for name, *_ in hits:
        if name not in out:
            out.append(name)
    return tuple(out)


def match_localities(plain_syllables: Sequence[str], original_text: str = "",
                     spans: Sequence[tuple[int, int]] | None = None) -> tuple[str, ...]:
    """Localities in an accent-stripped, normalised syllable sequence, provinces in order of first mention, then
    wards. `original_text` is the text the syllables came from (for the upper-case / capitalisation guards);
    `spans`, the offsets of each syllable in it, are recomputed from it when needed and not given."""
    return localities_with_old(plain_syllables, original_text, spans)[0]


def localities_with_old(plain_syllables: Sequence[str], original_text: str = "",
                        spans: Sequence[tuple[int, int]] | None = None) -> tuple[tuple[str, ...], list[Evidence]]:
    """`match_localities`, plus evidence (kind "locality", no category, weight 0) for each OLD province name the
    text used: the reader sees that "Bình Dương" was counted as Thành phố Hồ Chí Minh, and why. Offsets index
    `original_text`; a mention whose syllables cannot be located in it gets none (-1, -1)."""
    toks = list(plain_syllables)
    cache: list[Sequence[tuple[int, int]] | None] = []

    def get_spans() -> Sequence[tuple[int, int]] | None:
        if not cache:
            s = spans
            if s is None and original_text:
                s = [(x.start, x.end) for x in syllables(original_text)]
            cache.append(s if s is not None and len(s) == len(toks) else None)
        return cache[0]

    hits = _scan(toks, original_text, get_spans)
    evidence = []
    for name, a, b, old in sorted((h for h in hits if h[3]), key=lambda h: h[1]):
        located = get_spans()
        start, end = (located[a][0], located[b - 1][1]) if located else (-1, -1)
        written = original_text[start:end] if located else old
        evidence.append(Evidence("", "locality", written, start, end, 0.0, _old_detail(old, name)))
    return _names(hits), evidence


def _old_detail(old: str, name: str) -> str:
    return f"{old} (tỉnh cũ, sáp nhập theo {MERGER}) → {name}"


def locality_mentions(text: str) -> list[LocalityMention]:
    """Every place named in `text`, in order, with its offsets; old (pre-2025) province names resolve to the
    province they are now part of and keep the old name in `old_province`."""
    sylls = syllables(text)
    spans = [(s.start, s.end) for s in sylls]
    hits = _scan([strip_accents(s.text) for s in sylls], text, lambda: spans)
    out = []
    for name, a, b, old in sorted(hits, key=lambda h: h[1]):
        start, end = spans[a][0], spans[b - 1][1]
        out.append(LocalityMention(name, text[start:end], start, end, old))
    return out


def locality_evidence(text: str) -> list[Evidence]:
    """The mentions as evidence (kind "locality", no category, weight 0): where the text names each place; for an
    old province name the detail says which province it is now part of."""
    out = []
    for m in locality_mentions(text):
        detail = _old_detail(m.old_province, m.name) if m.old_province else m.name
        out.append(Evidence("", "locality", m.text, m.start, m.end, 0.0, detail))
    return out


def find_localities(text: str) -> tuple[str, ...]:
    """Canonical province/ward names mentioned in `text`, e.g. ("Thành phố Hồ Chí Minh",)."""
    sylls = syllables(text)
    return match_localities([strip_accents(s.text) for s in sylls], text, [(s.start, s.end) for s in sylls])
