"""Signals the normalised syllables lose: what a message's links, numbers and layout look like, and the
light metadata a caller knows about it (e.g. the SMS sender type).

Normalisation turns every URL into `urltok` and every phone number into `phonetok`, which is right for
the n-grams but throws away what tells a phishing SMS from a bank's notice: a random-looking `.top`
domain or a link shortener instead of the bank's own domain, a personal mobile number instead of a
1800 hotline, a bracketed brand tag at the start, text typed without any diacritics. Those become
"shape tokens" (`url_tld_top`, `url_short`, `phone_mobile`, `head_tag`, `noaccent` ...) that the model
reads in a block of its own (see classifier.features.META_SEP); metadata becomes `meta_<key>_<value>`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping

SHORTENERS = frozenset({"bit.ly", "tinyurl.com", "slim.link", "go.link", "onelink.to", "s.id", "t.ly", "rb.gy",
                        "cutt.ly", "shorturl.at", "is.gd", "t.co", "goo.gl", "tiny.cc", "rebrand.ly", "shorten.ee"})
_URL = re.compile(r"(?<![a-z0-9.-])(?:https?:?//|www\.)?((?:[a-z0-9-]+\s?\.\s?)+([a-z]{2,8}))(?=[/\s\]\)\"',;:!?]|$)(/\S*)?",
                  re.IGNORECASE)
_TLDS = frozenset({"com", "vn", "net", "org", "info", "xyz", "top", "club", "site", "online", "shop", "store", "me", "io",
                   "cc", "ly", "link", "app", "live", "vip", "bet", "tk", "ml", "ga", "cf", "gq", "pro", "biz", "asia",
                   "win", "fun", "tech", "icu", "bid", "cyou", "sbs", "cfd", "buzz", "click", "mobi", "work", "rest",
                   "bond", "monster", "today", "cloud", "to", "id", "co", "us", "gl", "ee", "at", "gd", "edu", "gov"})
_COMMON_TLDS = frozenset({"com", "vn", "net", "org", "edu", "gov"})
_IP_URL = re.compile(r"\b(?:https?://)?\d{1,3}(?:\.\d{1,3}){3}\b")
_MOBILE = re.compile(r"(?<![\d.])(?:\+?84|0)[35789](?:[\s.\-]?\d){8}(?!\d)")
_LANDLINE = re.compile(r"(?<![\d.])(?:\+?84|0)2(?:[\s.\-]?\d){9}(?!\d)")
_HOTLINE = re.compile(r"(?<!\d)1([89])00[\s.]?\d{2,4}[\s.]?\d{0,4}(?!\d)")
_SHORTCODE = re.compile(r"\b(?:gửi|gui|gọi|goi|soạn|soan|nhắn|nhan|tới|toi|đến|den)\s+(?:tin\s+)?(?:[a-z0-9_]+\s+){0,3}?"
                        r"(\d{3,5})\b", re.IGNORECASE)
_CODE = re.compile(r"(?<![\d.,])\d{4,8}(?![\d.,])")
_HEAD_TAG = re.compile(r"^\s*[\[(][^\])]{1,30}[\])]")
_HEAD_BRAND = re.compile(r"^\s*[A-Z][A-Za-z0-9&]{1,15}\s*:")
_ACCENTED = re.compile(r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
_EMOJI = re.compile(r"[\U0001F000-\U0001FFFF\u2600-\u27BF]")
_TOKEN_SAFE = re.compile(r"[^a-z0-9]+")


def _urls(text: str) -> Iterator[tuple[re.Match[str], str, str, str | None]]:
    """Each link of `text` as (match, domain, tld, path); bare "word.word" only when its TLD is a known one. A
    domain spaced around its dots ("vietcombank . com", a filter dodge) must be in one case: "nóng. Live" and
    "lại. To" are a sentence ending and the next sentence's capital, not a link."""
    for m in _URL.finditer(text):
        domain, tld, path = m.group(1), m.group(2), m.group(3)
        if "." not in domain or tld.lower() not in _TLDS and not m.group(0).lower().startswith(("http", "www")):
            continue
        if any(ch.isspace() for ch in domain) and domain.lower() != domain and domain.upper() != domain:
            continue
        yield m, domain, tld, path


