"""Private addresses are refused where the connection is made, on the address actually connected to.

A check that resolves a name and a download that resolves it again can get two answers: a name can
resolve to a public address when it is checked and to 127.0.0.1 or 169.254.169.254 (the cloud metadata
service) a moment later, when the download connects (DNS rebinding). So the address is checked where it is
used:

- crawls (Scrapy): `PublicOnlyResolver` is Twisted's resolver (`TWISTED_DNS_RESOLVER`). Every address a
  download connects to comes from it, literal addresses included (Twisted's HostnameEndpoint resolves
  `127.0.0.1` too), and it checks the address it returns on every call, also when Scrapy's DNS cache
  answers. Start URLs, links to other hosts, redirects and robots.txt all connect through it;
- citizen reports (urllib): `PublicHTTPHandler`/`PublicHTTPSHandler` resolve a name once, check every
  address and connect to those addresses (TLS still verifies the name).

Link-local addresses and the cloud metadata services (`review.link_local`) are refused always, even with
`allow_private_hosts = true`. Otherwise allowed: every address with `[crawler] allow_private_hosts = true`;
the proxies configured in the environment (`http_proxy`, `https_proxy`: the admin chose them, they may be on the office network), each on
its own host *and port* only: with the proxy at 127.0.0.1:3128, a page at http://127.0.0.1:8080/admin is
still refused, and so is a page requested directly (`no_proxy`) on the proxy's own host and port: the exemption is
for connections that go to the proxy as a proxy (crawls: `crawler.middlewares.SentRequestGuard` checks a request
that is sent directly to a proxy's endpoint, which the resolver cannot tell from a proxied one; reports: the
exemption is given only to a request urllib sends through its proxy). Behind a proxy the proxy resolves the pages'
names, so canhgac can only check them beforehand (decided by the request as it is sent, `request.meta["proxy"]`,
never by the environment): refuse private addresses on the proxy itself.
"""

from __future__ import annotations

import functools
import http.client
import logging
import socket
import urllib.request
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from scrapy.resolver import CachingThreadedResolver
from twisted.internet._resolver import SimpleResolverComplexifier
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import (
    IAddress,
    IHostnameResolver,
    IHostResolution,
    IResolutionReceiver,
    IResolverSimple,
)
from zope.interface import implementer

from crawler.urls import is_private_address, literal_address
from review.link_local import is_never_fetched, never_fetched_reason

if TYPE_CHECKING:
    from twisted.internet.base import ReactorBase
    from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

ALLOW_SETTING = "CANHGAC_ALLOW_PRIVATE_HOSTS"
# name -> private address the resolver refused for it in this process, so that the crawl records why
# (Twisted turns any failed lookup into "no results for hostname lookup")
REFUSED: dict[str, str] = {}


def refusal(host: str, address: str) -> str:
    """Why `host` is not fetched, in one line."""
    if is_never_fetched(address):
        return never_fetched_reason(host, address)
    what = f"{host} là địa chỉ nội bộ" if literal_address(host) else f"{host} trỏ tới địa chỉ nội bộ {address}"
    return f"{what} ([crawler] allow_private_hosts đang tắt)"


class PrivateAddressError(DNSLookupError):
    """`host` resolved to the private `address`. An OSError (urllib reports it as the reason of its
    URLError) and a DNSLookupError (Twisted fails the connection with it)."""

    def __init__(self, host: str, address: str) -> None:
        self.host, self.address = host, address
        super().__init__(refusal(host, address))

    def __str__(self) -> str:  # Twisted's would add "DNS lookup failed: "
        return refusal(self.host, self.address)


DEFAULT_PORTS = {"http": 80, "https": 443}


def endpoint(host: str, port: int) -> str:
    """`host:port` as `proxy_hosts()` names it: the host lowercased, an IPv6 address in brackets."""
    host = host.lower().strip("[]")
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def endpoint_host(entry: str) -> str:
    """The host of an `endpoint()` (or of a bare host name)."""
    if entry.startswith("["):
        return entry[1:].partition("]")[0]
    host, _, port = entry.rpartition(":")
    return host if host and port.isdigit() and ":" not in host else entry


def is_allowed(allowed: frozenset[str], host: str, port: int) -> bool:
    """Whether a connection to `host`:`port` is exempt: `allowed` names that endpoint (`proxy_hosts()`), or the
    host alone (every port: only for callers that mean it; `proxy_hosts()` always names the port)."""
    return endpoint(host, port) in allowed or host.lower().strip("[]") in allowed


