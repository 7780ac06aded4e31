"""Refuses requests a monitoring crawler must never make: non-http(s) schemes and, unless allowed,
private/loopback hosts (a listing page must not be able to point us at the office's own network).

Names are not resolved here: the address a download connects to is checked where it is resolved, by
`crawler.netguard.PublicOnlyResolver` (a check here would resolve the name a second time, and DNS
rebinding makes the two answers differ). `RequestGuard` (first of the downloader middlewares) refuses literal
private addresses before any connection and says why a name was refused. `SentRequestGuard` (last, after Scrapy's
HttpProxyMiddleware) checks names itself where the resolver cannot: a request that goes through a proxy (the
proxy resolves its name), and one that connects directly to a configured proxy's own host and port (which the
resolver lets through, as it cannot tell it from a connection to the proxy). It decides by the request as it will
be sent (`request.meta["proxy"]`), never by the environment: Scrapy keeps a request's proxy on a redirect to the
same scheme even to a `no_proxy` host, and drops it on a redirect to another scheme.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from twisted.internet.error import DNSLookupError

from crawler.netguard import (
    ALLOW_SETTING,
    DEFAULT_PORTS,
    REFUSED,
    PrivateAddressError,
    is_allowed,
    proxy_hosts,
    public_addresses,
    refusal,
)
from crawler.urls import ALLOWED_SCHEMES, is_private_address, literal_address
from review.link_local import host_address, is_never_fetched

logger = logging.getLogger(__name__)


class RequestGuard:
    """Before anything else (robots.txt included): the scheme, literal private addresses, names refused already."""

    def __init__(self, allow_private_hosts: bool) -> None:
        self.allow_private_hosts = allow_private_hosts

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequestGuard:
        return cls(crawler.settings.getbool(ALLOW_SETTING, False))

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
        if (address := literal_address(host)) is not None and is_private_address(address):
            raise IgnoreRequest(refusal(host, address))

    def process_exception(self, request: Request, exception: Exception) -> None:
        """A download refused by the resolver fails as a DNS error ("no results for hostname lookup", as
        Scrapy's CannotResolveHostError or Twisted's DNSLookupError): record why instead."""
        if not isinstance(exception, (CannotResolveHostError, DNSLookupError)):
            return
        host = (urlsplit(request.url).hostname or "").lower()
        if (address := REFUSED.get(host)) is not None:
            raise IgnoreRequest(refusal(host, address))


class SentRequestGuard:
    """Last before the download, after HttpProxyMiddleware set or dropped `request.meta["proxy"]`: checks the
    name of a request the resolver will not see (it goes through a proxy) or will let through (it connects
    directly to a configured proxy's host and port). Link-local and cloud metadata addresses always, other
    private ones unless `allow_private_hosts`. Behind a proxy only beforehand, as well as can be: the proxy
    resolves the name again (block private ranges on the proxy too)."""

    def __init__(self, allow_private_hosts: bool, proxy_endpoints: frozenset[str] = frozenset()) -> None:
        self.allow_private_hosts = allow_private_hosts
        self.proxy_endpoints = proxy_endpoints  # `proxy_hosts()`: what the resolver lets through

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SentRequestGuard:
        return cls(crawler.settings.getbool(ALLOW_SETTING, False), proxy_hosts())

    def process_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        host = parts.hostname or ""
        if not host:
            return
        if request.meta.get("proxy"):
            port = 0  # the proxy connects, to whatever port: the name's addresses are what counts
        else:
            try:
                port = parts.port or DEFAULT_PORTS.get(parts.scheme, 0)
            except ValueError:
                return  # no download will connect anywhere
            if not is_allowed(self.proxy_endpoints, host, port):
                return  # a direct connection: the resolver checks the address it connects to
        try:
            public_addresses(host, port, self.allow_private_hosts)
        except PrivateAddressError as exc:
            REFUSED[host.lower()] = exc.address
            logger.warning("not connecting: %s", exc)
            raise IgnoreRequest(str(exc)) from None
        except (OSError, UnicodeError):
            pass  # unknown here: the proxy resolves it, and reports what it cannot


def asked_url(request: Request) -> str:
    """The address a request was first made for, before any redirect: the one the source configured, or a feed or
    listing linked to. A redirect loop's error names it (`crawler.spiders.base.SourceSpider.on_error`), not the
    loop's last address, which the officer never wrote and cannot find in the configuration."""
    redirected: list[str] = request.meta.get("redirect_urls") or []
    return redirected[0] if redirected else request.url
