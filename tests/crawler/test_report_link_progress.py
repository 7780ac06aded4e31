"""While `canhgac report URL --text …` follows the pasted link (up to 10 s, `crawler.report_fetch.resolve`), an
officer at a terminal is told why the command waits: "Đang mở liên kết …" on stderr. Not when stderr is a file or a
pipe (a script's log stays as it was), never on stdout, and not for a text pasted without a link. A real terminal
(a pseudo-terminal), a real HTTP server on 127.0.0.1, the real CLI, a real database (SQLite, and PostgreSQL when
CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator

import pytest

from crawler.cli import main
from tests.crawler.test_report_fb_wrapper import NO_MODEL
from tests.crawler.test_report_pasted_shortlink import LANDING, MESSAGE, _redirect

WAITING = "Đang mở liên kết"


@pytest.fixture
def terminal() -> Iterator[tuple[int, io.TextIOWrapper]]:
    """A pseudo-terminal: (its other end, to read what was shown; the stream to make stderr in the test itself,
    as pytest sets its capture again when the test starts)."""
    shown, tty = os.openpty()
    stream = io.TextIOWrapper(os.fdopen(tty, "wb", buffering=0), encoding="utf-8", write_through=True)
    assert stream.isatty()
    yield shown, stream
    stream.close()
    os.close(shown)


def _read_all(fd: int) -> str:
    os.set_blocking(fd, False)
    data = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except (BlockingIOError, OSError):
            break
        if not chunk:
            break
        data += chunk
    return data.decode("utf-8", "replace")


def _site(crawl_env) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure(NO_MODEL))
    crawl_env.site.set("/nhan-qua", LANDING)
    crawl_env.site.set_handler("/s/qua", _redirect(crawl_env.site.base_url + "/nhan-qua"))
    return cfg, crawl_env.site.base_url + "/s/qua"


def test_an_officer_at_a_terminal_is_told_the_link_is_being_opened(crawl_env, capsys,  # type: ignore[no-untyped-def]
                                                                   terminal, monkeypatch) -> None:
    cfg, link = _site(crawl_env)
    monkeypatch.setattr(sys, "stderr", terminal[1])
    assert main(["--config", cfg, "report", link, "--text", MESSAGE]) == 0
    shown = _read_all(terminal[0])
    # min([crawler] download_timeout_s = 30, RESOLVE_TIMEOUT_S = 10)
    assert f"{WAITING} {link}" in shown and "tối đa 10 giây" in shown, shown
    out = capsys.readouterr().out
    assert WAITING not in out and "Phản ánh đã lưu nhưng CHƯA vào hàng chờ duyệt, chưa có số mục (mã tin 1)" in out, out


def test_a_text_pasted_without_a_link_says_nothing_of_a_link(crawl_env, capsys, terminal,  # type: ignore[no-untyped-def]
                                                             monkeypatch) -> None:
    cfg, _ = _site(crawl_env)
    monkeypatch.setattr(sys, "stderr", terminal[1])
    assert main(["--config", cfg, "report", "--text", MESSAGE]) == 0
    shown = _read_all(terminal[0])
    assert WAITING not in shown and "Phản ánh đã lưu" not in shown, shown  # stdout is not the terminal


def test_nothing_is_said_when_stderr_is_no_terminal(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg, link = _site(crawl_env)
    assert main(["--config", cfg, "report", link, "--text", MESSAGE]) == 0
    captured = capsys.readouterr()
    assert WAITING not in captured.err and WAITING not in captured.out, captured