def proxy_hosts() -> frozenset[str]:
    """The proxies configured in the environment, as the `host:port` endpoints Scrapy and urllib connect to.

    Without a port in its URL, a proxy is on its scheme's default port (http://proxy.local: 80, as both
    Scrapy and urllib assume; https://: 443; no scheme: the requests' scheme, as both assume). urllib
    tunnels https requests through a port-less proxy on 443 whatever its scheme (it connects with
    HTTPSConnection's default port), so a port-less `https_proxy` is allowed on 443 too."""
    hosts: set[str] = set()
    for scheme, url in urllib.request.getproxies().items():
        if scheme == "no":
            continue
        try:
            parts = urlsplit(url if "://" in url else f"//{url}")
            host, port = parts.hostname, parts.port
        except ValueError:
            continue
        if not host:
            continue
        ports = {port} if port else {DEFAULT_PORTS.get(parts.scheme or scheme)} | ({443} if scheme == "https" else set())
        hosts.update(endpoint(host, p) for p in ports if p)
    return frozenset(hosts)


# ------------------------------------------------------------------------------------------- Scrapy
def allow_private_setting(settings: Any) -> bool:
    """`allow_private_hosts` as the crawl sees it: `-s CANHGAC_ALLOW_PRIVATE_HOSTS=…`, else the config file.
    The resolver is built from the process's settings, which the addon (`crawler.addon`) does not update."""
    if settings.getpriority(ALLOW_SETTING) is not None:
        return bool(settings.getbool(ALLOW_SETTING))
    from crawler.addon import config_from_settings  # the addon imports Scrapy's settings machinery

    return config_from_settings(settings).crawler.allow_private_hosts


@implementer(IResolverSimple)
class PublicOnlyResolver(CachingThreadedResolver):
    """Scrapy's default resolver (IPv4, cached, DNS_TIMEOUT) that fails the lookup of a name whose address
    is private, unless private hosts are allowed or the connection goes to an allowed endpoint (a configured
    proxy's host and port).

    Installed twice on the reactor. As its name resolver (`reactor.nameResolver`, through
    `_PortAwareNameResolver`), which Twisted's HostnameEndpoint asks with the port it connects to: every
    download's connection (Scrapy's Agent, its proxy agent for http) is checked on (name, port) there. As its
    simple resolver (`reactor.resolver`), which `reactor.connectTCP` asks with the name alone: in Scrapy only
    the tunnel to the proxy of https requests connects that way (to the proxy's own host and port, taken
    from the environment), so a name asked without a port is exempt when it is a proxy's host."""

    def __init__(self, reactor: ReactorBase, cache_size: int, timeout: float, *, allow_private: bool = False,
                 allowed_hosts: frozenset[str] = frozenset()) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.allow_private = allow_private
        self.allowed_hosts = allowed_hosts  # endpoints, `proxy_hosts()`
        self.allowed_names = frozenset(endpoint_host(e) for e in allowed_hosts)

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: ReactorBase) -> PublicOnlyResolver:
        settings = crawler.settings
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        return cls(reactor, cache_size, settings.getfloat("DNS_TIMEOUT"),
                   allow_private=allow_private_setting(settings), allowed_hosts=proxy_hosts())

    def install_on_reactor(self) -> None:
        # (mypy does not know zope interfaces: the casts say what @implementer declares)
        self.reactor.installNameResolver(cast("IHostnameResolver", _PortAwareNameResolver(self)))
        self.reactor.resolver = cast("IResolverSimple", self)  # what installResolver sets, without replacing the name resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:  # noqa: N802 - Twisted's
        """A lookup without a port (`reactor.resolve`, `connectTCP`): see the class."""
        return self.lookup(name, None, timeout)

    def lookup(self, name: str, port: int | None, timeout: Sequence[int] = ()) -> Deferred[str]:
        """The address of `name` for a connection to `port` (None: unknown), failed when it is private and
        not allowed."""
        d = super().getHostByName(name, timeout)
        if (name.lower() in self.allowed_names) if port is None else is_allowed(self.allowed_hosts, name, port):
            return d  # a configured proxy: the admin chose it
        return d.addCallback(self._refuse_private, name, self.allow_private)

    @staticmethod
    def _refuse_private(address: str, name: str, allow_private: bool = False) -> str:
        if is_never_fetched(address) or (not allow_private and is_private_address(address)):
            REFUSED[name.lower()] = address
            logger.warning("not connecting: %s", refusal(name, address))
            raise PrivateAddressError(name, address)
        return address


@implementer(IResolverSimple)
class _AtPort:
    """`resolver`'s lookups for a connection to `port`."""

    def __init__(self, resolver: PublicOnlyResolver, port: int) -> None:
        self.resolver, self.port = resolver, port

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:  # noqa: N802 - Twisted's
        return self.resolver.lookup(name, self.port, timeout)


@implementer(IHostnameResolver)
class _PortAwareNameResolver:
    """`reactor.nameResolver`: what Twisted makes of a simple resolver (`installResolver`), except that the
    lookup knows the port the connection is for."""

    def __init__(self, resolver: PublicOnlyResolver) -> None:
        self.resolver = resolver

    def resolveHostName(self, resolutionReceiver: IResolutionReceiver, hostName: str,  # noqa: N802, N803
                        portNumber: int = 0, addressTypes: Sequence[type[IAddress]] | None = None,  # noqa: N803
                        transportSemantics: str = "TCP") -> IHostResolution:  # noqa: N803
        return SimpleResolverComplexifier(cast("IResolverSimple", _AtPort(self.resolver, portNumber))).resolveHostName(
            resolutionReceiver, hostName, portNumber, addressTypes, transportSemantics)


