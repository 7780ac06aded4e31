"""Vietnamese text normalisation that keeps track of where every piece came from.

Posts that try to dodge filters write "l.ừ.a đ.ả.o", "c h u y ể n k h o ả n" or "l0a"; others use
teencode ("ko", "đc"), old tone placement ("hoà"), decomposed (NFD) diacritics or no diacritics at all.
Everything here turns such text into one canonical lowercase syllable sequence, and each syllable keeps
the character offsets of the ORIGINAL text it came from, so evidence can point back at what a moderator
actually sees. URLs, e-mails, phone numbers and money amounts become typed tokens.

A few expansions depend on the words around them: "cc" before a colon is an e-mail carbon copy, not "con
cặc"; "m" right after a number is metres ("1 m 70"), not "mày"; "Đ.M", "đ m", "d.m" are a dodged "đm" ("địt
mẹ"). Place abbreviations ("hn", "sg", "đn") are not expanded: classifier/locality.py decides on them.

Module-level functions; no state except cached resources read from classifier/data.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from underthesea import text_normalize

from classifier.entities import decode_entities
from classifier.invisible import compose, drop_invisible, drop_stray_marks
from classifier.legacy_encoding import to_unicode_with_map
from classifier.lookalikes import fold_lookalikes
from classifier.mojibake import repair_with_map
from classifier.nfc_map import nfc_with_map

DATA_DIR = Path(__file__).parent / "data"
TEENCODE_PATH = DATA_DIR / "teencode.tsv"
ALTERNATIVES_PATH = DATA_DIR / "teencode_alternatives.tsv"  # second readings of ambiguous abbreviations (rules)

URL_TOKEN, EMAIL_TOKEN, PHONE_TOKEN, MONEY_TOKEN = "urltok", "emailtok", "phonetok", "moneytok"
TYPED_TOKENS = frozenset({URL_TOKEN, EMAIL_TOKEN, PHONE_TOKEN, MONEY_TOKEN})


# ------------------------------------------------------------------------------------------ accents
def _build_strip_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0xC0, 0x1F00):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if base != ch and len(base) == 1 and base.isascii():
            table[cp] = base
    table[ord("đ")], table[ord("Đ")] = "d", "D"
    return table


_STRIP = _build_strip_table()


def strip_accents(text: str) -> str:
    """Remove Vietnamese diacritics (đ → d). Length-preserving on NFC input, so offsets stay valid."""
    return text.translate(_STRIP)


def nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _nfc_with_map(text: str) -> tuple[str, list[int] | None]:
    """NFC text plus, when it differs from the input, pos[i] = original offset of NFC char i (len+1 long).
    Text typed in a legacy font encoding (TCVN3, VNI: "Céng hoµ") is converted to Unicode first, and UTF-8 read
    as a Windows code page before it reached us ("Cáº£nh bÃ¡o") is repaired before that (classifier.mojibake).
    HTML character references are decoded first ("Vi&#7879;c", classifier.entities), then look-alike letters
    ("𝐂𝐡𝐮𝐲ể𝐧", "ＣＨＵＹỂＮ", also those a reference spells: "&#119810;&#119841;") folded (classifier.lookalikes:
    one code point for one, so offsets do not move; a folded letter followed by combining marks composes in the
    NFC step). Then invisible characters between letters ("lừ" + U+200B + "a") are dropped, and after NFC the
    accent marks that compose with nothing ("l̴ừ̴a̴") (classifier.invisible), so none of them splits a word."""
    decoded, decoded_pos = decode_entities(text)
    shown, shown_pos = drop_invisible(fold_lookalikes(decoded))
    s, pos = _repaired_nfc_with_map(shown)
    s, marks_pos = drop_stray_marks(s)
    return s, compose(compose(compose(decoded_pos, shown_pos), pos), marks_pos)


def _repaired_nfc_with_map(text: str) -> tuple[str, list[int] | None]:
    repaired = repair_with_map(text)
    if repaired is not None:
        fixed, fixed_pos = repaired
        s, pos = _repaired_nfc_with_map(fixed)
        return s, fixed_pos if pos is None else [fixed_pos[p] for p in pos]
    legacy = to_unicode_with_map(text)
    if legacy is not None:
        converted, legacy_pos = legacy
        s, pos = nfc_with_map(converted)
        return s, legacy_pos if pos is None else [legacy_pos[p] for p in pos]
    return nfc_with_map(text)


# ------------------------------------------------------------------------------------------ teencode
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


# ------------------------------------------------------------------------------------------ patterns
_VOWELS = "".join(sorted(c for c in map(chr, range(0x61, 0x1F00)) if c.islower() and strip_accents(c) in "aeiouy"))
_SYLLABLE = re.compile(
    rf"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvxfjwz])?[{_VOWELS}]+(?:(?:ch|ng|nh|[cmnpt])(?![{_VOWELS}]))?"
)
_MONEY_PATTERN = (r"(?:\$\s?\d[\d.,]*|(?<![\d.,])\d[\d.,]*\s?(?:k|tr|triệu|trieu|củ|nghìn|nghin|ngàn|ngan|tỷ|tỉ|ty|đồng|dong|"
                  r"đ|vnd|vnđ|usd|\$|usdt)(?!\w))")
# Every alternative starts at a token boundary (a lookbehind), so a long unbroken run of letters or digits is
# scanned once, not once per character (quadratic: minutes for a 40k-character run).
_TYPED = re.compile(
    r"(?P<email>(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?P<url>(?:https?:?//|www\.)[^\s<>\"]+|(?<![\w.-])[\w-]+(?:\.[\w-]+)*\.(?:com|vn|net|org|info|xyz|top|club|site|online|shop|"
    r"store|me|io|cc|ly|link|app|live|vip|bet|tk|ml|ga|cf|gq|pro|biz|asia|win|fun|tech|icu|bid|cyou|sbs|cfd|buzz|click|"
    r"mobi|work|rest|bond|monster|today|cloud)\b(?:/[^\s<>\"]*)?)"
    r"|(?P<phone>(?<![\w.])(?:\+?84|0)(?:[\s.\-]?\d){8,10}(?![\d])|\b1[89]00[\s.]?\d{2,4}[\s.]?\d{0,4}\b)"
    rf"|(?P<money>{_MONEY_PATTERN})",
    re.IGNORECASE,
)
# money spelled out by de-obfuscated letters ("85 t.r.i.ệ.u"): looked for again once the dots are undone
_MONEY = re.compile(_MONEY_PATTERN, re.IGNORECASE)
# a run of >= 3 single characters separated by dots/dashes/stars/spaces: "l.ừ.a", "c h u y ể n"
_OBFUSCATED = re.compile(r"(?<![\w])(?:[^\W_][ \t.\-_*·'+|/]{1,3}){2,}[^\W_](?![\w])")
_WORD = re.compile(r"[^\W_]+(?:[@$][^\W_]+)*")
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "5": "s", "7": "t", "$": "s"}
_LEET_RE = re.compile(r"(?<=[^\W\d_])[0134@57$](?=[^\W\d_])|(?<=[^\W\d_])[0@]$")
_REPEAT = re.compile(r"([^\W\d_])\1{2,}")


@dataclass(frozen=True, slots=True)
class Syllable:
    """One normalised syllable (or typed token) and the span of the original text it came from."""

    text: str
    start: int
    end: int


def _deleet(word: str) -> str:
    if not any(c.isdigit() or c in "@$" for c in word) or word.isdigit():
        return word
    return _LEET_RE.sub(lambda m: _LEET[m.group(0)], word)


@lru_cache(maxsize=200_000)
def _tone(syllable: str) -> str:
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
    w = _deleet(_REPEAT.sub(r"\1", word))
    expansion = expansion or teen.get(w) or teen.get(_tone(w))
    if expansion:
        return tuple(_tone(s) for s in expansion.split())
    return (_tone(w),)


def syllabify(letters: str) -> list[str]:
    """Split letters written without spaces ("chuyểnkhoản") into Vietnamese syllables."""
    out: list[str] = []
    pos = 0
    for m in _SYLLABLE.finditer(letters):
        if m.start() > pos:
            out.append(letters[pos : m.start()])
        out.append(m.group(0))
        pos = m.end()
    if pos < len(letters):
        out.append(letters[pos:])
    return out


# Teencode that depends on the words around it (the dictionary itself is context-free):
_AS_WRITTEN_BEFORE_COLON = frozenset({"cc", "bcc"})  # "cc: anh Nam" is an e-mail carbon copy, not "con cặc"
_AS_WRITTEN_AFTER_NUMBER = frozenset({"m"})  # "1 m 70", "cao 5 m": metres, not "mày"
_COLON_AFTER = re.compile(r"[ \t]*:")
_NUMBER_BEFORE = re.compile(r"\d[ \t]*$")
# "Đ.M", "đ m", "d.m", "d-m": a dodged "đm" (two letters, so _OBFUSCATED, which needs three, leaves it alone).
# A bare "d" counts only with punctuation between ("d m" may be anything); "đ" alone is no word.
_DM_GAP = {"đ": re.compile(r"[ \t.\-_*'·+|/]{1,3}"), "d": re.compile(r"[ \t]{0,2}[.\-_*'·+|/][ \t.\-_*'·+|/]{0,2}")}
_DM = ("địt", "mẹ")


def _as_written(word: str) -> tuple[str, ...]:
    return (_tone(_deleet(_REPEAT.sub(r"\1", word))),)


def _in_context(s: str, m: re.Match[str], nxt: re.Match[str] | None) -> tuple[tuple[str, ...], bool] | None:
    """Context rules for the word `m` of `s` (`nxt`: the word after it): (syllables, consumed the next word),
    or None for the ordinary dictionary lookup."""
    w = m.group(0).lower()
    if w in _AS_WRITTEN_BEFORE_COLON and _COLON_AFTER.match(s, m.end()):
        return _as_written(w), False
    if w in _AS_WRITTEN_AFTER_NUMBER and _NUMBER_BEFORE.search(s, 0, m.start()):
        return _as_written(w), False
    if w in _DM_GAP and nxt is not None and nxt.group(0).lower() == "m" and _DM_GAP[w].fullmatch(s, m.end(), nxt.start()):
        return _DM, True
    return None


def _words(s: str, base: int, out: list[tuple[str, int, int]]) -> None:
    words = list(_WORD.finditer(s))
    i = 0
    while i < len(words):
        m = words[i]
        ctx = _in_context(s, m, words[i + 1] if i + 1 < len(words) else None)
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


_Run = tuple[int, int, list[tuple[str, int]]]  # a dodged spelling: start, end, its letters with their offsets


def _runs(s: str) -> list[_Run]:
    """The spaced/dotted spellings of `s` ("l.ừ.a", "c h u y ể n"): offsets into `s`, and their letters."""
    out = []
    for m in _OBFUSCATED.finditer(s):
        chars = [(c, m.start() + k) for k, c in enumerate(m.group(0)) if c.isalnum()]
        only_spaces = all(c in " \t" for c in m.group(0) if not c.isalnum())
        if len(chars) < (4 if only_spaces else 3) or not any(c.isalpha() for c, _ in chars):
            continue
        out.append((m.start(), m.end(), chars))
    return out


def _dodged_money(s: str, runs: list[_Run]) -> list[tuple[int, int]]:
    """Spans of `s` that are money once the dodged spellings are undone ("85 t.r.i.ệ.u", "5 0 0 k"): matches
    of the money pattern in the undone text that take in at least one dodged spelling, each one whole."""
    parts: list[str] = []
    where: list[int] = []  # offset in `s` of each character of the undone text
    bounds: list[tuple[int, int]] = []  # each run's span in the undone text
    pos = 0
    for start, end, chars in runs:
        parts.append(s[pos:start])
        where.extend(range(pos, start))
        at = len(where)
        parts.append(_deleet("".join(c for c, _ in chars)))  # one character for one: `where` stays aligned
        where.extend(k for _, k in chars)
        bounds.append((at, len(where)))
        pos = end
    parts.append(s[pos:])
    where.extend(range(pos, len(s)))
    undone = "".join(parts)
    out = []
    for m in _MONEY.finditer(undone):
        a, b = m.span()
        touched = [(x, y) for x, y in bounds if x < b and a < y]
        if touched and all(a <= x and y <= b for x, y in touched):
            out.append((where[a], where[b - 1] + 1))
    return out


def _plain_segment(s: str, base: int, out: list[tuple[str, int, int]]) -> None:
    """Words of a stretch without typed tokens, undoing spaced/dotted spellings first (and reading money that
    only shows once they are undone)."""
    runs = _runs(s)
    if not runs:
        _words(s, base, out)
        return
    money = _dodged_money(s, runs)
    pieces: list[tuple[int, int, list[tuple[str, int]] | None]] = [(a, b, None) for a, b in money]
    pieces += [r for r in runs if not any(a <= r[0] and r[1] <= b for a, b in money)]
    pos = 0
    for start, end, chars in sorted(pieces, key=lambda p: p[0]):
        _words(s[pos:start], base + pos, out)
        if chars is None:
            out.append((MONEY_TOKEN, base + start, base + end))
        else:
            # one character for one, so `chars` still gives each letter's offset ("İ".lower() is "i" + U+0307)
            joined = _deleet("".join(c.lower()[0] for c, _ in chars))
            k = 0
            for syl in syllabify(joined):
                a, b = base + chars[k][1], base + chars[k + len(syl) - 1][1] + 1
                k += len(syl)
                for piece in normalize_word(syl):
                    out.append((piece, a, b))
        pos = end
    _words(s[pos:], base + pos, out)


_CACHED_CHARS = 20_000  # longer texts are not kept: a batch of huge pages must not pin their syllables


def syllables(text: str) -> list[Syllable]:
    """The canonical syllable sequence of `text`, each with its offsets in `text` itself.

    A pure function of `text`; the scorer asks for the same text's syllables up to three times (features, rules'
    second readings, locality), so recent results are cached (a fresh list each call: callers may change theirs)."""
    if len(text) > _CACHED_CHARS:
        return _syllables(text)
    return list(_cached_syllables(text))


@lru_cache(maxsize=1024)
def _cached_syllables(text: str) -> tuple[Syllable, ...]:
    return tuple(_syllables(text))


def _syllables(text: str) -> list[Syllable]:
    s, pos_map = _nfc_with_map(text)
    raw: list[tuple[str, int, int]] = []
    pos = 0
    for m in _TYPED.finditer(s):
        _plain_segment(s[pos : m.start()], pos, raw)
        kind = m.lastgroup or ""
        token = {"email": EMAIL_TOKEN, "url": URL_TOKEN, "phone": PHONE_TOKEN, "money": MONEY_TOKEN}[kind]
        end = m.end()
        while end > m.start() and s[end - 1] in ".,;:!?)":  # sentence punctuation after a URL
            end -= 1
        raw.append((token, m.start(), end))
        pos = m.end()
    _plain_segment(s[pos:], pos, raw)
    if pos_map is not None:
        raw = [(t, pos_map[a], pos_map[b]) for t, a, b in raw]
    return [Syllable(t, a, _past_marks(text, b)) for t, a, b in raw]


def _past_marks(text: str, end: int) -> int:
    """`end` moved past the combining marks that follow it. Marks left over by NFC on a Latin letter are dropped
    (classifier.invisible) and the offsets already pass them; on other letters (Cyrillic "е" + U+0308 + U+0301
    keeps the acute) the word stops before the mark, but the mark is drawn on the syllable's last letter, and
    evidence that cut it off would show the moderator another letter than the text has."""
    n = len(text)
    while end < n and unicodedata.combining(text[end]):
        end += 1
    return end


@lru_cache(maxsize=4)
def _abbreviation_finder(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, words)) + r")(?![^\W_])", re.IGNORECASE)


def alternative_reading(text: str, sylls: list[Syllable] | None = None) -> list[Syllable] | None:
    """`syllables(text)` with every ambiguous abbreviation read the other way (teencode_alternatives.tsv: "ck"
    → "chuyển khoản" instead of "chồng"), each new syllable keeping the abbreviation's span; None when the text
    has none. For rules, which match either reading; the model's features always use the first one."""
    alternatives = load_teencode(str(ALTERNATIVES_PATH))
    if not alternatives or not _abbreviation_finder(tuple(alternatives)).search(_nfc_with_map(text)[0]):
        return None  # the common case, without normalising the text again
    sylls = syllables(text) if sylls is None else sylls
    teen = load_teencode()
    out: list[Syllable] = []
    changed = False
    i = 0
    while i < len(sylls):
        a, b = sylls[i].start, sylls[i].end
        j = i
        while j < len(sylls) and (sylls[j].start, sylls[j].end) == (a, b):
            j += 1
        written = _nfc_with_map(text[a:b])[0].lower()
        other = alternatives.get(written)
        if other and teen.get(written) == " ".join(s.text for s in sylls[i:j]):
            out.extend(Syllable(_tone(w), a, b) for w in other.split())
            changed = True
        else:
            out.extend(sylls[i:j])
        i = j
    return out if changed else None


