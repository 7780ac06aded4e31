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

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any
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
    resolves the name again (block private ranges on the proxy too).

    Spelled addresses are read without DNS (`localhost.`, `127.0.0.1.`, `127.1`; `localhost` and `*.localhost` are
    loopback by name, RFC 6761, as the proxy's resolver answers them). A name is looked up once per run (the verdict
    is kept: the proxy resolves it again anyway), in the crawl's event loop off its thread: a slow resolver must
    not stall every download. With `allow_private_hosts` too, where only link-local and cloud metadata addresses
    are refused (`review.link_local`): a name pointing at the metadata service goes nowhere, as documented."""

    def __init__(self, allow_private_hosts: bool, proxy_endpoints: frozenset[str] = frozenset()) -> None:
        self.allow_private_hosts = allow_private_hosts
        self.proxy_endpoints = proxy_endpoints  # `proxy_hosts()`: what the resolver lets through
        self.refused: dict[str, str | None] = {}  # name looked up this run: the refused address it gave, or None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SentRequestGuard:
        return cls(crawler.settings.getbool(ALLOW_SETTING, False), proxy_hosts())

    def process_request(self, request: Request) -> Coroutine[Any, Any, None] | None:
        parts = urlsplit(request.url)
        host = parts.hostname or ""
        if not host:
            return None
        if request.meta.get("proxy"):
            port = 0  # the proxy connects, to whatever port: the name's addresses are what counts
        else:
            try:
                port = parts.port or DEFAULT_PORTS.get(parts.scheme, 0)
            except ValueError:
                return None  # no download will connect anywhere
            if not (is_allowed(self.proxy_endpoints, host, port)
                    or is_allowed(self.proxy_endpoints, host.removesuffix("."), port)):
                return None  # a direct connection: the resolver checks the address it connects to
        name = host.lower().removesuffix(".")  # "localhost." is localhost to every resolver
        if (address := host_address(name)) is not None:  # 127.0.0.1., 127.1, [::1]: no lookup
            if is_never_fetched(address) or (not self.allow_private_hosts and is_private_address(address)):
                self._refuse(host, address)
            return None
        if not self.allow_private_hosts and (name == "localhost" or name.endswith(".localhost")):
            self._refuse(host, "127.0.0.1")
        if name in self.refused:
            if (address := self.refused[name]) is not None:
                self._refuse(host, address)
            return None
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # not in an event loop (another reactor, a direct call): looked up here
            self._verdict(host, name, self._lookup(name, port))
            return None
        return self._lookup_off_thread(host, name, port)

    async def _lookup_off_thread(self, host: str, name: str, port: int) -> None:
        self._verdict(host, name, await asyncio.to_thread(self._lookup, name, port))

    def _lookup(self, name: str, port: int) -> str | None:
        """The refused address `name` resolves to (with `allow_private_hosts`: a never-fetched one), or None
        (allowed, or unknown here: the proxy will say)."""
        try:
            public_addresses(name, port, self.allow_private_hosts)
        except PrivateAddressError as exc:
            return exc.address
        except (OSError, UnicodeError):
            pass  # unknown here: the proxy resolves it, and reports what it cannot
        return None

    def _verdict(self, host: str, name: str, address: str | None) -> None:
        self.refused[name] = address
        if address is not None:
            self._refuse(host, address)

    def _refuse(self, host: str, address: str) -> None:
        REFUSED[host.lower()] = address
        message = refusal(host, address)
        logger.warning("not connecting: %s", message)
        raise IgnoreRequest(message)


def asked_url(request: Request) -> str:
    """The address a request was first made for, before any redirect: the one the source configured, or a feed or
    listing linked to. A redirect loop's error names it (`crawler.spiders.base.SourceSpider.on_error`), not the
    loop's last address, which the officer never wrote and cannot find in the configuration."""
    redirected: list[str] = request.meta.get("redirect_urls") or []
    return redirected[0] if redirected else request.url
