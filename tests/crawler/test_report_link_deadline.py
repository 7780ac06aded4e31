"""Following a pasted report's link (`crawler.report_fetch.resolve`, "Đang mở liên kết … (tối đa N giây)") keeps
one deadline in all: a server dripping its answer a byte at a time (each byte under the socket timeout) or a chain of
slow redirects (each under it) does not hold `canhgac report URL --text …`. Real servers on 127.0.0.1 (a raw socket
that trickles, the test site's slow redirects), the real CLI, a real database. No timing is asserted but a generous
bound (WAIT_S, far beyond the limit, far short of the minutes the server drips) on a wait that was unbounded before."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from sqlalchemy import func, select

from crawler.cli import main
from crawler.report_fetch import resolve, resolve_limit_s
from review.config import CrawlerConfig
from review.models import Item
from tests.crawler.conftest import SHORT_DOWNLOAD_CRAWLER, SHORT_DOWNLOAD_S
from tests.crawler.test_report_fb_wrapper import NO_MODEL
from tests.crawler.test_report_pasted_shortlink import LANDING

LIMIT_S = 2
WAIT_S = 60  # a give-up that never came fails the test after this long instead of hanging it (a loaded machine)


@pytest.fixture
def trickling() -> Iterator[str]:
    """An address whose server sends its status line and headers one byte a second, never finishing in time."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    stop = threading.Event()

    def serve() -> None:
        try:
            conn, _ = server.accept()
        except OSError:
            return
        with conn:
            conn.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nX-Cham: " + b"a" * 200:
                if stop.wait(1):
                    return
                try:
                    conn.send(bytes([byte]))
                except OSError:
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/s/cham"
    stop.set()
    server.close()
    thread.join(5)


def test_a_trickling_server_is_given_up_at_the_deadline(trickling: str) -> None:
    cfg = CrawlerConfig(download_timeout_s=LIMIT_S, allow_private_hosts=True)
    assert resolve_limit_s(cfg) == LIMIT_S
    found: list[str | None] = []
    # in a thread of the test's own, so that a resolve that keeps waiting fails the test instead of hanging it
    asking = threading.Thread(target=lambda: found.append(resolve(trickling, cfg)), daemon=True)
    asking.start()
    asking.join(WAIT_S)
    assert found == [None], "still following the link long after its limit"


def _slow_redirect(to: str, delay: float):  # type: ignore[no-untyped-def]
    def handle(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(delay)
        handler.send_response(302)
        handler.send_header("Location", to)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return handle


def test_slow_redirects_each_under_the_timeout_keep_the_promised_wait(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    """Four hops answering after 2.5 s each, under `[crawler] download_timeout_s = 3` each: the report is filed
    (without where the link leads) once the wait it announced is over, not after 10 s: the follow gave up at its
    deadline, during the second hop (the server's own delays: the third hop can only be asked for after 5 s, however
    fast or slow the machine), instead of asking for all four. No timing is asserted."""
    cfg = str(crawl_env.configure(NO_MODEL, crawler=SHORT_DOWNLOAD_CRAWLER))
    assert SHORT_DOWNLOAD_S == 3
    base = crawl_env.site.base_url
    crawl_env.site.set("/nhan-qua", LANDING)
    for hop, to in ((1, "/s/2"), (2, "/s/3"), (3, "/s/4"), (4, "/nhan-qua")):
        crawl_env.site.set_handler(f"/s/{hop}", _slow_redirect(base + to, 2.5))
    assert main(["--config", cfg, "--as", "lan", "report", "--text", "một tin nhắn khác, không kèm liên kết"]) == 0
    capsys.readouterr()
    assert main(["--config", cfg, "--as", "lan", "report", base + "/s/1", "--text", "tin nhắn lừa đảo nhận quà"]) == 0
    assert "đã lưu" in capsys.readouterr().out
    asked = [path for path in ("/s/1", "/s/2", "/s/3", "/s/4", "/nhan-qua") if crawl_env.site.requests_for(path)]
    # never the third hop (asked for 5 s in at the earliest, past the 3 s deadline); a starved machine may not even
    # have asked for the first within the deadline
    assert not {"/s/3", "/s/4", "/nhan-qua"} & set(asked), asked
    with crawl_env.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Item)) == 2  # both kept (unscored: no model)
