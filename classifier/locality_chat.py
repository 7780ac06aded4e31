"""Place abbreviations as chat writes them, which the upper-case rule of `classifier/locality.py` would miss or
misread: "hn", "sg", "hcm" in lower case right after a word leading to a place ("lên hn", "về sg", "ở hcm";
"hn" alone is as often "hôm nay", so after "ra", "về" it needs what one goes there for: "ra hn chơi"),
"HP" as the subject of the weather ("HP mưa to quá": rain falls on no laptop; "HP ngập nước có sửa được không
shop" is one), and a lone "yêu HCM" (the city the writer loves; in a list of loves, "yêu nước, yêu HCM", or
with reverence, "kính yêu HCM", it is the President). The word lists are in
`classifier/data/locality_context.toml`."""

from __future__ import annotations

import re
from functools import lru_cache
from weakref import WeakKeyDictionary

from classifier.locality_context import Context, short_form_elsewhere
from classifier.locality_person import name_goes_on
from classifier.locality_text import WrittenText
from classifier.normalize import strip_accents

# short forms chat writes in lower case for a place; "hp" (hạnh phúc) and "dn"/"đn" (doanh nghiệp, đồng
# nghiệp) are other words written so
CHAT_FORMS = frozenset({"hn", "sg", "hcm"})
_OR_AND = [("hay",), ("hoặc",), ("và",)]


def chat_short_form(t: WrittenText, i: int, short: str, ctx: Context) -> bool:
    """The short form at syllable i, written not in capitals ("hn", "Sg", "hcm"), names the city here: right
    after a word leading to a place ("về sg", "ở hcm", "lên hn"), for "hn" only after "ở", after "lên" with
    someone going ("Mai em lên hn"; "giá vàng lên hn" went up today), or after "lên"/"ra"/"về" with what one
    goes there for after it ("ra hn chơi"; "phim ra hn" is released today); or after "hay"/"hoặc"/"và"
    following such a place ("ở hn hay sg", "ở HN hay sg hay hcm").

    A chain of "hay" is walked back to the form that decides it, and every form passed on the way is
    remembered for this text: spam repeating "hay hn" a thousand times costs one walk, not a thousand."""
    if not _lower_case_form(t, i, short):
        return False
    known = _CHAINS.setdefault(t, {})
    passed: list[int] = []
    k, found = i, False
    while k not in known:
        if _place_on_its_own(t, k, t.toks[k], ctx):
            found = True
            break
        passed.append(k)
        j = k - 2  # the form before "hay"/"hoặc"/"và"
        if j < 0 or not t.before(k, _OR_AND) or t.toks[j] not in CHAT_FORMS:
            break
        if t.written(j, j + 1) == t.toks[j].upper():  # "ở HN hay sg": an upper-case form after a place word
            found = t.before(j, ctx.chat_place_before)
            break
        if not _lower_case_form(t, j, t.toks[j]):
            break
        k = j
    else:
        found = known[k]
    for k in passed:
        known[k] = found
    return found


# per text, the syllables of lower-case short forms already decided (see chat_short_form)
_CHAINS: WeakKeyDictionary[WrittenText, dict[int, bool]] = WeakKeyDictionary()


def _lower_case_form(t: WrittenText, i: int, short: str) -> bool:
    written = t.written(i, i + 1)
    return short in CHAT_FORMS and written is not None and written.lower() == short


def _place_on_its_own(t: WrittenText, i: int, short: str, ctx: Context) -> bool:
    """The lower-case short form at syllable i names the city by the words right before and after it."""
    if short != "hn":
        return t.before(i, ctx.chat_place_before)
    if t.before(i, ctx.hn_place_before):
        return True
    if t.before(i, ctx.hn_climb_before) and _someone_goes(t, i - 1, ctx):
        return True
    return t.before(i, ctx.hn_motion_before) and t.after(i + 1, ctx.hn_purpose_after)


def _someone_goes(t: WrittenText, k: int, ctx: Context) -> bool:
    """The verb at syllable k has a person going: it opens its phrase ("Tuần sau, lên hn"), or follows a
    pronoun, a modal or a time word ("Mai em lên hn", "sắp lên hn") or a capitalised name inside the phrase
    ("Huy lên hn"); "giá vàng lên hn" (went up today) has none."""
    if k == 0 or not t.joined(k - 1, k + 1) or t.before(k, ctx.hn_goer_before):
        return True
    return k - 1 > 0 and t.initial_capital(k - 1) and not t.shouting


def not_the_city(t: WrittenText, i: int, short: str, ctx: Context) -> bool:
    """The short form at syllable i, written upper-case ("HN", "HP", "HCM"), names no city here: a person's name
    goes on after it ("HN Thu Nguyên"), or it means something else (`short_form_elsewhere`: "tư tưởng HCM",
    "laptop HP") unless "HP" is rained on or "HCM" loved alone."""
    if name_goes_on(t, i + 1):
        return True
    return short_form_elsewhere(t, i, short, ctx) and not (
        (short == "hp" and hp_weather(t, i, ctx)) or (short == "hcm" and loved_alone(t, i, ctx)))


