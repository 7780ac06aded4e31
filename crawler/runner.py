"""Runs one source's crawl in its own process (Scrapy's reactor cannot restart within a process).

`run_source` is what `canhgac crawl` and the daemon call: it records a run of its own, starts `python -m scrapy
crawl <kind> -a source=NAME -s CANHGAC_RUN_ID=<run>` with the config passed through the environment, kills it
when it overruns its timeout, and reads the outcome from that run once the crawl recorded it. A crawl that ended
without recording it is closed by `run_source`, with what it had stored, so `canhgac status` shows it: `killed`
when its process was killed from outside (kill -9, the OOM killer; its worker processes are then killed too),
`failed` when it overran its timeout, crashed or never started, `stopped` when it was stopped on request.

`run_sources` runs several, a few at a time, for the commands (`canhgac crawl`, `canhgac demo`), and
stops them on Ctrl-C, SIGTERM or SIGHUP (`kill`, systemd stopping the command, the terminal closed): each crawl
runs in a session of its own (a Ctrl-C typed in the terminal does not reach it, nor does the end of the
terminal), so no source still waiting is started, and each running crawl is sent SIGINT, which Scrapy takes as
"stop gracefully" (no new request, the items in hand stored, the run recorded). A crawl still running after
the grace period (or at a second signal) is killed with its workers: crawls are crash-safe, the next run
fetches what this one had not stored, nothing is stored twice. An exception in canhgac's own code while running
one source is that source's error (`internal_error`), never the end of the others. On Linux a crawl is also sent
a signal by the kernel when the thread that started it ends (`die_with_parent`, `crawler.parent_gone`: one graceful
stop however often it comes): a command or daemon killed outright
(SIGKILL, the OOM killer), which can stop nothing itself, leaves no crawl running.
"""

from __future__ import annotations

import ctypes
import functools
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from crawler.parent_gone import PARENT_GONE_SIGNAL
from review.config import Config, load_config
from review.sources import RUN_HEARTBEAT_S
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
    internal_error: bool = False  # canhgac's own code raised (see `internal_error`), not a failed crawl


def internal_error(name: str, exc: Exception, duration_s: float = 0.0) -> RunOutcome:
    """The outcome of a source whose run raised `exc` in canhgac's own code (not a failed crawl)."""
    return RunOutcome(name, False, 0, 0, 1, f"lỗi nội bộ của canhgac, không phải lỗi của nguồn "
                      f"({type(exc).__name__}: {str(exc)[:300]})", -1, duration_s, internal_error=True)


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


# Ctrl-C in a command: how long running crawls get to stop gracefully (at most [daemon] stop_grace_s) before they
# are killed. Someone waits at the terminal, and a killed crawl loses nothing (the next run fetches what it had not
# stored); Scrapy's graceful stop waits for the downloads in flight, up to [crawler] download_timeout_s.
CTRL_C_GRACE_S = 10
STOPPED_VI = "đã dừng theo yêu cầu ({why}) khi chưa xong lượt chạy"
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)  # handled like Ctrl-C while `run_sources` runs


