"""Which provinces and wards a text mentions, from the `vietnam-provinces` gazetteer (post-2025: 34
provinces, 3,321 wards). Names match with or without diacritics; common aliases ("TP.HCM", "Sài Gòn")
too. Ward names repeat across provinces, so a ward counts only with its type word ("phường Bến Thành",
"xã ...", "p. ...") and resolves to "Ward, Province" when unique or when the province is mentioned too.

The 63 provinces before the 2025 merger ("Bình Dương", "Bà Rịa - Vũng Tàu", "Sóc Trăng" ...; crawled archives
and people still use them) resolve to the province each became part of (`classifier/data/old_provinces.tsv`,
from Resolution 202/2025/QH15); `locality_mentions` gives the offsets of the old name the text used.

Abbreviations ("HN", "SG", "ĐN", "HP", "HCM") count only written upper-case as a word of their own: "hn" is as
often "hôm nay". Names that are also ordinary phrases ("hòa bình" = peace, "cao bằng" = as tall as, "hải dương"
= ocean, "thái bình dương" = the Pacific) count only capitalised (in a text not written all in capitals) or
after "tỉnh".

A name written with diacritics matches only with ITS diacritics ("diễn biến" is not Điện Biên, "giá lại" not Gia
Lai, "đa năng" not Đà Nẵng; hỏi/ngã mix-ups such as "Đà Nẳng" still count). Written without diacritics it matches
the accent-stripped name, but names that are as often ordinary words so ("gia lai", "ca mau", "hue" ...,
`classifier/data/locality_context.toml`) then need a capital or "tỉnh"/"thành phố" before them. A name never
spans sentence punctuation or a line break ("TP.", "p." are abbreviations, not sentence ends). A capitalised
name right after a surname is a person's ("Trương Hòa Bình"); after "đường", "phố", "bia", "Nobel" it names a
street, a brand or a prize; a bare "Hồ Chí Minh" is the city only after "ở/tại/về/..." ("tư tưởng Hồ Chí Minh"
is not). Ward names written with diacritics in a text that uses capitals must be capitalised ("xã tân tiến" is
a progressive commune).

A name of two syllables or more may carry a wrong tone mark on ONE syllable when it is written as a name among
ordinary words ("Đã Nẳng", "Hà Nôi": each syllable capitalised, the words around it not; letters such as đ, ă, ô
must be right), so "Giá Lại", "Cả Màu" and a text that capitalises every word stay ordinary words. People and
things named after places are not the places: "HN" followed by a capitalised name ("HN Thu Nguyên"), a name that
is also a given name after "anh", "chị", "cô"... ("chị Hà Giang"; not "quê em Nam Định"), a name followed by a
surname ("Hà Giang Nguyễn"), and longer names that begin with a province's ("Điện Biên Phủ", a street in most
towns and the 1954 victory; the province only after "thành phố"/"TP"). A name with a wrong tone mark is a
person's after any of those titles ("Gặp anh Lâm Đông") and, when it is also a given name, before "ơi" ("Thanh
Hòa ơi, về ăn cơm"). The word lists are in
`classifier/data/locality_context.toml`.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from classifier.normalize import normalize, strip_accents, syllables
from classifier.result import Evidence

OLD_PROVINCES_PATH = Path(__file__).parent / "data" / "old_provinces.tsv"
CONTEXT_PATH = Path(__file__).parent / "data" / "locality_context.toml"
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
_WARD_WORDS = {"phuong": ("phường",), "p": ("p",), "xa": ("xã",), "dac khu": ("đặc", "khu")}  # "phương án" ≠ "phường"
_HCM_BARE = ("ho", "chi", "minh")
_MAX_N = 6
# what may stand between two syllables of one name: spaces or a hyphen ("Bà Rịa - Vũng Tàu"), not a line break
_SAME_PHRASE = re.compile(r"[ \t\u00a0]*(?:[-\u2013\u2014][ \t\u00a0]*)?")
_ABBREV_DOT = re.compile(r"\.[ \t\u00a0]*")  # "TP.HCM", "TP. HCM", "p. Bến Thành": after a short abbreviation
_ABBREV = re.compile(r"[^\W\d_]{1,3}")
_SPACES = re.compile(r"[ \t\u00a0]+")

Key = tuple[str, ...]


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


def _key(name: str) -> Key:
    return tuple(strip_accents(normalize(name)).split())


@lru_cache(maxsize=50_000)
def _fold(syllable: str) -> str:
    """A syllable with hỏi and ngã taken as one tone: "Đà Nẳng", "Quãng Ngãi" are common misspellings."""
    if syllable.isascii():
        return syllable
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", syllable).replace("\u0309", "\u0303"))


_TONE_MARKS = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))  # huyền, sắc, ngã, hỏi, nặng


@lru_cache(maxsize=50_000)
def _toneless(syllable: str) -> str:
    """A syllable without its tone mark, its letters kept ("nội" → "nôi", "đã" → "đa"; "đ", "ă", "ơ" stay)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", syllable).translate(_TONE_MARKS))


