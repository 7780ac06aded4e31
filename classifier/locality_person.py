"""Whether a province name that is also a given name ("Bình Dương", "Hà Giang", "Huế") names a person here:
after a title ("anh Bình Dương", "chị Hà Giang") or "tên" said of someone ("Bạn mình tên Bình Dương"), before
a surname ("Hà Giang Nguyễn"), inside a longer capitalised name ("HN Thu Nguyên"), or, with a slip in its tone
marks, spoken to ("Thanh Hòa ơi"). Split from `classifier/locality_context.py`, which reads the word lists
(`classifier/data/locality_context.toml`) and weighs the other readings (streets, brands, the President)."""

from __future__ import annotations

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
    """Syllable i follows "tên" ("named") said of someone: a person word stands at most four words before "tên"
    in its phrase ("Cô giáo dạy văn tên Huế", "Bạn mình tên Bình Dương", "em tên là Hà Giang", "Bé tên Hà Nội"),
    not as the owner of a place or thing ("Quê tôi tên Thái Bình", "Đội bóng của tôi mang tên Hà Nội"), and no
    word that makes "tên" a place's name is right before it ("tỉnh mới giữ tên Thái Nguyên", "bỏ tên Bình Dương",
    "cái tên Bình Dương") unless it is "mang" right after a person word ("Cô bé mang tên Huế")."""
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
        if any(_person_ends_at(t, m, ctx) and t.joined(m - 1, k + 1)
               for m in range(k, max(k - 4, 0), -1)):  # up to four words between: "Cô giáo dạy văn tên Huế"
            return True
    return False


def _person_ends_at(t: WrittenText, m: int, ctx: Context) -> bool:
    """A person word ends right before syllable m, and names no owner of a place or thing ("quê tôi", "của
    tôi", "trường em")."""
    return any(t.before(m, [p]) and not t.before(m - len(p), ctx.named_owned_before) for p in ctx.named_person_before)


def called(t: WrittenText, i: int, j: int, bare: Key, ctx: Context) -> bool:
    """Syllables i..j-1, a place name that is also a given name, are someone called by it: they open their
    phrase and "ơi" follows ("Khánh Hòa ơi, dậy đi học"; "Nhớ Khánh Hòa ơi là nhớ" longs for the place), and
    the place is not one sung to so ("Huế ơi")."""
    opens = i == 0 or not t.joined(i - 1, i + 1)
    return opens and bare not in ctx.vocative_places and t.after(j, ctx.vocatives)


def surname_follows(t: WrittenText, j: int, ctx: Context) -> bool:
    """A capitalised surname follows syllable j-1 in its phrase, and starts no place name."""
    if t.spans is None or t.shouting or j >= len(t.toks) or not t.initial_capital(j - 1):
        return False
    return (t.joined(j - 1, j + 1) and t.initial_capital(j) and is_surname(t, j, ctx)
            and not any(tuple(t.toks[j : j + n]) in gazetteer()[0] for n in range(1, MAX_N + 1)))

