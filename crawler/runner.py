"""Runs one source's crawl in its own process (Scrapy's reactor cannot restart within a process).

`run_source` is what `canhgac crawl` and the daemon call: it starts `python -m scrapy crawl <kind>
-a source=NAME` with the config passed through the environment, kills it when it overruns its
timeout, and reads the outcome from the run the crawl recorded in the database. A crawl that was
killed, crashed or never started is recorded as a failed run, so `canhgac status` shows it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from review.config import Config, load_config
from review.store import Store

PROJECT_DIR = Path(__file__).resolve().parent.parent  # holds scrapy.cfg


@dataclass(frozen=True)
class RunOutcome:
    name: str
    ok: bool
    items_new: int
    pages: int
    errors: int
    message: str
    returncode: int
    duration_s: float


def crawl_command(config: Config, name: str, settings: Mapping[str, str] | None = None) -> list[str]:
    kind = config.source(name).kind
    extra = [arg for k, v in (settings or {}).items() for arg in ("-s", f"{k}={v}")]
    return [sys.executable, "-m", "scrapy", "crawl", kind, "-a", f"source={name}", "--loglevel", "INFO", *extra]


def crawl_env(config_path: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if config_path:
        env["CANHGAC_CONFIG"] = str(Path(config_path).resolve())
    env["SCRAPY_SETTINGS_MODULE"] = "crawler.settings"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_DIR), env.get("PYTHONPATH", "")) if p)
    return env


def shared_cores_settings(crawls_at_once: int) -> dict[str, str]:
    """Scrapy settings for one of `crawls_at_once` crawls started together: when they already fill every
    core, each runs its pipeline in its own process instead of spawning worker processes of its own
    (spawning and loading the model per worker then costs more than it gains)."""
    return {"CANHGAC_WORKERS": "0"} if crawls_at_once >= (os.cpu_count() or 1) else {}


def start_source(config_path: str | None, name: str, log_path: Path | None = None,
                 settings: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start the crawl of `name` and return the process (for callers that watch it themselves)."""
    config = load_config(config_path)
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115 - handed to the child
    try:
        return subprocess.Popen(crawl_command(config, name, settings), cwd=PROJECT_DIR, env=crawl_env(config_path),
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    finally:
        if log_path:
            out.close()  # type: ignore[union-attr]


def run_source(config_path: str | None, name: str, timeout_s: int, log_path: Path | None = None, *,
               settings: Mapping[str, str] | None = None) -> RunOutcome:
    """Crawl one source now, in a subprocess; never raises for a failed crawl (see RunOutcome.ok).

    `log_path` keeps the crawl's log; `settings` are extra Scrapy `-s` settings.
    """
    config = load_config(config_path)
    source = config.source(name)  # unknown name: ConfigError now, not a dead subprocess
    started = time.monotonic()
    store = Store.open(config.database.url)
    try:
        store.ensure_source(source)
        before = store.last_run(name)
        proc = start_source(config_path, name, log_path, settings)
        timed_out = False
        try:
            returncode = proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill(proc)
            returncode = proc.wait()
        duration = time.monotonic() - started
        run = store.last_run(name)
        fresh = run is not None and (before is None or run.id != before.id)
        if fresh and run is not None and run.status in ("ok", "failed") and not timed_out:
            return RunOutcome(name, run.status == "ok", run.items_new, run.pages, run.errors, run.message or "",
                              returncode, duration)
        message = (f"quá thời gian {timeout_s}s nên đã bị dừng" if timed_out
                   else f"tiến trình thu thập kết thúc với mã {returncode} khi chưa xong lượt chạy")
        if log_path and not timed_out:
            message += f" (nhật ký: {log_path})"
        if fresh and run is not None and run.status == "running":
            store.finish_run(run.id, ok=False, items_new=run.items_new, pages=run.pages, errors=run.errors + 1,
                             message=message)
        else:
            run_id = store.start_run(name)
            store.finish_run(run_id, ok=False, items_new=0, errors=1, message=message)
        return RunOutcome(name, False, 0, 0, 1, message, returncode, duration)
    finally:
        store.close()


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the crawl's whole process group: the crawl is crash-safe, so no graceful stop is needed,
    and the run stays 'running' for `run_source` to close as failed with the reason."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
