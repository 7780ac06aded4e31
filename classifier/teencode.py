"""Words to canonical syllables: teencode ("ko", "đc"), leet ("l0a"), stretched letters, old tone marks.

The abbreviation dictionary (classifier/data/teencode.tsv) is operator-editable and context-free; the few
expansions that depend on the words around them are here as code: "cc" before a colon is an e-mail carbon
copy, not "con cặc"; "m" right after a number is metres ("1 m 70"), not "mày"; "Đ.M", "đ m", "d.m" are a
dodged "đm" ("địt mẹ").
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from underthesea import text_normalize

from classifier.canonical_unicode import nfc

DATA_DIR = Path(__file__).parent / "data"
TEENCODE_PATH = DATA_DIR / "teencode.tsv"
ALTERNATIVES_PATH = DATA_DIR / "teencode_alternatives.tsv"  # second readings of ambiguous abbreviations (rules)


@lru_cache(maxsize=4)
def load_teencode(path: str = str(TEENCODE_PATH)) -> dict[str, str]:
    """The operator-editable abbreviation dictionary (TSV with header "short<TAB>long")."""
    p = Path(path)
    table: dict[str, str] = {}
    if not p.exists():
        return table
    for lineno, line in enumerate(p.read_text(encoding="utf-8").splitlines()):
        if lineno == 0 and line.lower().startswith("short"):
            continue
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        short, long = line.split("\t", 1)
        short, long = nfc(short.strip().lower()), nfc(long.strip().lower())
        if short and long and short != long:
            table.setdefault(short, long)
    return table


WORD = re.compile(r"[^\W_]+(?:[@$][^\W_]+)*")  # letters/digits, with "@"/"$" inside as leet
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "5": "s", "7": "t", "$": "s"}
_LEET_RE = re.compile(r"(?<=[^\W\d_])[0134@57$](?=[^\W\d_])|(?<=[^\W\d_])[0@]$")
_REPEAT = re.compile(r"([^\W\d_])\1{2,}")


def deleet(word: str) -> str:
    """Leet digits and signs between letters read as the letters they stand for ("l0a" → "loa")."""
    if not any(c.isdigit() or c in "@$" for c in word) or word.isdigit():
        return word
    return _LEET_RE.sub(lambda m: _LEET[m.group(0)], word)


@lru_cache(maxsize=200_000)
def tone(syllable: str) -> str:
    """Old → new tone-mark placement of one syllable (underthesea), cached: the same syllables recur."""
    if syllable.isascii():
        return syllable
    out = text_normalize(syllable)
    return out if out and " " not in out else syllable


@lru_cache(maxsize=200_000)
def normalize_word(word: str) -> tuple[str, ...]:
    """A lowercased word → its canonical syllables (repeats collapsed, leet undone, teencode expanded)."""
    teen = load_teencode()
    # the dictionary first, as written: "cccd" (citizen ID card) is a word, not "cd" with a stretched letter
    expansion = teen.get(word)
    w = deleet(_REPEAT.sub(r"\1", word))
    expansion = expansion or teen.get(w) or teen.get(tone(w))
    if expansion:
        return tuple(tone(s) for s in expansion.split())
    return (tone(w),)


# Teencode that depends on the words around it (the dictionary itself is context-free):
_AS_WRITTEN_BEFORE_COLON = frozenset({"cc", "bcc"})  # "cc: anh Nam" is an e-mail carbon copy, not "con cặc"
_AS_WRITTEN_AFTER_NUMBER = frozenset({"m"})  # "1 m 70", "cao 5 m": metres, not "mày"
_COLON_AFTER = re.compile(r"[ \t]*:")
_NUMBER_BEFORE = re.compile(r"\d[ \t]*$")
# "Đ.M", "đ m", "d.m", "d-m": a dodged "đm" (two letters, so classifier.dodges, which needs three, leaves it alone).
# A bare "d" counts only with punctuation between ("d m" may be anything); "đ" alone is no word.
_DM_GAP = {"đ": re.compile(r"[ \t.\-_*'·+|/]{1,3}"), "d": re.compile(r"[ \t]{0,2}[.\-_*'·+|/][ \t.\-_*'·+|/]{0,2}")}
_DM = ("địt", "mẹ")
# "kh" is "không" in chat but "khách hàng" in ads and scams, only beside a customer cue: after "quý", "các",
# "mọi", "chăm sóc"; before "mới", "thân thiết", "vip" after a word a noun follows ("cho KH mới"); after "tặng"
# before a number ("tặng kh 1 phần quà"; "quà tặng kh đẹp", "có tặng kh ạ" stay "không"); before a customer code
# ("mã KH PE0100xxx789"); written "KH" after "mời" or before "vui lòng", "đăng nhập", "đăng ký", or after a word
# a noun follows ("cho KH nhận", "với KH về", "dữ liệu KH") unless "thế chấp", "thẩm định", "tác dụng", "phải"
# follow. Else never before a word that follows "không" ("vay KH thế chấp", "KH tác dụng phụ", "quý kh lắm"),
# though "quý/các KH có, được" still address customers. "KH-ĐT", "KH&CN", "Sở KH", "nhà KH" (kế hoạch, khoa học) read as written.
_KH = ("khách", "hàng")
_KH_AFTER = frozenset({"quý", "quy", "các", "cac", "mọi", "sóc", "soc"})
_KH_NOUN_AFTER = frozenset({"cho", "tặng", "tang", "dành", "danh", "với", "voi", "vs"}) | _KH_AFTER
_KH_BEFORE = frozenset({"mới", "moi", "thân", "than", "vip"})
_KH_CAPITAL_BEFORE = frozenset({"mời", "moi"})
_KH_CAPITAL_AFTER = frozenset({"vui", "đăng", "dang", "vip"})
_KH_CAPITAL_NOUN_AFTER = _KH_NOUN_AFTER | {"của", "cua", "liệu", "lieu", "báo", "bao", "giữa", "giua"}
_KHONG_PHRASE = frozenset({"thế", "the", "thẩm", "tham", "tác", "tac", "phải", "phai"})  # "cho vay KH thế chấp"
_KH_CODE = re.compile(r"(?=.*\d)(?=.*[^\W\d_])\w{5,}")
_KH_CARE = re.compile(r"(?:chăm|cham)[ \t]+$", re.IGNORECASE)  # "sóc" is a cue only in "chăm sóc" ("con sóc kh chạy")
# words that follow "không" (verbs, adjectives, "thế chấp", "tác dụng phụ" ...): "kh" before them is the negation
_KHONG_BEFORE = frozenset("""thế the thẩm tham tác tac biết biet bít bik bt đi di được duoc đc dc có co phải phai sao
lắm lam quá qua cần can muốn muon thích thich nên nen hề he dám dam chịu chiu còn con đủ du đúng dung bị bi mất mat
chạy chay ăn an ngủ ngu nói noi làm hiểu hieu thấy thay nghe nhớ nho ra vào vao về ve lo sợ so hay ai gì gi bao
giống giong cho chơi choi học hoc tin sao nổi noi bằng bang""".split())
_KHONG_ONLY_BEFORE = frozenset({"lắm", "lam", "quá", "qua", "hề", "he", "nổi", "bằng", "bang"})  # even after "quý"
_KH_AS_WRITTEN_BEFORE = frozenset({"sở", "so", "bộ", "bo", "nhà", "nha"})
_KH_COMPOUND = re.compile(r"[ \t]*[-&/][ \t]*[A-ZĐ]")  # "KH-ĐT", "KH&CN", "KH/ĐT"
# Two more cues for "KH" in capitals, where "không" would make no sense: after "để" (with its diacritics) before a
# phrase one does not do "so as not to" ("để KH yên tâm", "để KH hiểu rõ"; "để KH hiểu lầm", "để KH sử dụng",
# "để kh bị phạt" stay "không": either reading makes sense), and
# after "và", "để", "giúp", "khi", "nếu", "hoặc" once an earlier "kh" of the same text was a customer ("cho KH và
# KH được nhận"), unless a word that follows only "không" comes next ("... và KH bị phạt").
# "yên/an tâm", "thoải mái", "dễ dàng", "lựa chọn", "trải nghiệm", "nắm rõ"
_KH_PURPOSE_AFTER = frozenset({"yên", "an", "thoải", "dễ", "lựa", "trải", "nắm"})
_KH_PURPOSE_THEN = frozenset({"hiểu", "hieu"})  # only before "rõ": "để KH hiểu rõ"
_KH_AGAIN_AFTER = frozenset({"và", "va", "để", "de", "giúp", "giup", "khi", "nếu", "neu", "hoặc", "hoac"})
_KH_NEGATION_AFTER = _KHONG_ONLY_BEFORE | _KHONG_PHRASE | frozenset(
    "bị bi phải phai mất mat cần can nên nen còn con lo sợ so quên quen".split()
)
_CLEAR_AFTER_HIEU = re.compile(r"[ \t]+(?:rõ|ro)(?!\w)", re.IGNORECASE)


def _adjacent(s: str, a: re.Match[str] | None, b: re.Match[str] | None) -> bool:
    return a is not None and b is not None and not s[a.end() : b.start()].strip(" \t")


def _kh(
    s: str, m: re.Match[str], prev: re.Match[str] | None, nxt: re.Match[str] | None, customer: bool = False
) -> tuple[str, ...] | None:
    """The reading of the "kh" `m` by the words next to it (see above): "khách hàng", as written, or None for
    the dictionary's "không". `customer`: an earlier "kh" of the text was a customer."""
    before = prev.group(0).lower() if _adjacent(s, prev, m) and prev is not None else ""
    after = nxt.group(0).lower() if _adjacent(s, m, nxt) and nxt is not None else ""
    capital = m.group(0) == "KH"
    if capital and (before in _KH_AS_WRITTEN_BEFORE or _KH_COMPOUND.match(s, m.end())):
        return _as_written("kh")
    if before in ("sóc", "soc") and prev is not None and not _KH_CARE.search(s, 0, prev.start()):
        before = ""
    if after in _KHONG_ONLY_BEFORE:
        return None
    if capital and prev is not None and not prev.group(0).isupper() and after not in _KH_NEGATION_AFTER:
        if before == "để" and (
            after in _KH_PURPOSE_AFTER
            or (after in _KH_PURPOSE_THEN and nxt is not None and _CLEAR_AFTER_HIEU.match(s, nxt.end()))
        ):
            return _KH  # "để KH yên tâm", "để KH hiểu rõ"
        if customer and before in _KH_AGAIN_AFTER:
            return _KH  # "cho KH và KH được nhận"
    if before in _KH_AFTER and before not in ("sóc", "soc") and after in ("có", "co", "được", "duoc", "đc", "dc"):
        return _KH  # "Quý KH có nhu cầu", "các KH được tặng"
    if capital and before in _KH_CAPITAL_NOUN_AFTER and after not in _KHONG_PHRASE:
        return _KH  # "dành riêng cho KH nhận", "trao đổi với KH về", "dữ liệu KH theo"
    if after in _KHONG_BEFORE:
        return None
    if before in _KH_AFTER or (before in _KH_NOUN_AFTER and after in _KH_BEFORE):
        return _KH
    if before in ("tặng", "tang") and after[:1].isdigit():
        return _KH
    if _KH_CODE.fullmatch(after) and (before in ("mã", "ma") or capital):
        return _KH
    if capital and (before in _KH_CAPITAL_BEFORE or after in _KH_CAPITAL_AFTER):
        return _KH
    return None


