"""Fetching a reported page (`canhgac report URL`, `crawler.report_fetch.fetch`) keeps one time limit in all,
`[crawler] download_timeout_s`: a server dripping its headers or its page a byte at a time (each byte under the
socket timeout) or a chain of slow redirects does not hold the command; it fails with a Vietnamese line naming the
address and the limit, and nothing is stored. A pasted link's follow (`resolve`) given up at its deadline closes
its connection then, not one socket timeout per byte later. A page cut off mid-body is refused, never stored as
the page. Real servers on 127.0.0.1 (raw sockets that trickle), the real CLI, a real database. No timing is
asserted but generous bounds (WAIT_S, far beyond the limit, far short of the minutes the servers drip) on waits that
were unbounded before; a fetch expected to succeed gets a generous limit (`_generous`)."""

from __future__ import annotations

import gzip
import socket
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import brotli
import pytest

from crawler.cli import main
from crawler.report_fetch import FetchError, fetch, resolve
from review.config import CrawlerConfig
from tests.crawler.conftest import SHORT_DOWNLOAD_CRAWLER, SHORT_DOWNLOAD_S
from tests.crawler.test_report_pages import ARTICLE, NO_MODEL, _one_line_error, _reports

LIMIT_S = 2
HOLES = 30  # addresses that never answer: before the fix the fetch's thread tried each for the whole limit
WAIT_S = 60  # a give-up that never came fails the test after this long instead of hanging it (a loaded machine)
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
    """For a fetch expected to fail at the limit."""
    return CrawlerConfig(download_timeout_s=LIMIT_S, allow_private_hosts=True)


def _generous(**kwargs: int) -> CrawlerConfig:
    """For a fetch expected to get its answer (from a server that answers at once, on a machine maybe loaded)."""
    return CrawlerConfig(download_timeout_s=60, allow_private_hosts=True, **kwargs)


def _fetch_fails(url: str, cfg: CrawlerConfig | None = None) -> str:
    """`fetch`'s error (with `_cfg()` unless `cfg`), asked in a thread of the test's own: a fetch that keeps waiting
    fails the test."""
    failed: list[BaseException] = []

    def ask() -> None:
        try:
            fetch(url, cfg or _cfg())
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            failed.append(exc)

    asking = threading.Thread(target=ask, daemon=True)
    asking.start()
    asking.join(WAIT_S)
    assert failed, "still fetching long after the limit"
    assert isinstance(failed[0], FetchError), repr(failed[0])
    return str(failed[0])


@pytest.mark.parametrize("serve", [_trickling_headers, _trickling_body], ids=["headers", "body"])
def test_a_trickling_server_fails_the_fetch_at_the_limit(serve: Serve) -> None:
    with raw_server(serve) as (base, closed):
        err = _fetch_fails(base + "/bai-cham")
        assert f"{base}/bai-cham: " in err and f"{LIMIT_S} giây" in err and "[crawler] download_timeout_s" in err, err
        assert "--text" in err, err
        assert closed.wait(WAIT_S), "the connection was kept open after the fetch gave up"


