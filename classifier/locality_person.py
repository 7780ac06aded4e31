"""Whether a province name that is also a given name ("Bình Dương", "Hà Giang", "Huế") names a person here:
after a title ("anh Bình Dương", "chị Hà Giang") or "tên" said of someone ("Bạn mình tên Bình Dương"), before
a surname ("Hà Giang Nguyễn"), inside a longer capitalised name ("HN Thu Nguyên"), or, with a slip in its tone
marks, spoken to ("Thanh Hòa ơi"). Split from `classifier/locality_context.py`, which reads the word lists
(`classifier/data/locality_context.toml`) and weighs the other readings (streets, brands, the President)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from classifier.locality_gazetteer import MAX_N, Key, fold, gazetteer
from classifier.locality_text import SPACES, WrittenText

if TYPE_CHECKING:
    from classifier.locality_context import Context


def is_surname(t: WrittenText, k: int, ctx: Context) -> bool:
    """Syllable k is a surname: one of `surnames` as written, or of `surnames_unaccented` written without
    diacritics ("Nguyen"; "do", "dang" are ordinary words)."""
    if t.bare(k):
        return t.toks[k] in ctx.surnames_unaccented
    assert t.acc is not None
    return fold(t.acc[k]) in ctx.surnames


def name_goes_on(t: WrittenText, k: int) -> bool:
    """Syllables k and k+1 follow syllable k-1 after a space, capitalised like a name ("Thu Nguyên"; not an
    abbreviation, not a place): the syllables before them are part of a person's name."""
    if t.spans is None or k + 1 >= len(t.toks) or not t.title_case(k, k + 2):
        return False
    if any(not SPACES.fullmatch(t.original[t.spans[m - 1][1] : t.spans[m][0]]) for m in (k, k + 1)):
        return False  # "HN-Vinh", "ở HN. Ở SG": no name goes on across a hyphen or a full stop
    provinces = gazetteer()[0]
    return not any(tuple(t.toks[m : m + n]) in provinces for m in (k, k + 1) for n in range(1, MAX_N + 1))


def addressed(t: WrittenText, i: int, j: int, bare: Key, ctx: Context) -> bool:
    """Syllables i..j-1, a name with a slip in its tone marks, are a person spoken of or to: after any title
    written with its diacritics ("Gặp anh Lâm Đông"; not "hèn chi Hà Nối", "chi" is no "chị"), or, for a name
    that is also a given name (`person_names`), before a vocative ("Thanh Hòa ơi"; "à", "ạ" only when the name
    opens its phrase: "Thanh Hòa à, ..." but "Em ở Thanh Hòa à?"). "Sài Gón ơi!" still calls out to the city."""
    if after_title(t, i, ctx, as_written=True):
        return True
    if bare not in ctx.person_names:
        return False
    opens = i == 0 or not t.joined(i - 1, i + 1)
    return t.after(j, ctx.vocatives) or (opens and t.after(j, ctx.vocatives_opening))


def after_title(t: WrittenText, i: int, ctx: Context, as_written: bool = False) -> bool:
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


def named_so(t: WrittenText, i: int, ctx: Context) -> bool:
    """Syllable i follows "tên" ("named") said of someone: a person word stands right before "tên", or up to four
    words before it with only words that go with a person between ("Bạn mình tên Bình Dương", "em tên là Hà
    Giang", "Bé tên Hà Nội", "Cô giáo dạy văn tên Huế"; not "Con đường tên Hà Nội", "ông vua đặt tên Hà Nội",
    "Các bạn có biết tên Hà Nội"), not as the owner of a place or thing ("Quê tôi tên Thái Bình", "Đội bóng của
    tôi mang tên Hà Nội"), and no word that makes "tên" a place's name is right before it ("tỉnh mới giữ tên Thái
    Nguyên", "bỏ tên Bình Dương", "cái tên Bình Dương") unless it is "mang" right after a person word ("Cô bé
    mang tên Huế")."""
    for named in ctx.named_words:
        k = i - len(named)  # where "tên" stands
        if k < 1 or not t.before(i, [named]):
            continue
        if t.before(k, ctx.named_bearing):  # "Cô bé mang tên Huế"; "Con đường mang tên Hà Nội" is the street's
            if _person_ends_at(t, k - 1, ctx):
                return True
            continue
        if t.before(k, ctx.named_thing_before):
            continue
        for m in range(k, max(k - 5, 0), -1):  # the person word ends before m; syllables m..k-1 lie between
            if m < k and not _covered(t, m, k, ctx.named_person_between):
                break  # "Con đường tên", "ông vua đặt tên": a word that goes with no person
            if _person_ends_at(t, m, ctx) and t.joined(m - 1, k + 1):
                return True
    return False


def _covered(t: WrittenText, a: int, b: int, phrases: frozenset[Key]) -> bool:
    """Syllables a..b-1 are all words of `phrases`, one after another."""
    if a == b:
        return True
    return any(len(p) <= b - a and all(t.is_word(a + n, (w,)) for n, w in enumerate(p))
               and _covered(t, a + len(p), b, phrases) for p in phrases)


