"""Hồ Chí Minh City's numbered districts: "quận 1" … "quận 12" (no other city had numbered districts; since 2025
they are wards with other names), as people still write them: "quận 12", "quận 01", "quan 5", "Q.12", "Q. 4",
and after a word leading to a place "ở q1", "tại Q 7" (then also the next ones listed: "ở Q1, Q3 và Q7"). They
count as the city wherever the text is, also beside another province ("huyện Vĩnh Cửu, Đồng Nai và Quận 2": the
city's Quận 2). "quận" and a number are no district where they count districts ("Hải Phòng có 7 quận 8 huyện",
"mỗi quận 1 bệnh viện") or name another city's or a story's ("quận 1 Paris", Katniss's "Quận 12"). A "Q" and a
number are often other things: "Audi Q5", "soạn Q5 gửi 999", "Q2/2023" and "Q.3 năm 2024" (a quarter), "Q7/Q8"
(car models), "XT-Q 1.5AT", "IE403.Q11" (a course code), "câu q1", "Q.1:" (a question), "Toán 10 Q.1",
"Tiếu Ngạo Giang Hồ Q.3" (a volume), "Quyển 1: Q.1 Mở đầu", "Q.1 Điều lệ công ty" (a heading), "phim Quận 9"
(the film "District 9"): written so they are no district. The word lists are in
`classifier/data/locality_context.toml`."""

from __future__ import annotations

import re
import unicodedata
import weakref
from functools import lru_cache
from typing import TYPE_CHECKING

from classifier.locality_gazetteer import Key, fold, gazetteer
from classifier.locality_text import SPACES, WrittenText

if TYPE_CHECKING:
    from classifier.locality_context import Context

CITY = "Thành phố Hồ Chí Minh"
_NUMBERS = range(1, 13)  # Quận 1 … Quận 12 (Quận 2 and 9 became Thủ Đức in 2021; people still name them)
_QUARTERS = range(1, 5)
_ATTACHED = re.compile(r"q(\d{1,2})")  # "q1", "Q12"
NUMBERED_STARTS = frozenset({"quan", "q", *(f"q{n}" for n in _NUMBERS)})
_DISTRICT_WORD = ("quận",)
_DOT = re.compile(r"\.[ \t\u00a0]*")  # "Q.12", "Q. 4"
_GLUED_BEFORE = re.compile(r"[\w.\-/]")  # "XT-Q 1.5", "IE403.Q11"
_GLUED_AFTER = re.compile(r"[.,/\-][\w]|[^\W\d_]")  # "1.5AT", "Q2/2023", "Q7/Q8"
_TITLE_GAP = re.compile(r"[ \t\u00a0]+(?:[-\u2013][ \t\u00a0]+)?")  # "Giang Hồ Q.3", "Thương Khung - Q.5"
_LIST_GAP = re.compile(r"[ \t\u00a0]*,[ \t\u00a0]*")
_COMMA_GAP = re.compile(r"[ \t\u00a0]*,?[ \t\u00a0]*")
_YEAR = re.compile(r"(19|20)\d\d")
_CITY_WORDS = (
    ("tp",),
    ("tphcm",),
    ("hcm",),
    ("sg",),
    ("saigon",),
    ("sai", "gon"),
    ("thanh", "pho"),
    ("ho", "chi", "minh"),
)
_QUARTER_REACH = 8  # syllables either side in which a business word makes Q1 … Q4 a quarter
# a film before the number: "phim Quận 9" is "District 9" (Neill Blomkamp, 2009), as Vietnamese titles it
_FILM_BEFORE = (("phim",), ("film",), ("movie",))
_FILM_NUMBER = 9  # the one film so titled; "District 1", "District 2" are the districts' English names
_ENGLISH_FILM = re.compile(r"(?i)\bdistrict[ \t\u00a0]*0?9\b")  # "phim District 9 (Quận 9)": the title in English
_FILM_WORD = re.compile(r"(?i)\b(?:phim|film|movie)\b")
# the first words of a document's part after "Q.1" opening a line: a chapter, a section, a quarter's report
_HEADING_PHRASES = (
    "mở đầu", "điều lệ", "quy định", "giới thiệu", "tổng quan", "kết luận", "phụ lục", "mục lục", "báo cáo",
    "kế hoạch", "chương", "phần", "điều", "hiệu lực", "nội dung", "câu hỏi", "bài")
