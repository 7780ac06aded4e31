"""Fetching the one page a citizen reported, and telling the officer in Vietnamese why it cannot be used.

A report is fetched once, directly (no Scrapy: a single user-requested page), with the crawler's safety
limits: http/https only, verified TLS, bounded size, redirects and time, private addresses refused unless
allowed — checked on the address each connection is made to (`crawler.netguard`). What comes back must be a
web page the office can review: a PDF, an image or a JSON document, and a social network's login form instead
of the reported post, are refused with a message saying to paste the content instead (`--text`), never stored
as if they were what the citizen saw.
"""

from __future__ import annotations

import http.client
import os
import re
import shlex
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import urldefrag, urlsplit

import certifi
from w3lib.url import safe_url_string

from crawler.login_wall import is_login_address, is_login_wall
from crawler.netguard import (
    PrivateAddressError,
    PublicHTTPConnection,
    PublicHTTPHandler,
    PublicHTTPSConnection,
    PublicHTTPSHandler,
    proxy_hosts,
)
from crawler.urls import is_crawlable, is_private_address, literal_address
from review.config import CrawlerConfig
from review.errors import CanhgacError, UsageError
from review.link_local import host_address, is_never_fetched, never_fetched_reason
from review.models import MAX_URL_LENGTH

#: appended to every "this page cannot be used" message: what the officer can do instead
PASTE_INSTEAD = "hãy dán nội dung người dân gửi bằng --text (có thể kèm địa chỉ: canhgac report URL --text …)"

#: the same, when the address itself cannot be stored
TOO_LONG_INSTEAD = "hãy dán nội dung người dân gửi bằng --text, không kèm địa chỉ này"

# Content types whose body is a page to extract text from; no Content-Type at all is read as a page too
_PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/xml", "application/xml")
# what other common types are, for the message
_TYPE_NAMES = (("application/pdf", "tệp PDF"), ("image/", "ảnh"), ("video/", "video"), ("audio/", "âm thanh"),
               ("application/json", "dữ liệu JSON"), ("javascript", "mã JavaScript"), ("text/css", "mã CSS"),
               ("application/zip", "tệp nén"), ("msword", "tệp Word"), ("officedocument", "tệp văn phòng"),
               ("application/octet-stream", "tệp nhị phân"))

class FetchError(CanhgacError):
    pass


T = TypeVar("T")


def tls_context() -> ssl.SSLContext:
    """A verifying context trusting what a crawl trusts: `SSL_CERT_FILE` when the admin set it (Twisted
    reads it through OpenSSL's default paths), else certifi's bundle."""
    return ssl.create_default_context(cafile=os.environ.get("SSL_CERT_FILE") or certifi.where())


def user_agent_header(cfg: CrawlerConfig) -> bytes:
    """The User-Agent header sent with a report's fetch: `[crawler] user_agent` and contact, as UTF-8 bytes.

    The same bytes a crawl sends (Scrapy encodes header strings as UTF-8), so a Vietnamese user agent such as
    "canhgac/0.1 (giám sát nội dung, Sở VHTTDL)" reaches the site as written; urllib on its own would encode
    the header as Latin-1 and fail."""
    ua = cfg.user_agent + (f" (+{cfg.contact})" if cfg.contact else "")
    return ua.encode("utf-8")