def _as_written(word: str) -> tuple[str, ...]:
    return (tone(deleet(_REPEAT.sub(r"\1", word))),)


def in_context(
    s: str,
    m: re.Match[str],
    nxt: re.Match[str] | None,
    prev: re.Match[str] | None = None,
    customer: bool = False,
) -> tuple[tuple[str, ...], bool] | None:
    """Context rules for the word `m` of `s` (`nxt`, `prev`: the words after and before it; `customer`: an
    earlier "kh" of `s` was read "khách hàng"): (syllables, consumed the next word), or None for the ordinary
    dictionary lookup."""
    w = m.group(0).lower()
    if w == "kh" and (kh := _kh(s, m, prev, nxt, customer)) is not None:
        return kh, False
    if w in _AS_WRITTEN_BEFORE_COLON and _COLON_AFTER.match(s, m.end()):
        return _as_written(w), False
    if w in _AS_WRITTEN_AFTER_NUMBER and _NUMBER_BEFORE.search(s, 0, m.start()):
        return _as_written(w), False
    if w in _DM_GAP and nxt is not None and nxt.group(0).lower() == "m" and _DM_GAP[w].fullmatch(s, m.end(), nxt.start()):
        return _DM, True
    return None


#: the words `in_context` may read otherwise than the dictionary
_CONTEXT_WORDS = frozenset({"kh", *_AS_WRITTEN_BEFORE_COLON, *_AS_WRITTEN_AFTER_NUMBER, *_DM_GAP})