_HEADING_WORDS = tuple(tuple(fold(w) for w in p.split()) for p in _HEADING_PHRASES)  # as is_word compares
_LINE_HEADING = re.compile(r"(?m)^[ \t]*Q\.?[ \t]?\d{1,2}\b")  # lines opening "Q.1", "Q 2", "Q3"
_HEADING_LINE = re.compile(r"(?m)^[ \t]*q\.?[ \t]?\d{1,2}[ \t]+(?:" + "|".join(
    re.escape(p) for p in _HEADING_PHRASES) + r")\b")  # in NFC lower case: "q.2 quy định chung"


def numbered_district(t: WrittenText, i: int, ctx: Context, listed: bool = False) -> int:
    """The number of syllables of a numbered district starting at syllable i ("quận 12": 2, "q1": 1), or 0.
    `listed`: syllable i follows another numbered district in a list ("ở Q1, Q3"), so a "Q" needs no word
    leading to a place before it."""
    tok, n = t.toks[i], len(t.toks)
    attached = _ATTACHED.fullmatch(tok)
    if attached:
        number = attached.group(1)
        if not (
            _number(number, zero=False)
            and _stands_alone(t, i, i)
            and (listed or t.before(i, ctx.chat_place_before))
        ):
            return 0
        return 0 if _other_q(t, i, i + 1, int(number), ctx) else 1
    if i + 1 >= n or not _number(t.toks[i + 1], zero=tok == "quan") or not _stands_alone(t, i, i + 1):
        return 0
    if tok == "quan":  # "quận 12", "quan 5"; "quán 5" is a shop's number
        if not (t.fit(i, i + 1, [_DISTRICT_WORD]) and t.joined(i, i + 2)):
            return 0
        return 0 if _counted(t, i, ctx) or _elsewhere(t, i + 2, ctx) or _film(t, i, int(t.toks[i + 1])) else 2
    if tok != "q" or t.spans is None or t.written(i, i + 1) not in ("Q", "q"):
        return 0
    gap = t.original[t.spans[i][1] : t.spans[i + 1][0]]
    if not (
        _DOT.fullmatch(gap) or (SPACES.fullmatch(gap) and (listed or t.before(i, ctx.chat_place_before)))
    ):
        return 0  # "Q.12", "Q. 4", "q.7"; "tại Q 7"
    return 0 if _other_q(t, i, i + 2, int(t.toks[i + 1]), ctx) else 2


def listed_after(t: WrittenText, end: int, i: int, ctx: Context) -> bool:
    """Syllable i follows a numbered district that ends before syllable `end` in a list: after a comma ("Q1,
    Q3") or a joining word ("Q3 và Q7")."""
    if t.spans is None:
        return False
    if i == end:
        return _LIST_GAP.fullmatch(t.original[t.spans[end - 1][1] : t.spans[i][0]]) is not None
    return i == end + 1 and t.before(i, ctx.district_list_joiners) and t.joined(end - 1, i + 1)


def abroad(t: WrittenText, j: int, ctx: Context) -> bool:
    """Another country's city follows syllable j-1, right after it, after a comma or after "của", "thành phố"
    ("quận 1 Paris", "quận 5 của Paris", "quận Tây Hồ, thành phố Hàng Châu", "quận Triều Dương, Bắc Kinh")."""
    n = len(t.toks)
    if j >= n or (
        t.spans is not None and not _COMMA_GAP.fullmatch(t.original[t.spans[j - 1][1] : t.spans[j][0]])
    ):
        return False
    starts = [j] + [j + len(w) for w in ctx.abroad_before if _at(t, j, w)]
    return any(
        _at(t, k, place, bare=True) and (k == j or t.joined(j, k + len(place)))
        for k in starts
        for place in ctx.abroad_places
    )


_REGION_GAP = re.compile(r"[ \t\u00a0]*[,(]?[ \t\u00a0]*")  # "huyện Đông Hải, tỉnh Giang Tô", "(Trung Quốc)"
_REGION_WORDS: tuple[Key, ...] = tuple(tuple(fold(w) for w in p.split()) for p in ("tỉnh", "thành phố", "tp"))


def abroad_region(t: WrittenText, j: int, ctx: Context) -> bool:
    """Another country's place follows syllable j-1 (`abroad`), in brackets, or after the region a unit so named
    lies in there: a name, maybe after "tỉnh", that is no province of Vietnam ("huyện Đông Hải, tỉnh Giang Tô,
    Trung Quốc"; "huyện Đông Hải (Trung Quốc)"), as Chinese counties have names of Vietnamese districts."""
    if abroad(t, j, ctx):
        return True
    n = len(t.toks)
    if t.spans is None or j >= n or not _REGION_GAP.fullmatch(t.original[t.spans[j - 1][1] : t.spans[j][0]]):
        return False
    if _country_at(t, j, ctx):
        return True
    word = next((w for w in _REGION_WORDS if _at(t, j, w)), ())
    k = j + len(word)
    provinces = gazetteer()[0]
    for size in range(1, 4):
        end = k + size
        if end >= n or not t.joined(j, end) or not t.title_case(k, end) or tuple(t.toks[k:end]) in provinces:
            continue
        if _REGION_GAP.fullmatch(t.original[t.spans[end - 1][1] : t.spans[end][0]]) and _country_at(t, end, ctx):
            return True
    return False


