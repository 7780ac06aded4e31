"""Serves the demo site on 127.0.0.1 for `canhgac demo`, the tests and the benchmark.

Static files under this package; `{base}` in .xml/.txt files becomes the server's base URL. Every
response carries an ETag and Last-Modified and honours If-None-Match / If-Modified-Since, like a real
portal's feed. Tests can replace or add a path (`set`) or attach a handler (`set_handler`) to serve
bad input (a truncated feed, a redirect loop, a stalled or endless body), and read `requests`.
"""

from __future__ import annotations

import hashlib
import mimetypes
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parent
LAST_MODIFIED = "Mon, 18 May 2026 10:00:00 GMT"
Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass(frozen=True)
class Page:
    body: bytes
    content_type: str
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SeenRequest:
    path: str
    headers: dict[str, str]


class DemoSite:
    def __init__(self, server: ThreadingHTTPServer) -> None:
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="demo-site", daemon=True)
        self.pages: dict[str, Page] = {}
        self.handlers: dict[str, Handler] = {}
        self.requests: list[SeenRequest] = []
        self._lock = threading.Lock()
        host, port = server.server_address[:2]
        self.base_url = f"http://{host!s}:{port}"

    def start(self) -> DemoSite:
        self._thread.start()
        return self

    def set(self, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8", status: int = 200,
            headers: tuple[tuple[str, str], ...] = ()) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self._lock:
            self.pages[path] = Page(data, content_type, status, headers)

    def set_handler(self, path: str, handler: Handler) -> None:
        with self._lock:
            self.handlers[path] = handler

    def requests_for(self, path: str) -> list[SeenRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> DemoSite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------------------------------ serving
    def lookup(self, path: str) -> Page | None:
        with self._lock:
            page = self.pages.get(path)
        if page is not None:
            return page
        rel = path.lstrip("/")
        file = (ROOT / rel).resolve()
        if ROOT.resolve() not in file.parents and file != ROOT.resolve():
            return None
        if file.is_dir():
            file = file / "index.html"
        if not file.is_file() or file.suffix not in (".html", ".xml", ".txt"):
            return None
        data = file.read_bytes()
        if file.suffix in (".xml", ".txt"):
            data = data.replace(b"{base}", self.base_url.encode())
        ctype = {".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8"}.get(
            file.suffix, mimetypes.guess_type(file.name)[0] or "application/xml")
        if file.suffix == ".xml":
            ctype = "application/rss+xml" if "rss" in file.name else "application/atom+xml" \
                if "atom" in file.name else "application/xml"
        return Page(data, ctype)


def _make_handler(site_ref: list[DemoSite]) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "DemoPortal/1.0"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet in tests
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            site = site_ref[0]
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            with site._lock:
                site.requests.append(SeenRequest(path, {k.lower(): v for k, v in self.headers.items()}))
                handler = site.handlers.get(path)
            if handler is not None:
                handler(self)
                return
            page = site.lookup(path)
            if page is None:
                self._send(404, b"<html><body><h1>404 - Kh\xc3\xb4ng t\xc3\xacm th\xe1\xba\xa5y trang</h1></body></html>",
                           "text/html; charset=utf-8")
                return
            etag = '"' + hashlib.sha1(page.body).hexdigest()[:16] + '"'
            if page.status == 200 and (self.headers.get("If-None-Match") == etag or (
                    "If-None-Match" not in self.headers and self.headers.get("If-Modified-Since") == LAST_MODIFIED)):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self._send(page.status, page.body, page.content_type,
                       (("ETag", etag), ("Last-Modified", LAST_MODIFIED), *page.headers))

        def _send(self, status: int, body: bytes, ctype: str, headers: tuple[tuple[str, str], ...] = ()) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

    return _Handler


class _Server(ThreadingHTTPServer):
    """A reader hanging up mid-answer is normal (a crawler or a report fetch stops at its size cap or time limit):
    not a traceback on the demo's stderr, which is also the terminal `canhgac demo` and the tests write to."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


def serve(host: str = "127.0.0.1", port: int = 0) -> DemoSite:
    """Start the demo site in a background thread; `.base_url`, `.close()`."""
    ref: list[DemoSite] = []
    server = _Server((host, port), _make_handler(ref))
    server.daemon_threads = True
    site = DemoSite(server)
    ref.append(site)
    return site.start()


def demo_sources_toml(base_url: str) -> str:
    """`[[sources]]` tables for every demo source, pointing at `base_url`."""
    b = base_url.rstrip("/")
    return f'''
[[sources]]
name = "so-vhttdl-rss"
kind = "rss"
urls = ["{b}/tin-tuc/rss.xml", "{b}/tin-tuc/atom.xml"]
official = true
locality = "Nghệ An"
schedule = "every 30m"

[[sources]]
name = "so-vhttdl-sitemap"
kind = "sitemap"
urls = ["{b}/sitemap.xml"]
official = true
locality = "Nghệ An"
schedule = "every 6h"

[[sources]]
name = "phuong-hung-dung"
kind = "html"
urls = ["{b}/phuong/"]
locality = "Nghệ An"
max_pages = 3
schedule = "every 2h"
selectors = {{ link = "a.post-link", next_page = "a.next", title = "h1.entry-title", text = "div.entry-content", date = "span.ngay-dang", author = "span.nguoi-dang" }}

[[sources]]
name = "rao-vat-xu-nghe"
kind = "ads"
urls = ["{b}/rao-vat/"]
max_pages = 3
schedule = "every 1h"
selectors = {{ item = "div.listing", link = "h3.tieu-de a", title = "h3.tieu-de", text = "p.mo-ta", price = "span.gia", contact = "span.lien-he", next_page = "a.next" }}

[[sources]]
name = "dien-dan-pho-phuong"
kind = "html"
urls = ["{b}/dien-dan/"]
max_pages = 3
schedule = "every 1h"
selectors = {{ link = "a.thread-link", next_page = "a.next", title = "h1.thread-title", text = "div.post-body" }}
'''