# ---------------------------------------------------------------------------------------------- urllib
def public_addresses(host: str, port: int, allow_private: bool = False) -> list[tuple[Any, ...]]:
    """`socket.getaddrinfo(host, port)` for TCP, or PrivateAddressError when any address is private (with
    `allow_private`: only when one is link-local or a cloud metadata address, `review.link_local`)."""
    infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    for info in infos:
        address = str(info[4][0])
        if is_never_fetched(address) or (not allow_private and is_private_address(address)):
            raise PrivateAddressError(host, address)
    return infos


def public_connection(address: tuple[str, int], timeout: Any = None, source_address: Any = None, *,
                      allowed_hosts: frozenset[str] = frozenset(), allow_private: bool = False,
                      time_left: Callable[[], float] | None = None) -> socket.socket:
    """`socket.create_connection`, resolving the name once and connecting only to checked addresses.

    `time_left`: called before each address is tried, the timeout of that attempt (raising when no time is left):
    a name with several unreachable addresses then takes at most that time in all, not `timeout` per address."""
    host, port = address
    if is_allowed(allowed_hosts, host, port):
        if time_left is None:
            return socket.create_connection(address, timeout, source_address)
        addresses = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    else:
        addresses = public_addresses(host, port, allow_private)
    error: OSError | None = None
    for family, kind, proto, _, sockaddr in addresses:
        if time_left is not None:
            timeout = time_left()
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is None or isinstance(timeout, (int, float)):  # not socket's "default timeout" marker
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            error = exc
            sock.close()
    raise error or OSError(f"không tìm thấy địa chỉ nào của {host}")


# http.client connects through `self._create_connection` (socket.create_connection, set in __init__), and
# HTTPSConnection wraps that socket in TLS for the name: replacing it checks plain and TLS connections alike.
class PublicHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, allowed_hosts: frozenset[str] = frozenset(), allow_private: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = functools.partial(public_connection, allowed_hosts=allowed_hosts,
                                                    allow_private=allow_private)


class PublicHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, allowed_hosts: frozenset[str] = frozenset(), allow_private: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = functools.partial(public_connection, allowed_hosts=allowed_hosts,
                                                    allow_private=allow_private)


def _check_proxied_target(req: urllib.request.Request, allow_private: bool = False) -> None:
    """Through a proxy the connection goes to the proxy, which resolves the page's name itself: check
    the page's host beforehand, the best that can be done here (the proxy's own host is not exempt)."""
    if req.has_proxy() or getattr(req, "_tunnel_host", None):
        host = urlsplit(req.full_url).hostname or ""
        try:
            public_addresses(host, 0, allow_private)
        except PrivateAddressError:
            raise
        except (OSError, UnicodeError):
            pass  # the proxy will say it cannot resolve it


def _exempt(req: urllib.request.Request, allowed_hosts: frozenset[str]) -> frozenset[str]:
    """The endpoints exempt for `req`'s connection: the configured proxies' (`proxy_hosts()`) only when it goes to
    a proxy. A request sent directly (`no_proxy`, a scheme without a proxy) to a proxy's own host and port is a page
    like any other, checked on its address (Squid answers its cache manager's pages there). Other endpoints a caller
    allowed stay exempt either way."""
    if req.has_proxy() or getattr(req, "_tunnel_host", None):
        return allowed_hosts
    return allowed_hosts - proxy_hosts()


class PublicHTTPHandler(urllib.request.HTTPHandler):
    """`allow_private` (`[crawler] allow_private_hosts`): private addresses too, never a link-local one."""

    def __init__(self, allowed_hosts: frozenset[str] = frozenset(), allow_private: bool = False) -> None:
        super().__init__()
        self.allowed_hosts = allowed_hosts
        self.allow_private = allow_private

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        _check_proxied_target(req, self.allow_private)
        return self.do_open(PublicHTTPConnection, req, allowed_hosts=_exempt(req, self.allowed_hosts),  # type: ignore[arg-type]
                            allow_private=self.allow_private)


class PublicHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, context: Any, allowed_hosts: frozenset[str] = frozenset(), allow_private: bool = False) -> None:
        super().__init__(context=context)
        self.allowed_hosts = allowed_hosts
        self.allow_private = allow_private

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        _check_proxied_target(req, self.allow_private)
        return self.do_open(PublicHTTPSConnection, req, context=self._context,  # type: ignore[arg-type, attr-defined]
                            allowed_hosts=_exempt(req, self.allowed_hosts), allow_private=self.allow_private)
