"""Canonical URLs: one spelling per page, so a page is stored once however it was linked.

Lower-case scheme and host, no `www.`, no fragment, no tracking parameters (utm_*, fbclid, Zalo's zarsrc/gidzl, ...),
remaining query parameters sorted, default ports dropped. The scheme is kept as given: small portals
often serve only one of http/https, and the stored `url` is what was actually fetched.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

ALLOWED_SCHEMES = ("http", "https")
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_")
# Zalo appends zarsrc and gidzl to every link shared in a chat (with utm_*), Facebook fbclid or mibextid: the
# way most Vietnamese readers pass a story on, so one story must not become one item per app it went through
_TRACKING = {"fbclid", "gclid", "dclid", "msclkid", "yclid", "zalo_source", "zarsrc", "gidzl", "mibextid",
             "fb_action_ids", "fb_action_types", "fb_source", "fb_ref", "ttclid", "twclid", "_gl", "ref", "ref_src",
             "igshid", "_ga", "cmpid", "spm", "from", "share", "s_cid", "mkt_tok"}


def canonical_url(url: str) -> str:
    """The canonical spelling of `url` (see the module docstring)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    path = quote(unquote(parts.path or "/"), safe="/%:@!$&'()*+,;=-._~")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k.lower() not in _TRACKING and not k.lower().startswith(_TRACKING_PREFIXES)]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


def is_crawlable(url: str) -> bool:
    """An absolute http(s) URL with a host and a usable port. A malformed one (`http://[x`, a port out of
    range) is not: urllib raises on it, and one such link must not stop the feed or page that lists it."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number 0-65535
    except ValueError:
        return False
    return parts.scheme.lower() in ALLOWED_SCHEMES and bool(parts.hostname)


def looks_like_web_link(href: str) -> bool:
    """Meant as an http(s) link (absolute, or relative to the page), as opposed to mailto:, javascript:, tel: ..."""
    scheme = href.partition(":")[0].lower() if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", href) else ""
    return scheme in ("", *ALLOWED_SCHEMES)


def join_url(base: str, href: str) -> str | None:
    """`href` made absolute against `base`, or None when it is malformed (urljoin raises on `http://[x`)."""
    try:
        return urljoin(base, href.strip())
    except ValueError:
        return None


def is_private_address(address: str) -> bool:
    """True for an IP address a crawl must not connect to unless private hosts are allowed: loopback,
    private, link-local (169.254.169.254, the cloud metadata service), shared (100.64/10), reserved,
    unspecified and multicast addresses, also written as IPv4-mapped IPv6 (::ffff:127.0.0.1). A string that
    is not an address counts as private: refusing is the safe answer."""
    try:
        addr = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone (fe80::1%eth0) is not part of it
    except ValueError:
        return True
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return (not addr.is_global or addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_reserved
            or addr.is_multicast or addr.is_unspecified)


def literal_address(host: str) -> str | None:
    """`host` itself when it is an IP address as written in a URL (127.0.0.1, ::1), else None. Other spellings
    the resolver accepts (127.1, 2130706433) are names here; the resolver turns them into addresses."""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def is_private_host(host: str) -> bool:
    """True when `host` (a name or an address) resolves to an address `is_private_address` refuses.

    Only an early check: a name can resolve differently when the connection is made (DNS rebinding). What
    protects a download is the check on the address actually connected to, `crawler.netguard`."""
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return False  # unresolvable: the download itself will fail and be recorded
    return any(is_private_address(str(info[4][0])) for info in infos)


_AMP_PATH = re.compile(r"(?:^|/)amp(?:/|$)|[./-]amp(?:\.html?)?$", re.IGNORECASE)


def is_amp_url(url: str) -> bool:
    """Whether `url` is written the way AMP copies of articles are: an `/amp/` path segment (or a path ending in
    `/amp`, `.amp`, `-amp.html`), an `amp` query parameter (`?amp`, `?amp=1`) or an `amp.` host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    query = [(k.lower(), v.lower()) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return (host.startswith("amp.") or bool(_AMP_PATH.search(parts.path))
            or any(k == "amp" or (k in ("outputtype", "output", "format") and v == "amp") for k, v in query))


def _netloc(url: str) -> str:
    return urlsplit(canonical_url(url)).netloc


def same_site_canonical(fetched: str, href: str) -> str | None:
    """The address an AMP page's `<link rel="canonical">` names, made absolute, when it is the same site as the
    page was fetched from: the same host (port included, `www.` aside) or that host without its `amp.` label.
    None for another site (a page must not be able to file itself under someone else's address), for a site's
    home page (a CMS that names its home page as every page's canonical would make all articles one), for a
    canonical that is itself an AMP address or the fetched address, and for one that is not an http(s) URL."""
    absolute = join_url(fetched, href) if href.strip() else None
    if absolute is None or not is_crawlable(absolute) or is_amp_url(absolute):
        return None
    try:
        mine, theirs = _netloc(fetched), _netloc(absolute)
    except ValueError:
        return None
    if theirs not in (mine, mine.removeprefix("amp.")):
        return None
    target = canonical_url(absolute)
    if urlsplit(target).path in ("", "/") and not urlsplit(target).query or target == canonical_url(fetched):
        return None
    return absolute
