"""Look-alike letters that dodge filters, folded to the plain letters they imitate.

"𝐂𝐡𝐮𝐲ể𝐧 𝐤𝐡𝐨ả𝐧" (mathematical bold), "ＣＨＵＹỂＮ" (fullwidth), "ⓒⓗⓤⓨểⓝ" (circled), "ᴄʜᴜʏểɴ" (small capitals),
"500ᵏ" (modifier letters) and "сhuyển" (a Cyrillic "с" inside a Latin word) all read as "chuyển" to a person.
Every fold maps ONE code point to ONE code point, so offsets into the folded text are offsets into the text as
written. Ordinary text is left exactly as it was: superscript digits ("m²"), the ellipsis, no-break spaces and
other compatibility characters that ordinary Vietnamese text uses are not folded (full NFKC would change them),
and Cyrillic or Greek letters are folded only inside a word that also has Latin letters and only when all of
that word's non-Latin letters have a Latin twin ("Москва", "Сом" stay as they are).
"""

from __future__ import annotations

import re
import unicodedata


def _single_ascii_alnum(ch: str) -> str | None:
    """The ASCII letter or digit `ch` is a compatibility form of (NFKC), else None."""
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 and folded.isascii() and folded.isalnum() else None


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    ranges = (
        (0x1D400, 0x1D7FF),  # mathematical alphanumerics: bold, italic, script, fraktur, double-struck, monospace
        (0x24B6, 0x24EA),  # circled letters Ⓐ–ⓩ and ⓪
        (0x2460, 0x2468),  # circled digits ①–⑨
        (0x1D2C, 0x1D6A),  # modifier (superscript) letters ᴬ, ᵃ, ᵏ ...
        (0x1D9C, 0x1DBF),  # modifier letters ᶜ, ᶠ, ᶻ ...
        (0x02B0, 0x02B8),  # modifier letters ʰ, ʲ, ʳ, ʷ, ʸ
        (0x02E1, 0x02E3),  # modifier letters ˡ, ˢ, ˣ
        (0x2071, 0x2071),  # superscript i
        (0x207F, 0x207F),  # superscript n
        (0x2090, 0x209C),  # subscript letters ₐ ...
        (0x1F130, 0x1F149),  # squared Latin capitals 🄰 ...
    )
    for lo, hi in ranges:
        for cp in range(lo, hi + 1):
            plain = _single_ascii_alnum(chr(cp))
            if plain is not None:
                table[cp] = plain
    for cp in range(0xFF01, 0xFF5F):  # fullwidth ASCII: letters, digits and punctuation
        table[cp] = chr(cp - 0xFEE0)
    for k in range(26):  # letters NFKC leaves alone: parenthesized ⒜, negative circled 🅐, negative squared 🅰
        table[0x249C + k] = chr(0x61 + k)
        table[0x1F150 + k] = chr(0x41 + k)
        table[0x1F170 + k] = chr(0x41 + k)
    for base in (0x2776, 0x2780, 0x278A):  # dingbat circled digits ❶ ➀ ➊
        for k in range(9):
            table[base + k] = chr(0x31 + k)
    table[0x24FF] = "0"  # ⓿
    small_caps = "ᴀa ʙb ᴄc ᴅd ᴇe ꜰf ɢg ʜh ɪi ᴊj ᴋk ʟl ᴍm ɴn ᴏo ᴘp ʀr ꜱs ᴛt ᴜu ᴠv ᴡw ʏy ᴢz"
    for pair in small_caps.split():
        table[ord(pair[0])] = pair[1]
    return table


_TABLE = _build_table()


def _char_class(cps: list[int]) -> str:
    """A regex character class of the code points, as ranges (one per run: far faster to search than a list)."""
    parts, cps = [], sorted(cps)
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        parts.append(re.escape(chr(cps[i])) + ("-" + re.escape(chr(cps[j])) if j > i else ""))
        i = j + 1
    return "[" + "".join(parts) + "]"


_ANY = re.compile(_char_class(list(_TABLE)))
# 🅰️ 🅱️ 🅾️ 🅿️ with the emoji variation selector are emoji (blood groups, parking), not letters
_EMOJI_LETTER = re.compile("([\U0001F170\U0001F171\U0001F17E\U0001F17F])(?=\uFE0F)")

# Cyrillic and Greek letters that look like a Latin letter (same case).
_HOMOGLYPHS = {
    **dict(zip("аеорсухіјѕԁһԛԝ", "aeopcyxijsdhqw", strict=True)),
    **dict(zip("АВЕКМНОРСТХІЈЅ", "ABEKMHOPCTXIJS", strict=True)),
    **dict(zip("οαιν", "oaiv", strict=True)),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
}
_HOMOGLYPH = re.compile(_char_class([ord(c) for c in _HOMOGLYPHS]))
_RUN = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")  # a word's letters, with any combining marks (NFD input)


def _latin(ch: str) -> bool:
    cp = ord(ch)
    return ch.isalpha() and (cp < 0x250 or 0x1E00 <= cp <= 0x1EFF)


def _fold_homoglyphs(m: re.Match[str]) -> str:
    word = m.group(0)
    if not _HOMOGLYPH.search(word) or not any(_latin(c) for c in word):
        return word
    if any(c.isalpha() and not _latin(c) and c not in _HOMOGLYPHS for c in word):
        return word  # a real Cyrillic/Greek letter: a foreign word, not a disguised Latin one
    return "".join(_HOMOGLYPHS.get(c, c) for c in word)


def fold_lookalikes(text: str) -> str:
    """`text` with look-alike letters and digits replaced by the plain ones; same length, so offsets carry over."""
    if _ANY.search(text):
        emoji = [m.start() for m in _EMOJI_LETTER.finditer(text)]
        folded = text.translate(_TABLE)
        if emoji:
            chars = list(folded)
            for i in emoji:
                chars[i] = text[i]
            folded = "".join(chars)
        text = folded
    if _HOMOGLYPH.search(text):
        text = _RUN.sub(_fold_homoglyphs, text)
    return text
