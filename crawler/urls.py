"""Canonical URLs: one spelling per page, so a page is stored once however it was linked.

Lower-case scheme and host, no `www.`, no fragment, no tracking parameters (utm_*, fbclid, ...),
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
_TRACKING = {"fbclid", "gclid", "dclid", "msclkid", "yclid", "zalo_source", "ref", "ref_src", "igshid",
             "_ga", "cmpid", "spm", "from", "share", "s_cid", "mkt_tok"}


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


def is_private_host(host: str) -> bool:
    """True for loopback, private, link-local and reserved addresses (resolving names first)."""
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return False  # unresolvable: the download itself will fail and be recorded
    for info in infos:
        addr = ipaddress.ip_address(info[4][0])
        if addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_reserved or addr.is_multicast:
            return True
    return False