def check_report_url(url: str) -> None:
    """UsageError unless `url` is one the crawler would fetch (http/https with a host) and an item may have (at
    most `MAX_URL_LENGTH` characters, percent-encoded). A link copied without its scheme ("www.facebook.com/…",
    as chat apps show them) is refused with the address to type instead."""
    if not is_crawlable(url):
        hint = ""
        if "://" not in url and _BARE_HOST.match(url.strip()):
            # quoted: a copied permalink has "?" and "&", which the shell would act on
            command = shlex.join(["canhgac", "report", "https://" + url.strip()])
            hint = f" (thiếu http:// hay https:// ở đầu? thử: {command})"
        raise UsageError(f"chỉ nhận phản ánh địa chỉ http:// hoặc https://, không nhận {url!r}{hint}")
    host = urlsplit(url.strip()).hostname or ""
    if (address := host_address(host)) and is_never_fetched(address):
        raise UsageError(f"không nhận phản ánh địa chỉ {url!r}: {never_fetched_reason(host, address)}")
    if len(request_url(url)) > MAX_URL_LENGTH:
        raise UsageError(f"địa chỉ dài {len(request_url(url))} ký tự, quá giới hạn {MAX_URL_LENGTH} ký tự: không lưu "
                         f"được phản ánh theo địa chỉ này; {TOO_LONG_INSTEAD}")


def request_url(url: str) -> str:
    """`url` as it is requested: spaces and non-ASCII characters percent-encoded, as a browser (and Scrapy) does;
    a link copied from a chat app often has "tin tức lừa đảo.html" in it."""
    return safe_url_string(url.strip())


_BARE_HOST = re.compile(r"^[\w-]+(\.[\w-]+)+(:\d+)?(/|$)", re.UNICODE)


def _refused_redirect(host: str, address: str) -> FetchError:
    where = host if literal_address(host) else f"{host} ({address})"
    return FetchError(f"từ chối chuyển hướng tới địa chỉ nội bộ {where} ([crawler] allow_private_hosts đang tắt)")


class RedirectGuard(urllib.request.HTTPRedirectHandler):
    """Follows at most `max_redirects` redirects, each to an http(s) URL and, unless
    `allow_private_hosts`, not to a private address (a public page must not bounce us to 127.0.0.1 or
    169.254.169.254). Literal addresses are refused here, before the request; a name is checked where
    its connection is made (`crawler.netguard`), on the address connected to."""

    def __init__(self, max_redirects: int, allow_private_hosts: bool, deadline: float | None = None) -> None:
        self.max_redirections = max_redirects  # type: ignore[misc]  # a ClassVar in typeshed; urllib reads self.
        self.allow_private_hosts = allow_private_hosts
        #: `time.monotonic()` past which no further redirect is followed; each hop gets the time left (`resolve`)
        self.deadline = deadline
        #: the last address a redirect was followed to (None: none was): where a failed fetch ended
        self.last: str | None = None

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        # a redirect through Facebook's link wrapper: straight to the address it wraps (the wrapper's own page is
        # an interstitial "Bạn đang rời khỏi Facebook", not the page reported)
        from crawler.report_links import unwrap_link  # imported here: report_links imports this module

        newurl = unwrap_link(newurl)
        if not is_crawlable(newurl):
            raise FetchError(f"từ chối chuyển hướng tới địa chỉ không phải http(s): {newurl}")
        host = urlsplit(newurl).hostname or ""
        if (address := host_address(host)) and is_never_fetched(address):  # whatever allow_private_hosts says
            raise FetchError(f"từ chối chuyển hướng tới {never_fetched_reason(host, address)}")
        if not self.allow_private_hosts and (address := literal_address(host)) and is_private_address(address):
            raise _refused_redirect(host, address)
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"hết thời gian trước khi chuyển tới {newurl}")
            req.timeout = left  # urllib opens the next hop with the timeout of this one: the time left, not more
        followed = super().redirect_request(req, fp, code, msg, headers, newurl)
        if followed is not None:
            self.last = newurl
        return followed


def fetched_where(url: str, final: str | None) -> str:
    """How an error names a fetch: `url`, the address the officer gave, and when its redirects led to another
    address, where they ended ("URL (chuyển tới FINAL)"). The officer recognises the first, the page that failed is
    the second: a shortener's link that ends on a dead page must say both."""
    if not final or _without_fragment(final) == _without_fragment(url):
        return url
    return f"{url} (chuyển tới {final})"


def _without_fragment(url: str) -> str:
    return urldefrag(request_url(url)).url


