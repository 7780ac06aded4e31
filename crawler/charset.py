"""From a page's bytes to its text: which charset it is really in.

Pages are read as UTF-8 when they are (whatever a Western charset they declare says), else in their declared
charset (unless a Western one is declared over Windows-1258 Vietnamese), else as Windows-1258 (what older
Vietnamese portals use); Vietnamese typed in a legacy font encoding (TCVN3, VNI) is converted to Unicode, and
the text comes out NFC-normalised, since Vietnamese text arrives in NFD too. Feeds (`repair_utf8`) and pages
(`crawler.extract`, `crawler.spiders`) share this decision.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from html.entities import name2codepoint

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from classifier import legacy_encoding


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _legacy_bytes(err: UnicodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 inside a UTF-8 page are read as Windows-1258 (a page
    assembled from a UTF-8 template and old Windows-1258 content) instead of becoming U+FFFD."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    return err.object[err.start:err.end].decode("cp1258", errors="replace"), err.end


codecs.register_error("canhgac-cp1258", _legacy_bytes)
# Charsets a server or template declares by default (Apache's ISO-8859-1, an editor's Windows-1252) while the
# page is really UTF-8: a body that is valid UTF-8 is read as UTF-8 whatever one of these says.
_ASCII_COMPATIBLE = {"utf-8", "ascii", "cp1250", "cp1252", "cp1258", "latin-1", "iso8859-15", "cp874"}
_XML_ENCODING = re.compile(rb"""\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str | None]:
    """The page's text (NFC) and, when its bytes were damaged, a note saying how they were read.

    A byte-order mark wins; then a body that is valid UTF-8 is UTF-8 (whatever a Western charset declared);
    then a declared charset (header, then <meta>), except that Windows-1258 Vietnamese declared as
    ISO-8859-1/15 or Windows-1252 (Apache's default) is read as Windows-1258, with a note; else a page mostly
    in UTF-8 is UTF-8 with its stray bytes read as Windows-1258, and anything else is Windows-1258 (what older
    Vietnamese portals use).
    Vietnamese typed in a legacy font encoding (TCVN3 ".VnTime", VNI "VNI-Times") is converted to Unicode."""
    text, note = _decode_html(body, content_type)
    hint = legacy_encoding.font_hint(text)  # a page styled with a .Vn* / VNI-* font: a strong hint
    if not text.isascii() and (read_bom(body)[0] is None and _single_byte(body, content_type)):
        # the legacy bytes as the font's author saw them (Windows-1252), not as Windows-1258 re-read them
        western = body.decode("cp1252", errors="canhgac-latin1")
        if legacy_encoding.detect(western, hint=hint):
            return nfc(legacy_encoding.to_unicode(_latin1_references(western), hint=hint)), note
    if legacy_encoding.detect(text, hint=hint):
        return nfc(legacy_encoding.to_unicode(_latin1_references(text), hint=hint)), note
    return text, note


_REFERENCE = re.compile(r"&(?:#(\d{2,3})|#[xX]([0-9a-fA-F]{2})|([A-Za-z]{2,8}));")


def _latin1_references(html: str) -> str:
    """Character references to Latin-1 letters and signs ("&#181;", "&micro;") in a legacy-encoded page stand
    for legacy codes too: written out, so they are converted with the rest."""
    def char(m: re.Match[str]) -> str:
        cp = int(m[1]) if m[1] else int(m[2], 16) if m[2] else name2codepoint.get(m[3], -1)
        return chr(cp) if 0xA1 <= cp <= 0xFF else m[0]
    return _REFERENCE.sub(char, html)


