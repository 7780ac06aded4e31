"""Offline language detection: is this Vietnamese (with or without diacritics)?

underthesea's lang_detect downloads a model at run time, which canhgac must never do. Returns "vi", "en",
"other", or "und" (too little text to say). Per word:
- letters only Vietnamese writes (ă đ ơ ư ĩ ũ and the tone-marked vowels of U+1EA0–U+1EF9: ả ạ ế ỗ ợ ỳ ...)
  are decisive; à é á ó ê ô â are not (French, Spanish, Portuguese write them too);
- a letter Vietnamese never writes (ñ ç ü ß, another script) marks a foreign word;
- otherwise the word, diacritics stripped, is or is not a well-formed Vietnamese syllable (onset + rhyme):
  Vietnamese without diacritics is nearly all syllables, English/French/Spanish/Indonesian/pinyin are not.
  Teencode spellings (ko, j, z, w, f), abbreviations without a vowel (dc, ntn) and laughter say nothing.
Frequent function words of Vietnamese (unaccented, teencode included), English and a few other languages
settle short texts and tell English from the rest.
"""

from __future__ import annotations

import re
from functools import lru_cache

from classifier.normalize import nfc, strip_accents

_VI_DECISIVE = set("ăđơưĩũ") | {chr(c) for c in range(0x1EA0, 0x1EFA)}
_VI_LETTERS = set("abcdefghijklmnopqrstuvwxyzàáảãạâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộùúủũụỳýỷỹỵ") | _VI_DECISIVE
_ONSETS = ("", "b", "c", "ch", "d", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh", "p", "ph",
           "qu", "r", "s", "t", "th", "tr", "v", "x")
_TEEN_ONSETS = ("f", "j", "z", "w", "dz")  # ph, gi/d, d/v, qu written the texting way
_RHYMES = frozenset("""a ac ach ai am an ang anh ao ap at au ay e ec ech em en eng enh eo ep et eu i ia ich iec iem
ien ieng iep iet ieu im in inh ip it iu o oa oac oach oai oam oan oang oanh oao oap oat oay oc oe oen oeo oet oi om
on ong ooc oong op ot u ua uan uang uat uay uc ue uech uenh ui um un ung uo uoc uoi uom uon uong uop uot uou up ut
uu uy uya uych uyen uyet uynh uyp uyt uyu y ych yem yen yet yeu ynh yp yt""".split())
_VOWELS = set("aeiouy")
_VI_WORDS = frozenset("""va la cua co khong duoc cho nguoi nhung cac mot nay da voi trong khi thi ma de ra di lam nhu
vi roi neu bi tu lai cung nen se dang con o toi ban anh em chi minh no ho chung ta rat qua nhieu the nao gi sao ai
dau vay nhe nha a oi day do nam ngay tien viec hay may tao luon thay biet noi len ve den chu cai that moi het nua
chua phai vao ca nhat hon thang bao sau truoc them tai theo mat oc ngu chet me bo cha ong ba ko k j z dc vs mk mn
bn ck vk cx ntn ak uh ukm thik lun wa iu ne ha hen nhi thui ah ui vl dm cc""".split())
_EN_WORDS = frozenset("""the a an and or of to in is are was were be been it its this that these those for on with as
at by from you i we they he she not but have has had do does did will would can could should my your our their what
which who about all just so if there here no more new get got like out up into than then when how why me him her us
them being very much any some one two three am""".split())
_OTHER_WORDS = frozenset("""le la les de des du un une et est je tu il elle nous vous ils pas ne que qui pour dans sur
avec ce cette mais ou au aux en son sa ses mon ma mes votre vos c l d qu n s tres bien merci bonjour sont ont el los
las del y es por con para no se su sus lo al como mas pero muy esta este estoy hola gracias mi yo te yang dan di ke
dari ini itu untuk dengan tidak ada saya kamu anda kami kita akan sudah bisa atau juga pada dalam apa der die das und
ist ich nicht ein eine zu mit sie wir auf den von o os um uma nao voce obrigado com bom tudo muito shi wo ni bu zai zhe ge men hen""".split())
_WORD = re.compile(r"[^\W\d_]+")
_REPEAT = re.compile(r"(.)\1{2,}")  # "quaaaa", "likeeeee": letters held down in chat
_LAUGH = re.compile(r"(?:[hk][aeiou]+){2,}h?")  # haha, hihii, kaka, hehehe
_LOANS = frozenset("""like page share idol fan video clip game link code online shop ok oke face facebook youtube
comment cmt rep inbox ib live stream trend hot top vote check team app post sale admin""".split())  # said in Vietnamese
_EN_SUFFIX = re.compile(r"[a-z]{2,}(?:ing|ed|ly|ght|ness|ful)")


