"""Which provinces and wards a text mentions, from the `vietnam-provinces` gazetteer (post-2025: 34
provinces, 3,321 wards). Names match with or without diacritics; common aliases ("TP.HCM", "Sài Gòn")
too. Ward names repeat across provinces, so a ward counts only with its type word ("phường Bến Thành",
"xã ...", "p. ...") and resolves to "Ward, Province" when unique or when the province is mentioned too.

The 63 provinces before the 2025 merger ("Bình Dương", "Bà Rịa - Vũng Tàu", "Sóc Trăng" ...; crawled archives
and people still use them) resolve to the province each became part of (`classifier/data/old_provinces.tsv`,
from Resolution 202/2025/QH15); `locality_mentions` gives the offsets of the old name the text used.

Abbreviations ("HN", "SG", "ĐN", "HP", "HCM") count written upper-case as a word of their own: "hn" is as
often "hôm nay". Even so "HP" counts only after a word leading to a place ("ở HP", "cảng HP"), next to another
place ("HN - HP", "HP và HN"; it is mostly the brand or horsepower) or as the subject of the weather ("HP mưa
to quá"), "HCM" after "bác", "tư tưởng", "TNCS", or "yêu" in a list of loves ("yêu nước, yêu HCM") is the
President, "hướng ĐN" is south-east and "vocal như HN" a singer's initials. Chat writes "hn", "sg", "hcm" in
lower case: they count right after a word leading to a place ("về sg", "lên hn": `classifier/locality_chat.py`).
"thị xã", "quận", "huyện" before a name are former towns and districts, no wards: they count as the province of
the wards that kept their name (`classifier/locality_wards.py`). Those listed in `classifier/data/former_districts.tsv`
and `former_districts_gso.tsv` (every unit of 4 January 2025; of several so named, the one whose province the text
names) ("huyện
Hoài Đức" → Hà Nội) count also after "Q.", "H." in an address ("Lê Lợi, Q. Gò Vấp"), in lower case unless an
ordinary phrase ("toàn huyện cờ đỏ") and without diacritics unless another unit or ward is spelt so ("huyen hoai
duc"; not "huyen thanh tri"), and not before another country's city ("quận Tây Hồ, thành phố Hàng Châu"); "quận
1" … "quận 12", "Q. 4", "ở q1" are Hồ Chí Minh City's numbered districts (`classifier/locality_districts.py`),
not where they count districts ("7 quận 8 huyện"), name Paris's, a story's or a film ("phim Quận 9"), or are a
volume, a quarter, a heading or a question ("Toán 10 Q.1", "Q.3 năm 2024", "Quyển 1: Q.1 Mở đầu", "Q.1:"). Names that are also ordinary phrases ("hòa bình" = peace, "cao bằng" = as tall as, "hải dương"
= ocean, "thái bình dương" = the Pacific) count only capitalised (in a text not written all in capitals) or
after "tỉnh".

A name written with diacritics matches only with ITS diacritics ("diễn biến" is not Điện Biên, "giá lại" not Gia
Lai, "đa năng" not Đà Nẵng; hỏi/ngã mix-ups such as "Đà Nẳng" still count). Written without diacritics it matches
the accent-stripped name, but names that are as often ordinary words so ("gia lai", "ca mau", "hue" ...,
`classifier/data/locality_context.toml`) then need a capital or "tỉnh"/"thành phố" before them. A name never
spans sentence punctuation or a line break ("TP.", "p." are abbreviations, not sentence ends; the "_" of
word-segmented text "Hà_Nội" joins syllables as a space does). A capitalised
name right after a surname is a person's ("Trương Hòa Bình"); after "đường", "phố", "bia", "Nobel" it names a
street, a brand or a prize (so are "két Saigon đỏ", "Sài Gòn Lager": the beer; "Sài Gòn xanh, sạch, đẹp" is the
city); a name after its type word ("TP. Hà Nội") is the
place whatever follows ("TP. Hà Nội Nguyễn Đức Chung"); a bare "Hồ Chí Minh" is the city only after "ở/tại/về/..." ("tư tưởng Hồ Chí Minh"
is not). Ward names written with diacritics in a text that uses capitals must be capitalised ("xã tân tiến" is
a progressive commune).

A name of two syllables or more may carry a wrong tone mark on ONE syllable when it is written as a name among
ordinary words ("Đã Nẳng", "Hà Nôi": each syllable capitalised, the words around it not; letters such as đ, ă, ô
must be right), so "Giá Lại", "Cả Màu" and a text that capitalises every word stay ordinary words. People and
things named after places are not the places: "HN" followed by a capitalised name ("HN Thu Nguyên"), a name that
is also a given name after "anh", "chị", "cô"... ("chị Hà Giang"; not "quê em Nam Định"), a name followed by a
surname ("Hà Giang Nguyễn"), and longer names that begin with a province's ("Điện Biên Phủ", a street in most
towns and the 1954 victory; the province only after "thành phố"/"TP"). A name with a wrong tone mark is a
person's after any of those titles ("Gặp anh Lâm Đông"), as is one with a syllable left without its
diacritics among syllables that have theirs ("anh Hải Phong"), and, when it is also a given name, before "ơi" ("Thanh
Hòa ơi, về ăn cơm"). Written right, such a name opening its phrase before "ơi" is someone called when the call
ends the text or bids them come or do something ("Khánh Hòa ơi, dậy đi học"); other words after it are a song
or a poem to the place ("Quảng Bình ơi, quê hương anh hùng"; "Hà Nội ơi", "Huế ơi" always the city). Any
province name after "tên" said of someone is a person's ("Bé tên Hà Nội", "Cô bé mang tên Huế", "Cô giáo dạy
văn tên Huế"), not when other words stand between ("Con đường tên Hà Nội", "ông vua đặt tên Hà Nội", "Các bạn
có biết tên Hà Nội"): unsure, the place. The word lists are in
`classifier/data/locality_context.toml`.

Former cities and towns ("Nha Trang", "Đà Lạt", "Hội An": `classifier/data/former_cities.tsv`) count as the
province they are now in, but only capitalised, after a type word, or written with their diacritics after a
word leading to a place ("xã hội an toàn" is a safe society).

The gazetteer is built in `classifier/locality_gazetteer.py`, how the text writes each syllable is read in
`classifier/locality_text.py`, and the rules that tell a place from a person, a street or a brand are in
`classifier/locality_context.py` and `classifier/locality_person.py`; this module scans the text and gives the
public answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from classifier.locality_chat import chat_short_form, not_the_city
from classifier.locality_context import (
    CONTEXT_PATH,
    NOT_NEXT_TO,
    context,
    in_ordinary_phrase,
    named_after,
    stands_out,
)
from classifier.locality_districts import CITY as NUMBERED_CITY
from classifier.locality_districts import NUMBERED_STARTS, abroad_region, listed_after, numbered_district
from classifier.locality_gazetteer import (
    MAX_N,
    OLD_PROVINCES_PATH,
    SHORT_FORMS,
    Key,
    OldProvince,
    current_keys,
    first_tokens,
    former_cities,
    gazetteer,
    load_old_provinces,
    name_key,
)
from classifier.locality_person import addressed
from classifier.locality_text import WrittenText
from classifier.locality_wards import UNIT_STARTS, former_unit, ward_candidates
from classifier.normalize import Syllable, strip_accents, syllables
from classifier.result import Evidence

__all__ = [
    "CONTEXT_PATH", "MERGER", "OLD_PROVINCES_PATH", "LocalityMention", "OldProvince", "find_localities",
    "load_old_provinces", "localities_with_old", "locality_evidence", "locality_mentions", "match_localities",
]

MERGER = "Nghị quyết 202/2025/QH15"
# names that carry their own type word ("TP Hồ Chí Minh", "TPHCM"): places whatever follows them
_TYPED_STARTS = frozenset({"tp", "tphcm"})


@dataclass(frozen=True)
class LocalityMention:
    """A place the text names: the canonical (current) name, and where in the text it stands."""

    name: str  # "Thành phố Hồ Chí Minh", or "Phường Bến Thành, Thành phố Hồ Chí Minh"
    text: str  # the text as written there ("Bình Dương", "TP.HCM")
    start: int  # offsets into the text given to locality_mentions
    end: int
    old_province: str = ""  # the pre-2025 province the text named, when it did ("Bình Dương")


Hit = tuple[str, int, int, str]  # canonical name, first syllable, end syllable, old province name or ""


def _scan(t: WrittenText) -> list[Hit]:
    """(canonical name, first token, end token, old province name or "") for each place mentioned, in text order;
    wards resolved against the provinces found anywhere in the text."""
    provinces, forms, wards = gazetteer()
    starts = first_tokens()
    ctx = context()
    toks = t.toks
    hits: list[Hit] = []
    ward_hits: list[tuple[list[tuple[str, str]], int, int]] = []
    unit_hits: list[tuple[tuple[str, ...], int, int]] = []
    i, n, floor = 0, len(toks), 0
    while i < n:
        if toks[i] not in starts and toks[i] not in UNIT_STARTS and toks[i] not in NUMBERED_STARTS:
            i += 1  # most syllables cannot begin a place name
            continue
        matched = 0
        numbered = 0
        if toks[i] in NUMBERED_STARTS:  # "quận 12", "Q. 4", "ở q1", "ở Q1, Q3": the city's numbered districts
            listed = bool(hits) and hits[-1][0] == NUMBERED_CITY and listed_after(t, hits[-1][2], i, ctx)
            numbered = numbered_district(t, i, ctx, listed)
        if numbered:
            hits.append((NUMBERED_CITY, i, i + numbered, ""))
            i = floor = i + numbered
            continue
        unit = former_unit(t, i, wards, provinces) if toks[i] in UNIT_STARTS else None
        if unit is not None:  # "thị xã Kỳ Anh", "quận Hoàn Kiếm": the province of a former town or district
            if not abroad_region(t, i + unit[1], ctx):  # "quận Tây Hồ, thành phố Hàng Châu" is China's
                unit_hits.append((unit[0], i, i + unit[1]))
            i = floor = i + unit[1]
            continue
        for size in range(min(MAX_N, n - i), 0, -1):
            key = tuple(toks[i : i + size])
            if not t.joined(i, i + size):
                continue
            cands = ward_candidates(t, i, size, key, wards)
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
    for in_provinces, a, b in unit_hits:  # one province, or the one of them the text names
        named = [p for p in in_provinces if p in found]
        if len(in_provinces) == 1 or len(named) == 1:
            hits.append((in_provinces[0] if len(in_provinces) == 1 else named[0], a, b, ""))
            found.add(hits[-1][0])  # "xã Thạnh Phước, huyện Bình Đại": the ward of that province
    hits.sort(key=lambda h: h[1])  # provinces in order of first mention, former districts among them; then wards
    for cands, a, b in ward_hits:
        in_mentioned = [c for c in cands if c[1] in found]
        pick = in_mentioned[0] if in_mentioned else (cands[0] if len(cands) == 1 else None)
        hits.append((f"{pick[0]}, {pick[1]}" if pick else cands[0][0], a, b, ""))
    return hits


def _province(t: WrittenText, i: int, size: int, key: Key, forms: frozenset[Key], floor: int) -> str | None | bool:
    """Whether the province name `key` at syllable i is the place: its old name ("" for a current one) when it
    is, False when the words name something else here (a person, a street), None when they are not this name.
    Syllables before `floor` belong to an earlier name."""
    ctx = context()
    if size == 1 and key[0] in SHORT_FORMS:
        form, as_written = SHORT_FORMS[key[0]], t.written(i, i + 1)
        if as_written is None:  # no offsets: anywhere in the text
            if form not in set(re.findall(r"\w+", t.original)):
                return None
        elif as_written != form:
            return "" if chat_short_form(t, i, key[0], ctx) else None  # "về sg", "lên hn", "ra hn chơi"
        if not_the_city(t, i, key[0], ctx):  # "HN Thu Nguyên", "yêu tổ quốc, yêu HCM", "laptop HP", "hướng ĐN"
            return False
    bare = key[1:] if key[0] == "tinh" and size > 1 else key
    fit = t.fit(i, i + size, forms, slips=len(bare) > 1)
    if not fit:
        return None
    if fit == "misspelt" and not stands_out(t, i + size - len(bare), i + size):
        return None
    typed = (bare is not key or key[:2] == ("thanh", "pho") or key[0] in _TYPED_STARTS  # "thành phố Hà Nội"
             or t.before(i, ctx.type_words))
    if bare in NOT_NEXT_TO:
        before, after = NOT_NEXT_TO[bare]
        n = len(t.toks)
        if (before and i > 0 and t.toks[i - 1] == before) or (after and i + size < n and t.toks[i + size] == after):
            return None
    old = load_old_provinces().get(bare)
    if not typed and not t.capitalised(i, i + size):
        if bare in ctx.as_tall_as and t.after(i + size, ctx.as_tall_as_each_other):
            return None  # "ở cao bằng nhau": as tall as each other, whatever leads to it
        if bare in former_cities() and not (fit == "exact" and t.has_diacritics and t.before(i, ctx.place_before)):
            return None  # "xã hội an toàn", "cửa lò nướng", "di nha trang" (nhà Trang); "ở đà lạt" is the place
        if old is not None and old.capitalised and not (  # "cao bằng nhau", "hòa bình thế giới"
                t.before(i, ctx.place_before) or (bare in ctx.phrase_final and t.phrase_final(i + size))):
            return None
        if (bare in ctx.as_tall_as and t.before(i, ctx.as_tall_as_before)
                and t.after(i + size, ctx.as_tall_as_after)):
            return None  # "lên cao bằng bố" (grew as tall as); "ở cao bằng cả tuần" is the place
        unaccented = fit == "bare" or all(t.bare(k) for k in range(i, i + size))  # "gia lai": or "giá lại"
        if unaccented and bare in ctx.bare_ambiguous:
            return None
        if in_ordinary_phrase(t, i, i + size, bare, ctx):  # "công nghệ an toàn" (safety technology)
            return None
    if not typed and named_after(t, i, size, bare, ctx, floor):
        return False
    # a syllable left without its diacritics among syllables that have theirs ("Hải Phong") is as likely
    # another word, here a given name ("Phong"), as a slip: like a wrong tone mark, a person after a title
    partly_bare = fit == "bare" and not all(t.bare(k) for k in range(i, i + size))
    if (fit == "misspelt" or partly_bare) and not typed and addressed(t, i, i + size, bare, ctx):
        return False  # "anh Lâm Đông", "anh Hải Phong", "Thanh Hòa ơi": a person's name, not the place
    is_old = old is not None and name_key(old.merged_into) != name_key(old.name) and bare not in current_keys()
    return old.name if is_old and old is not None else ""


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
                        spans: Sequence[tuple[int, int]] | None = None,
                        original_syllables: Sequence[Syllable] | None = None,
                        ) -> tuple[tuple[str, ...], list[Evidence]]:
    """`match_localities`, plus evidence (kind "locality", no category, weight 0) for each OLD province name the
    text used: the reader sees that "Bình Dương" was counted as Thành phố Hồ Chí Minh, and why. Offsets index
    `original_text`; a mention whose syllables cannot be located in it gets none (-1, -1).
    `original_syllables`: `syllables(original_text)` when the caller has them already (the scorer's analysed
    text), so a long text is not cut into syllables twice."""
    toks = list(plain_syllables)
    if not any(tok in first_tokens() or tok in UNIT_STARTS or tok in NUMBERED_STARTS for tok in toks):
        return (), []
    t = _written(toks, original_text, spans, original_syllables)
    hits = _scan(t)
    evidence = []
    for name, a, b, old in sorted((h for h in hits if h[3]), key=lambda h: h[1]):
        start, end = (t.spans[a][0], t.spans[b - 1][1]) if t.spans else (-1, -1)
        written = original_text[start:end] if t.spans else old
        evidence.append(Evidence("", "locality", written, start, end, 0.0, _old_detail(old, name)))
    return _names(hits), evidence


def _written(toks: list[str], original: str, spans: Sequence[tuple[int, int]] | None,
             sylls: Sequence[Syllable] | None = None) -> WrittenText:
    """The stripped syllables with how `original` writes them, when its own syllables (`sylls`, or those
    computed here) are these."""
    acc: list[str] | None = None
    if original:
        ours = sylls is not None and [strip_accents(x.text) for x in sylls] == toks
        if not ours:  # not given, or not these syllables
            sylls = syllables(original)
            ours = [strip_accents(x.text) for x in sylls] == toks
        if ours and sylls is not None:
            acc = [x.text for x in sylls]
            spans = spans if spans is not None else [(x.start, x.end) for x in sylls]
    return WrittenText(toks, original, acc, spans if spans is not None and len(spans) == len(toks) else None)


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


def _syllable_text(text: str) -> WrittenText:
    sylls = syllables(text)
    return WrittenText([strip_accents(s.text) for s in sylls], text, [s.text for s in sylls], [(s.start, s.end) for s in sylls])


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
