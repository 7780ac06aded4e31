"""Starting one source's crawl in a process of its own (Scrapy's reactor cannot restart within a process), waiting
for it and killing it.

The crawl is `python -m scrapy crawl <kind> -a source=NAME -s CANHGAC_RUN_ID=<run>` with the config passed through
the environment, in a session of its own (a Ctrl-C typed in the terminal does not reach it, nor does the end of
the terminal). On Linux it is also sent a signal by the kernel when the thread that started it ends
(`die_with_parent`, `crawler.parent_gone`: one graceful stop however often it comes): a command or daemon killed
outright (SIGKILL, the OOM killer), which can stop nothing itself, leaves no crawl running. Killing a crawl kills
its whole process group, its worker processes included.
"""

from __future__ import annotations

import ctypes
import functools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from crawler.parent_gone import PARENT_GONE_SIGNAL
from review.config import Config, load_config
from review.sources import RUN_HEARTBEAT_S

PROJECT_DIR = Path(__file__).resolve().parent.parent  # holds scrapy.cfg

def crawl_command(config: Config, name: str, settings: Mapping[str, str] | None = None,
                  run_id: int | None = None) -> list[str]:
    """`scrapy crawl` of `name`; `run_id`: the run recorded for it, which the crawl takes over (crawler.health)."""
    kind = config.source(name).kind
    given = {**(settings or {}), **({"CANHGAC_RUN_ID": str(run_id)} if run_id is not None else {})}
    extra = [arg for k, v in given.items() for arg in ("-s", f"{k}={v}")]
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
                 settings: Mapping[str, str] | None = None, *, run_id: int | None = None) -> subprocess.Popen[bytes]:
    """Start the crawl of `name` and return the process (for callers that watch it themselves). `run_id`: the
    run recorded for it (`Store.start_run`), which the crawl records its outcome on; None: it records a new one.

    On Linux the crawl is sent PARENT_GONE_SIGNAL (`crawler.parent_gone`: stop gracefully, once) when the thread
    that started it ends, the whole
    command or daemon killed outright (SIGKILL, the OOM killer) included, so no crawl is left orphaned in its
    session: the calling thread must live as long as the crawl, as `run_source`'s does (it waits for it)."""
    config = load_config(config_path)
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115 - handed to the child
    try:
        return subprocess.Popen(crawl_command(config, name, settings, run_id), cwd=PROJECT_DIR, env=crawl_env(config_path),
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=die_with_parent())
    finally:
        if log_path:
            out.close()  # type: ignore[union-attr]


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


@functools.cache
def _prctl() -> Callable[..., int] | None:
    """libc's prctl, looked up once in the parent (never between fork and exec); None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl  # type: ignore[no-any-return]


def die_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` making the child receive PARENT_GONE_SIGNAL when the thread calling Popen ends
    (PR_SET_PDEATHSIG, which holds across exec; `crawler.parent_gone` turns it into one graceful stop, however many
    times the kernel sends it); None (no change) where prctl is not available."""
    prctl = _prctl()
    if prctl is None:
        return None
    parent, sigterm = os.getpid(), int(PARENT_GONE_SIGNAL)

    def set_death_signal() -> None:  # in the child, between fork and exec: no import, no lock
        if prctl(PR_SET_PDEATHSIG, sigterm, 0, 0, 0) != 0:
            return  # as before: the crawl then outlives a killed parent
        if os.getppid() != parent:  # the parent died before the signal was set: nobody would send it
            os._exit(128 + sigterm)

    return set_death_signal


def _wait_exit(proc: subprocess.Popen[bytes], timeout_s: float, beat: Callable[[], None]) -> int | None:
    """Wait up to `timeout_s` for the crawl to exit, calling `beat` every RUN_HEARTBEAT_S; its exit status
    (-signal when killed by one), or None when it is still running. The exited process is left unreaped (a
    zombie), so its pid, its process group's id, cannot be reused before `_kill` reaches what is left of the
    group."""
    deadline = time.monotonic() + timeout_s
    next_beat = time.monotonic() + RUN_HEARTBEAT_S
    pause = 0.05
    while True:
        status = _exit_status(proc)
        now = time.monotonic()
        if status is not None or now >= deadline:
            return status
        if now >= next_beat:
            beat()
            next_beat = time.monotonic() + RUN_HEARTBEAT_S
        time.sleep(max(0.0, min(pause, deadline - now)))
        pause = min(pause * 2, 0.5)


def _exit_status(proc: subprocess.Popen[bytes]) -> int | None:
    if proc.returncode is not None:  # already reaped (`CrawlStop` polls it)
        return proc.returncode
    try:
        info = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:  # reaped meanwhile by another thread's poll
        return proc.poll() if proc.returncode is None else proc.returncode
    if info is None:
        return None
    return info.si_status if info.si_code == os.CLD_EXITED else -info.si_status


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the crawl's whole process group (its worker processes, resource tracker ...), also what is left
    of it once the crawl's own process died: the crawl is crash-safe, so no graceful stop is needed, and the
    run stays 'running' for `run_source` to close with the reason."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