def fetch(url: str, cfg: CrawlerConfig, *, allowed_hosts: frozenset[str] | None = None) -> tuple[bytes, str, str]:
    """(body, content type, final URL) of `url`, within the crawler's limits.

    Unless `cfg.allow_private_hosts`, every connection (the first and each redirect) is made only to
    addresses checked as public when the name was resolved for it (`crawler.netguard`); `allowed_hosts`
    ("host:port" endpoints; default: the configured proxies', `proxy_hosts()`) are connected to whatever their
    address. The whole fetch — every redirect, the headers and the page itself — takes at most
    `[crawler] download_timeout_s` (`Deadline`): a server that answers a byte at a time, each under the socket
    timeout, fails the fetch there, naming the address and the limit. A page cut off before its end (fewer bytes
    than its Content-Length, a chunked body broken off) is refused, never returned as the page."""
    check_report_url(url)
    limit = cfg.download_maxsize_mb * 1024 * 1024
    deadline = Deadline(cfg.download_timeout_s)
    redirects = RedirectGuard(cfg.max_redirects, cfg.allow_private_hosts, deadline.at)
    opener = _opener(cfg, allowed_hosts, redirects, deadline)

    def get() -> tuple[bytes, str, str]:
        with opener.open(_request(url, cfg), timeout=deadline.timeout(cfg.download_timeout_s)) as resp:
            return _read_body(resp, limit), resp.headers.get("Content-Type", ""), resp.geturl()

    try:
        body, ctype, final = within(deadline, get, "canhgac-report-fetch")
    except DeadlinePassed:
        raise FetchError(f"{fetched_where(url, redirects.last)}: không tải xong trang trong {deadline.limit_s:g} giây "
                         f"([crawler] download_timeout_s, tính cả chuyển hướng và thời gian nhận trang): máy chủ trả "
                         f"lời quá chậm; {PASTE_INSTEAD}") from None
    except FetchError as exc:  # a redirect refused (`RedirectGuard`): it names the refused address only
        raise FetchError(f"{fetched_where(url, redirects.last)}: {exc}") from None
    except PrivateAddressError as exc:  # checked before a proxy: not wrapped by urllib
        raise _refused(url, exc, redirects.last) from None
    except urllib.error.HTTPError as exc:
        exc.close()
        where = fetched_where(url, redirects.last)
        if 300 <= exc.code < 400 and exc.url and not is_crawlable(exc.url):  # urllib refuses file:, data: ... itself
            raise FetchError(f"{where}: từ chối chuyển hướng tới địa chỉ không phải http(s): {exc.url}") from None
        raise FetchError(f"{where}: {_http_error_vi(exc.code, cfg)}; {PASTE_INSTEAD}") from None
    except _CutShort as exc:
        raise FetchError(f"{fetched_where(url, exc.final)}: kết nối bị ngắt giữa chừng, trang nhận được không trọn "
                         f"vẹn ({exc}); {PASTE_INSTEAD}") from None
    except _TooLarge as exc:
        raise FetchError(f"{fetched_where(url, exc.final)}: trang lớn hơn giới hạn tải về ({cfg.download_maxsize_mb} "
                         f"MB, [crawler] download_maxsize_mb{exc}); {PASTE_INSTEAD}") from None
    except _Corrupt as exc:
        raise FetchError(f"{fetched_where(url, exc.final)}: dữ liệu nén hỏng, không giải nén được trang "
                         f"(Content-Encoding; {exc}); {PASTE_INSTEAD}") from None
    except _UnknownEncoding as exc:
        raise FetchError(f"{fetched_where(url, exc.final)}: trang được nén theo kiểu {exc} mà canhgac không đọc được "
                         f"(Content-Encoding); {PASTE_INSTEAD}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, PrivateAddressError):
            raise _refused(url, reason, redirects.last) from None
        raise FetchError(f"{fetched_where(url, redirects.last)}: không tải được trang: {_network_error_vi(reason)}; "
                         f"{PASTE_INSTEAD}") from None
    except http.client.IncompleteRead:  # a chunked body broken off
        raise FetchError(f"{fetched_where(url, redirects.last)}: kết nối bị ngắt giữa chừng, trang nhận được không "
                         f"trọn vẹn; {PASTE_INSTEAD}") from None
    except (http.client.HTTPException, ValueError) as exc:  # a status line or header no HTTP server sends
        raise FetchError(f"{fetched_where(url, redirects.last)}: máy chủ trả lời sai giao thức HTTP "
                         f"({type(exc).__name__}: {exc}); {PASTE_INSTEAD}") from None
    return body, ctype, final


class _BodyError(Exception):
    """The page's body could not be taken as it is; `final`: the address it came from."""

    def __init__(self, message: str, final: str) -> None:
        super().__init__(message)
        self.final = final


class _CutShort(_BodyError):
    pass


class _TooLarge(_BodyError):
    pass


class _UnknownEncoding(_BodyError):
    pass


class _Corrupt(_BodyError):
    pass


try:  # a crawl (Scrapy) reads brotli when the module imports; so does a report
    import brotli as _brotli_module

    _brotli: Any = _brotli_module
except ImportError:  # pragma: no cover - installed with Scrapy
    _brotli = None

# Content-Encodings a server may send though the request asked for none (a cache compressing everything): a crawl
# (Scrapy) reads them, and so does a report. Compressions canhgac cannot read are refused; any other token ("none",
# "UTF-8", "identity": a misconfigured server's label on a plain body) means no encoding, as a crawl takes it.
_GZIP = ("gzip", "x-gzip")
_DECODE_ERRORS: tuple[type[Exception], ...] = (zlib.error,) if _brotli is None else (zlib.error, _brotli.error)
_UNREADABLE = ("compress", "x-compress", "zstd", "br")
_CHUNK = 64 * 1024


class _Inflate:
    """One zlib-based Content-Encoding, decoded as the bytes come: gzip in as many members as were sent (`gzip -c a
    b`, a server flushing members; zero padding between them skipped, as `gzip` does), deflate zlib-wrapped or raw
    (as IIS sends it; told apart by its first two bytes)."""

    def __init__(self, encoding: str) -> None:
        self.gzip = encoding in _GZIP
        self._obj: Any = zlib.decompressobj(16 + zlib.MAX_WBITS) if self.gzip else None
        self._head = b""  # deflate: the first bytes, until there are two to tell zlib-wrapped from raw

    def feed(self, data: bytes, room: int) -> bytes:
        """What `data` decodes to, at most `room` bytes (as many means: at least that many)."""
        if self._obj is None:
            self._head += data
            if len(self._head) < 2:
                return b""
            data, self._head = self._head, b""
            wrapped = data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._obj = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        out = bytearray()
        while len(out) < room:
            if self._obj.eof:
                if not self.gzip:
                    break  # after a deflate stream's end: ignored, as zlib does
                data = (self._obj.unused_data + data).lstrip(b"\0")
                if not data:
                    break
                self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)  # the next member
            if not data:
                break
            out += self._obj.decompress(data, room - len(out))
            data = self._obj.unconsumed_tail
        return bytes(out)

    @property
    def done(self) -> bool:
        return self._obj is not None and self._obj.eof


