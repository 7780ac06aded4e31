"""Context rules that tell a place name from the same words meaning something else: a person ("Trương Hòa
Bình", "anh Bình Dương", "Hà Giang Nguyễn", "Gặp anh Lâm Đông"), a street, brand or prize ("đường Nguyễn
Huệ", "bia Sài Gòn", "Nobel Hòa Bình", "laptop HP"), President Hồ Chí Minh ("tư tưởng Hồ Chí Minh", "yêu
HCM"), the 1954 victory ("Điện Biên Phủ") or an ordinary phrase ("công nghệ an toàn"). The word lists are in
`classifier/data/locality_context.toml`; the rules that find a person's name are in
`classifier/locality_person.py`."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from classifier.locality_gazetteer import MAX_N, SHORT_FORMS, Key, accented, fold, gazetteer, name_key
from classifier.locality_person import after_title, called, is_surname, named_so, surname_follows
from classifier.locality_text import SPACES, WrittenText
from classifier.normalize import normalize, strip_accents

CONTEXT_PATH = Path(__file__).parent / "data" / "locality_context.toml"
# (previous token, next token) that make a name something else: "Thái Bình Dương" is the Pacific Ocean
NOT_NEXT_TO = {("thai", "binh"): (None, "duong"), ("binh", "duong"): ("thai", None)}
HCM_BARE = ("ho", "chi", "minh")


@dataclass(frozen=True)
class Context:
    """The word lists of `classifier/data/locality_context.toml`, folded for comparison."""

    bare_ambiguous: frozenset[Key]  # accent-stripped
    surnames: frozenset[str]
    surnames_unaccented: frozenset[str]
    named_after: frozenset[Key]
    street_not_after: frozenset[Key]
    place_before: frozenset[Key]
    phrase_final: frozenset[Key]  # accent-stripped
    as_tall_as: frozenset[Key]  # accent-stripped
    as_tall_as_before: frozenset[Key]
    as_tall_as_after: frozenset[Key]
    as_tall_as_each_other: frozenset[Key]
    hcm_before: frozenset[Key]
    hcm_after: frozenset[Key]
    type_words: frozenset[Key]
    longer_names: frozenset[Key]
    person_titles: frozenset[Key]
    person_names: frozenset[Key]  # accent-stripped
    named_words: frozenset[Key]
    named_person_before: frozenset[Key]
    named_person_between: frozenset[Key]
    named_thing_before: frozenset[Key]
    named_bearing: frozenset[Key]
    named_owned_before: frozenset[Key]
    home_before: frozenset[Key]
    ordinary_phrases: frozenset[Key]
    vocatives: frozenset[Key]
    vocatives_opening: frozenset[Key]
    vocative_places: frozenset[Key]  # accent-stripped
    called_after: frozenset[Key]
    short_form_person: dict[str, frozenset[Key]]  # short form -> words after which it is a person's initials
    hcm_city_before: frozenset[Key]
    love_revered_before: frozenset[Key]
    not_love_before: frozenset[Key]
    not_love_after: frozenset[Key]
    hp_before: frozenset[Key]
    compass_before: frozenset[Key]
    beer_names: frozenset[Key]  # accent-stripped
    beer_before: frozenset[Key]
    beer_products: frozenset[Key]
    beer_kinds: frozenset[Key]
    beer_brands: frozenset[str]
    chat_place_before: frozenset[Key]
    district_count_before: frozenset[Key]
    district_count_after: frozenset[Key]
    abroad_places: frozenset[Key]  # accent-stripped
    abroad_before: frozenset[Key]
    numbered_fiction: frozenset[Key]  # accent-stripped
    volume_after: frozenset[Key]
    quarter_after: frozenset[Key]
    quarter_words: frozenset[Key]
    district_list_joiners: frozenset[Key]
    district_phrases: frozenset[Key]
    hn_place_before: frozenset[Key]
    hn_climb_before: frozenset[Key]
    hn_motion_before: frozenset[Key]
    hn_goer_before: frozenset[Key]
    hn_purpose_after: frozenset[Key]
    hp_weather_after: frozenset[Key]  # with their diacritics, hỏi/ngã NOT folded: "bão" is no "bảo"
    hp_time_before: frozenset[Key]
    hp_device_words: frozenset[Key]


@lru_cache(maxsize=1)
def context() -> Context:
    """The word lists of `classifier/data/locality_context.toml`, read once."""
    data = tomllib.loads(CONTEXT_PATH.read_text(encoding="utf-8"))

    def phrases(name: str) -> frozenset[Key]:
        return frozenset(accented(w) for w in data[name])

    return Context(
        bare_ambiguous=frozenset(name_key(w) for w in data["bare_ambiguous"]),
        surnames=frozenset(fold(w) for w in data["surnames"]),
        surnames_unaccented=frozenset(data["surnames_unaccented"]),
        named_after=phrases("named_after"), street_not_after=phrases("street_not_after"),
        place_before=phrases("place_before"),
        phrase_final=frozenset(name_key(w) for w in data["phrase_final"]),
        as_tall_as=frozenset(name_key(w) for w in data["as_tall_as"]),
        as_tall_as_before=phrases("as_tall_as_before"), as_tall_as_after=phrases("as_tall_as_after"),
        as_tall_as_each_other=phrases("as_tall_as_each_other"),
        hcm_before=phrases("ho_chi_minh_before"), hcm_after=phrases("ho_chi_minh_after"),
        type_words=phrases("type_words"), longer_names=phrases("longer_names"),
        person_titles=phrases("person_titles"), person_names=frozenset(name_key(w) for w in data["person_names"]),
        named_words=phrases("named_words"), named_person_before=phrases("named_person_before"),
        named_person_between=phrases("named_person_between"),
        named_thing_before=phrases("named_thing_before"), named_bearing=phrases("named_bearing"),
        named_owned_before=phrases("named_owned_before"),
        home_before=phrases("home_before"), ordinary_phrases=phrases("ordinary_phrases"),
        vocatives=phrases("vocatives"), vocatives_opening=phrases("vocatives_opening"),
        vocative_places=frozenset(name_key(w) for w in data["vocative_places"]),
        called_after=phrases("called_after"),
        short_form_person={"hcm": phrases("hcm_person_before"), "hn": phrases("initials_compared"),
                           "sg": phrases("initials_compared"), "dn": phrases("initials_compared")},
        hcm_city_before=phrases("hcm_city_before"), love_revered_before=phrases("love_revered_before"),
        not_love_before=phrases("not_love_before"), not_love_after=phrases("not_love_after"),
        hp_before=phrases("hp_before"), compass_before=phrases("compass_before"),
        beer_names=frozenset(name_key(w) for w in data["beer_names"]), beer_before=phrases("beer_before"),
        beer_products=phrases("beer_products"), beer_kinds=phrases("beer_kinds"),
        beer_brands=frozenset(data["beer_brands"]),
        chat_place_before=phrases("chat_place_before"),
        district_count_before=phrases("district_count_before"), district_count_after=phrases("district_count_after"),
        abroad_places=frozenset(name_key(w) for w in data["abroad_places"]), abroad_before=phrases("abroad_before"),
        numbered_fiction=frozenset(name_key(w) for w in data["numbered_fiction"]),
        volume_after=phrases("volume_after"), quarter_after=phrases("quarter_after"),
        quarter_words=phrases("quarter_words"), district_list_joiners=phrases("district_list_joiners"),
        district_phrases=phrases("district_phrases"), hn_place_before=phrases("hn_place_before"),
        hn_climb_before=phrases("hn_climb_before"), hn_motion_before=phrases("hn_motion_before"),
        hn_goer_before=phrases("hn_goer_before"), hn_purpose_after=phrases("hn_purpose_after"),
        hp_weather_after=frozenset(tuple(normalize(w).split()) for w in data["hp_weather_after"]), hp_time_before=phrases("hp_time_before"),
        hp_device_words=phrases("hp_device_words"),
    )


def short_form_elsewhere(t: WrittenText, i: int, short: str, ctx: Context) -> bool:
    """The upper-case short form at syllable i ("HN", "HP", "ĐN", "HCM") means something else here: President
    Hồ Chí Minh ("yêu HCM", "tư tưởng HCM"), a singer's initials ("vocal như HN"), a compass direction ("hướng
    ĐN" = south-east), or "HP" anywhere but after a word that leads to a place ("ở HP", "cảng HP") or next to
    another place ("HN - HP", "HP và HN"), and before no capitalised English word: it is far more often the
    brand ("laptop HP", "HP Fashion") or horsepower ("1.5 HP"). "Về HP Tết này": "Tết" makes no product."""
    if short == "hcm" and t.before(i, ctx.hcm_city_before):
        return False  # "mình yêu HCM quá": the city the speaker lives in
    if t.before(i, ctx.short_form_person.get(short, ())):
        return True
    if short == "dn" and t.before(i, ctx.compass_before):
        return True
    if short != "hp":
        return False
    if not (t.before(i, ctx.hp_before) or beside_place(t, i)):
        return True
    # "từ HP Fashion", "ở HP Envy": a capitalised English word right after it makes a product or shop name
    return (t.spans is not None and i + 1 < len(t.toks) and t.initial_capital(i + 1) and not t.shouting
            and t.toks[i + 1].isascii() and t.bare(i + 1)
            and SPACES.fullmatch(t.original[t.spans[i][1] : t.spans[i + 1][0]]) is not None)


_LIST_GAP = re.compile(r"[ \t\u00a0]*[-\u2013,/&][ \t\u00a0]*")  # "HN - HP", "HN, HP, ĐN", "HN/HP"


def beside_place(t: WrittenText, i: int) -> bool:
    """Another place stands next to syllable i in a list or a route: "HN - HP", "HN, HP, ĐN", "HP và HN"."""
    n = len(t.toks)
    for step in (-1, 1):
        k = i + step
        if not 0 <= k < n:
            continue
        lo, hi = min(i, k), max(i, k)
        if (t.spans is not None and _LIST_GAP.fullmatch(t.original[t.spans[lo][1] : t.spans[hi][0]])
                and _place_at(t, k, step)):
            return True
        m = k + step  # "HP và HN": the place beyond "và"
        if (0 <= m < n and t.is_word(k, ("và",)) and t.joined(min(i, m), max(i, m) + 1)
                and _place_at(t, m, step)):
            return True
    return False


def _place_at(t: WrittenText, k: int, towards: int) -> bool:
    """A place name ends at syllable k (`towards` -1: the name lies before it) or starts there (+1): a short
    form written upper-case ("HN", "ĐN") or a capitalised province name ("Hà Nội")."""
    if t.toks[k] in SHORT_FORMS and t.written(k, k + 1) == SHORT_FORMS[t.toks[k]]:
        return True
    provinces = gazetteer()[0]
    for size in range(1, MAX_N + 1):
        a, b = (k - size + 1, k + 1) if towards < 0 else (k, k + size)
        if a >= 0 and b <= len(t.toks) and tuple(t.toks[a:b]) in provinces and t.capitalised(a, b):
            return True
    return False


def named_after(t: WrittenText, i: int, size: int, bare: Key, ctx: Context, floor: int) -> bool:
    """The name at syllable i names something else: a person ("Trương Hòa Bình"), a street ("đường Nguyễn
    Huệ", "phố Huế"), a brand or a prize ("bia Sài Gòn", "Nobel Hòa Bình"), President Hồ Chí Minh."""
    if t.before(i, ctx.named_after) and not (t.before(i, [("phố",)]) and t.before(i - 1, ctx.street_not_after)):
        return True
    if bare in ctx.beer_names and is_beer(t, i, i + size, ctx):
        return True  # "két Saigon đỏ", "Sài Gòn Special": the beer; "Sài Gòn xanh, sạch, đẹp" is the city
    if bare == HCM_BARE and not (t.before(i, ctx.hcm_before) or t.after(i + size, ctx.hcm_after)):
        return True
    if any(without_diacritics(longer[:size]) == bare and t.after(i + size, [longer[size:]])
           for longer in ctx.longer_names):
        return True  # "Điện Biên Phủ": the 1954 victory or a street in most towns, not the province
    if (t.initial_capital(i) or not t.uses_capitals) and (
            (bare in ctx.person_names and (after_title(t, i, ctx) or called(t, i, i + size, bare, ctx)))
            or named_so(t, i, ctx)):
        return True  # "anh Bình Dương", "chị Hà Giang", "Khánh Hòa ơi", "Bạn mình tên Bình Dương", "Bé tên Hà Nội"
    if surname_follows(t, i + size, ctx):
        return True  # a name written given name first, as on Facebook: "Hà Giang Nguyễn", "Thu Hà Tinh Nguyen"
    if t.spans is None or t.shouting or not t.initial_capital(i):
        return False
    for k in (i - 1, i - 2):  # a capitalised surname, then maybe a capitalised middle name
        if k < floor or not t.joined(k, i + 1) or not t.initial_capital(k):
            return False
        if is_surname(t, k, ctx):
            return True
    return False


def is_beer(t: WrittenText, i: int, j: int, ctx: Context) -> bool:
    """Syllables i..j-1, a beer's name ("Sài Gòn", "Saigon", "Hà Nội"), are the beer: after a beer word written
    with its diacritics in a text that has them ("két Saigon đỏ", "lon Sài Gòn"; not "thanh pho lon Ha Noi"),
    before a capitalised product name ("Saigon Special") or before its colour in a text naming another beer
    ("Saigon đỏ ngon hơn Tiger")."""
    if i > 0 and t.has_diacritics and t.joined(i - 1, i + 1) and t.written_as(i - 1, ctx.beer_before):
        return True
    if j < len(t.toks) and t.initial_capital(j) and t.after(j, ctx.beer_products):
        return True
    return t.after(j, ctx.beer_kinds) and not ctx.beer_brands.isdisjoint(t.toks)


@lru_cache(maxsize=1_000)
def without_diacritics(phrase: Key) -> Key:
    """A phrase of the word lists (normalised syllables) without its diacritics."""
    return tuple(strip_accents(w) for w in phrase)


def in_ordinary_phrase(t: WrittenText, i: int, j: int, bare: Key, ctx: Context) -> bool:
    """Syllables i..j-1 (the name `bare`) are the middle of one of the ordinary phrases around them."""
    for phrase in ctx.ordinary_phrases:
        for o in range(len(phrase) - len(bare) + 1):
            if without_diacritics(phrase[o : o + len(bare)]) != bare:
                continue
            head, tail = phrase[:o], phrase[o + len(bare) :]
            if (not head or t.before(i, [head])) and (not tail or t.after(j, [tail])):
                return True
    return False


def stands_out(t: WrittenText, i: int, j: int) -> bool:
    """Syllables i..j-1 are written as a name among ordinary words: each capitalised ("Hà nôi", "ĐA NANG" are
    not), and neither the word before (unless it starts the phrase) nor the one after is ("Nam Đỉnh Thực Sự",
    "Để Não Thành Hoá Thạch": a text that capitalises every word says nothing by its capitals)."""
    if not t.title_case(i, j):
        return False
    k = i - 1
    if k > 0 and t.joined(k, i + 1) and t.title_case(k, k + 1) and t.joined(k - 1, k + 1):
        return False
    return not (j < len(t.toks) and t.joined(j - 1, j + 1) and t.title_case(j, j + 1))
