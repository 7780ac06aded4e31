"""Fetching a reported page (`canhgac report URL`, `crawler.report_fetch.fetch`) keeps one time limit in all,
`[crawler] download_timeout_s`: a server dripping its headers or its page a byte at a time (each byte under the
socket timeout) or a chain of slow redirects does not hold the command; it fails with a Vietnamese line naming the
address and the limit, and nothing is stored. A pasted link's follow (`resolve`) given up at its deadline closes
its connection then, not one socket timeout per byte later. A page cut off mid-body is refused, never stored as
the page. Real servers on 127.0.0.1 (raw sockets that trickle), the real CLI, a real database. No timing is
asserted but generous bounds (three times the limit) on waits that were unbounded before."""

from __future__ import annotations

import gzip
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from crawler.cli import main
from crawler.report_fetch import FetchError, fetch, resolve
from review.config import CrawlerConfig
from tests.crawler.test_report_pages import ARTICLE, NO_MODEL, _one_line_error, _reports

LIMIT_S = 2
Serve = Callable[[socket.socket, threading.Event], None]


@contextmanager
def raw_server(serve: Serve) -> Iterator[tuple[str, threading.Event]]:
    """An address on 127.0.0.1 whose every connection is answered by `serve(conn, stop)`, and an event set when
    the client closed a connection while it was being answered."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    stop, closed = threading.Event(), threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    def answer(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            try:
                serve(conn, stop)
            except OSError:  # the client went away: what a prompt give-up looks like from here
                closed.set()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}", closed
    finally:
        stop.set()
        server.close()
        thread.join(5)


def _trickle(conn: socket.socket, stop: threading.Event, data: bytes) -> None:
    for byte in data:
        if stop.wait(0.5):
            return
        conn.send(bytes([byte]))


def _trickling_headers(conn: socket.socket, stop: threading.Event) -> None:
    _trickle(conn, stop, b"HTTP/1.1 200 OK\r\nX-Cham: " + b"a" * 400)


def _trickling_body(conn: socket.socket, stop: threading.Event) -> None:
    body = ARTICLE.encode()
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(body))
    _trickle(conn, stop, body)


def _cfg() -> CrawlerConfig:
    return CrawlerConfig(download_timeout_s=LIMIT_S, allow_private_hosts=True)


def _fetch_fails(url: str) -> str:
    """`fetch`'s error, asked in a thread of the test's own: a fetch that keeps waiting fails the test."""
    failed: list[BaseException] = []

    def ask() -> None:
        try:
            fetch(url, _cfg())
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            failed.append(exc)

    asking = threading.Thread(target=ask, daemon=True)
    asking.start()
    asking.join(3 * LIMIT_S)
    assert failed, "still fetching after three times the limit"
    assert isinstance(failed[0], FetchError), repr(failed[0])
    return str(failed[0])


@pytest.mark.parametrize("serve", [_trickling_headers, _trickling_body], ids=["headers", "body"])
def test_a_trickling_server_fails_the_fetch_at_the_limit(serve: Serve) -> None:
    with raw_server(serve) as (base, closed):
        err = _fetch_fails(base + "/bai-cham")
        assert f"{base}/bai-cham: " in err and f"{LIMIT_S} giây" in err and "[crawler] download_timeout_s" in err, err
        assert "--text" in err, err
        assert closed.wait(3 * LIMIT_S), "the connection was kept open after the fetch gave up"


def test_slow_redirects_count_against_one_limit(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """Hops answering after 1.5 s each (each under the limit of 2 s): the fetch fails at the limit and names where
    the redirects had led."""
    import time
    from http.server import BaseHTTPRequestHandler

    base = crawl_env.site.base_url

    def hop(to: str):  # type: ignore[no-untyped-def]
        def handle(handler: BaseHTTPRequestHandler) -> None:
            time.sleep(1.5)
            handler.send_response(302)
            handler.send_header("Location", to)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
        return handle

    crawl_env.site.set("/trang", ARTICLE)
    for n in range(1, 4):
        crawl_env.site.set_handler(f"/s/{n}", hop(base + (f"/s/{n + 1}" if n < 3 else "/trang")))
    err = _fetch_fails(base + "/s/1")
    assert err.startswith(f"{base}/s/1 (chuyển tới {base}/s/"), err
    assert f"{LIMIT_S} giây" in err, err


def test_canhgac_report_of_a_trickling_page_fails_and_stores_nothing(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure(NO_MODEL))  # [crawler] download_timeout_s = 3
    with raw_server(_trickling_body) as (base, _):
        done: list[int] = []
        running = threading.Thread(target=lambda: done.append(main(["--config", cfg, "report", base + "/bai"])),
                                   daemon=True)
        running.start()
        running.join(3 * 3 + 20)  # and the command's own start (the database set up) on a busy machine
        assert done == [1], "the report was still fetching"
    err = _one_line_error(capsys)
    assert f"{base}/bai: " in err and "3 giây" in err and "download_timeout_s" in err, err
    assert _reports(crawl_env) == 0


def test_a_pasted_links_follow_closes_its_connection_at_the_deadline() -> None:
    with raw_server(_trickling_headers) as (base, closed):
        found: list[str | None] = []
        asking = threading.Thread(target=lambda: found.append(resolve(base + "/s/cham", _cfg())), daemon=True)
        asking.start()
        asking.join(3 * LIMIT_S)
        assert found == [None]
        # before: the abandoned thread read on, a byte every half second, for the 200 s the server drips
        assert closed.wait(3 * LIMIT_S), "the link's connection was still open after resolve gave up"
        assert not [t for t in threading.enumerate() if t.name == "canhgac-resolve" and t.is_alive()]


def _cut_short(conn: socket.socket, stop: threading.Event) -> None:
    body = ARTICLE.encode()
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n"
                 % (3 * len(body)) + body[:300])
    conn.shutdown(socket.SHUT_RDWR)


def _chunk_cut_short(conn: socket.socket, stop: threading.Event) -> None:
    part = ARTICLE.encode()[:300]
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n"
                 + b"%x\r\n" % len(part) + part + b"\r\n")
    conn.shutdown(socket.SHUT_RDWR)


@pytest.mark.parametrize("serve", [_cut_short, _chunk_cut_short], ids=["content-length", "chunked"])
def test_a_page_cut_off_mid_body_is_refused_not_stored(crawl_env, capsys, serve: Serve) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure(NO_MODEL))
    with raw_server(serve) as (base, _):
        assert main(["--config", cfg, "report", base + "/bai"]) == 1
    err = _one_line_error(capsys)
    assert f"{base}/bai: " in err and "ngắt giữa chừng" in err and "--text" in err, err
    assert _reports(crawl_env) == 0


def _gzipped_anyway(conn: socket.socket, stop: threading.Event) -> None:
    body = gzip.compress(ARTICLE.encode())
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\n"
                 b"Content-Length: %d\r\n\r\n" % len(body) + body)


def test_a_page_compressed_though_not_asked_is_read() -> None:
    """A server (a misconfigured cache) that gzips whatever the request accepts: the page is read, as a crawl
    reads it, not taken for a page without text."""
    with raw_server(_gzipped_anyway) as (base, _):
        body, _ctype, _final = fetch(base + "/bai", _cfg())
    assert body == ARTICLE.encode()


def test_an_officer_at_a_terminal_is_told_how_long_the_page_may_take(crawl_env, capsys,  # type: ignore[no-untyped-def]
                                                                    monkeypatch) -> None:
    """The page may take up to `[crawler] download_timeout_s` (30 s by default): at a terminal the command says what
    it waits for and how long at most, on stderr, as it does for a pasted link."""
    import io
    import os
    import sys

    from tests.crawler.test_report_link_progress import _read_all

    cfg = str(crawl_env.configure(NO_MODEL))  # [crawler] download_timeout_s = 3
    crawl_env.site.set("/bai", ARTICLE)
    shown, tty = os.openpty()
    with io.TextIOWrapper(os.fdopen(tty, "wb", buffering=0), encoding="utf-8", write_through=True) as stream:
        monkeypatch.setattr(sys, "stderr", stream)
        assert main(["--config", cfg, "report", crawl_env.site.base_url + "/bai"]) == 0
        said = _read_all(shown)
        monkeypatch.undo()
    os.close(shown)
    assert f"Đang tải trang {crawl_env.site.base_url}/bai (tối đa 3 giây)" in said, said
    assert "Đang tải trang" not in capsys.readouterr().out
