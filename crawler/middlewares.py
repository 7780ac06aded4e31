"""Refuses requests a monitoring crawler must never make: non-http(s) schemes and, unless allowed,
private/loopback hosts (a listing page must not be able to point us at the office's own network).

Names are not resolved here: the address a download connects to is checked where it is resolved, by
`crawler.netguard.PublicOnlyResolver` (a check here would resolve the name a second time, and DNS
rebinding makes the two answers differ). This middleware refuses literal private addresses before any
connection, checks names itself only when a proxy will resolve them, and says why a name was refused.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from twisted.internet.error import DNSLookupError

from crawler.netguard import (
    ALLOW_SETTING,
    REFUSED,
    PrivateAddressError,
    public_addresses,
    refusal,
)
from crawler.urls import ALLOWED_SCHEMES, is_private_address, literal_address
from review.link_local import host_address, is_never_fetched

logger = logging.getLogger(__name__)


class RequestGuard:
    def __init__(self, allow_private_hosts: bool, proxied_schemes: frozenset[str] = frozenset()) -> None:
        self.allow_private_hosts = allow_private_hosts
        self.proxied_schemes = proxied_schemes  # schemes Scrapy's HttpProxyMiddleware sends to a proxy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequestGuard:
        settings = crawler.settings
        proxied = frozenset(s for s in getproxies() if s in ALLOWED_SCHEMES) if settings.getbool("HTTPPROXY_ENABLED") \
            else frozenset()
        return cls(settings.getbool(ALLOW_SETTING, False), proxied)

    def process_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ALLOWED_SCHEMES:
            raise IgnoreRequest(f"scheme {parts.scheme!r} is not crawled (only http/https)")
        host = parts.hostname or ""
        if (address := REFUSED.get(host.lower())) is not None:
            # the resolver refused this name in this crawl already: its retry, and its other pages, are not
            # tried again (remembering a refusal only ever refuses more, so rebinding cannot exploit it)
            raise IgnoreRequest(refusal(host, address))
        if (address := host_address(host)) is not None and is_never_fetched(address):
            raise IgnoreRequest(refusal(host, address))  # even with allow_private_hosts (`review.link_local`)
        if self.allow_private_hosts:
            return
        if (address := literal_address(host)) is not None:
            if is_private_address(address):
                raise IgnoreRequest(refusal(host, address))
        elif parts.scheme in self.proxied_schemes and not proxy_bypass(host):
            try:  # the proxy resolves the name, not our resolver: checked here, as well as can be
                public_addresses(host, 0)
            except PrivateAddressError as exc:
                raise IgnoreRequest(str(exc)) from None
            except (OSError, UnicodeError):
                pass  # the proxy will report it

    def process_exception(self, request: Request, exception: Exception) -> None:
        """A download refused by the resolver fails as a DNS error ("no results for hostname lookup", as
        Scrapy's CannotResolveHostError or Twisted's DNSLookupError): record why instead."""
        if not isinstance(exception, (CannotResolveHostError, DNSLookupError)):
            return
        host = (urlsplit(request.url).hostname or "").lower()
        if (address := REFUSED.get(host)) is not None:
            raise IgnoreRequest(refusal(host, address))


def asked_url(request: Request) -> str:
    """The address a request was first made for, before any redirect: the one the source configured, or a feed or
    listing linked to. A redirect loop's error names it (`crawler.spiders.base.SourceSpider.on_error`), not the
    loop's last address, which the officer never wrote and cannot find in the configuration."""
    redirected: list[str] = request.meta.get("redirect_urls") or []
    return redirected[0] if redirected else request.url
