"""`canhgac crawl` stopped by SIGTERM or SIGHUP (`kill`, systemd, a closed terminal) as by Ctrl-C: its crawl
subprocesses (each in a session of its own) are stopped, never left running; a source whose run raised an
exception in canhgac's own code is reported with its error, also in the summary after a stop. A real demo
site on 127.0.0.1, a real database, `canhgac crawl` and its crawls in real subprocesses."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.runner import PROJECT_DIR, CrawlStop, RunOutcome, run_sources
from crawler.runner import crawl_env as subprocess_env
from review.models import Source, SourceRun
from tests.crawler.conftest import crawler_table
from tests.crawler.processes import descendants, kill_all, survivors_of

NO_MODEL = '\n[classifier]\nmodel = "models/khong-co.skops"\n'


def _stuck_sources(crawl_env, db_url: str, names: list[str]) -> tuple[Path, threading.Event]:  # type: ignore[no-untyped-def]
    """Sources whose listing page answers only once the returned event is set (their download does not time out
    meanwhile); the config path."""
    released = threading.Event()

    def slow(handler: BaseHTTPRequestHandler) -> None:
        released.wait(600)
        try:
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html; charset=utf-8")
            handler.send_header("Content-Length", "13")
            handler.end_headers()
            handler.wfile.write(b"<html></html>")
        except OSError:
            pass

    b = crawl_env.site.base_url
    sources = "".join(f'''
[[sources]]
name = "{n}"
kind = "html"
urls = ["{b}/{n}/"]
selectors = {{ link = "a.post-link" }}
''' for n in names)
    for n in names:
        crawl_env.site.set_handler(f"/{n}/", slow)
    cfg = crawl_env.tmp / "canhgac.toml"
    # a grace long enough for a stop on request to finish on a loaded machine (a stop that took the grace, killed at
    # its end, would still leave no process: the survivors are looked for after the command ended)
    cfg.write_text(f'[database]\nurl = "{db_url}"\n' + crawler_table(download_timeout_s=500)
                   + NO_MODEL + "\n[daemon]\nstop_grace_s = 30\n" + sources, encoding="utf-8")
    return cfg, released


def _crawl(cfg: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "crawler.cli", "--config", str(cfg), "crawl", *args],
                            cwd=PROJECT_DIR, env=subprocess_env(None) | {"CANHGAC_CONFIG": str(cfg)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for(what: str, cond, proc: subprocess.Popen[bytes]) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 300  # starting `canhgac crawl` and its crawl takes a while on a loaded machine
    while not cond():
        if proc.poll() is not None:
            pytest.fail(f"`canhgac crawl` ended ({proc.returncode}) while waiting for {what}: {proc.communicate()}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def _runs(crawl_env) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with crawl_env.store.session() as s:
        return {name: status for name, status in s.execute(
            select(Source.name, SourceRun.status).join(Source, Source.id == SourceRun.source_id))}


# ------------------------------------------------------------------ 1. SIGTERM / SIGHUP
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_sigterm_or_sighup_stops_the_crawls_and_leaves_no_process(crawl_env, db_url: str, signum: int) -> None:  # type: ignore[no-untyped-def]
    names = ["cham-a", "cham-b"]
    cfg, released = _stuck_sources(crawl_env, db_url, names)
    proc = _crawl(cfg, "-j", "1", "--log-dir", str(crawl_env.tmp / "logs"), *names)
    seen: dict[int, str] = {}
    survivors: list[int] = []
    try:
        _wait_for("the first crawl's listing request", lambda: bool(crawl_env.site.requests_for("/cham-a/")), proc)
        seen = descendants(proc.pid)
        assert seen, "the crawl subprocess was not found"
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=180)
        survivors = survivors_of(seen)  # while the stuck download still holds an orphaned crawl
    finally:
        released.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        kill_all(survivors or survivors_of(seen))
    text = err.decode("utf-8")
    assert survivors == [], (survivors, text)
    assert proc.returncode == 128 + signum, (out.decode(), text)
    name = signal.Signals(signum).name
    assert f"Đã dừng theo yêu cầu (nhận tín hiệu {name}" in text, text
    assert "Dừng giữa chừng: cham-a" in text and "Chưa bắt đầu: cham-b" in text, text
    assert "Traceback" not in text, text
    assert crawl_env.site.requests_for("/cham-b/") == []
    runs = _runs(crawl_env)
    # stopped on request, like Ctrl-C: not a failure of the source
    assert runs.get("cham-a") == "stopped" and "cham-b" not in runs, runs


# ------------------------------------------------------------------ 2. a source whose run raised
def _read_lines(stream, into: queue.Queue[str]) -> None:  # type: ignore[no-untyped-def]
    for raw in iter(stream.readline, b""):
        into.put(raw.decode("utf-8"))


def test_source_whose_run_raised_is_in_the_summary_after_ctrl_c(crawl_env, db_url: str) -> None:  # type: ignore[no-untyped-def]
    cfg, released = _stuck_sources(crawl_env, db_url, ["cham-a", "hong"])
    logs = crawl_env.tmp / "logs"
    (logs / "hong.log").mkdir(parents=True)  # its log cannot be opened: run_source raises IsADirectoryError
    proc = _crawl(cfg, "-j", "2", "--log-dir", str(logs), "cham-a", "hong")
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=_read_lines, args=(proc.stdout, lines), daemon=True)
    reader.start()
    printed: list[str] = []

    def hong_reported() -> bool:
        while not lines.empty():
            printed.append(lines.get())
        return any("✗ hong" in line for line in printed)

    try:
        _wait_for("cham-a's listing request", lambda: bool(crawl_env.site.requests_for("/cham-a/")), proc)
        _wait_for("hong's error line", hong_reported, proc)
        proc.send_signal(signal.SIGINT)
        assert proc.stderr is not None
        err = proc.stderr.read().decode("utf-8")
        proc.wait(timeout=180)
    finally:
        released.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    reader.join(timeout=60)
    assert proc.returncode == 130, err
    [hong_line] = [line for line in printed if "✗ hong" in line]
    assert "lỗi nội bộ của canhgac" in hong_line and "IsADirectoryError" in hong_line, hong_line
    assert "Dừng giữa chừng: cham-a" in err, err
    assert "Lỗi: hong — lỗi nội bộ của canhgac" in err and "IsADirectoryError" in err, err
    assert "Traceback" not in err, err
    assert _runs(crawl_env).get("cham-a") == "stopped"


def test_run_sources_reports_a_run_that_raised_and_runs_the_others() -> None:
    """An exception in canhgac's own code while running one source is that source's error, not the end of
    every other source's crawl."""
    ran: list[str] = []

    def one(name: str, stop: CrawlStop) -> RunOutcome:
        if name == "hong":
            raise LookupError("không tìm thấy cấu hình")
        ran.append(name)
        return RunOutcome(name, True, 1, 1, 0, "", 0, 0.1)

    outcomes = run_sources(["hong", "tot-a", "tot-b"], 1, one, grace_s=1)
    assert ran == ["tot-a", "tot-b"]
    assert [(o.name, o.ok, o.internal_error) for o in outcomes] == [
        ("hong", False, True), ("tot-a", True, False), ("tot-b", True, False)]
    assert outcomes[0].message == "lỗi nội bộ của canhgac, không phải lỗi của nguồn (LookupError: không tìm thấy cấu hình)"


@pytest.fixture
def restore_handlers() -> Iterator[None]:
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGHUP)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_run_sources_keeps_an_ignored_sighup_ignored(restore_handlers: None) -> None:
    """Under `nohup` SIGHUP is ignored: run_sources must not make it stop the crawls, and puts back the
    handlers it found."""
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    before = signal.getsignal(signal.SIGTERM)
    during: list[object] = []

    def one(name: str, stop: CrawlStop) -> RunOutcome:
        return RunOutcome(name, True, 0, 0, 0, "", 0, 0.0)

    def seen(outcome: RunOutcome) -> None:
        during.append(signal.getsignal(signal.SIGHUP))
        during.append(signal.getsignal(signal.SIGTERM))

    run_sources(["a"], 1, one, grace_s=1, on_outcome=seen)
    assert during[0] is signal.SIG_IGN and during[1] is not before  # SIGTERM handled while crawls run
    assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN and signal.getsignal(signal.SIGTERM) is before
