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
from typing import cast
from urllib.parse import urldefrag, urlsplit

import certifi
from w3lib.url import safe_url_string

from crawler.login_wall import is_login_address, is_login_wall
from crawler.netguard import PrivateAddressError, PublicHTTPHandler, PublicHTTPSHandler, proxy_hosts
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
    address."""
    check_report_url(url)
    limit = cfg.download_maxsize_mb * 1024 * 1024
    redirects = RedirectGuard(cfg.max_redirects, cfg.allow_private_hosts)
    try:
        with _opener(cfg, allowed_hosts, redirects).open(_request(url, cfg), timeout=cfg.download_timeout_s) as resp:
            body, ctype, final = resp.read(limit + 1), resp.headers.get("Content-Type", ""), resp.geturl()
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
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, PrivateAddressError):
            raise _refused(url, reason, redirects.last) from None
        raise FetchError(f"{fetched_where(url, redirects.last)}: không tải được trang: {_network_error_vi(reason)}; "
                         f"{PASTE_INSTEAD}") from None
    if len(body) > limit:
        raise FetchError(f"{fetched_where(url, final)}: trang lớn hơn giới hạn tải về ({cfg.download_maxsize_mb} MB, "
                         f"[crawler] download_maxsize_mb); {PASTE_INSTEAD}")
    return body, ctype, final


def _opener(cfg: CrawlerConfig, allowed_hosts: frozenset[str] | None,
            redirects: RedirectGuard | None = None) -> urllib.request.OpenerDirector:
    """An opener within the crawler's limits (`fetch`): redirects guarded (by `redirects`, which then knows where
    they led), private addresses refused unless allowed."""
    redirects = redirects or RedirectGuard(cfg.max_redirects, cfg.allow_private_hosts)
    # with private hosts allowed, a link-local or cloud metadata address is still refused where it is connected to
    allowed = proxy_hosts() if allowed_hosts is None else allowed_hosts
    handlers: list[urllib.request.BaseHandler] = [
        PublicHTTPHandler(allowed, cfg.allow_private_hosts),
        PublicHTTPSHandler(tls_context(), allowed, cfg.allow_private_hosts)]
    return urllib.request.build_opener(redirects, *handlers)


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
    that network may lead, and when it is not told within `resolve_limit_s` in all. A socket's timeout bounds each
    read only (a server sending a byte a second never trips it) and urllib gives every redirect the whole of it
    again: the deadline is kept by following the link in a daemon thread, given up at the deadline (the thread
    then ends with its connection, at the latest after one more socket timeout per read, or with the process).
    For a pasted report's link: best effort, the report is filed whatever comes of it."""
    limit = resolve_limit_s(cfg)
    deadline = time.monotonic() + limit
    found: list[str | None] = []
    worker = threading.Thread(target=lambda: found.append(_resolve(url, cfg, allowed_hosts, deadline)),
                              name="canhgac-resolve", daemon=True)
    worker.start()
    worker.join(limit)
    return found[0] if found else None


def _resolve(url: str, cfg: CrawlerConfig, allowed_hosts: frozenset[str] | None, deadline: float) -> str | None:
    """`resolve`'s work, each hop given the time left before `deadline`."""
    redirects = RedirectGuard(cfg.max_redirects, cfg.allow_private_hosts, deadline)
    try:
        with _opener(cfg, allowed_hosts, redirects).open(_request(url, cfg),
                                                         timeout=max(deadline - time.monotonic(), 0.01)) as resp:
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