def _is_syllable(word: str, onsets: tuple[str, ...] = _ONSETS) -> bool:
    return any(word.startswith(o) and word[len(o):] in _RHYMES for o in onsets)


@lru_cache(maxsize=50_000)  # a pure function of the word; chat repeats the same few thousand words
def _kind(word: str) -> str:
    """"vi!" (a letter only Vietnamese writes), "foreign" (a letter it never writes), "vi" (a Vietnamese syllable
    once diacritics are stripped; "vi*" when it had some), "no" (not one), or "neutral" (teencode, an abbreviation,
    laughter, an English word said in Vietnamese)."""
    if any(c in _VI_DECISIVE for c in word):
        return "vi!"
    if any(c not in _VI_LETTERS for c in word):
        return "foreign"
    plain = _REPEAT.sub(r"\1", strip_accents(word))
    if _is_syllable(plain):
        return "vi*" if plain != word else "vi"  # "vi*": with Vietnamese marks (not only Vietnamese ones)
    if plain in _LOANS:
        return "neutral"
    if not _VOWELS & set(plain) or _LAUGH.fullmatch(plain) or _is_syllable(plain, _TEEN_ONSETS) or plain in _VI_WORDS:
        return "neutral"
    return "no"


def detect_language(text: str) -> str:
    words = [w.lower() for w in _WORD.findall(nfc(text))]
    if len(words) < 2 and sum(len(w) for w in words) < 4:
        return "und"
    kinds = [_kind(w) for w in words]
    strong, marked, foreign = kinds.count("vi!"), kinds.count("vi*"), kinds.count("foreign")
    counted = len(words) - kinds.count("neutral")
    valid = (strong + marked + kinds.count("vi")) / max(counted, 1)  # share of words that are Vietnamese syllables
    plain = [strip_accents(w) for w, k in zip(words, kinds, strict=True) if k != "foreign"]
    vi = sum(w in _VI_WORDS for w in plain)
    # a function word that is also a Vietnamese syllable (the, in, de, y) is only half the evidence
    weight = [0.5 if k.startswith("vi") else 1.0 for k in kinds]
    en = sum(x for w, x in zip(words, weight, strict=True) if w in _EN_WORDS or _EN_SUFFIX.fullmatch(w))
    other = sum(x for w, x in zip(words, weight, strict=True) if w in _OTHER_WORDS)
    rival = max(en, other)
    if strong > foreign and strong + 0.5 * marked >= 0.25 * counted and valid >= 0.3:
        return "vi"  # written with diacritics: letters only Vietnamese has, on Vietnamese syllables
    if marked > foreign and marked >= 0.4 * counted and valid >= 0.5:
        return "vi"  # diacritics Western languages share, but on most of the words, and on Vietnamese syllables
    if counted == 0:
        return "vi" if vi else "und"
    if valid >= 0.9 and (counted >= 5 or vi >= rival or rival < 1):
        return "vi"  # without diacritics: (nearly) every word a Vietnamese syllable
    if valid >= 0.75 and vi and vi >= rival or valid >= 0.6 and vi >= 2 and vi > en + other:
        return "vi"
    if en and en >= other and en >= 0.12 * len(words) and not foreign:
        return "en"
    return "other"