@lru_cache(maxsize=20_000)
def _accented(name: str) -> Key:
    """A name's normalised syllables with their diacritics (hỏi/ngã folded)."""
    return tuple(_fold(x) for x in normalize(name).split())


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
def _gazetteer() -> tuple[dict[Key, str], dict[Key, frozenset[Key]], dict[Key, list[tuple[str, str]]]]:
    """Accent-stripped name key → province; key → the name's spellings with diacritics; ward key → wards."""
    from vietnam_provinces import Province, Ward

    provinces: dict[Key, str] = {}
    forms: dict[Key, set[Key]] = {}

    def add(name: str, province: str) -> None:
        key = _key(name)
        if provinces.setdefault(key, province) == province:  # a name already taken is never shadowed
            forms.setdefault(key, set()).add(_accented(name))

    names = {}
    for p in Province.iter_all():
        names[p.code] = p.name
        short = p.name.removeprefix("Thành phố ").removeprefix("Tỉnh ")
        for alias in (p.name, short, f"tỉnh {short}", *_ALIASES.get(p.name, [])):
            add(alias, p.name)
    old_names = load_old_provinces()
    for spelling in _old_spellings():  # after the current names
        merged = old_names[_key(spelling)].merged_into
        add(spelling, merged)
        add(f"tỉnh {spelling}", merged)
    wards: dict[Key, list[tuple[str, str]]] = {}
    for w in Ward.iter_all():
        wards.setdefault(_key(_ward_short(w.name)), []).append((w.name, names[w.province_code]))
    return provinces, {k: frozenset(v) for k, v in forms.items()}, wards


def _old_spellings(path: str = str(OLD_PROVINCES_PATH)) -> list[str]:
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


def _ward_short(name: str) -> str:
    return name.split(" ", 1)[1] if name.startswith(("Phường ", "Xã ")) else name.removeprefix("Đặc khu ")


@lru_cache(maxsize=1)
def _first_tokens() -> frozenset[str]:
    """Tokens that can start a match: first syllables of province names/aliases and the ward type words."""
    provinces, _, _ = _gazetteer()
    return frozenset({k[0] for k in provinces if k} | {p.split()[0] for p in _WARD_PREFIX})


@dataclass(frozen=True)
class _Context:
    """The word lists of `classifier/data/locality_context.toml`, folded for comparison."""

    bare_ambiguous: frozenset[Key]  # accent-stripped
    surnames: frozenset[str]
    surnames_unaccented: frozenset[str]
    named_after: frozenset[Key]
    street_not_after: frozenset[Key]
    place_before: frozenset[Key]
    phrase_final: frozenset[Key]  # accent-stripped
    hcm_before: frozenset[Key]
    hcm_after: frozenset[Key]
    type_words: frozenset[Key]
    longer_names: frozenset[Key]
    person_titles: frozenset[Key]
    person_names: frozenset[Key]  # accent-stripped
    home_before: frozenset[Key]
    ordinary_phrases: frozenset[Key]
    vocatives: frozenset[Key]
    vocatives_opening: frozenset[Key]