def _domain_tokens(domain: str, tld: str, path: str | None) -> list[str]:
    d = re.sub(r"\s", "", domain.lower())
    out = ["url"]
    if d in SHORTENERS or any(d.endswith("." + s) for s in SHORTENERS):
        out.append("url_short")
    out.append(f"url_tld_{tld.lower()}" if tld.lower() in _TLDS else "url_tld_other")
    if tld.lower() not in _COMMON_TLDS:
        out.append("url_tld_rare")
    name = d[: -len(tld) - 1] if len(d) > len(tld) + 1 else d
    if "-" in name:
        out.append("url_hyphen")
    if re.search(r"[a-z]\d|\d[a-z]", name):
        out.append("url_digits")
    if any(ch.isspace() for ch in domain):
        out.append("url_spaced")
    if path and len(path) > 1:
        out.append("url_path")
    return out


def shape_tokens(text: str) -> list[str]:
    """Tokens describing the links, numbers and layout of `text` (one occurrence per kind). Kinds, not
    offsets: read on the NFC form, so decomposed (NFD) Vietnamese is not taken for text without diacritics."""
    text = unicodedata.normalize("NFC", text)
    found: list[str] = []
    for _, domain, tld, path in _urls(text):
        found.extend(_domain_tokens(domain, tld, path))
    if _IP_URL.search(text):
        found.append("url_ip")
    if _MOBILE.search(text):
        found.append("phone_mobile")
    if _LANDLINE.search(text):
        found.append("phone_landline")
    for m in _HOTLINE.finditer(text):
        found.append("phone_free" if m.group(1) == "8" else "phone_paid")
    if _SHORTCODE.search(text):
        found.append("shortcode")
    if _CODE.search(text):
        found.append("digits_code")
    if _HEAD_TAG.match(text):
        found.append("head_tag")
    elif _HEAD_BRAND.match(text):
        found.append("head_brand")
    letters = _LETTER.findall(text)
    if len(letters) >= 12:
        if not _ACCENTED.search(text):
            found.append("noaccent")
        upper = sum(ch.isupper() for ch in letters) / len(letters)
        if upper > 0.5:
            found.append("caps_most")
        elif upper > 0.2:
            found.append("caps_some")
    if _EMOJI.search(text):
        found.append("emoji")
    return list(dict.fromkeys(found))


def meta_tokens(meta: Mapping[str, object] | None) -> list[str]:
    """`{"sender_type": "personal_number"}` → ["meta_sender_type_personal_number"]; None and "" are skipped."""
    out = []
    for key, value in sorted((meta or {}).items()):
        if value is None or value == "":
            continue
        v = ("1" if value else "0") if isinstance(value, bool) else str(value)
        out.append("meta_" + _TOKEN_SAFE.sub("_", f"{key}_{v}".lower()).strip("_"))
    return out


_PART_SPLIT = re.compile(r"[^a-z]+")
_DOMAIN_FILLER = frozenset({"www", *_COMMON_TLDS})  # "vcb-online.com.vn": the ".com" says nothing


def url_part_tokens(text: str) -> list[str]:
    """The words inside each link of `text`, which normalisation folds into `urltok`: the domain name's parts
    without its TLD ("https://vietcombank-xacthuc.top/kh" → url_dom:vietcombank, url_dom:xacthuc) and the
    path's (url_path:kh), split on dots, hyphens, slashes and digits; parts of 1 letter are dropped. A brand's
    name inside a domain that is not the brand's own is a classic phishing cue (one occurrence per token)."""
    found: list[str] = []
    for _, domain, tld, path in _urls(text):
        found += _part_tokens(domain, tld, path)
    return list(dict.fromkeys(found))


