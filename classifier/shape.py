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
from collections.abc import Mapping

SHORTENERS = frozenset({"bit.ly", "tinyurl.com", "slim.link", "go.link", "onelink.to", "s.id", "t.ly", "rb.gy",
                        "cutt.ly", "shorturl.at", "is.gd", "t.co", "goo.gl", "tiny.cc", "rebrand.ly", "shorten.ee"})
_URL = re.compile(r"(?:https?:?//|www\.)?((?:[a-z0-9-]+\s?\.\s?)+([a-z]{2,8}))(?=[/\s\]\)\"',;:!?]|$)(/\S*)?",
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
    """Tokens describing the links, numbers and layout of `text` (one occurrence per kind)."""
    found: list[str] = []
    for m in _URL.finditer(text):
        domain, tld, path = m.group(1), m.group(2), m.group(3)
        if "." not in domain or tld.lower() not in _TLDS and not m.group(0).lower().startswith(("http", "www")):
            continue
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
    for m in _URL.finditer(text):
        domain, tld, path = m.group(1), m.group(2), m.group(3)
        if "." not in domain or tld.lower() not in _TLDS and not m.group(0).lower().startswith(("http", "www")):
            continue
        d = re.sub(r"\s", "", domain.lower())
        name = d[: -len(tld) - 1] if len(d) > len(tld) + 1 else d
        found += [f"url_dom:{p}" for p in _PART_SPLIT.split(name) if len(p) > 1 and p not in _DOMAIN_FILLER]
        found += [f"url_path:{p}" for p in _PART_SPLIT.split((path or "").lower()) if len(p) > 1][:8]
    return list(dict.fromkeys(found))