class _Unbrotli:
    """`br`, decoded as the bytes come (the `brotli` module's streaming decompressor)."""

    def __init__(self) -> None:
        self._obj = _brotli.Decompressor()

    def feed(self, data: bytes, room: int) -> bytes:
        out = bytearray(self._obj.process(data, output_buffer_limit=room))
        while len(out) < room and not self._obj.is_finished():
            more = self._obj.process(b"", output_buffer_limit=room - len(out))
            if not more:
                break
            out += more
        return bytes(out)

    @property
    def done(self) -> bool:
        return bool(self._obj.is_finished())


def _decoders(resp: Any, final: str) -> list[Any]:
    """The decoders for `resp`'s Content-Encoding, in the order to apply them (the last encoding listed first):
    every header line, each split on commas."""
    tokens = [token.strip().lower() for value in resp.headers.get_all("Content-Encoding") or ()
              for token in value.split(",")]
    decoders: list[Any] = []
    for token in reversed(tokens):
        if token in (*_GZIP, "deflate"):
            decoders.append(_Inflate(token))
        elif token == "br" and _brotli is not None:
            decoders.append(_Unbrotli())
        elif token in _UNREADABLE:
            raise _UnknownEncoding(token, final)
    return decoders


def _read_body(resp: Any, limit: int) -> bytes:
    """The body of `resp`, at most `limit` bytes (one more means: too large), decoded when the server sent it
    compressed anyway (`_decoders`; every decoded size capped too: a gzip bomb). _CutShort when fewer bytes came than
    its Content-Length said (http.client's `read(n)` returns them without a word); _Corrupt when the compressed data
    cannot be decoded or ends before its end; a chunked body broken off raises http.client.IncompleteRead."""
    final = resp.geturl()
    expected = resp.length  # Content-Length, None without one
    decoders = _decoders(resp, final)
    sizes = [0] * len(decoders)
    parts: list[bytes] = []
    got = 0
    while True:
        chunk = resp.read(_CHUNK)
        if not chunk:
            break
        got += len(chunk)
        if got > limit:
            raise _TooLarge("", final)
        for n, decoder in enumerate(decoders):
            try:
                chunk = decoder.feed(chunk, limit + 1 - sizes[n])
            except _DECODE_ERRORS as exc:
                raise _Corrupt(f"{exc}", final) from None
            sizes[n] += len(chunk)
            if sizes[n] > limit:
                raise _TooLarge(", sau khi giải nén", final)
        parts.append(chunk)
    if expected is not None and got < expected:
        raise _CutShort(f"nhận được {got} trên {expected} byte", final)
    if got and not all(decoder.done for decoder in decoders):  # no body at all: nothing was compressed
        raise _Corrupt("luồng nén hết giữa chừng", final)
    return b"".join(parts)