def _part_tokens(domain: str, tld: str, path: str | None) -> list[str]:
    d = re.sub(r"\s", "", domain.lower())
    name = d[: -len(tld) - 1] if len(d) > len(tld) + 1 else d
    return ([f"url_dom:{p}" for p in _PART_SPLIT.split(name) if len(p) > 1 and p not in _DOMAIN_FILLER]
            + [f"url_path:{p}" for p in _PART_SPLIT.split((path or "").lower()) if len(p) > 1][:8])


_SHAPE_VI = {
    "url": "có liên kết", "url_short": "liên kết rút gọn", "url_tld_rare": "tên miền có đuôi ít gặp",
    "url_tld_other": "tên miền có đuôi lạ", "url_hyphen": "tên miền có gạch nối", "url_digits": "tên miền lẫn chữ số",
    "url_spaced": "liên kết viết tách để né bộ lọc", "url_path": "liên kết có đường dẫn",
    "url_ip": "liên kết bằng địa chỉ IP", "phone_mobile": "số điện thoại di động", "phone_landline": "số máy bàn",
    "phone_free": "tổng đài miễn phí 1800", "phone_paid": "tổng đài thu phí 1900", "shortcode": "đầu số nhắn tin",
    "digits_code": "dãy mã số", "head_tag": "nhãn ở đầu tin", "head_brand": "tên thương hiệu ở đầu tin",
    "noaccent": "cả tin viết không dấu", "caps_most": "gần như toàn bộ viết hoa", "caps_some": "nhiều chữ viết hoa",
    "emoji": "biểu tượng cảm xúc",
}


def describe(token: str) -> str:
    """A shape/link/metadata token in words a moderator reads (Vietnamese)."""
    if token.startswith("url_dom:"):
        return f"tên miền chứa «{token[8:]}»"
    if token.startswith("url_path:"):
        return f"đường dẫn liên kết chứa «{token[9:]}»"
    if token.startswith("url_tld_") and token not in _SHAPE_VI:
        return f"tên miền đuôi .{token[8:]}"
    if token.startswith("meta_"):
        return f"thông tin đi kèm: {token[5:]}"
    return _SHAPE_VI.get(token, token)


def locate_token(token: str, text: str) -> tuple[int, int]:
    """Where in `text` a shape token comes from (see _locate), without surrounding spaces."""
    a, b = _locate(token, text)
    while a >= 0 and b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _locate(token: str, text: str) -> tuple[int, int]:
    """Where in `text` a shape token comes from: the first link, number or tag that produces it; (-1, -1) for
    properties of the whole text (no accents, capitals) and for metadata."""
    m: re.Match[str] | None
    if token.startswith(("url_dom:", "url_path:")) or token == "url" or token.startswith("url_") and token != "url_ip":
        for link, domain, tld, path in _urls(text):
            if token in _domain_tokens(domain, tld, path) or token in _part_tokens(domain, tld, path):
                return link.start(), link.end()
        return -1, -1
    if token in ("phone_free", "phone_paid"):
        m = next((h for h in _HOTLINE.finditer(text) if (h.group(1) == "8") == (token == "phone_free")), None)
        return (m.start(), m.end()) if m else (-1, -1)
    if token == "shortcode":
        m = _SHORTCODE.search(text)
        return (m.start(1), m.end(1)) if m else (-1, -1)
    pattern = {"url_ip": _IP_URL, "phone_mobile": _MOBILE, "phone_landline": _LANDLINE, "digits_code": _CODE,
               "emoji": _EMOJI}.get(token)
    if pattern is not None:
        m = pattern.search(text)
        return (m.start(), m.end()) if m else (-1, -1)
    if token in ("head_tag", "head_brand"):
        m = (_HEAD_TAG if token == "head_tag" else _HEAD_BRAND).match(text)
        return (m.start() + len(m.group(0)) - len(m.group(0).lstrip()), m.end()) if m else (-1, -1)
    return -1, -1