def _country_at(t: WrittenText, k: int, ctx: Context) -> bool:
    return any(_at(t, k, place, bare=True) and t.joined(k, k + len(place)) for place in ctx.abroad_places)


def _at(t: WrittenText, k: int, phrase: Key, bare: bool = False) -> bool:
    """`phrase` stands at syllable k (`bare`: an accent-stripped phrase, compared with the stripped syllables). In
    a text that writes diacritics, a syllable written without them is no word that has them ("quy trình" has no
    "quý")."""
    if k + len(phrase) > len(t.toks):
        return False
    if bare:
        return tuple(t.toks[k : k + len(phrase)]) == phrase
    return all(
        t.is_word(k + m, (w,)) and not (t.has_diacritics and t.bare(k + m) and t.toks[k + m] != w)
        for m, w in enumerate(phrase)
    )


def _counted(t: WrittenText, i: int, ctx: Context) -> bool:
    """ "quận" at i and the number after it count districts: "7 quận 8 huyện", "mỗi quận 1 bệnh viện", "12 quận
    1 thị xã"."""
    if i > 0 and t.toks[i - 1].isdigit() and t.joined(i - 1, i + 1):
        return True
    return t.before(i, ctx.district_count_before) or t.after(i + 2, ctx.district_count_after)


def _elsewhere(t: WrittenText, j: int, ctx: Context) -> bool:
    """The numbered district ending before syllable j is another city's ("quận 1 Paris") or a story's (The
    Hunger Games' "Quận 12", in a text about it)."""
    return abroad(t, j, ctx) or _about_fiction(t, ctx)


_FICTION: weakref.WeakKeyDictionary[WrittenText, bool] = weakref.WeakKeyDictionary()


def _about_fiction(t: WrittenText, ctx: Context) -> bool:
    """The text names a story whose districts are numbered (`numbered_fiction`), looked up once per text: a long
    list of numbered districts stays linear."""
    known = _FICTION.get(t)
    if known is None:
        known = _FICTION[t] = any(
            _at(t, k, words, bare=True) for words in ctx.numbered_fiction for k in range(len(t.toks)))
    return known


def _other_q(t: WrittenText, i: int, j: int, number: int, ctx: Context) -> bool:
    """ "Q" and a number at syllables i..j-1 are a volume, a question, a heading, a film or a quarter: after a
    number ("Toán 10 Q.1") or a capitalised title ("Tiếu Ngạo Giang Hồ Q.3"), before a colon ("Q.1:") or a word
    of a book ("Q.1 chương 30"), opening a line before a capitalised title ("Quyển 1: Q.1 Mở đầu", "Q.1 Điều lệ
    công ty"), after "phim" ("phim Q.9"), or, for Q1 … Q4, before "năm" or a year ("Q.3 năm 2024") or near a
    business word in its line ("Lợi nhuận trong Q1 tăng 20%")."""
    if _elsewhere(t, j, ctx) or _film(t, i, number) or _heading(t, i, j):
        return True
    if i > 0 and t.spans is not None and t.joined(i - 1, i + 1):
        before = t.original[t.spans[i - 1][0] : t.spans[i - 1][1]]
        gap = t.original[t.spans[i - 1][1] : t.spans[i][0]]
        if before.isdigit() or (
            before[:1].isupper()
            and _TITLE_GAP.fullmatch(gap)
            and not t.before(i, ctx.chat_place_before)
            and not _city_follows(t, j)  # "Bến Xe Miền Đông Q.9/ TP Hcm": an address
        ):
            return True
    if t.spans is not None and t.original[t.spans[j - 1][1] :].lstrip(" \t").startswith(":"):
        return True
    if t.after(j, ctx.volume_after):
        return True
    if number not in _QUARTERS:
        return False
    if t.after(j, ctx.quarter_after) or (
        j < len(t.toks) and _YEAR.fullmatch(t.toks[j]) and t.joined(j - 1, j + 1)
    ):
        return True
    return _near(t, i, j, ctx.quarter_words)