class DeadlinePassed(Exception):
    """`within`'s work did not end before its `Deadline`."""


class Deadline:
    """One time limit, `limit_s` from now, for all of a fetch: every socket the fetch connects is watched
    (`watch`), and when the limit has passed (`give_up`) they are shut down, so that a read waiting on one returns
    at once and its connection is closed, whatever the socket's own timeout. A socket's timeout bounds each read
    only: a server sending a byte a second never trips it."""

    def __init__(self, limit_s: float) -> None:
        self.limit_s = limit_s
        #: `time.monotonic()` at the limit
        self.at = time.monotonic() + limit_s
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.passed = False

    def timeout(self, timeout: Any) -> float:
        """A socket timeout (`timeout`, or none) no longer than the time left; TimeoutError when none is left."""
        left = self.at - time.monotonic()
        if self.passed or left <= 0:
            raise TimeoutError("hết thời gian tải trang")
        return min(timeout, left) if isinstance(timeout, (int, float)) else left

    def watch(self, sock: socket.socket) -> socket.socket:
        """`sock`, shut down at the limit; closed at once (TimeoutError) when the limit has passed already."""
        with self._lock:
            if not self.passed:
                self._sockets.append(sock)
                return sock
        _shut(sock)
        sock.close()
        raise TimeoutError("hết thời gian tải trang")

    def give_up(self) -> None:
        """The limit has passed: shut down every socket watched, and any connected from now on."""
        with self._lock:
            self.passed = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    """Shut down `sock`'s connection, waking a read blocked on it (also from another thread); the base class's
    method, so a TLS socket is cut as a plain one (its own `shutdown` would tear down its TLS state under the
    reader). A socket closed already (its descriptor released) is left alone."""
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


#: after giving up, how long `within` waits for the work to notice its connections were shut down
_GIVE_UP_WAIT_S = 2.0