@lru_cache(maxsize=1)
def _context() -> _Context:
    data = tomllib.loads(CONTEXT_PATH.read_text(encoding="utf-8"))

    def phrases(name: str) -> frozenset[Key]:
        return frozenset(_accented(w) for w in data[name])

    return _Context(
        bare_ambiguous=frozenset(_key(w) for w in data["bare_ambiguous"]),
        surnames=frozenset(_fold(w) for w in data["surnames"]),
        surnames_unaccented=frozenset(data["surnames_unaccented"]),
        named_after=phrases("named_after"), street_not_after=phrases("street_not_after"),
        place_before=phrases("place_before"), phrase_final=frozenset(_key(w) for w in data["phrase_final"]), hcm_before=phrases("ho_chi_minh_before"), hcm_after=phrases("ho_chi_minh_after"),
        type_words=phrases("type_words"), longer_names=phrases("longer_names"),
        person_titles=phrases("person_titles"), person_names=frozenset(_key(w) for w in data["person_names"]),
        home_before=phrases("home_before"), ordinary_phrases=phrases("ordinary_phrases"),
        vocatives=phrases("vocatives"), vocatives_opening=phrases("vocatives_opening"),
    )


def _capitalised(text: str) -> bool:
    return all(w[0].isupper() for w in re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", text)))


class _Text:
    """The syllables being matched (accent-stripped), with what is known of how they were written: the same
    syllables with their diacritics (`acc`) and their offsets in the original text (`spans`), when known."""

    def __init__(self, toks: Sequence[str], original: str, acc: Sequence[str] | None,
                 spans: Sequence[tuple[int, int]] | None) -> None:
        self.toks, self.original, self.acc, self.spans = toks, original, acc, spans
        letters = [c for c in original if c.isalpha()]
        lower = sum(c.islower() for c in letters)
        self.uses_capitals = lower < len(letters)
        self.shouting = bool(letters) and lower < 0.1 * len(letters)  # capitals say nothing in an all-caps text

    def written(self, i: int, j: int) -> str | None:
        s = self.spans
        return self.original[s[i][0] : s[j - 1][1]] if s is not None else None

    def joined(self, i: int, j: int) -> bool:
        """Syllables i..j-1 stand in one phrase: no sentence punctuation or line break between them."""
        s = self.spans
        if s is None:
            return True
        for k in range(i, j - 1):
            gap = self.original[s[k][1] : s[k + 1][0]]
            if _SAME_PHRASE.fullmatch(gap):
                continue
            if not (_ABBREV_DOT.fullmatch(gap) and _ABBREV.fullmatch(self.original[s[k][0] : s[k][1]])):
                return False
        return True

    def bare(self, k: int) -> bool:
        """Syllable k is written without diacritics (or how it was written is unknown)."""
        return self.acc is None or self.acc[k] == self.toks[k]

    def fit(self, i: int, j: int, forms: Iterable[Key], slips: bool = False) -> str:
        """How syllables i..j-1 match one of `forms` (a name with diacritics): "exact" with its diacritics,
        "bare" with diacritics left out, "" when they carry the diacritics of other words ("diễn biến").
        With `slips`, one capitalised syllable may carry a wrong tone mark ("Đã Nẳng", "Hà Nôi"): "misspelt"."""
        acc = self.acc
        if acc is None:
            return "exact"  # only the stripped syllables are known: as before
        best = ""
        for form in forms:
            if len(form) != j - i:
                continue
            left_out, slipped = False, 0
            for k, f in zip(range(i, j), form, strict=True):
                if _fold(acc[k]) == f:
                    continue
                if not self.bare(k):  # diacritics of another word: "diễn biến", "giá lại", "cả màu"
                    if slips and _toneless(acc[k]) == _toneless(f) and self.title_case(k, k + 1):
                        slipped += 1  # same letters, another tone: a slip, when only one syllable has one
                        if slipped == 1:
                            continue
                    break
                left_out = True  # written without them: "Ha Noi", "sai gòn"
            else:
                if slipped:
                    best = best or "misspelt"
                elif not left_out:
                    return "exact"
                else:
                    best = "bare"
        return best

    def is_word(self, k: int, word: Key) -> bool:
        """Syllable k is the one-syllable `word` (as far as diacritics show)."""
        if self.bare(k):
            return self.toks[k] == strip_accents(word[0])
        assert self.acc is not None
        return _fold(self.acc[k]) == word[0]

    def before(self, i: int, phrases: Iterable[Key]) -> bool:
        """One of `phrases` ends right before syllable i, in the same phrase as it."""
        for ph in phrases:
            a = i - len(ph)
            if a >= 0 and self.joined(a, i + 1) and all(self.is_word(a + n, (w,)) for n, w in enumerate(ph)):
                return True
        return False

    def after(self, j: int, phrases: Iterable[Key]) -> bool:
        """One of `phrases` starts right after syllable j-1, in the same phrase as it."""
        for ph in phrases:
            b = j + len(ph)
            if b <= len(self.toks) and self.joined(j - 1, b) and all(
                    self.is_word(j + n, (w,)) for n, w in enumerate(ph)):
                return True
        return False

    def phrase_final(self, j: int) -> bool:
        """No word follows syllable j-1 in its phrase ("Đồ hiệu cao bằng :))")."""
        return j >= len(self.toks) or not self.joined(j - 1, j + 1)

    def capitalised(self, i: int, j: int) -> bool:
        """Syllables i..j-1 are written capitalised as a name, in a text not written all in capitals."""
        w = self.written(i, j)
        return w is not None and _capitalised(w) and not self.shouting

    def title_case(self, i: int, j: int) -> bool:
        """Syllables i..j-1 are each written with a capital and then small letters ("Hà Nôi", not "HÀ NÔI")."""
        return not self.shouting and all(
            (w := self.written(k, k + 1)) is not None and w[:1].isupper() and (len(w) == 1 or w[1:].islower())
            for k in range(i, j))

    def initial_capital(self, k: int) -> bool:
        w = self.written(k, k + 1)
        return w is not None and w[:1].isupper()


Hit = tuple[str, int, int, str]  # canonical name, first syllable, end syllable, old province name or ""


def _scan(t: _Text) -> list[Hit]:
    """(canonical name, first token, end token, old province name or "") for each place mentioned, in text order;
    wards resolved against the provinces found anywhere in the text."""
    provinces, forms, wards = _gazetteer()
    starts = _first_tokens()
    toks = t.toks
    hits: list[Hit] = []
    ward_hits: list[tuple[list[tuple[str, str]], int, int]] = []
    i, n, floor = 0, len(toks), 0
    while i < n:
        if toks[i] not in starts:  # most syllables cannot begin a place name
            i += 1
            continue
        matched = 0
        for size in range(min(_MAX_N, n - i), 0, -1):
            key = tuple(toks[i : i + size])
            if not t.joined(i, i + size):
                continue
            cands = _ward(t, i, size, key, wards)
            if cands:
                ward_hits.append((cands, i, i + size))
                matched = size
                break
            if key not in provinces:
                continue
            verdict = _province(t, i, size, key, forms.get(key, frozenset()), floor)
            if verdict is None:  # not this name: a shorter one may be there
                continue
            if isinstance(verdict, str):
                hits.append((provinces[key], i, i + size, verdict))
            matched = size  # a place, or the name of something else here: either way the words are used up
            break
        if matched:
            floor = i + matched
        i += matched or 1
    found = {h[0] for h in hits}
    for cands, a, b in ward_hits:
        in_mentioned = [c for c in cands if c[1] in found]
        pick = in_mentioned[0] if in_mentioned else (cands[0] if len(cands) == 1 else None)
        hits.append((f"{pick[0]}, {pick[1]}" if pick else cands[0][0], a, b, ""))
    return hits


def _ward(t: _Text, i: int, size: int, key: Key, wards: dict[Key, list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """The wards syllables i..i+size-1 name with their type word ("phường Bến Thành"), or none."""
    prefix = " ".join(key[:2]) if key[:2] == ("dac", "khu") else key[0]
    plen = 2 if prefix == "dac khu" else 1
    if prefix not in _WARD_PREFIX or size <= plen or key[plen:] not in wards:
        return []
    if not t.fit(i, i + plen, [_WARD_WORDS[prefix]]):  # "phương án hai" is no "phường An Hải"
        return []
    kind = _WARD_PREFIX[prefix]
    cands = [c for c in wards[key[plen:]] if c[0].startswith(kind) or prefix == "p"]
    fits = [t.fit(i + plen, i + size, [_accented(_ward_short(c[0]))]) for c in cands]
    exact = [c for c, f in zip(cands, fits, strict=True) if f == "exact"]
    if exact and t.acc is not None and t.uses_capitals:
        written = t.written(i + plen, i + size)
        if written is not None and not _capitalised(written):  # "xã tân tiến": a progressive commune
            return []
    return exact or [c for c, f in zip(cands, fits, strict=True) if f == "bare"]


def _province(t: _Text, i: int, size: int, key: Key, forms: frozenset[Key], floor: int) -> str | None | bool:
    """Whether the province name `key` at syllable i is the place: its old name ("" for a current one) when it
    is, False when the words name something else here (a person, a street), None when they are not this name.
    Syllables before `floor` belong to an earlier name."""
    ctx = _context()
    if size == 1 and key[0] in _SHORT_FORMS:
        form, as_written = _SHORT_FORMS[key[0]], t.written(i, i + 1)
        if as_written is None:  # no offsets: anywhere in the text
            if form not in set(re.findall(r"\w+", t.original)):
                return None
        elif as_written != form:
            return None
        if _name_goes_on(t, i + 1):  # "HN Thu Nguyên", "Nguyễn Quang HN Huy": part of a person's name
            return False
    bare = key[1:] if key[0] == "tinh" and size > 1 else key
    fit = t.fit(i, i + size, forms, slips=len(bare) > 1)
    if not fit:
        return None
    if fit == "misspelt" and not _stands_out(t, i + size - len(bare), i + size):
        return None
    typed = bare is not key or t.before(i, ctx.type_words)
    if bare in _NOT_NEXT_TO:
        before, after = _NOT_NEXT_TO[bare]
        n = len(t.toks)
        if (before and i > 0 and t.toks[i - 1] == before) or (after and i + size < n and t.toks[i + size] == after):
            return None
    old = load_old_provinces().get(bare)
    if not typed and not t.capitalised(i, i + size):
        if old is not None and old.capitalised and not (  # "cao bằng nhau", "hòa bình thế giới"
                t.before(i, ctx.place_before) or (bare in ctx.phrase_final and t.phrase_final(i + size))):
            return None
        unaccented = fit == "bare" or all(t.bare(k) for k in range(i, i + size))  # "gia lai": or "giá lại"
        if unaccented and bare in ctx.bare_ambiguous:
            return None
        if _in_ordinary_phrase(t, i, i + size, bare, ctx):  # "công nghệ an toàn" (safety technology)
            return None
    if not typed and _named_after(t, i, size, bare, ctx, floor):
        return False
    if fit == "misspelt" and not typed and _addressed(t, i, i + size, bare, ctx):
        return False  # "anh Lâm Đông", "Thanh Hòa ơi": a person's name, not "Lâm Đồng" with a slip
    is_old = old is not None and _key(old.merged_into) != _key(old.name) and bare not in _current_keys()
    return old.name if is_old and old is not None else ""


def _named_after(t: _Text, i: int, size: int, bare: Key, ctx: _Context, floor: int) -> bool:
    """The name at syllable i names something else: a person ("Trương Hòa Bình"), a street ("đường Nguyễn
    Huệ", "phố Huế"), a brand or a prize ("bia Sài Gòn", "Nobel Hòa Bình"), President Hồ Chí Minh."""
    if t.before(i, ctx.named_after) and not (t.before(i, [("phố",)]) and t.before(i - 1, ctx.street_not_after)):
        return True
    if bare == _HCM_BARE and not (t.before(i, ctx.hcm_before) or t.after(i + size, ctx.hcm_after)):
        return True
    if any(_plain(longer[:size]) == bare and t.after(i + size, [longer[size:]]) for longer in ctx.longer_names):
        return True  # "Điện Biên Phủ": the 1954 victory or a street in most towns, not the province
    if bare in ctx.person_names and (t.initial_capital(i) or not t.uses_capitals) and _after_title(t, i, ctx):
        return True  # "anh Bình Dương", "chị Hà Giang"
    if _surname_follows(t, i + size, ctx):
        return True  # a name written given name first, as on Facebook: "Hà Giang Nguyễn", "Thu Hà Tinh Nguyen"
    if t.spans is None or t.shouting or not t.initial_capital(i):
        return False
    for k in (i - 1, i - 2):  # a capitalised surname, then maybe a capitalised middle name
        if k < floor or not t.joined(k, i + 1) or not t.initial_capital(k):
            return False
        if _is_surname(t, k, ctx):
            return True
    return False


@lru_cache(maxsize=1_000)
def _plain(phrase: Key) -> Key:
    """A phrase of the word lists (normalised syllables) without its diacritics."""
    return tuple(strip_accents(w) for w in phrase)


def _in_ordinary_phrase(t: _Text, i: int, j: int, bare: Key, ctx: _Context) -> bool:
    """Syllables i..j-1 (the name `bare`) are the middle of one of the ordinary phrases around them."""
    for phrase in ctx.ordinary_phrases:
        for o in range(len(phrase) - len(bare) + 1):
            if _plain(phrase[o : o + len(bare)]) != bare:
                continue
            head, tail = phrase[:o], phrase[o + len(bare) :]
            if (not head or t.before(i, [head])) and (not tail or t.after(j, [tail])):
                return True
    return False


def _stands_out(t: _Text, i: int, j: int) -> bool:
    """Syllables i..j-1 are written as a name among ordinary words: each capitalised ("Hà nôi", "ĐA NANG" are
    not), and neither the word before (unless it starts the phrase) nor the one after is ("Nam Đỉnh Thực Sự",
    "Để Não Thành Hoá Thạch": a text that capitalises every word says nothing by its capitals)."""
    if not t.title_case(i, j):
        return False
    k = i - 1
    if k > 0 and t.joined(k, i + 1) and t.title_case(k, k + 1) and t.joined(k - 1, k + 1):
        return False
    return not (j < len(t.toks) and t.joined(j - 1, j + 1) and t.title_case(j, j + 1))


def _is_surname(t: _Text, k: int, ctx: _Context) -> bool:
    if t.bare(k):
        return t.toks[k] in ctx.surnames_unaccented
    assert t.acc is not None
    return _fold(t.acc[k]) in ctx.surnames


def _name_goes_on(t: _Text, k: int) -> bool:
    """Syllables k and k+1 follow syllable k-1 after a space, capitalised like a name ("Thu Nguyên"; not an
    abbreviation, not a place): the syllables before them are part of a person's name."""
    if t.spans is None or k + 1 >= len(t.toks) or not t.title_case(k, k + 2):
        return False
    if any(not _SPACES.fullmatch(t.original[t.spans[m - 1][1] : t.spans[m][0]]) for m in (k, k + 1)):
        return False  # "HN-Vinh", "ở HN. Ở SG": no name goes on across a hyphen or a full stop
    provinces = _gazetteer()[0]
    return not any(tuple(t.toks[m : m + n]) in provinces for m in (k, k + 1) for n in range(1, _MAX_N + 1))


def _addressed(t: _Text, i: int, j: int, bare: Key, ctx: _Context) -> bool:
    """Syllables i..j-1, a name with a slip in its tone marks, are a person spoken of or to: after any title
    written with its diacritics ("Gặp anh Lâm Đông"; not "hèn chi Hà Nối", "chi" is no "chị"), or, for a name
    that is also a given name (`person_names`), before a vocative ("Thanh Hòa ơi"; "à", "ạ" only when the name
    opens its phrase: "Thanh Hòa à, ..." but "Em ở Thanh Hòa à?"). "Sài Gón ơi!" still calls out to the city."""
    if _after_title(t, i, ctx, as_written=True):
        return True
    if bare not in ctx.person_names:
        return False
    opens = i == 0 or not t.joined(i - 1, i + 1)
    return t.after(j, ctx.vocatives) or (opens and t.after(j, ctx.vocatives_opening))


def _after_title(t: _Text, i: int, ctx: _Context, as_written: bool = False) -> bool:
    """A kinship or address word ("anh", "chị", "cô" ...) stands right before syllable i, as a word of its own
    (not the end of a capitalised name such as "Đông Anh"); `as_written`: with its own diacritics ("chi" written
    without them is not "chị" then)."""
    for title in ctx.person_titles:
        k = i - len(title)
        if k < 0 or not t.before(i, [title]):
            continue
        if as_written and any(t.bare(k + n) and t.toks[k + n] != w for n, w in enumerate(title)):
            continue
        if t.initial_capital(k) and k > 0 and t.joined(k - 1, k + 1) and t.initial_capital(k - 1):
            continue
        if t.before(k, ctx.home_before):  # "quê em Nam Định": the place someone is from
            continue
        return True
    return False


def _surname_follows(t: _Text, j: int, ctx: _Context) -> bool:
    """A capitalised surname follows syllable j-1 in its phrase, and starts no place name."""
    if t.spans is None or t.shouting or j >= len(t.toks) or not t.initial_capital(j - 1):
        return False
    return (t.joined(j - 1, j + 1) and t.initial_capital(j) and _is_surname(t, j, ctx)
            and not any(tuple(t.toks[j : j + n]) in _gazetteer()[0] for n in range(1, _MAX_N + 1)))


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
    if not any(tok in _first_tokens() for tok in toks):
        return (), []
    t = _written(toks, original_text, spans)
    hits = _scan(t)
    evidence = []
    for name, a, b, old in sorted((h for h in hits if h[3]), key=lambda h: h[1]):
        start, end = (t.spans[a][0], t.spans[b - 1][1]) if t.spans else (-1, -1)
        written = original_text[start:end] if t.spans else old
        evidence.append(Evidence("", "locality", written, start, end, 0.0, _old_detail(old, name)))
    return _names(hits), evidence


def _written(toks: list[str], original: str, spans: Sequence[tuple[int, int]] | None) -> _Text:
    """The stripped syllables with how `original` writes them, when its own syllables are these."""
    acc: list[str] | None = None
    if original:
        sylls = syllables(original)
        if [strip_accents(x.text) for x in sylls] == toks:
            acc = [x.text for x in sylls]
            spans = spans if spans is not None else [(x.start, x.end) for x in sylls]
    return _Text(toks, original, acc, spans if spans is not None and len(spans) == len(toks) else None)


def _old_detail(old: str, name: str) -> str:
    return f"{old} (tỉnh cũ, sáp nhập theo {MERGER}) → {name}"


def locality_mentions(text: str) -> list[LocalityMention]:
    """Every place named in `text`, in order, with its offsets; old (pre-2025) province names resolve to the
    province they are now part of and keep the old name in `old_province`."""
    t = _syllable_text(text)
    out = []
    for name, a, b, old in sorted(_scan(t), key=lambda h: h[1]):
        assert t.spans is not None
        start, end = t.spans[a][0], t.spans[b - 1][1]
        out.append(LocalityMention(name, text[start:end], start, end, old))
    return out


def _syllable_text(text: str) -> _Text:
    sylls = syllables(text)
    return _Text([strip_accents(s.text) for s in sylls], text, [s.text for s in sylls], [(s.start, s.end) for s in sylls])


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
    return _names(_scan(_syllable_text(text)))