def _film(t: WrittenText, i: int, number: int) -> bool:
    """The numbered district at syllable i is a film's title: after "phim" ("phim Quận 9", "bộ phim Quận 9"), or
    the text names the film "District 9" in English and speaks of a film ("Xem District 9 chưa? Quận 9 là phim
    hay"). "Quận 2 - District 2", "Quận 9 (District 9)" alone are an address in both languages."""
    if t.before(i, _FILM_BEFORE):
        return True
    return number == _FILM_NUMBER and _names_the_film(t.original)


@lru_cache(maxsize=16)
def _names_the_film(original: str) -> bool:
    """`original` names "District 9" and speaks of a film (once per text: a long list of districts stays linear)."""
    return _ENGLISH_FILM.search(original) is not None and _FILM_WORD.search(original) is not None


def _heading(t: WrittenText, i: int, j: int) -> bool:
    """ "Q" and a number at syllables i..j-1 head a part of a document: after a numbered part's colon ("Quyển 1:
    Q.1 Mở đầu"), or opening a line before a capitalised title that is a document's (`_HEADING_WORDS`: "Q.1 Điều
    lệ công ty", "Q.2 Quy định chung") or in a text where another line opens so (`_another_heading_line`). "Q.7
    Cho thuê căn hộ" alone is an advertisement's district, "Q.1 Sài Gòn", "Q.1 Bến Thành" addresses."""
    if t.spans is None or j >= len(t.toks) or t.shouting:
        return False
    gap = t.original[t.spans[i - 1][1] : t.spans[i][0]] if i > 0 else "\n"
    after_part = ":" in gap and t.toks[i - 1].isdigit()  # "Quyển 1: Q.1"; not "Địa chỉ: Q.1 Lê Lợi"
    if not after_part and "\n" not in gap:
        return False
    if not SPACES.fullmatch(t.original[t.spans[j - 1][1] : t.spans[j][0]]) or not t.title_case(j, j + 1):
        return False
    if _city_follows(t, j):
        return False
    provinces, _forms, wards = gazetteer()
    if any(tuple(t.toks[j : j + n]) in provinces or tuple(t.toks[j : j + n]) in wards for n in range(1, 5)):
        return False
    return after_part or t.after(j, _HEADING_WORDS) or _another_heading_line(t, i)


def _another_heading_line(t: WrittenText, i: int) -> bool:
    """Another line of the text opens with "Q" and a number before a document's part ("Q.2 Quy định chung"
    above "Q.3 Các bên tham gia"). Lines that all open so before a street are a listing's districts ("Q.1 Lê
    Thánh Tôn 20tr", "Q.3 Võ Văn Tần 15tr")."""
    return t.spans is not None and _heading_line_in(t.original)


@lru_cache(maxsize=16)
def _heading_line_in(original: str) -> bool:
    """Some line of `original` opens with "Q" and a number before a document's part (once per text: a long
    listing stays linear)."""
    text = unicodedata.normalize("NFC", original).lower()
    return len(_LINE_HEADING.findall(original)) > 1 and _HEADING_LINE.search(text) is not None


def _city_follows(t: WrittenText, j: int) -> bool:
    """The city is named within a few syllables after syllable j-1 ("Q.9/ TP Hcm", "Q.1, Sài Gòn")."""
    return any(
        tuple(t.toks[k : k + len(w)]) == w for k in range(j, min(j + 3, len(t.toks))) for w in _CITY_WORDS
    )


def _near(t: WrittenText, i: int, j: int, phrases: frozenset[Key]) -> bool:
    """One of `phrases` stands within a few syllables of syllables i..j-1, in the same line."""
    for k in range(max(i - _QUARTER_REACH, 0), min(j + _QUARTER_REACH, len(t.toks))):
        if i <= k < j:
            continue
        for phrase in phrases:
            if not _at(t, k, phrase):
                continue
            a, b = min(k, i), max(k + len(phrase), j)
            if t.spans is None or "\n" not in t.original[t.spans[a][0] : t.spans[b - 1][1]]:
                return True
    return False


def _number(text: str, zero: bool) -> bool:
    """A district's number ("1" … "12"; with `zero` also "01" … "09", as "quận 01" is written)."""
    if not text.isdigit() or (text.startswith("0") and not (zero and len(text) == 2)):
        return False
    return int(text) in _NUMBERS


def _stands_alone(t: WrittenText, i: int, j: int) -> bool:
    """Syllables i..j are not glued to letters, digits or a "-", ".", "/" on either side ("XT-Q 1.5AT",
    "Q2/2023"); with no offsets known, as far as the syllables show."""
    if t.spans is None:
        return True
    start, end = t.spans[i][0], t.spans[j][1]
    before, after = t.original[max(start - 1, 0) : start], t.original[end : end + 2]
    return not (start > 0 and _GLUED_BEFORE.fullmatch(before)) and not _GLUED_AFTER.match(after)