def within(deadline: Deadline, work: Callable[[], T], name: str) -> T:
    """What `work()` returns (or raises), run in a daemon thread named `name`, or DeadlinePassed when it has not
    ended by `deadline` (or failed only once it had passed, a socket's timeout being the time left). Then (and on
    Ctrl-C) its connections are shut down (`Deadline.give_up`) and it is given a moment to end, so no connection
    outlives the answer. Only a name lookup (`getaddrinfo`, which nothing can interrupt) may keep the thread a while
    longer, holding no connection: one it makes afterwards is closed at once (`Deadline.watch`)."""
    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, work()))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            outcome.append((False, exc))

    worker = threading.Thread(target=run, name=name, daemon=True)
    worker.start()
    try:
        worker.join(max(deadline.at - time.monotonic(), 0))
        done = bool(outcome)
    finally:
        if worker.is_alive():
            deadline.give_up()
            worker.join(_GIVE_UP_WAIT_S)
    if not done:
        raise DeadlinePassed()
    ok, value = outcome[0]
    if not ok:
        # failed at the limit: a read's timeout is at most the time left, and a redirect is not followed past it
        if time.monotonic() >= deadline.at:
            raise DeadlinePassed() from value
        raise value
    return cast(T, value)


def _opener(cfg: CrawlerConfig, allowed_hosts: frozenset[str] | None, redirects: RedirectGuard | None = None,
            deadline: Deadline | None = None) -> urllib.request.OpenerDirector:
    """An opener within the crawler's limits (`fetch`): redirects guarded (by `redirects`, which then knows where
    they led), private addresses refused unless allowed, every connection watched by `deadline` if given."""
    redirects = redirects or RedirectGuard(cfg.max_redirects, cfg.allow_private_hosts)
    # with private hosts allowed, a link-local or cloud metadata address is still refused where it is connected to
    allowed = proxy_hosts() if allowed_hosts is None else allowed_hosts
    handlers: list[urllib.request.BaseHandler] = [
        _WatchedHTTPHandler(deadline, allowed, cfg.allow_private_hosts),
        _WatchedHTTPSHandler(deadline, tls_context(), allowed, cfg.allow_private_hosts)]
    return urllib.request.build_opener(redirects, *handlers)


class _WatchedConnection:
    """A checked connection (`crawler.netguard`) whose sockets `deadline` watches: the one connected (its timeout
    no longer than the time left), and after `connect` the one used (for https, the TLS socket over it; the
    handshake itself is bounded by that timeout, which a TLS handshake keeps in all)."""

    _deadline: Deadline

    def _watch_connections(self, deadline: Deadline) -> None:
        self._deadline = deadline
        conn = cast(Any, self)  # http.client's connection: `_create_connection` is set in its __init__
        create = conn._create_connection

        def connect(address: tuple[str, int], timeout: Any = None, source_address: Any = None) -> socket.socket:
            # each address of the name tried gets only the time left (`public_connection`): a socket being connected
            # is not watched yet, and the limit must end its attempt too
            return deadline.watch(create(address, deadline.timeout(timeout), source_address,
                                         time_left=lambda: deadline.timeout(timeout)))

        conn._create_connection = connect

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        self._deadline.watch(self.sock)  # type: ignore[attr-defined]