def hp_weather(t: WrittenText, i: int, ctx: Context) -> bool:
    """"HP" at syllable i is the subject of the weather ("HP mưa to quá", "Hôm nay HP có bão không"): it opens
    its phrase or follows a time word, a weather word follows it, and its sentence speaks of no device being
    repaired ("HP ngập nước có sửa được không shop"). Not in a text written all in capitals."""
    if t.shouting or not any(_written_after(t, i + 1, words) for words in ctx.hp_weather_after):
        return False
    if not (i == 0 or not t.joined(i - 1, i + 1) or t.before(i, ctx.hp_time_before)):
        return False
    a, b = _sentence(t, i, _DEVICE_REACH)
    starts = _first_syllables(ctx.hp_device_words)
    return not any(k + len(words) <= b and all(t.is_word(k + m, (w,)) for m, w in enumerate(words))
                   for k in range(a, b) if t.toks[k] in starts for words in ctx.hp_device_words)


@lru_cache(maxsize=4)
def _first_syllables(phrases: frozenset[tuple[str, ...]]) -> frozenset[str]:
    """The accent-stripped first syllables of `phrases`: only where one stands can a phrase begin."""
    return frozenset(strip_accents(p[0]) for p in phrases)


def _written_after(t: WrittenText, j: int, words: tuple[str, ...]) -> bool:
    """`words` follow syllable j-1 in its phrase, each written with exactly its diacritics ("bảo hành" is not
    "bão", and "bao" without diacritics could be either)."""
    b = j + len(words)
    return (t.acc is not None and b <= len(t.toks) and t.joined(j - 1, b)
            and all(t.acc[j + n] == w for n, w in enumerate(words)))


def loved_alone(t: WrittenText, i: int, ctx: Context) -> bool:
    """"HCM" at syllable i follows "yêu", the writer's city ("yeu HCM qua", "Người yêu mình ở Đà Lạt, còn mình thì
    yêu HCM"), unless loved with reverence ("Vị lãnh tụ kính yêu HCM") or in a list of loves: another "yêu" in
    its sentence ("yêu nước, yêu HCM", "Yêu HCM, yêu Tổ quốc, yêu đồng bào") or, when this one opens its
    sentence, opening the sentence before or after ("Yêu Tổ quốc. Yêu đồng bào. Yêu HCM")."""
    j = i - 1
    if not t.before(i, [_LOVE]) or t.before(j, ctx.love_revered_before):
        return False
    opens, n = j == 0 or _sentence_break(t, j - 1), len(t.toks)
    k = j - 1
    while k >= 0 and not _sentence_break(t, k):  # back to the sentence's start; the first other love ends it
        if _loves(t, k, ctx):
            return False
        k -= 1
    if opens and k >= 0:  # the sentence before: find where it starts
        while k > 0 and not _sentence_break(t, k - 1):
            k -= 1
        if _loves(t, k, ctx):
            return False
    k = j + 1
    while k < n and not _sentence_break(t, k - 1):
        if _loves(t, k, ctx):
            return False
        k += 1
    return not (opens and k < n and _loves(t, k, ctx))


_LOVE = ("yêu",)
_DEVICE_REACH = 12  # syllables around "HP" where the repair is spoken of: "HP ngập nước thì mang ra hãng bảo hành"
_SENTENCE_END = re.compile(r"[.!?…\n]")
_TYPE_ABBREVIATIONS = frozenset({"tp", "p", "q", "tx", "tt", "x", "h"})  # "TP.", "Q.", "TX.": no sentence ends


def _loves(t: WrittenText, k: int, ctx: Context) -> bool:
    """Syllable k is the verb "yêu": not "người yêu" (a lover), "đáng yêu" (lovely), "yêu cầu" (to demand)."""
    return (t.toks[k] == "yeu" and t.is_word(k, _LOVE) and not t.before(k, ctx.not_love_before)
            and not t.after(k + 1, ctx.not_love_after))


def _sentence_break(t: WrittenText, k: int) -> bool:
    """A sentence ends between syllables k and k+1: a line break, "!", "?", or "." after any word but a type
    abbreviation ("TP. HCM"; "HP mưa to. Shop ơi" is two sentences). Without offsets, none is known."""
    s = t.spans
    if s is None or k + 1 >= len(t.toks):
        return False
    gap = t.original[s[k][1] : s[k + 1][0]]
    return _SENTENCE_END.search(gap.replace(".", "") if t.toks[k] in _TYPE_ABBREVIATIONS else gap) is not None


def _sentence(t: WrittenText, k: int, reach: int) -> tuple[int, int]:
    """The syllables of the sentence holding syllable k, at most `reach` on either side of it: the first, and
    the one after the last."""
    a, b = k, k + 1
    while a > max(k - reach, 0) and not _sentence_break(t, a - 1):
        a -= 1
    while b < min(k + reach + 1, len(t.toks)) and not _sentence_break(t, b - 1):
        b += 1
    return a, b
