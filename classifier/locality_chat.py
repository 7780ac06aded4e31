"""Place abbreviations as chat writes them, which the upper-case rule of `classifier/locality.py` would miss or
misread: "hn", "sg", "hcm" in lower case right after a word leading to a place ("lên hn", "về sg", "ở hcm";
"hn" alone is as often "hôm nay", so after "ra", "về" it needs what one goes there for: "ra hn chơi"),
"HP" as the subject of the weather ("HP mưa to quá": rain falls on no laptop), and a lone "yêu HCM" (the city
the writer loves; in a list of loves, "yêu nước, yêu HCM", it is the President). The word lists are in
`classifier/data/locality_context.toml`."""

from __future__ import annotations

from classifier.locality_context import Context
from classifier.locality_text import WrittenText

# short forms chat writes in lower case for a place; "hp" (hạnh phúc) and "dn"/"đn" (doanh nghiệp, đồng
# nghiệp) are other words written so
CHAT_FORMS = frozenset({"hn", "sg", "hcm"})
_OR_AND = [("hay",), ("hoặc",), ("và",)]


def chat_short_form(t: WrittenText, i: int, short: str, ctx: Context) -> bool:
    """The short form at syllable i, written not in capitals ("hn", "Sg", "hcm"), names the city here: right
    after a word leading to a place ("về sg", "ở hcm", "lên hn"), for "hn" only after "ở", after "lên" with
    someone going ("Mai em lên hn"; "giá vàng lên hn" went up today), or after "lên"/"ra"/"về" with what one
    goes there for after it ("ra hn chơi"; "phim ra hn" is released today); or after "hay"/"hoặc"/"và"
    following such a place ("ở hn hay sg")."""
    written = t.written(i, i + 1)
    if short not in CHAT_FORMS or written is None or written.lower() != short:
        return False
    if i >= 2 and t.before(i, _OR_AND) and _short_form_place(t, i - 2, ctx):
        return True  # "ở hn hay sg": a second place after the first
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


def _short_form_place(t: WrittenText, k: int, ctx: Context) -> bool:
    """Syllable k is a city's short form that counts here: upper-case after a place word ("ở HN") or in lower
    case after one ("ở hn")."""
    short = t.toks[k]
    if short not in CHAT_FORMS:
        return False
    if t.written(k, k + 1) == short.upper():
        return t.before(k, ctx.chat_place_before)
    return chat_short_form(t, k, short, ctx)


def hp_weather(t: WrittenText, i: int, ctx: Context) -> bool:
    """"HP" at syllable i is the subject of the weather ("HP mưa to quá", "Hôm nay HP có bão không"): it opens
    its phrase or follows a time word, and a weather word follows it. Not in a text written all in capitals."""
    if t.shouting or not any(_written_after(t, i + 1, words) for words in ctx.hp_weather_after):
        return False
    return i == 0 or not t.joined(i - 1, i + 1) or t.before(i, ctx.hp_time_before)


def _written_after(t: WrittenText, j: int, words: tuple[str, ...]) -> bool:
    """`words` follow syllable j-1 in its phrase, each written with exactly its diacritics ("bảo hành" is not
    "bão", and "bao" without diacritics could be either)."""
    b = j + len(words)
    return (t.acc is not None and b <= len(t.toks) and t.joined(j - 1, b)
            and all(t.acc[j + n] == w for n, w in enumerate(words)))


def loved_alone(t: WrittenText, i: int) -> bool:
    """"HCM" at syllable i follows "yêu" and no other "yêu" comes before in the text: the writer's city ("yeu HCM
    qua"), not the President of a list of loves ("yêu tổ quốc, yêu đồng bào, yêu HCM")."""
    love = ("yêu",)
    if not t.before(i, [love]):
        return False
    return not any(t.toks[k] == "yeu" and t.is_word(k, love) for k in range(i - 1))