class _WatchedHTTPConnection(_WatchedConnection, PublicHTTPConnection):
    def __init__(self, *args: Any, deadline: Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watch_connections(deadline)


class _WatchedHTTPSConnection(_WatchedConnection, PublicHTTPSConnection):
    def __init__(self, *args: Any, deadline: Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watch_connections(deadline)


class _WatchedHTTPHandler(PublicHTTPHandler):
    def __init__(self, deadline: Deadline | None, *args: Any) -> None:
        super().__init__(*args)
        self.deadline = deadline

    def do_open(self, http_class: Any, req: urllib.request.Request, **kwargs: Any) -> http.client.HTTPResponse:
        if self.deadline is not None:
            http_class, kwargs = _WatchedHTTPConnection, {**kwargs, "deadline": self.deadline}
        return super().do_open(http_class, req, **kwargs)


class _WatchedHTTPSHandler(PublicHTTPSHandler):
    def __init__(self, deadline: Deadline | None, *args: Any) -> None:
        super().__init__(*args)
        self.deadline = deadline

    def do_open(self, http_class: Any, req: urllib.request.Request, **kwargs: Any) -> http.client.HTTPResponse:
        if self.deadline is not None:
            http_class, kwargs = _WatchedHTTPSConnection, {**kwargs, "deadline": self.deadline}
        return super().do_open(http_class, req, **kwargs)


def _request(url: str, cfg: CrawlerConfig) -> urllib.request.Request:
    request = urllib.request.Request(request_url(url), headers={"Accept-Encoding": "identity"})
    # bytes: http.client would encode a str as Latin-1 and fail on "giám sát nội dung"
    request.add_header("User-Agent", cast(str, user_agent_header(cfg)))
    return request


#: at most this long (or `[crawler] download_timeout_s`, if shorter) to follow a pasted report's link (`resolve`):
#: the officer pasted the text because the page could not be used, and waits for the command
RESOLVE_TIMEOUT_S = 10


def resolve_limit_s(cfg: CrawlerConfig) -> float:
    """How long `resolve` may take in all, every redirect and every slow byte included."""
    return min(cfg.download_timeout_s, RESOLVE_TIMEOUT_S)


def resolve(url: str, cfg: CrawlerConfig, *, allowed_hosts: frozenset[str] | None = None) -> str | None:
    """Where `url` leads now: the address its redirects end on (a shortener's landing page), with `fetch`'s limits,
    the page itself not read. None when that cannot be told (the site unreachable, a redirect refused or one too
    many ...), when it ends on a page that answers with an error (a taken-down landing, a site's common "not found"
    page, where unrelated links end too), when it ends on a social network's login address, where any post of
    that network may lead, and when it is not told within `resolve_limit_s` in all (`Deadline`: every redirect
    gets only the time left, and at the deadline the link's connection is shut down, so a server dripping its answer
    a byte at a time, each under the socket timeout, holds neither the command nor a connection after it).
    For a pasted report's link: best effort, the report is filed whatever comes of it."""
    deadline = Deadline(resolve_limit_s(cfg))
    try:
        return within(deadline, lambda: _resolve(url, cfg, allowed_hosts, deadline), "canhgac-resolve")
    except DeadlinePassed:
        return None


def _resolve(url: str, cfg: CrawlerConfig, allowed_hosts: frozenset[str] | None, deadline: Deadline) -> str | None:
    """`resolve`'s work, each hop given the time left before `deadline`."""
    redirects = RedirectGuard(cfg.max_redirects, cfg.allow_private_hosts, deadline.at)
    try:
        with _opener(cfg, allowed_hosts, redirects, deadline).open(
                _request(url, cfg), timeout=deadline.timeout(cfg.download_timeout_s)) as resp:
            final = resp.geturl()
    except urllib.error.HTTPError as exc:
        exc.close()  # redirected too often or in a loop, or an error page: it leads to no page of its own
        return None
    except (CanhgacError, PrivateAddressError, urllib.error.URLError, OSError, ValueError, http.client.HTTPException):
        return None
    return None if is_login_address(final) else final


def _http_error_vi(code: int, cfg: CrawlerConfig) -> str:
    """An HTTP error status as the officer reads it; urllib reports too many redirects as the last 30x."""
    if 300 <= code < 400:
        return f"chuyển hướng quá số lần cho phép ({cfg.max_redirects}, [crawler] max_redirects) hoặc chuyển hướng vòng"
    if code in (404, 410):
        return f"trang không còn hoặc đã bị gỡ (máy chủ trả về HTTP {code})"
    if code in (401, 403):
        return f"trang không cho xem, có thể cần đăng nhập (máy chủ trả về HTTP {code})"
    return f"máy chủ trả về HTTP {code}"


def _network_error_vi(reason: object) -> str:
    """Why no page came back, in Vietnamese; the system's own text follows in parentheses for whoever fixes it."""
    detail = f" ({reason})" if str(reason) else ""
    if isinstance(reason, socket.gaierror):
        return f"không tìm thấy tên miền (DNS){detail}"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"quá thời gian chờ ([crawler] download_timeout_s){detail}"
    if isinstance(reason, ConnectionRefusedError):
        return f"máy chủ từ chối kết nối{detail}"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"chứng chỉ TLS của trang không hợp lệ{detail}"
    if isinstance(reason, (ConnectionError, ssl.SSLError)):
        return f"kết nối bị ngắt{detail}"
    return str(reason) or type(reason).__name__


def _refused(url: str, exc: PrivateAddressError, last: str | None = None) -> CanhgacError:
    """The reported address itself is private: a usage error; a redirect's target (`last`, where the redirects
    led): the fetch failed, and the message names the address reported and that target."""
    if last is None and exc.host.lower() == (urlsplit(url).hostname or "").lower():
        return UsageError(str(exc))
    return FetchError(f"{fetched_where(url, last)}: {_refused_redirect(exc.host, exc.address)}")


def page_mime(content_type: str) -> str:
    """The media type of a Content-Type header, lowercased, without parameters ("" when there is none)."""
    return content_type.split(";", 1)[0].strip().lower()


def check_page_type(url: str, content_type: str, body: bytes = b"", final: str | None = None) -> None:
    """FetchError unless the response is a page whose text can be extracted (HTML, XHTML, plain text, XML, or
    no Content-Type): a PDF, an image (an SVG too, though it is XML) or a JSON document is not what the extractor
    reads. Without a Content-Type, `body` is looked at: one starting as a PDF or an image does is refused. `final`:
    where the fetch of `url` ended, named too when it is another address (`fetched_where`)."""
    mime = page_mime(content_type)
    where = fetched_where(url, final)
    if not mime:
        what = next((name for magic, name in _FILE_SIGNATURES if body.startswith(magic)), None)
        if what is None:
            return
        raise FetchError(f"{where}: địa chỉ này trả về {what} (không có Content-Type), không phải trang web để "
                         f"trích nội dung; {PASTE_INSTEAD}")
    # "+xml": also a feed (rss+xml, atom+xml); but image/svg+xml is a picture
    if mime in _PAGE_TYPES or (mime.endswith("+xml") and not mime.startswith("image/")):
        return
    what = next((name for key, name in _TYPE_NAMES if key in mime), "không phải trang web")
    raise FetchError(f"{where}: địa chỉ này trả về {what} ({mime}), không phải trang web để trích nội dung; "
                     f"{PASTE_INSTEAD}")


# how a file that is not a page starts, when the server did not say what it sent
_FILE_SIGNATURES = ((b"%PDF-", "tệp PDF"), (b"\x89PNG\r\n\x1a\n", "ảnh"), (b"\xff\xd8\xff", "ảnh"), (b"GIF87a", "ảnh"),
                    (b"GIF89a", "ảnh"), (b"PK\x03\x04", "tệp nén"))


def check_not_login_wall(url: str, final: str, body: bytes, text: str) -> None:
    """FetchError when a social network showed its login form instead of the reported post
    (`crawler.login_wall.is_login_wall`: only a page that is clearly nothing but a wall; a short public post under
    the login bar is the reported content). Any other site's login form is kept: a page imitating a bank's login
    is the very content citizens report."""
    if is_login_wall(final, body, text):
        raise FetchError(f"{fetched_where(url, final)}: trang yêu cầu đăng nhập, canhgac không xem được nội dung bị "
                         f"phản ánh; {PASTE_INSTEAD}")