def _person_ends_at(t: WrittenText, m: int, ctx: Context) -> bool:
    """A person word ends right before syllable m, and names no owner of a place or thing ("quê tôi", "của
    tôi", "trường em")."""
    return any(t.before(m, [p]) and not t.before(m - len(p), ctx.named_owned_before) for p in ctx.named_person_before)


_CALL_GAP = re.compile(r"[ \t\u00a0]*[,!]?[ \t\u00a0]*")  # "Khánh Hòa ơi, dậy", "Khánh Hòa ơi! Về"
_SPEECH_OPENS = re.compile(r"[:\"\u201c\u2018'\u00ab\n\r]")  # "Mẹ gọi: Thái Bình ơi", "\u201cThái Bình ơi", a new line


_COMMA = re.compile(r"[ \t\u00a0]*,[ \t\u00a0]*")
# the words before a comma that call or bid someone, so that the name after it is whom ("Về ăn cơm đi, Thái Bình
# ơi", "Dậy đi con, Khánh Hòa ơi", "Con ơi, Thái Bình ơi"), and words in that clause telling someone calls ("Mẹ
# gọi mãi, Thái Bình ơi")
_BID_ENDS = ("ơi", "đi", "nào", "mau", "nhanh")
_ADDRESSED = ("con", "em", "cháu")  # after a bid only: "Dậy đi con,"; "Quê của em, Thái Bình ơi" is the place
_CALLING = ("gọi", "kêu", "réo")


def _call_opens(t: WrittenText, i: int) -> bool:
    """Syllable i opens what someone says: the text, a line, or words quoted or after a colon ("Mẹ gọi: Thái Bình
    ơi, về ăn cơm"), or follows a comma after words calling or bidding someone (`_bid_before`). After another
    comma or a full stop the name closes the writer's own sentence ("Nhớ quá, Thái Bình ơi": longing for the
    place)."""
    if i == 0:
        return True
    if t.joined(i - 1, i + 1):
        return False
    if t.spans is None:
        return True
    gap = t.original[t.spans[i - 1][1] : t.spans[i][0]]
    return _SPEECH_OPENS.search(gap) is not None or (_COMMA.fullmatch(gap) is not None and _bid_before(t, i - 1))


def _bid_before(t: WrittenText, k: int) -> bool:
    """The clause ending at syllable k calls or bids someone: it ends with a vocative or an imperative word, maybe
    before a kin word addressing them ("Về ăn cơm đi,", "Dậy đi con,", "Con ơi,"), or tells that someone calls
    ("Mẹ gọi mãi,")."""
    if any(t.is_word(k, (w,)) for w in _ADDRESSED) and k > 0 and t.joined(k - 1, k + 1):
        k -= 1
    if any(t.is_word(k, (w,)) for w in _BID_ENDS):
        return True
    a = k
    while a > 0 and t.joined(a - 1, a + 1):
        a -= 1
    return any(t.is_word(m, (w,)) for m in range(a, k + 1) for w in _CALLING)


def called(t: WrittenText, i: int, j: int, bare: Key, ctx: Context) -> bool:
    """Syllables i..j-1, a place name that is also a given name, are someone called by it: they open the text, a
    line or what someone says (`_call_opens`), "ơi" follows, and the call ends the text ("Khánh Hòa ơi") or bids them come or do something ("Khánh
    Hòa ơi, dậy đi học", "Thái Bình ơi, về ăn cơm"). A song or a poem addresses the place so too ("Quảng Bình
    ơi, quê hương anh hùng"): any other words after "ơi" leave the place, as does a name not opening its phrase
    ("Nhớ Khánh Hòa ơi là nhớ"), one after a comma ("Nhớ quá, Thái Bình ơi") and a place sung to so whatever
    follows ("Huế ơi")."""
    if not _call_opens(t, i) or bare in ctx.vocative_places:
        return False
    for vocative in ctx.vocatives:
        v = j + len(vocative)
        if not t.after(j, [vocative]):
            continue
        if v >= len(t.toks):
            return True
        if t.spans is not None and not _CALL_GAP.fullmatch(t.original[t.spans[v - 1][1] : t.spans[v][0]]):
            continue
        if any(v + len(p) <= len(t.toks) and t.joined(v, v + len(p))
               and all(t.is_word(v + n, (w,)) for n, w in enumerate(p)) for p in ctx.called_after):
            return True
    return False


def surname_follows(t: WrittenText, j: int, ctx: Context) -> bool:
    """A capitalised surname follows syllable j-1 in its phrase, and starts no place name."""
    if t.spans is None or t.shouting or j >= len(t.toks) or not t.initial_capital(j - 1):
        return False
    return (t.joined(j - 1, j + 1) and t.initial_capital(j) and is_surname(t, j, ctx)
            and not any(tuple(t.toks[j : j + n]) in gazetteer()[0] for n in range(1, MAX_N + 1)))

