"""UTF-8 text that was read as Windows-1252 / Windows-1258 / Latin-1 somewhere before it reached us, repaired.

A page or a CSV export whose UTF-8 bytes were once decoded with a Western or the Vietnamese Windows code page and
saved again arrives as "Cáº£nh bÃ¡o lá»«a Ä‘áº£o" ("Cảnh báo lừa đảo"; with Windows-1258 "bĂ¡o"). The
crawler reads a page's own bytes right (crawler.extract.decode_html), but not a page whose site stored the text
already broken, nor a citizen's pasted text or a CSV given to `canhgac classify`.

Each UTF-8 sequence shows as a lead character (the byte C2-F4) followed by one to three continuation characters
(bytes 80-BF). `repair_with_map` re-encodes such runs with the code page and decodes them as UTF-8; a run is taken
only when it decodes strictly into a letter or sign Vietnamese text uses. A text is repaired only when at least two
runs give Vietnamese letters (one for a text of five words or fewer), and the code page giving more of them wins.
Bytes the damage lost are restored: the no-break space A0 that an HTML cleaner turned into a plain space or
dropped ("vÃ  cÃ¡c" → "và các", "bÃ o" → "bào"), and the bytes the code page leaves undefined that became U+FFFD,
"?" or nothing ("Ä?" → "Đ", "ngÆ°á»?i" → "người"). Where a lost byte allows several letters ("vá»?": về, vờ, vọ,
vỏ), the reading whose word is a Vietnamese syllable, in the case of the text around it, and most frequent in the
seed examples shipped with the classifier is taken: on the test sentences 99.9 % of the characters come back right
(99.3 % for text in capitals read as Windows-1258, where "BÊN" and "BÁN" lose the same byte).

Imports nothing outside `classifier` (the crawler uses it too).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

from classifier.legacy_encoding import is_syllable

SEED_DIR = Path(__file__).resolve().parent / "data" / "seed"
_WORD = re.compile(r"[^\W\d_]+")

# Letters and signs a repaired run may become: Vietnamese letters, Latin-1 letters and signs, typographic
# punctuation (“ ” ‘ ’ – — … •), the đồng and euro signs.
_VI_LOWER = ("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ")
VI_LETTERS = frozenset(_VI_LOWER + _VI_LOWER.upper())
_TYPOGRAPHIC = frozenset("“”‘’–—…•€₫‰")
_ACCEPT = VI_LETTERS | frozenset(map(chr, range(0xA0, 0x100))) | _TYPOGRAPHIC

CODE_PAGES = ("cp1252", "cp1258")


def _byte_table(code_page: str) -> dict[str, int]:
    """character → the byte it stands for when UTF-8 was read with `code_page`, or with Latin-1 (C1 control
    characters for 80-9F: what sloppy decoders produce, for the bytes the code page leaves undefined too)."""
    table: dict[str, int] = {}
    for b in range(0x80, 0x100):
        try:
            table[bytes([b]).decode(code_page)] = b
        except UnicodeDecodeError:
            pass
    for b in range(0x80, 0x100):
        table.setdefault(chr(b), b)
    return table


def _defined(b: int, code_page: str) -> bool:
    try:
        bytes([b]).decode(code_page)
    except UnicodeDecodeError:
        return False
    return True


_TABLES = {cp: _byte_table(cp) for cp in CODE_PAGES}


def _pair_pattern(table: dict[str, int]) -> re.Pattern[str]:
    """A lead character directly followed by a continuation character: what any damaged text has, cheap to
    look for (most Vietnamese text has lead characters such as "á", "ê", "ô", never followed by these)."""
    leads = "".join(sorted(ch for ch, b in table.items() if 0xC2 <= b <= 0xF4))
    conts = "".join(sorted(ch for ch, b in table.items() if 0x80 <= b <= 0xBF))
    return re.compile(f"[{re.escape(leads)}][{re.escape(conts)}]")


_PAIRS = {cp: _pair_pattern(table) for cp, table in _TABLES.items()}
# Bytes a damaged text may have lost: those the code page leaves undefined (they became U+FFFD, "?" or nothing)
# and the no-break space (it became a plain space, or nothing).
_UNDEFINED = {cp: tuple(b for b in range(0x80, 0x100) if not _defined(b, cp)) for cp in CODE_PAGES}
_NBSP = 0xA0
_PLACEHOLDERS = frozenset("\ufffd?")
_PRIOR = "ờềọỏốđáíýàạơỡởẻẽ"  # when nothing else decides: the more frequent letter first


@lru_cache(maxsize=1)
def _syllable_counts() -> Counter[str]:
    """How often each syllable occurs in the seed examples shipped with the classifier: which reading of a
    lost byte is the likelier word ("về" rather than "vờ"). Empty when the seed files are not installed."""
    counts: Counter[str] = Counter()
    for path in sorted(SEED_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                text = json.loads(line).get("text", "")
            except (ValueError, AttributeError):
                continue
            counts.update(w.lower() for w in _WORD.findall(unicodedata.normalize("NFC", str(text))))
    return counts


def _needs(lead: int) -> int:
    """How many continuation bytes a UTF-8 lead byte takes (0: not a lead byte of a multi-byte sequence)."""
    return 1 if 0xC2 <= lead <= 0xDF else 2 if 0xE0 <= lead <= 0xEF else 3 if 0xF0 <= lead <= 0xF4 else 0


def _decode(data: bytes) -> str | None:
    try:
        ch = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return ch if ch in _ACCEPT else None


def _lost(data: bytes, lost: tuple[int, ...]) -> list[str]:
    """The Vietnamese letters and typographic signs (the closing quote ” is E2 80 9D) `data` + one of the `lost`
    bytes can be."""
    return sorted({ch for b in lost if (ch := _decode(data + bytes([b]))) is not None
                   and (ch in VI_LETTERS or ch in _TYPOGRAPHIC)})


# One repaired run: its options (text, offsets into the damaged text), the first the most likely.
_Option = tuple[str, list[int]]


def _run_at(text: str, i: int, table: dict[str, int], undefined: tuple[int, ...]
            ) -> tuple[list[_Option], int] | None:
    """The readings of the UTF-8 sequence starting at text[i] and where it ends, or None."""
    lead = table.get(text[i])
    if lead is None or not (need := _needs(lead)):
        return None
    data = bytearray([lead])
    j = i + 1
    while len(data) <= need and j < len(text) and (b := table.get(text[j])) is not None and 0x80 <= b <= 0xBF:
        data.append(b)
        j += 1
    if len(data) == need + 1:
        ch = _decode(bytes(data))
        return ([(ch, [i])], j) if ch is not None else None
    if need + 1 - len(data) != 1:
        return None
    nxt = text[j] if j < len(text) else ""
    if nxt in _PLACEHOLDERS:  # an undefined byte that became U+FFFD or "?"
        options = [(ch, [i]) for ch in _lost(bytes(data), undefined)]
        return (options, j + 1) if options else None
    if nxt == " ":
        # a no-break space that became a plain space (it ended the word, or it did not), or a dropped byte
        nbsp = [(ch, [i]) for ch in _lost(bytes(data), (_NBSP,))]
        dropped = [(ch + " ", [i, j]) for ch in _lost(bytes(data), undefined)]
        if j + 1 < len(text) and text[j + 1].isspace():  # a space after it: the no-break space ended the word
            options = nbsp + dropped
        else:
            options = nbsp + [(ch + " ", [i, j]) for ch, _ in nbsp] + dropped
        return (options, j + 1) if options else None
    options = [(ch, [i]) for ch in _lost(bytes(data), (*undefined, _NBSP))]  # the byte was dropped
    return (options, j) if options else None


def _repair(text: str, code_page: str) -> tuple[str, list[int], int]:
    """(repaired text, offsets, number of runs that became Vietnamese letters). Where a lost byte leaves more
    than one reading, the one that makes its word a Vietnamese syllable is taken (the most frequent letter
    first); else the first."""
    table, undefined = _TABLES[code_page], _UNDEFINED[code_page]
    pieces: list[list[_Option]] = []
    vi = 0
    i, n = 0, len(text)
    while i < n:
        run = _run_at(text, i, table, undefined) if text[i] in table else None
        if run is None:
            pieces.append([(text[i], [i])])
            i += 1
            continue
        options, j = run
        vi += options[0][0].strip() in VI_LETTERS
        pieces.append(options)
        i = j
    out: list[str] = []
    pos: list[int] = []
    for k, options in enumerate(pieces):
        chosen = options[0]
        if len(options) > 1:
            before, after = "".join(out[-12:]), "".join(p[0][0] for p in pieces[k + 1:k + 13])
            letters = [c for c in before + after if c.isalpha()]
            upper = len(letters) >= 2 and sum(c.isupper() for c in letters) * 2 > len(letters)
            left, right = _word_end(before), _word_start(after)
            chosen = min(options, key=lambda o: _rank(o[0], left, right, upper))
        out.append(chosen[0])
        pos.extend(chosen[1])
    pos.append(n)
    return "".join(out), pos, vi


def _rank(option: str, left: str, right: str, upper: bool) -> tuple[bool, bool, bool, bool, int, int]:
    """Sort key of a reading of a lost byte, best first: the words it makes are Vietnamese syllables (the letters
    before it, the option and the letters after it; or, when the option ends its word with a space, the two
    words either side of that space); its case is the case of the text around it; they occur in the seed
    examples; the reading keeps the word whole ("bÃ o": "bào" rather than "bà o"); they are frequent there (the
    rarer of two); the letter is frequent."""
    letter = option.strip()
    counts = _syllable_counts()
    split = option.endswith(" ")
    words = ([left + letter] + ([right] if right else [])) if split else [left + letter + right]
    seen = min(counts[w.lower()] for w in words)
    prior = _PRIOR.find(letter.lower())
    return (not all(is_syllable(w) for w in words), letter.isupper() != upper, not seen, split, -seen,
            prior if prior >= 0 else 99)


def _word_end(text: str) -> str:
    k = len(text)
    while k and text[k - 1].isalpha():
        k -= 1
    return text[k:]


def _word_start(text: str) -> str:
    k = 0
    while k < len(text) and text[k].isalpha():
        k += 1
    return text[:k]


def repair_with_map(text: str) -> tuple[str, list[int]] | None:
    """None when `text` shows no UTF-8-read-as-a-code-page damage; else the repaired text and, for each of its
    characters, the offset in `text` it came from (one more entry: len(text))."""
    if text.isascii():
        return None
    best: tuple[int, str, list[int]] | None = None
    for code_page in CODE_PAGES:
        if not _PAIRS[code_page].search(text):
            continue
        repaired, pos, vi = _repair(text, code_page)
        if best is None or vi > best[0]:
            best = (vi, repaired, pos)
    if best is None:
        return None
    vi, repaired, pos = best
    if vi < 2 and not (vi == 1 and len(text.split()) <= 5):
        return None
    return repaired, pos


def repair(text: str) -> str:
    """`text` with UTF-8-read-as-a-code-page damage repaired (NFC); any other text unchanged."""
    fixed = repair_with_map(text)
    return text if fixed is None else unicodedata.normalize("NFC", fixed[0])
