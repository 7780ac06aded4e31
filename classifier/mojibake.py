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
vỏ), the reading whose word is a Vietnamese syllable, in the case of the text around it (a capital at a sentence
start when the text's other sentences start with capitals: "Ã kiáº¿n" after ". " is "Ý kiến", not "à kiến"), and
most frequent in the seed examples shipped with the classifier is taken (`classifier.lost_bytes`): on the test
sentences 99.9 % of the characters come back right (99.3 % for text in capitals read as Windows-1258, where "BÊN"
and "BÁN" lose the same byte).

Cost: whether a text is damaged, and in which code page, is decided on its complete runs, found by one regex; only
a damaged text is then read run by run, each kind of run decoded once, at most MAX_RANKED lost bytes ranked by
their words. A 1 MB page takes well under a second, even one made only of runs that lost a byte.

Imports nothing outside `classifier` (the crawler uses it too).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from functools import lru_cache

from classifier.lost_bytes import PRIOR, Reading, Run, choose

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


def _sequence_pattern(table: dict[str, int]) -> re.Pattern[str]:
    """A lead character followed by exactly as many continuation characters as its byte needs: a complete run."""
    def chars(lo: int, hi: int) -> str:
        return re.escape("".join(sorted(ch for ch, b in table.items() if lo <= b <= hi)))

    cont = f"[{chars(0x80, 0xBF)}]"
    return re.compile(f"[{chars(0xC2, 0xDF)}]{cont}|[{chars(0xE0, 0xEF)}]{cont}{{2}}|[{chars(0xF0, 0xF4)}]{cont}{{3}}")


_SEQUENCES = {cp: _sequence_pattern(table) for cp, table in _TABLES.items()}
# what each code page alone reads its bytes as (C3 "Ã" in Windows-1252, "Ă" in Windows-1258; D0 "Ð"/"Đ" ...)
_READS = {cp: frozenset(bytes([b]).decode(cp) for b in range(0x80, 0x100) if _defined(b, cp)) for cp in CODE_PAGES}
_OWN = {cp: _READS[cp] - frozenset().union(*(_READS[o] for o in CODE_PAGES if o != cp)) for cp in CODE_PAGES}
# every lead character (a byte C2-F4 as the code page shows it): where a damaged run can start
_LEADS = {cp: re.compile("[" + re.escape("".join(sorted(ch for ch, b in table.items() if 0xC2 <= b <= 0xF4))) + "]")
          for cp, table in _TABLES.items()}
# Bytes a damaged text may have lost: those the code page leaves undefined (they became U+FFFD, "?" or nothing)
# and the no-break space (it became a plain space, or nothing).
_UNDEFINED = {cp: tuple(b for b in range(0x80, 0x100) if not _defined(b, cp)) for cp in CODE_PAGES}
_NBSP = 0xA0
_PLACEHOLDERS = frozenset("\ufffd?")
# lost bytes ranked by their words per text at most (each costs ~0.02 ms); the rest take the most frequent letter
MAX_RANKED = 20_000


def _needs(lead: int) -> int:
    """How many continuation bytes a UTF-8 lead byte takes (0: not a lead byte of a multi-byte sequence)."""
    return 1 if 0xC2 <= lead <= 0xDF else 2 if 0xE0 <= lead <= 0xEF else 3 if 0xF0 <= lead <= 0xF4 else 0


@lru_cache(maxsize=4096)
def _decode(data: bytes) -> str | None:
    try:
        ch = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return ch if ch in _ACCEPT else None


@lru_cache(maxsize=4096)
def _lost(data: bytes, lost: tuple[int, ...]) -> list[str]:
    """The Vietnamese letters and typographic signs (the closing quote ” is E2 80 9D) `data` + one of the `lost`
    bytes can be."""
    found = {ch for b in lost if (ch := _decode(data + bytes([b]))) is not None
             and (ch in VI_LETTERS or ch in _TYPOGRAPHIC)}
    return sorted(found, key=lambda ch: (PRIOR.find(ch.lower()) % 100, ch))  # the more frequent letter first


def _complete_letters(text: str, code_page: str) -> int:
    """How many complete runs of `text` decode into Vietnamese letters: what decides whether a text is damaged,
    and in which code page; found by one regex, each kind of run decoded once."""
    table = _TABLES[code_page]
    found = Counter(_SEQUENCES[code_page].findall(text))
    return sum(n for run, n in found.items() if _decode(bytes(table[c] for c in run)) in VI_LETTERS)


# One repaired run: its options (text, offsets into the damaged text), the first the most likely.
_Option = tuple[str, list[int]]


def _run_at(text: str, i: int, table: dict[str, int], undefined: tuple[int, ...]
            ) -> tuple[list[_Option], int, bool] | None:
    """The readings of the UTF-8 sequence starting at text[i], where it ends, and whether it is complete (no
    byte lost), or None."""
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
        return ([(ch, [i])], j, True) if ch is not None else None
    if need + 1 - len(data) != 1:
        return None
    nxt = text[j] if j < len(text) else ""
    if nxt in _PLACEHOLDERS:  # an undefined byte that became U+FFFD or "?"
        options = [(ch, [i]) for ch in _lost(bytes(data), undefined)]
        return (options, j + 1, False) if options else None
    if nxt == " ":
        # a no-break space that became a plain space (it ended the word, or it did not), or a dropped byte
        nbsp = [(ch, [i]) for ch in _lost(bytes(data), (_NBSP,))]
        dropped = [(ch + " ", [i, j]) for ch in _lost(bytes(data), undefined)]
        if j + 1 < len(text) and text[j + 1].isspace():  # a space after it: the no-break space ended the word
            options = nbsp + dropped
        else:
            options = nbsp + [(ch + " ", [i, j]) for ch, _ in nbsp] + dropped
        return (options, j + 1, False) if options else None
    options = [(ch, [i]) for ch in _lost(bytes(data), (*undefined, _NBSP))]  # the byte was dropped
    return (options, j, False) if options else None


def _runs_pattern(table: dict[str, int]) -> re.Pattern[str]:
    """A complete run (a lead character and as many continuation characters as its byte needs), or one that
    lost its last byte (then what follows tells how: U+FFFD, "?", a space or nothing); found by one regex."""
    def chars(lo: int, hi: int) -> str:
        return "[" + re.escape("".join(sorted(ch for ch, b in table.items() if lo <= b <= hi))) + "]"

    cont, l2, l3, l4 = chars(0x80, 0xBF), chars(0xC2, 0xDF), chars(0xE0, 0xEF), chars(0xF0, 0xF4)
    return re.compile(f"(?P<whole>{l2}{cont}|{l3}{cont}{{2}}|{l4}{cont}{{3}})|(?P<lost>{l2}|{l3}{cont}|{l4}{cont}{{2}})")


_RUNS = {cp: _runs_pattern(table) for cp, table in _TABLES.items()}


@lru_cache(maxsize=65536)
def _whole_run(run: str, code_page: str) -> tuple[Reading, ...] | None:
    """The reading of a complete run ("á»?" → "ờ"), or None when it decodes into nothing a text would hold."""
    ch = _decode(bytes(_TABLES[code_page][c] for c in run))
    return None if ch is None else ((ch, (0,)),)


@lru_cache(maxsize=65536)
def _lost_run(window: str, code_page: str) -> tuple[tuple[Reading, ...], int] | None:
    """The readings of the run that lost a byte at the start of `window` (the run and the two characters after
    it) and where it ends, offsets relative to it: a page repeats its runs, each is read once."""
    run = _run_at(window, 0, _TABLES[code_page], _UNDEFINED[code_page])
    if run is None or run[2]:
        return None
    options, end, _ = run
    return tuple((o, tuple(p)) for o, p in options), end


def _runs(text: str, code_page: str) -> list[Run]:
    """The damaged runs of `text`; those that lost a byte only on lines that hold complete runs becoming
    Vietnamese letters ("XÃ ĐÃ" is genuine capitals, not "xà đà" damaged)."""
    runs: list[Run] = []
    newlines = [m.start() for m in re.finditer("\n", text)]
    sure_lines: set[int] = set()  # lines holding a complete run that became a Vietnamese letter
    line_end = -1  # where the line of the last such run ends
    lost = False
    whole_run, lost_run, append = _whole_run, _lost_run, runs.append  # (a huge page: millions of runs)
    for m in _RUNS[code_page].finditer(text):
        j, end = m.span()
        if (whole := m.group(1)) is not None:
            if (options := whole_run(whole, code_page)) is None:
                continue
            if j > line_end and options[0][0] in VI_LETTERS:
                line = bisect.bisect(newlines, j)
                sure_lines.add(line)
                line_end = newlines[line] if line < len(newlines) else len(text)
            append((j, end, options, True))
        elif (found := lost_run(text[j:end + 2], code_page)) is not None:
            append((j, j + found[1], found[0], False))
            lost = True
    if lost:
        runs = [r for r in runs if r[3] or bisect.bisect(newlines, r[0]) in sure_lines]
    return runs


def _repair(text: str, code_page: str) -> tuple[str, list[int]]:
    """(repaired text, offsets). Where a lost byte leaves more than one reading, the one that makes its word a
    Vietnamese syllable, in the case expected there, is taken (the most frequent letter first); else the first
    (after MAX_RANKED of them). The text between runs is copied as it is: the cost grows with the runs."""
    runs = _runs(text, code_page)
    out: list[str] = []
    pos: list[int] = []
    prev = ranked = 0
    capitalising: list[frozenset[str]] = []  # (once known) the kinds of sentence start written in capitals
    for k, (start, end, readings, _) in enumerate(runs):
        if start > prev:
            out.append(text[prev:start])
            pos.extend(range(prev, start))
        chosen = readings[0]
        if len(readings) > 1 and ranked < MAX_RANKED:
            ranked += 1
            chosen = choose(text, runs, k, out, capitalising)
        out.append(chosen[0])
        if len(chosen[1]) == 1:
            pos.append(start)
        else:
            pos.extend([start + r for r in chosen[1]])
        prev = end
    out.append(text[prev:])
    pos.extend(range(prev, len(text) + 1))
    return "".join(out), pos


def repair_with_map(text: str) -> tuple[str, list[int]] | None:
    """None when `text` shows no UTF-8-read-as-a-code-page damage; else the repaired text and, for each of its
    characters, the offset in `text` it came from (one more entry: len(text))."""
    if text.isascii():
        return None
    chars = set(text)
    # a code page whose own characters ("Ã" is Windows-1252's C3, "Ă" Windows-1258's) appear while the other's
    # do not is the one: the other is not tried (a large damaged page is read once, not twice)
    own = [cp for cp in CODE_PAGES if not chars.isdisjoint(_OWN[cp])]
    best: tuple[int, str] | None = None
    for code_page in own if len(own) == 1 else CODE_PAGES:
        if not _PAIRS[code_page].search(text):
            continue
        vi = _complete_letters(text, code_page)
        if best is None or vi > best[0]:
            best = (vi, code_page)
    if best is None:
        return None
    vi, code_page = best
    if vi < 2 and not (vi == 1 and len(text.split()) <= 5):
        return None  # decided on the complete runs alone: a text that is not repaired is not read run by run
    return _repair(text, code_page)


def repair(text: str) -> str:
    """`text` with UTF-8-read-as-a-code-page damage repaired (NFC); any other text unchanged."""
    fixed = repair_with_map(text)
    return text if fixed is None else unicodedata.normalize("NFC", fixed[0])
