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
# "kh" is "không" in chat but "khách hàng" in ads and scams: after "quý", "các", "mọi", "chăm sóc"; before "mới",
# "thân thiết", "vip" after a word a noun follows ("cho KH mới"); after "tặng" before a number ("tặng kh 1 phần
# quà"; "quà tặng kh đẹp", "có tặng kh ạ" stay "không"); before a customer code ("mã KH PE0100xxx789"); and written
# "KH" after a word in lower case ("mời KH đăng nhập"), unless "KH&ĐT" or "nhà KH" (kế hoạch, khoa học).
_KH = ("khách", "hàng")
_KH_AFTER = frozenset({"quý", "quy", "các", "cac", "mọi", "sóc", "soc"})
_KH_NOUN_AFTER = frozenset({"cho", "tặng", "tang", "dành", "danh", "với", "voi", "vs"}) | _KH_AFTER
_KH_BEFORE = frozenset({"mới", "moi", "thân", "than", "vip"})
_KH_CODE = re.compile(r"(?=.*\d)(?=.*[^\W\d_])\w{5,}")


def _adjacent(s: str, a: re.Match[str] | None, b: re.Match[str] | None) -> bool:
    return a is not None and b is not None and not s[a.end() : b.start()].strip(" \t")


def _customer(s: str, m: re.Match[str], prev: re.Match[str] | None, nxt: re.Match[str] | None) -> bool:
    """Whether the "kh" `m` is "khách hàng" by the words next to it (see above)."""
    before = prev.group(0).lower() if _adjacent(s, prev, m) and prev is not None else ""
    after = nxt.group(0).lower() if _adjacent(s, m, nxt) and nxt is not None else ""
    if before in _KH_AFTER or (before in _KH_NOUN_AFTER and after in _KH_BEFORE):
        return True
    if before in ("tặng", "tang") and after[:1].isdigit():
        return True
    if _KH_CODE.fullmatch(after) and (before in ("mã", "ma") or m.group(0) == "KH"):
        return True
    return (m.group(0) == "KH" and prev is not None and any(c.islower() for c in prev.group(0))
            and before != "nhà" and not s.startswith("&", m.end()))


def _as_written(word: str) -> tuple[str, ...]:
    return (tone(deleet(_REPEAT.sub(r"\1", word))),)


def in_context(s: str, m: re.Match[str], nxt: re.Match[str] | None,
               prev: re.Match[str] | None = None) -> tuple[tuple[str, ...], bool] | None:
    """Context rules for the word `m` of `s` (`nxt`, `prev`: the words after and before it): (syllables, consumed
    the next word), or None for the ordinary dictionary lookup."""
    w = m.group(0).lower()
    if w == "kh" and _customer(s, m, prev, nxt):
        return _KH, False
    if w in _AS_WRITTEN_BEFORE_COLON and _COLON_AFTER.match(s, m.end()):
        return _as_written(w), False
    if w in _AS_WRITTEN_AFTER_NUMBER and _NUMBER_BEFORE.search(s, 0, m.start()):
        return _as_written(w), False
    if w in _DM_GAP and nxt is not None and nxt.group(0).lower() == "m" and _DM_GAP[w].fullmatch(s, m.end(), nxt.start()):
        return _DM, True
    return None


def read_words(s: str, base: int, out: list[tuple[str, int, int]]) -> None:
    """Append the canonical syllables of the words of `s` to `out`, with offsets `base` + their span in `s`."""
    words = list(WORD.finditer(s))
    i = 0
    while i < len(words):
        m = words[i]
        ctx = in_context(s, m, words[i + 1] if i + 1 < len(words) else None, words[i - 1] if i else None)
        end = m.end()
        if ctx is None:
            sylls = normalize_word(m.group(0).lower())
        else:
            sylls, consumed = ctx
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
    pos = i = 0
    while i < len(words):
        m = words[i]
        ctx = in_context(s, m, words[i + 1] if i + 1 < len(words) else None, words[i - 1] if i else None)
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