def stop_reason_vi(signum: int) -> str:
    """What stopped the command, for the officer: "Ctrl-C" or the signal."""
    if signum == signal.SIGINT:
        return "Ctrl-C"
    if signum == signal.SIGHUP:
        return "nhận tín hiệu SIGHUP, thường do cửa sổ dòng lệnh bị đóng"
    return f"nhận tín hiệu {signal.Signals(signum).name}"


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP while `run_sources` runs, raised in the main thread and taken like Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_terminated(signum: int, _frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextmanager
def _stop_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise Terminated in the main thread while this lasts, instead of ending the process at
    once and leaving its crawls (each in a session of its own) running. A signal that is ignored (`nohup`)
    stays ignored; the handlers found are put back."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[signal.Signals, Callable[[int, FrameType | None], object] | int | None] = {}
    for sig in STOP_SIGNALS:
        if signal.getsignal(sig) is not signal.SIG_IGN:
            previous[sig] = signal.signal(sig, _raise_terminated)
    try:
        yield
    finally:
        for restored, handler in previous.items():
            signal.signal(restored, signal.SIG_DFL if handler is None else handler)


class CrawlStop:
    """The crawl subprocesses of one command, to stop them all at once (`run_sources`). Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[str, subprocess.Popen[bytes]] = {}
        self.requested = False
        self.why = stop_reason_vi(signal.SIGINT)  # what stopped the crawls, for their runs' message
        self.forced = False  # past the grace period: a crawl starting now is killed at once
        self.stopped: list[str] = []  # sources whose running crawl was told to stop
        self.skipped: list[str] = []  # sources not started because the stop came first

    def may_start(self, name: str) -> bool:
        """False (and `name` noted as not started) once a stop was requested."""
        with self._lock:
            if self.requested:
                self.skipped.append(name)
            return not self.requested

    def started(self, name: str, proc: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._running[name] = proc
            if self.forced:  # the stop and its grace period passed while this crawl was being started
                self._interrupt(name, proc)
                _kill(proc)
            elif self.requested:  # the stop came while this crawl was being started
                self._interrupt(name, proc)

    def finished(self, name: str) -> None:
        with self._lock:
            self._running.pop(name, None)

    def was_stopped(self, name: str) -> bool:
        with self._lock:
            return name in self.stopped

    def request(self, signum: int = signal.SIGINT) -> list[str]:
        """No crawl starts from now on; the running ones are sent SIGINT (Scrapy: stop gracefully). Returns
        their names. `signum`: what asked for the stop (Ctrl-C unless told)."""
        with self._lock:
            self.requested = True
            self.why = stop_reason_vi(signum)
            for name, proc in self._running.items():
                self._interrupt(name, proc)
            return list(self._running)

    def force(self) -> list[str]:
        """SIGKILL the crawls still running, with their worker processes; returns their names."""
        with self._lock:
            self.forced = True
            for proc in self._running.values():
                _kill(proc)
            return list(self._running)

    def _interrupt(self, name: str, proc: subprocess.Popen[bytes]) -> None:
        # the crawl's main process only: it shuts its worker processes down itself once the spider closed. A crawl
        # that had already ended (finished, or crashed) was not stopped: its own outcome stands
        if proc.poll() is not None:
            return
        try:
            os.kill(proc.pid, signal.SIGINT)
        except ProcessLookupError:
            return
        if name not in self.stopped:
            self.stopped.append(name)


@dataclass
class CrawlInterrupted(Exception):  # noqa: N818 - what happened, not an error
    """Ctrl-C (or SIGTERM, SIGHUP) during `run_sources`: what had finished, what was stopped, what never started
    and whose run raised."""

    finished: list[RunOutcome] = field(default_factory=list)  # before the Ctrl-C, in the order of the names
    stopped: list[str] = field(default_factory=list)
    not_started: list[str] = field(default_factory=list)
    killed: list[str] = field(default_factory=list)  # stopped ones still running after the grace period
    errors: list[RunOutcome] = field(default_factory=list)  # canhgac's own code raised (`internal_error`)
    signum: int = signal.SIGINT  # what stopped the command; it exits 128 + signum


def run_sources(names: Sequence[str], jobs: int, run_one: Callable[[str, CrawlStop], RunOutcome], *,
                grace_s: float, on_outcome: Callable[[RunOutcome], None] | None = None,
                on_stopping: Callable[[list[str], int], None] | None = None) -> list[RunOutcome]:
    """`run_one(name, stop)` (which calls `run_source(..., stop=stop)`) for each name, `jobs` at a time; the
    outcomes in the order of `names`, each also given to `on_outcome` as soon as it and those before it are in.
    A `run_one` that raised gives that source's `internal_error` outcome.

    On Ctrl-C (KeyboardInterrupt in the calling thread), or SIGTERM or SIGHUP when called in the main thread: no
    source still waiting starts, the running crawls are sent SIGINT (`on_stopping` is told which, and the
    signal) and given `grace_s` seconds to stop (a second signal: none), then killed; then CrawlInterrupted is
    raised."""
    with _stop_signals():
        return _run_sources(names, jobs, run_one, grace_s, on_outcome, on_stopping)


def _run_sources(names: Sequence[str], jobs: int, run_one: Callable[[str, CrawlStop], RunOutcome], grace_s: float,
                 on_outcome: Callable[[RunOutcome], None] | None,
                 on_stopping: Callable[[list[str], int], None] | None) -> list[RunOutcome]:
    stop = CrawlStop()
    pool = ThreadPoolExecutor(max_workers=max(1, jobs))

    def guarded(name: str) -> RunOutcome | None:
        if not stop.may_start(name):
            return None
        started = time.monotonic()
        try:
            return run_one(name, stop)
        except Exception as exc:  # noqa: BLE001 - this source's error, the others go on
            return internal_error(name, exc, time.monotonic() - started)

    futures: list[tuple[str, Future[RunOutcome | None]]] = []
    outcomes: list[RunOutcome] = []
    try:
        for name in names:
            futures.append((name, pool.submit(guarded, name)))
        for _, fut in futures:
            outcome = fut.result()
            if outcome is not None:
                outcomes.append(outcome)
                if on_outcome is not None:
                    on_outcome(outcome)
        return outcomes
    except KeyboardInterrupt as exc:
        signum = exc.signum if isinstance(exc, Terminated) else signal.SIGINT
        raise _interrupted(futures, [n for n in names if n not in {m for m, _ in futures}], stop, grace_s,
                           on_stopping, signum) from None
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _interrupted(futures: list[tuple[str, Future[RunOutcome | None]]], unsubmitted: list[str], stop: CrawlStop,
                 grace_s: float, on_stopping: Callable[[list[str], int], None] | None,
                 signum: int) -> CrawlInterrupted:
    running = stop.request(signum)
    cancelled = [name for name, fut in futures if fut.cancel()]
    pending = [fut for _, fut in futures if not fut.done()]
    if on_stopping is not None and running:
        on_stopping(running, signum)
    try:
        wait(pending, timeout=grace_s)
    except KeyboardInterrupt:
        pass  # a second Ctrl-C (or signal): kill them now
    killed: list[str] = []
    if any(not fut.done() for fut in pending):
        killed = stop.force()
        try:
            wait(pending, timeout=15)
        except KeyboardInterrupt:
            pass
    results = {name: fut.result() for name, fut in futures
               if fut.done() and not fut.cancelled() and fut.exception() is None}
    errors = [out for out in results.values() if out is not None and out.internal_error]
    finished = [out for name, out in results.items() if out is not None and not out.internal_error
                and (out.ok or name not in stop.stopped)]
    told = {out.name for out in finished + errors}
    return CrawlInterrupted(finished=finished, stopped=[n for n in stop.stopped if n not in told],
                            not_started=cancelled + [n for n in stop.skipped if n not in cancelled] + unsubmitted,
                            killed=killed, errors=errors, signum=signum)


def run_source(config_path: str | None, name: str, timeout_s: int, log_path: Path | None = None, *,
               settings: Mapping[str, str] | None = None, stop: CrawlStop | None = None) -> RunOutcome:
    """Crawl one source now, in a subprocess; never raises for a failed crawl (see RunOutcome.ok).

    `log_path` keeps the crawl's log; `settings` are extra Scrapy `-s` settings; `stop` lets `run_sources`
    stop the crawl on Ctrl-C.

    The run is this call's own: recorded here before the crawl starts, handed to it (`-s CANHGAC_RUN_ID`), read
    back and reported by its id, so crawls of the same source running at the same time (the daemon and a
    manual `canhgac crawl`, scrapy-redis workers) never report or close each other's runs. While the crawl
    runs, this thread renews the run's lease. A crawl whose process ended without closing its run is closed
    here with what it stored: `failed` when it overran its timeout (it was killed here) or exited with an
    error, `stopped` when stopped on request, `killed` when killed from outside (kill -9, the OOM killer); a
    crawl that did not exit normally has its whole process group killed (worker processes included).
    """
    config = load_config(config_path)
    source = config.source(name)  # unknown name: ConfigError now, not a dead subprocess
    started = time.monotonic()
    store = Store.open(config.database.url)
    try:
        store.ensure_source(source)
        run_id = store.start_run(name)
        try:
            proc = start_source(config_path, name, log_path, settings, run_id=run_id)
        except BaseException as exc:
            store.finish_run(run_id, ok=False, items_new=0, errors=1,
                             message=f"không khởi động được tiến trình thu thập ({type(exc).__name__}: {exc})"[:2000])
            raise
        if stop is not None:
            stop.started(name, proc)
        try:
            exit_status = _wait_exit(proc, timeout_s, functools.partial(_renew, store, run_id))
            timed_out = exit_status is None
            if exit_status != 0:  # overran, crashed or killed: its worker processes would outlive it
                _kill(proc)
            returncode = proc.wait()
        finally:
            if stop is not None:
                stop.finished(name)
        stopped = stop is not None and stop.was_stopped(name)
        stopped_vi = STOPPED_VI.format(why=stop.why if stop is not None else "")
        duration = time.monotonic() - started
        run = store.get_run(run_id)
        if run is not None and run.status != "running":  # the crawl recorded its run
            message = run.message or ""
            if stopped and run.status != "ok":
                message = stopped_vi + (f": {message}" if message else "")
            return RunOutcome(name, run.status == "ok", run.items_new, run.pages, run.errors, message,
                              returncode, duration)
        killed = not timed_out and not stopped and returncode < 0
        message = (f"quá thời gian {timeout_s}s nên đã bị dừng" if timed_out
                   else stopped_vi if stopped
                   else KILLED_VI.format(signal=_signal_name(-returncode)) if killed
                   else f"tiến trình thu thập kết thúc với mã {returncode} khi chưa xong lượt chạy")
        if log_path and not timed_out and not stopped:
            message += f" (nhật ký: {log_path})"
        counts = store.run_counts(run_id)
        errors = counts.errors + (not stopped)
        store.finish_run(run_id, ok=False, items_new=counts.items_new, pages=counts.pages, errors=errors,
                         message=message, stopped=stopped, killed=killed)
        return RunOutcome(name, False, counts.items_new, counts.pages, errors, message, returncode, duration)
    finally:
        store.close()


KILLED_VI = ("tiến trình thu thập bị dừng đột ngột từ bên ngoài (tín hiệu {signal}, ví dụ kill -9 hoặc máy hết bộ nhớ) "
             "khi chưa xong lượt chạy")


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"tín hiệu {signum}"


def _renew(store: Store, run_id: int) -> None:
    """Renew the lease of run `run_id` (its crawl may not have taken it over yet)."""
    try:
        store.heartbeat_run(run_id)
    except Exception:  # noqa: BLE001 - the database unreachable for a while: the crawl itself goes on
        pass


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