def _single_byte(body: bytes, content_type: str | None) -> bool:
    """The page was read in a Western single-byte charset (declared, or the Windows-1258 fallback)."""
    declared = _codec(http_content_type_encoding(content_type or "") or html_body_declared_encoding(body[:4096]))
    if declared is not None and declared not in _ASCII_COMPATIBLE:
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _latin1_bytes(err: UnicodeError) -> tuple[str, int]:
    """Codec error handler: the five bytes Windows-1252 leaves undefined read as Latin-1."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    return err.object[err.start:err.end].decode("latin-1"), err.end


codecs.register_error("canhgac-latin1", _latin1_bytes)


def _decode_html(body: bytes, content_type: str | None) -> tuple[str, str | None]:
    bom, bom_bytes = read_bom(body)
    if bom and bom_bytes:
        return nfc(body[len(bom_bytes):].decode(bom, errors="replace")), None
    declared = _codec(http_content_type_encoding(content_type or "") or html_body_declared_encoding(body[:4096]))
    if declared is None or declared in _ASCII_COMPATIBLE:
        try:
            return nfc(body.decode("utf-8")), None
        except UnicodeDecodeError:
            pass
    if declared in _WESTERN and _reads_as_vietnamese(body, declared):
        return (nfc(body.decode("cp1258", errors="replace")),
                f"khai báo {_WESTERN[declared]} nhưng nội dung là tiếng Việt Windows-1258, đã đọc theo Windows-1258")
    if declared is not None and declared != "utf-8":
        return nfc(body.decode(declared, errors="replace")), None
    loose = body.decode("utf-8", errors="replace")
    bad = loose.count("\ufffd")
    non_ascii = len(loose) - len(loose.encode("ascii", "ignore"))  # counted in C: a 10 MB page stays fast
    if non_ascii - bad > bad:  # more good multi-byte characters than broken ones
        return (nfc(body.decode("utf-8", errors="canhgac-cp1258")),
                f"{bad} chuỗi byte không phải UTF-8, đã đọc theo Windows-1258")
    note = "khai báo UTF-8 nhưng không phải UTF-8, đã đọc theo Windows-1258" if declared == "utf-8" else None
    return nfc(body.decode("cp1258", errors="replace")), note


# Western charsets a server or template declares by default over old Windows-1258 Vietnamese pages (w3lib reads
# ISO-8859-1 and ASCII labels as Windows-1252), with the name an officer knows them by
_WESTERN = {"cp1252": "ISO-8859-1/Windows-1252", "iso8859-1": "ISO-8859-1", "iso8859-15": "ISO-8859-15"}
_WORD = re.compile(r"[A-Za-z\x8a\x8c\x8e\x9a\x9c\x9e\x9f\xc0-\xd6\xd8-\xf6\xf8-\xff]+")  # letters, in latin-1
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_VOWELS = set("aăâeêioôơuưy")
# a Vietnamese syllable without its tone: initial consonant, then a rhyme (vowels and a final consonant). c, g, ng
# are not written before e ê (c, ng not before i either: k, gh, ngh are, and only there); p starts loanwords only.
_SYLLABLE = re.compile(r"""
    (?: (?:c|ng)(?![eêi]) | g(?![eê]) | (?:k|gh|ngh)(?=[eêiy]) | ch|gi|kh|nh|ph|qu|th|tr|[bdđhlmnrstvx] )?
    (?: a(?:ch|nh|ng|[cmnptiouy])? | ă(?:ng|[cmnpt]) | â(?:ng|[cmnptuy]) | e(?:ng|[cmnpto])? | ê(?:ch|nh|[cmnptu])?
      | i(?:ch|nh|[cmnptua]|ê(?:ng|[cmnptu]))? | o(?:ng|[cmnpti]|a(?:ch|nh|ng|[cmnptiouy])?|ă(?:ng|[cmnpt])|e(?:[cmnpto])?
      |o(?:ng|[cmnpt]))? | ô(?:ng|[cmnpti])? | ơ(?:[cmnpti])?
      | u(?:ng|[cmnptia]|ô(?:ng|[cmnpti])|y(?:ch|nh|[cntau]|ê(?:[nt]))?|â(?:ng|[cmnpty])|ơ|ê(?:ch|nh|[cmnpt])?|e)?
      | ư(?:ng|[cmnptiua]|ơ(?:ng|[cmnptiu]))? | y(?:ê(?:ng|[cmnptu]))? )
    """, re.VERBOSE)


def _vietnamese_syllable(word: str) -> bool:
    """A word Vietnamese spelling allows: one syllable, at most one tone mark, on a vowel."""
    tones = 0
    previous = ""
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            tones += 1
            if unicodedata.normalize("NFC", previous) not in _VOWELS:
                return False
        elif unicodedata.combining(ch):
            previous += ch
        else:
            previous = ch
    bare = unicodedata.normalize("NFC", "".join(ch for ch in unicodedata.normalize("NFD", word.lower())
                                                if ch not in _TONES))
    return tones <= 1 and _SYLLABLE.fullmatch(bare) is not None


def _reads_as_vietnamese(body: bytes, declared: str) -> bool:
    """Whether a page declared in a Western charset is Windows-1258 Vietnamese: the two code pages differ in a
    few bytes only (Windows-1258's tone marks 0xCC 0xD2 0xDE 0xEC 0xF2 and ă ơ ư đ ₫ where Windows-1252 has
    Ì Ò Þ ì ò ã õ ý ð þ ...), so the words holding such bytes decide: read as Windows-1258, nearly all of them
    must be Vietnamese syllables (Portuguese "não", Italian "può", Icelandic "það" are not)."""
    table = bytes(range(0x80, 0x100))
    differ = {chr(b) for b, x, y in zip(table, table.decode("cp1258", "replace"), table.decode(declared, "replace"),
                                        strict=True) if x != y}
    vietnamese = other = 0
    seen: set[str] = set()
    for m in _WORD.finditer(body[:1 << 19].decode("latin-1")):  # half a megabyte is evidence enough
        word = m[0]
        if word in seen or differ.isdisjoint(word):
            continue
        seen.add(word)
        if _vietnamese_syllable(word.encode("latin-1").decode("cp1258", errors="replace")):
            vietnamese += 1
        else:
            other += 1
    return vietnamese >= 2 and vietnamese >= 3 * other


def decode_body(body: bytes, content_type: str | None) -> str:
    """`decode_html` without the note."""
    return decode_html(body, content_type)[0]


def repair_utf8(body: bytes, content_type: str | None = None) -> tuple[bytes, str | None]:
    """An XML document (a feed) that declares UTF-8, or no encoding, but is not valid UTF-8: re-encoded as UTF-8
    the way `decode_html` reads it, with its note; anything else unchanged. Without this feedparser reads the
    whole feed, links included, in a Western charset because of one bad byte. A charset in the HTTP
    `content_type` other than UTF-8 (feedparser honours it, RFC 3023) leaves the body to feedparser too."""
    if read_bom(body)[0]:
        return body, None
    header = _codec(http_content_type_encoding(content_type or ""))
    if header is not None and header != "utf-8":
        return body, None
    m = _XML_ENCODING.match(body[:200])
    if m and _codec(m.group(1).decode("ascii")) != "utf-8":
        return body, None
    try:
        body.decode("utf-8")
        return body, None
    except UnicodeDecodeError:
        pass
    text, note = decode_html(body, "application/xml; charset=utf-8")
    return text.encode("utf-8"), note