def test_slow_redirects_count_against_one_limit(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """The first hop answering at once, the next two after 15 s each (each under the limit of 20 s): the fetch fails at
    the limit and names where the redirects had led (the first hop, followed seconds before the limit however loaded
    the machine)."""
    import time
    from http.server import BaseHTTPRequestHandler

    base = crawl_env.site.base_url

    limit_s = 20  # the first hop must be answered within it: long enough for a loaded machine

    def hop(to: str, delay: float):  # type: ignore[no-untyped-def]
        def handle(handler: BaseHTTPRequestHandler) -> None:
            time.sleep(delay)
            handler.send_response(302)
            handler.send_header("Location", to)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
        return handle

    crawl_env.site.set("/trang", ARTICLE)
    for n in range(1, 4):
        crawl_env.site.set_handler(f"/s/{n}", hop(base + (f"/s/{n + 1}" if n < 3 else "/trang"), 0 if n == 1 else 15))
    err = _fetch_fails(base + "/s/1", CrawlerConfig(download_timeout_s=limit_s, allow_private_hosts=True))
    assert err.startswith(f"{base}/s/1 (chuyển tới {base}/s/"), err
    assert f"{limit_s} giây" in err, err


def test_canhgac_report_of_a_trickling_page_fails_and_stores_nothing(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure(NO_MODEL, crawler=SHORT_DOWNLOAD_CRAWLER))
    with raw_server(_trickling_body) as (base, _):
        done: list[int] = []
        running = threading.Thread(target=lambda: done.append(main(["--config", cfg, "report", base + "/bai"])),
                                   daemon=True)
        running.start()
        running.join(WAIT_S + 60)  # and the command's own start (the database set up) on a busy machine
        assert done == [1], "the report was still fetching"
    err = _one_line_error(capsys)
    assert f"{base}/bai: " in err and f"{SHORT_DOWNLOAD_S} giây" in err and "download_timeout_s" in err, err
    assert _reports(crawl_env) == 0


def test_a_pasted_links_follow_closes_its_connection_at_the_deadline() -> None:
    with raw_server(_trickling_headers) as (base, closed):
        found: list[str | None] = []
        asking = threading.Thread(target=lambda: found.append(resolve(base + "/s/cham", _cfg())), daemon=True)
        asking.start()
        asking.join(WAIT_S)
        assert found == [None]
        # before: the abandoned thread read on, a byte every half second, for the 200 s the server drips
        assert closed.wait(WAIT_S), "the link's connection was still open after resolve gave up"
        resolving = [t for t in threading.enumerate() if t.name == "canhgac-resolve"]
        for thread in resolving:  # unwinding once its socket is shut (a loaded machine: give it time)
            thread.join(WAIT_S)
        assert not [t for t in resolving if t.is_alive()]


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
        body, _ctype, _final = fetch(base + "/bai", _generous())
    assert body == ARTICLE.encode()


def test_an_officer_at_a_terminal_is_told_how_long_the_page_may_take(crawl_env, capsys,  # type: ignore[no-untyped-def]
                                                                    monkeypatch) -> None:
    """The page may take up to `[crawler] download_timeout_s` (30 s by default): at a terminal the command says what
    it waits for and how long at most, on stderr, as it does for a pasted link."""
    import io
    import os
    import sys

    from tests.crawler.test_report_link_progress import _read_all

    cfg = str(crawl_env.configure(NO_MODEL))  # [crawler] download_timeout_s = 30
    crawl_env.site.set("/bai", ARTICLE)
    shown, tty = os.openpty()
    with io.TextIOWrapper(os.fdopen(tty, "wb", buffering=0), encoding="utf-8", write_through=True) as stream:
        monkeypatch.setattr(sys, "stderr", stream)
        assert main(["--config", cfg, "report", crawl_env.site.base_url + "/bai"]) == 0
        said = _read_all(shown)
        monkeypatch.undo()
    os.close(shown)
    assert f"Đang tải trang {crawl_env.site.base_url}/bai (tối đa 30 giây)" in said, said
    assert "Đang tải trang" not in capsys.readouterr().out


def _sends(body: bytes, *encodings: str) -> Serve:
    """A server answering `body` with one Content-Encoding header line per `encodings`."""
    def serve(conn: socket.socket, stop: threading.Event) -> None:
        lines = b"".join(b"Content-Encoding: %s\r\n" % value.encode() for value in encodings)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n" + lines
                     + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
    return serve


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


PAGE = ARTICLE.encode()
HALF = len(PAGE) // 2


@pytest.mark.parametrize(("body", "encodings"), [
    (gzip.compress(PAGE[:HALF]) + gzip.compress(PAGE[HALF:]), ("gzip",)),  # `gzip -c a b`, a server flushing members
    (gzip.compress(PAGE[:HALF]) + b"\0" * 8 + gzip.compress(PAGE[HALF:]), ("x-gzip",)),  # zero padding between
    (_raw_deflate(PAGE), ("deflate",)),  # raw deflate, as IIS sends it
    (zlib.compress(PAGE), ("deflate",)),
    (PAGE, ("none",)),  # a misconfigured server's label on a plain body: read before 2661247, and by a crawl
    (PAGE, ("UTF-8",)),
    (PAGE, ("identity",)),
    (brotli.compress(PAGE), ("br",)),
    (gzip.compress(gzip.compress(PAGE)), ("gzip, gzip",)),
    (gzip.compress(gzip.compress(PAGE)), ("gzip", "gzip")),  # a proxy gzipping a gzipped page: two header lines
    (gzip.compress(_raw_deflate(PAGE)), ("deflate", "GZIP ")),
], ids=["gzip-two-members", "gzip-padded-members", "deflate-raw", "deflate-zlib", "none", "utf-8", "identity", "br",
        "gzip-gzip", "two-header-lines", "deflate-then-gzip"])
def test_a_page_encoded_as_a_crawl_reads_it_is_read_whole(body: bytes, encodings: tuple[str, ...]) -> None:
    """What a crawl (Scrapy's HttpCompressionMiddleware) reads, a report reads, the whole page: before, a gzip body in
    two members was stored cut to its first, raw deflate was refused as a broken connection, a junk Content-Encoding
    ("none") over a plain page and `br` were refused, and a second gzip layer was stored as binary."""
    with raw_server(_sends(body, *encodings)) as (base, _):
        got, _ctype, _final = fetch(base + "/bai", _generous())
    assert got == PAGE, (len(got), got[:40])


def test_a_report_of_a_page_in_two_gzip_members_stores_its_end(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    """Before: exit 0 and the page stored without its last paragraph (the second member dropped)."""
    from sqlalchemy import select

    from review.models import Item

    cfg = str(crawl_env.configure(NO_MODEL))
    page = ARTICLE.replace("</article>", "<p>ĐOẠN CUỐI: số tài khoản nhận tiền 0123456789.</p></article>").encode()
    cut = page.index("<p>ĐOẠN CUỐI".encode())
    with raw_server(_sends(gzip.compress(page[:cut]) + gzip.compress(page[cut:]), "gzip")) as (base, _):
        assert main(["--config", cfg, "report", base + "/bai"]) == 0
    capsys.readouterr()
    with crawl_env.store.session() as s:
        texts = s.scalars(select(Item.text).where(Item.kind == "report")).all()
    assert len(texts) == 1 and "ĐOẠN CUỐI: số tài khoản nhận tiền 0123456789." in texts[0], texts


@pytest.mark.parametrize(("body", "encoding"), [
    (b"\x1f\x8b\x08\x00" + b"khong phai du lieu nen" * 20, "gzip"),
    (b"\xff\xfe" + b"khong phai du lieu nen" * 20, "deflate"),
    (b"khong phai du lieu nen" * 20, "br"),
    (gzip.compress(PAGE)[:-30], "gzip"),  # ends before its end, though all its Content-Length came
], ids=["gzip", "deflate", "br", "gzip-unfinished"])
def test_corrupt_compressed_data_is_named_so_not_a_broken_connection(crawl_env, capsys, body: bytes,  # type: ignore[no-untyped-def]
                                                                     encoding: str) -> None:
    cfg = str(crawl_env.configure(NO_MODEL))
    with raw_server(_sends(body, encoding)) as (base, _):
        assert main(["--config", cfg, "report", base + "/bai"]) == 1
    err = _one_line_error(capsys)
    assert f"{base}/bai: dữ liệu nén hỏng" in err and "ngắt giữa chừng" not in err and "--text" in err, err
    assert _reports(crawl_env) == 0


@pytest.mark.parametrize("encoding", ["gzip", "br", "deflate"])
def test_an_empty_body_labelled_compressed_is_empty_not_corrupt(encoding: str) -> None:
    """Nothing was sent, so nothing was compressed: an empty page (refused later as a page without text), not
    corrupt data."""
    with raw_server(_sends(b"", encoding)) as (base, _):
        got, _ctype, _final = fetch(base + "/bai", _generous())
    assert got == b""


def test_the_size_cap_holds_across_gzip_members() -> None:
    """A small first member and a bomb in the second: refused as too large once decompressed, not read to its end."""
    bomb = gzip.compress(PAGE[:HALF]) + gzip.compress(b"a" * (3 * 1024 * 1024))
    with raw_server(_sends(bomb, "gzip")) as (base, _):
        with pytest.raises(FetchError, match="sau khi giải nén"):
            fetch(base + "/bai", _generous(download_maxsize_mb=1))


def test_a_name_with_several_unreachable_addresses_takes_the_limit_in_all(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Addresses that never answer a connect (listening sockets whose backlog is full stand in for blackholed
    addresses): before, each got the whole time left, so the fetch's thread went on connecting long after the fetch
    had failed at the limit; now each attempt gets only the time left and the thread ends with the fetch."""
    holes: list[socket.socket] = []
    fillers: list[socket.socket] = []
    try:
        for _ in range(HOLES):
            hole = socket.socket()
            hole.bind(("127.0.0.1", 0))
            hole.listen(0)
            holes.append(hole)
            for _ in range(4):  # fill its accept queue: a later connect is never answered
                filler = socket.socket()
                filler.setblocking(False)
                filler.connect_ex(hole.getsockname())
                fillers.append(filler)
        real = socket.getaddrinfo

        def resolve_name(host: str, port: int, *args: object, **kwargs: object) -> list[tuple[object, ...]]:
            if host == "chan.example.vn":
                return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", hole.getsockname()) for hole in holes]
            return real(host, port, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(socket, "getaddrinfo", resolve_name)
        err = _fetch_fails("http://chan.example.vn/bai")
        assert f"{LIMIT_S} giây" in err, err
        fetching = [t for t in threading.enumerate() if t.name == "canhgac-report-fetch"]
        for thread in fetching:  # the bug's thread: connecting until HOLES x LIMIT_S, long after this join
            thread.join(HOLES * LIMIT_S // 2)
        # before: still connecting to an address half-way down the list, each given the whole limit
        assert not [t for t in fetching if t.is_alive()], "the fetch's thread was still connecting"
    finally:
        for sock in fillers + holes:
            sock.close()