def normalize(text: str) -> str:
    """Canonical form: NFC, new-style tone marks, lowercase, teencode expanded, dodges undone, typed tokens."""
    return " ".join(s.text for s in syllables(text))


def deobfuscate(text: str) -> str:
    """Only undo spaced/dotted/leet spellings, keeping everything else: "l.ừ.a đ.ả.o" → "lừa đảo"."""
    s = nfc(text)
    out: list[str] = []
    pos = 0
    for m in _OBFUSCATED.finditer(s):
        chars = [c for c in m.group(0) if c.isalnum()]
        only_spaces = all(c in " \t" for c in m.group(0) if not c.isalnum())
        if len(chars) < (4 if only_spaces else 3) or not any(c.isalpha() for c in chars):
            continue
        out.append(s[pos : m.start()])
        out.append(" ".join(syllabify(_deleet("".join(chars)))))
        pos = m.end()
    out.append(s[pos:])
    return _WORD.sub(lambda m: _deleet(m.group(0)), "".join(out))


def normalize_tones(text: str) -> str:
    """Old → new tone-mark placement ("hoà" → "hòa"), word by word, keeping everything else."""
    return _WORD.sub(lambda m: _tone(m.group(0)), nfc(text))


def expand_teencode(text: str) -> str:
    """Teencode expanded word by word (with the same context rules as `normalize`), keeping everything else."""
    teen = load_teencode()
    s = nfc(text)
    words = list(_WORD.finditer(s))
    out: list[str] = []
    pos = i = 0
    while i < len(words):
        m = words[i]
        ctx = _in_context(s, m, words[i + 1] if i + 1 < len(words) else None)
        out.append(s[pos : m.start()])
        if ctx is None:
            out.append(teen.get(m.group(0).lower(), m.group(0)))
        elif ctx[1]:
            out.append(" ".join(ctx[0]))
            i += 1
        else:
            out.append(m.group(0))
        pos = words[i].end()
        i += 1
    out.append(s[pos:])
    return "".join(out)
