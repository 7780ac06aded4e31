"""Filter dodges undone: spaced, dotted and leet spellings ("l.ừ.a đ.ả.o", "c h u y ể n k h o ả n", "l0a").

A dodged spelling's letters are joined and cut again into Vietnamese syllables by a syllabifier, each syllable
keeping the offsets of its first and last letter (where dots join the letters, a space between them ends a word:
"Đ.ể n.h.ậ.n" is two words, whatever number or stop comes before it); money that only shows once the dots are undone ("85
t.r.i.ệ.u") becomes a money token.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from classifier import lexicon
from classifier.acronyms import acronym, is_capitals, load_acronyms
from classifier.canonical_unicode import nfc, strip_accents
from classifier.lexicon import is_attested, is_plain_attested, is_word_pair
from classifier.syllables import is_syllable
from classifier.teencode import WORD, deleet, load_teencode, normalize_word, read_words
from classifier.typed_tokens import MONEY, MONEY_TOKEN

_VOWELS = "".join(sorted(c for c in map(chr, range(0x61, 0x1F00)) if c.islower() and strip_accents(c) in "aeiouy"))
_SYLLABLE = re.compile(
    rf"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvxfjwz])?[{_VOWELS}]+(?:(?:ch|ng|nh|[cmnpt])(?![{_VOWELS}]))?"
)
# a run of >= 3 single characters separated by dots/dashes/stars/spaces: "l.ừ.a", "c h u y ể n"
_OBFUSCATED = re.compile(r"(?<![\w])(?:[^\W_][ \t.\-_*·'+|/]{1,3}){2,}[^\W_](?![\w])")
# two capitals joined by one dot ("O.K", "A.I", "S.G"): too short for a dodge, read by classifier.acronyms
# (the look-behind after the first capital: tried only at capitals, 3x faster than before it)
_DOTTED_PAIR = re.compile(r"[A-ZĐ](?<![\w.][A-ZĐ])\.[A-ZĐ](?!\w)")


def _greedy_syllables(letters: str) -> list[str]:
    """`letters` cut at each longest syllable-like match, left to right (what does not match stays as a piece)."""
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


_LONGEST = 7  # "nghiêng", "nguyễn"
_STRETCH = re.compile(r"(.)\1+")
_STRETCHED_LONGEST = 20  # a syllable with letters repeated ("ạạạạ", "rààaa"): still one piece


def _piece(letters: str, repeats: bool) -> tuple[str, bool] | None:
    """The syllable `letters` spell, maybe with letters repeated ("êêêê", "khựaaa": `repeats` says whether
    any letter is the one before it again) or written without diacritics ("rieng", "chuyen": no syllable as
    written), and whether a repeat was dropped; else None. A first consonant is never a repeat: "pphí" is no
    syllable, so "nạpphí" is "nạp phí", not "nạ pphí" (a first vowel may be: "êêêê", "ơơơi")."""
    short = len(letters) <= _LONGEST
    if short and (is_syllable(letters) or (letters.isascii() and is_plain_attested(letters))):
        return letters, False
    if not repeats or (letters[0] == letters[1] and letters[0] not in _VOWELS):
        return None
    word = _STRETCH.sub(r"\1", letters)
    if word != letters and (is_syllable(word) or (word.isascii() and is_plain_attested(word))):
        return word, True
    return None


def _known(word: str) -> bool:
    return is_attested(word) or (word.isascii() and is_plain_attested(word))


def syllabify(letters: str) -> list[str]:
    """Split letters written without spaces ("chuyểnkhoản") into Vietnamese syllables.

    Of the cuts into valid syllables (classifier.syllables; a letter repeated counts once: "êêêê", "khựaaa" are
    one, but never a repeated first consonant: "nạpphí" is not "nạ pphí"; letters without diacritics count where
    a syllable in use has them: "rieng" is one), the one with the fewest syllables, then the fewest syllables no word is made of
    (classifier.lexicon: "đểnhận" is "để nhận", not "đển hận"), then the fewest syllables with a repeated letter
    ("tiennhanh" is "tien nhanh", not "tienn hanh"), then the most dictionary words of two ("bánhàng" is "bán
    hàng", not "bá nhàng"); letters with no such cut ("tphcm", leet left over) are cut greedily, and so are all
    letters when the installed underthesea has no word list (classifier.lexicon.available). Linear in the
    length: each position looks at most 20 letters ahead and keeps only the cost of the best cut from it and
    where its first piece ends."""
    n = len(letters)
    if n <= 1:
        return [letters] if letters else []
    if not lexicon.available():  # no word list in this underthesea: the syllable grammar alone
        return _greedy_syllables(letters)
    # from position i: cost = (syllables, unknown syllables, stretched syllables, -word pairs) of the best cut
    # of letters[i:], where its first piece ends and the syllable that piece spells
    cost: list[tuple[int, int, int, int] | None] = [None] * (n + 1)
    end = [0] * (n + 1)
    word_at: list[str] = [""] * (n + 1)
    cost[n] = (0, 0, 0, 0)
    # repeated[k]: the last position p <= k whose letter is the one before it again (-1: none)
    repeated = [-1] * n
    for k in range(1, n):
        repeated[k] = k if letters[k] == letters[k - 1] else repeated[k - 1]
    for i in range(n - 1, -1, -1):
        for j in range(i + 1, min(n, i + _STRETCHED_LONGEST) + 1):
            rest = cost[j]
            if rest is None:
                continue
            found = _piece(letters[i:j], repeated[j - 1] > i)
            if found is None:
                continue
            word, stretched = found
            count, unknown, repeats, pairs = rest
            pair = 1 if j < n and is_word_pair(word, word_at[j]) else 0
            here = (count + 1, unknown + (not _known(word)), repeats + stretched, pairs - pair)
            current = cost[i]
            if current is None or here < current:
                cost[i], end[i], word_at[i] = here, j, word
    if cost[0] is None:
        return _greedy_syllables(letters)
    cut: list[str] = []
    i = 0
    while i < n:
        cut.append(letters[i : end[i]])
        i = end[i]
    return cut


_Run = tuple[int, int, list[tuple[str, int]]]  # a dodged spelling: start, end, its letters with their offsets


_ONSET = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvxfjwz])")
_SEPARATOR = re.compile(r"[.\-_*·'+|/]")
_TAIL = 2 * _STRETCHED_LONGEST  # letters of the word before a gap that `_continues` reads


def _continues(left: list[tuple[str, int]], right: list[tuple[str, int]], gap: str) -> bool:
    """Whether the dotted letters `right`, after a gap with a space in it, go on the word of `left`: only over
    a dot (or other separator) as well as the space, and only where `left` ends in a bare onset ("c. h.u.y.ể.n",
    "n. h.à") or ends in a syllable that `right`, starting with a vowel, finishes ("l.ừ. a", "c.h.u.y. ể.n",
    "k.h.o. ả.n"). "Đ.ể n.h.ậ.n", "T.P.H.C.M. Đ.ể", "chị T.T.L. ở", "Bước 2. C.h.u.y.ể.n" stay apart."""
    if not _SEPARATOR.search(gap):
        return False
    # only the end of `left` decides, and it may be a long run joined so far ("O.K. O.K. O.K. …"): reading all of
    # it at each gap was quadratic (8,000 "O.K. " took minutes), its last 40 letters are more than any syllable
    a = deleet("".join(c for c, _ in left[-_TAIL:])).lower()
    b = deleet("".join(c for c, _ in right)).lower()
    if any(c.isdigit() for c in a + b):
        return False
    last = syllabify(a)[-1]
    across = syllabify(last + b)[0]  # the syllable over the gap must be one: "lừa", "nhà", not "nhàơi", "kctrl"
    if _ONSET.fullmatch(last):
        return is_syllable(across) or _ONSET.fullmatch(across) is not None  # "n.g. h.ĩ.a"
    return is_syllable(last) and b[:1] in _VOWELS and len(across) > len(last) and is_syllable(across)


def _words_of(m: re.Match[str]) -> list[list[tuple[str, int]]]:
    """The letters of one spaced/dotted spelling cut into the words it spells. Where letters are joined by
    dots, a gap with a space in it is a word boundary unless the letters after it finish the word before it
    (`_continues`): "Đ.ể n.h.ậ.n" is "để" and "nhận", not "đểnhận" cut again ("đển hận"), "2026. Đ.ể" keeps the
    year out, but "l.ừ. a", "c.h.u.y. ể.n" are one word each. Letters spaced out one by one ("c h ư ơ n g
    t.r.ì.n.h", "l. ừ. a") still make one word between such boundaries."""
    text, at = m.group(0), m.start()  # once: each `group()` call copies the whole spelling
    letters = [(c, at + k) for k, c in enumerate(text) if c.isalnum()]
    gaps = [text[a[1] - at + 1 : b[1] - at] for a, b in zip(letters, letters[1:], strict=False)]
    if all(any(c in " \t" for c in g) for g in gaps):
        return [letters]
    groups: list[list[tuple[str, int]]] = [[letters[0]]]
    spaced: list[str] = []  # the gap before each group after the first
    for gap, letter in zip(gaps, letters[1:], strict=True):
        if any(c in " \t" for c in gap):
            groups.append([])
            spaced.append(gap)
        groups[-1].append(letter)
    out: list[list[tuple[str, int]]] = [groups[0]]
    single = len(groups[0]) == 1  # spaced-out single letters between dotted words spell one word together: "Đ ể n.h.ậ.n"
    for gap, w in zip(spaced, groups[1:], strict=True):
        if single and len(w) == 1:
            out[-1] += w  # in place (the groups are not read again): a copy at each join was quadratic
        elif _continues(out[-1], w, gap):
            out[-1] += w
            single = False  # "l.ừ. a 5 t.r.i.ệ.u": the "a" ends "lừa", the "5" spells no word with it
        else:
            out.append(w)
            single = len(w) == 1
    return out


def _runs(s: str) -> list[_Run]:
    """The spaced/dotted spellings of `s` ("l.ừ.a", "c h u y ể n"), one per word they spell, and pairs of dotted
    capitals ("O.K"): offsets into `s`, and their letters."""
    out = []
    covered = []  # the spans of the longer spellings: a pair inside one is no pair ("O.K. C", "A.B.C")
    for m in _OBFUSCATED.finditer(s):
        covered.append(m.span())
        chars = [c for c in m.group(0) if c.isalnum()]
        only_spaces = all(c in " \t" for c in m.group(0) if not c.isalnum())
        if len(chars) < (4 if only_spaces else 3) or not any(c.isalpha() for c in chars):
            continue
        out += [(w[0][1], w[-1][1] + 1, w) for w in _words_of(m) if len(w) > 1]
    if "." not in s:  # most text: no pair to look for
        return out
    ends = [b for _, b in covered]  # in order and apart: the first spelling ending after a pair is the one to check
    pairs = [p for p in _DOTTED_PAIR.finditer(s)
             if (k := bisect_right(ends, p.start())) == len(covered) or p.start() < covered[k][0]]
    if pairs:
        out = sorted(out + [(p.start(), p.end(), [(p.group(0)[0], p.start()), (p.group(0)[2], p.start() + 2)])
                            for p in pairs])
    return out


def _reads_as_written(run: _Run) -> bool:
    """A spelling whose digits are no leet ("Q.1": district 1, "2.0.2.6") reads as written, word by word; it
    still counts towards money ("5.0.0.k")."""
    return any(c.isdigit() for c in deleet("".join(c for c, _ in run[2])))


_GAP = frozenset(" \t.-_*·'+|/")  # what separates the letters of a spelling (as in _OBFUSCATED)


def _single_letter(s: str, at: int, step: int) -> int | None:
    """Where a letter standing alone lies 1-3 separators from `at` (step -1: before it, +1: after it), else None:
    the "T" of "D.I.T M.E", the "V" of "E.M V.A.Y", the "ở" of "A.I ở"; not the "t" of "Tết A.I", the "C" of "O.K. Chế"."""
    k = at
    for _ in range(3):
        k += step
        if not (0 <= k < len(s)) or s[k] not in _GAP:
            break
    if k == at + step or not (0 <= k < len(s)) or not s[k].isalpha():
        return None
    beyond = k + step
    return None if 0 <= beyond < len(s) and (s[beyond].isalnum() or s[beyond] == "_") else k


def _in_spelling(s: str, run: _Run) -> bool:
    """Two letters that are one word of a longer dotted/spaced spelling ("M.E" in "D.I.T M.E", "V.L" in "N.G.U
    V.L", "E.M" in "C H O E.M"): beside a letter that is itself one of a spelling, not a word of one letter ("A.I ở
    Việt Nam", "Ừ A.I à") nor a word ("Tết A.I", "A.I 2026", "D.C tham quan"): those are a pair standing alone."""
    if len(run[2]) != 2:
        return False
    for step, at in ((-1, run[0]), (1, run[1] - 1)):
        k = _single_letter(s, at, step)
        if k is not None and _single_letter(s, k, step) is not None:
            return True
    return False


def _known_capitals(s: str, run: _Run) -> tuple[str, ...] | None:
    """The reading of dotted capitals as a known acronym or initials (classifier.acronyms), or None. Two capitals
    inside a longer spelling in capitals are a word of the dodge unless acronyms.tsv lists them ("C.A")."""
    letters = "".join(c for c, _ in run[2])
    if not is_capitals(letters) or (_in_spelling(s, run) and letters.lower() not in load_acronyms()):
        return None
    return acronym(letters)


def _capitals(s: str, run: _Run) -> list[tuple[str, int, int]] | None:
    """The reading of dotted capitals (offsets into the text), or None for a dodged word. A known acronym or
    initials without a vowel read as one word over all their letters (classifier.acronyms: "U.B.N.D" is "ủy ban
    nhân dân", "O.K" "được", "N.K.T" "nkt"); other capitals without diacritics that are a pair standing alone or
    spell a syllable of a single letter are initials, read letter by letter as written, never through teencode
    ("A.I" is "a i", not "anh i"; "U.S.A" neither "u sa" nor "u sao anh"); the rest are dodged words ("V.A.Y" is
    "vay"; two capitals in a longer spelling as before: "M.E" of "D.I.T M.E" is "me", "V.L" of "N.G.U V.L" teencode's
    "vãi lồn")."""
    letters = "".join(c for c, _ in run[2])
    if not is_capitals(letters):
        return None
    known = _known_capitals(s, run)
    if known is not None:
        return [(w, run[2][0][1], run[2][-1][1] + 1) for w in known]
    if len(letters) == 2:
        if not _in_spelling(s, run):
            return [(c.lower(), k, k + 1) for c, k in run[2]]
        if letters.lower() in load_teencode():
            return None
    if any(len(syl) == 1 for syl in syllabify(letters.lower())):
        return [(c.lower(), k, k + 1) for c, k in run[2]]
    return None


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
        parts.append(deleet("".join(c for c, _ in chars)))  # one character for one: `where` stays aligned
        where.extend(k for _, k in chars)
        bounds.append((at, len(where)))
        pos = end
    parts.append(s[pos:])
    where.extend(range(pos, len(s)))
    undone = "".join(parts)
    starts = [x for x, _ in bounds]  # the runs are in order and apart: a bisection finds those a match touches
    out = []
    for m in MONEY.finditer(undone):
        a, b = m.span()
        first = bisect_right(starts, a) - 1  # the last run starting at or before `a` may reach into the match
        if first < 0 or bounds[first][1] <= a:
            first += 1
        last = bisect_left(starts, b) - 1  # the last run starting before the match ends
        if first <= last and bounds[first][0] >= a and bounds[last][1] <= b:
            out.append((where[a], where[b - 1] + 1))
    return out


def _outside(runs: list[_Run], spans: list[tuple[int, int]]) -> list[_Run]:
    """The runs not inside one of `spans` (both in order, the spans apart), in one pass over both."""
    out, k = [], 0
    for run in runs:
        while k < len(spans) and spans[k][1] <= run[0]:
            k += 1
        if not (k < len(spans) and spans[k][0] <= run[0] and run[1] <= spans[k][1]):
            out.append(run)
    return out


def plain_segment(s: str, base: int, out: list[tuple[str, int, int]]) -> None:
    """Words of a stretch without typed tokens, undoing spaced/dotted spellings first (and reading money that
    only shows once they are undone)."""
    runs = _runs(s)
    if not runs:
        read_words(s, base, out)
        return
    money = _dodged_money(s, runs)
    pieces: list[tuple[int, int, list[tuple[str, int]] | None]] = [(a, b, None) for a, b in money]
    pieces += [r for r in _outside(runs, money) if not _reads_as_written(r)]
    pos = 0
    for start, end, chars in sorted(pieces, key=lambda p: p[0]):
        read_words(s[pos:start], base + pos, out)
        if chars is None:
            out.append((MONEY_TOKEN, base + start, base + end))
        elif (capitals := _capitals(s, (start, end, chars))) is not None:
            out.extend((w, base + a, base + b) for w, a, b in capitals)
        else:
            # one character for one, so `chars` still gives each letter's offset ("İ".lower() is "i" + U+0307)
            joined = deleet("".join(c.lower()[0] for c, _ in chars))
            k = 0
            for syl in syllabify(joined):
                a, b = base + chars[k][1], base + chars[k + len(syl) - 1][1] + 1
                k += len(syl)
                for piece in normalize_word(syl):
                    out.append((piece, a, b))
        pos = end
    read_words(s[pos:], base + pos, out)


def deobfuscate(text: str) -> str:
    """Only undo spaced/dotted/leet spellings, keeping everything else: "l.ừ.a đ.ả.o" → "lừa đảo"."""
    s = nfc(text)
    out: list[str] = []
    pos = 0
    for run in _runs(s):
        word = deleet("".join(c for c, _ in run[2]))
        known = _known_capitals(s, run) is not None  # joined as written: "U.B.N.D" → "UBND"
        if _reads_as_written(run) or (not known and _capitals(s, run) is not None):
            continue  # initials read letter by letter stay as written: "U.S.A"
        out.append(s[pos : run[0]])
        if known:
            out.append(word)
            pos = run[1]
            continue
        pieces, k = [], 0
        for syl in syllabify("".join(c.lower()[0] for c in word)):  # cut as lower case, kept as written
            pieces.append(word[k : k + len(syl)])
            k += len(syl)
        out.append(" ".join(pieces))
        pos = run[1]
    out.append(s[pos:])
    return WORD.sub(lambda m: deleet(m.group(0)), "".join(out))