# read_words's last `out` list, how many of its entries were looked through for a "kh" read "khách hàng", and
# whether one was found: a text's plain segments (between links, phone numbers, amounts) are read one call each
# into the same list, and each call goes on from where the last stopped. The list itself is kept (not its id),
# so a new list is never taken for it; the tuple is replaced whole (threads scoring at once only look again).
_customer_seen: tuple[list[tuple[str, int, int]], int, bool] | None = None


def _customer_before(out: list[tuple[str, int, int]]) -> bool:
    """Whether `out` (the syllables of the text read so far) holds a "kh" read "khách hàng": its two syllables
    have the same two-letter span."""
    global _customer_seen
    seen = _customer_seen
    start, found = (seen[1], seen[2]) if seen is not None and seen[0] is out else (0, False)
    k = max(start, 1)
    while not found and k < len(out):
        a, b = out[k - 1], out[k]
        found = a[0] == "khách" and b[0] == "hàng" and a[1:] == b[1:] and a[2] - a[1] == 2
        k += 1
    _customer_seen = (out, len(out), found)
    return found


def read_words(s: str, base: int, out: list[tuple[str, int, int]]) -> None:
    """Append the canonical syllables of the words of `s` to `out`, with offsets `base` + their span in `s`.
    `out` holds the syllables of the text before `s` (a "kh" read "khách hàng" there is customer context)."""
    words = list(WORD.finditer(s))
    customer: bool | None = None  # a "kh" of the text was read "khách hàng" (looked for at the first "kh")
    i = 0
    while i < len(words):
        m = words[i]
        w = m.group(0).lower()
        # only a few words have context rules: the others skip the call (this loop runs for every word scored)
        nxt, prev = words[i + 1] if i + 1 < len(words) else None, words[i - 1] if i else None
        if w == "kh" and customer is None:
            customer = _customer_before(out)
        ctx = in_context(s, m, nxt, prev, bool(customer)) if w in _CONTEXT_WORDS else None
        end = m.end()
        if ctx is None:
            sylls = normalize_word(w)
        else:
            sylls, consumed = ctx
            customer = customer or sylls == _KH
            if consumed:
                i += 1
                end = words[i].end()
        for syl in sylls:
            out.append((syl, base + m.start(), base + end))
        i += 1


def normalize_tones(text: str) -> str:
    """Old → new tone-mark placement ("hoà" → "hòa"), word by word, keeping everything else."""
    return WORD.sub(lambda m: tone(m.group(0)), nfc(text))


def expand_teencode(text: str) -> str:
    """Teencode expanded word by word (with the same context rules as `normalize`), keeping everything else."""
    teen = load_teencode()
    s = nfc(text)
    words = list(WORD.finditer(s))
    out: list[str] = []
    customer = False
    pos = i = 0
    while i < len(words):
        m = words[i]
        nxt, prev = words[i + 1] if i + 1 < len(words) else None, words[i - 1] if i else None
        ctx = in_context(s, m, nxt, prev, customer)
        customer = customer or (ctx is not None and ctx[0] == _KH)
        out.append(s[pos : m.start()])
        if ctx is None:
            out.append(teen.get(m.group(0).lower(), m.group(0)))
        elif ctx[1]:
            out.append(" ".join(ctx[0]))
            i += 1
        elif ctx[0] == _as_written(m.group(0).lower()):
            out.append(m.group(0))
        else:
            out.append(" ".join(ctx[0]))
        pos = words[i].end()
        i += 1
    out.append(s[pos:])
    return "".join(out)
