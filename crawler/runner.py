"""Runs one source's crawl in its own process (Scrapy's reactor cannot restart within a process).

`run_source` is what `canhgac crawl` and the daemon call: it records a run of its own, starts `python -m scrapy
crawl <kind> -a source=NAME -s CANHGAC_RUN_ID=<run>` with the config passed through the environment
(`crawler.crawl_process`), kills it when it overruns its timeout, and reads the outcome from that run once the
crawl recorded it. A crawl that ended without recording it is closed by `run_source`, with what it had stored,
so `canhgac status` shows it (`crawler.run_outcome`: `killed`, `failed` or `stopped`).

`run_sources` (`crawler.crawl_batch`) runs several, a few at a time, for the commands, and stops them on Ctrl-C,
SIGTERM or SIGHUP. The names of those modules are re-exported here, where the commands, the daemon's jobs and
the tests import them from.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping
from pathlib import Path

from crawler.crawl_batch import CTRL_C_GRACE_S as CTRL_C_GRACE_S
from crawler.crawl_batch import STOP_SIGNALS as STOP_SIGNALS
from crawler.crawl_batch import CrawlInterrupted as CrawlInterrupted
from crawler.crawl_batch import CrawlStop
from crawler.crawl_batch import Terminated as Terminated
from crawler.crawl_batch import run_sources as run_sources
from crawler.crawl_batch import stop_reason_vi as stop_reason_vi
from crawler.crawl_process import PROJECT_DIR as PROJECT_DIR
from crawler.crawl_process import _kill, _wait_exit, start_source
from crawler.crawl_process import crawl_command as crawl_command
from crawler.crawl_process import crawl_env as crawl_env
from crawler.crawl_process import die_with_parent as die_with_parent
from crawler.crawl_process import shared_cores_settings as shared_cores_settings
from crawler.run_outcome import KILLED_VI as KILLED_VI
from crawler.run_outcome import STOPPED_VI as STOPPED_VI
from crawler.run_outcome import RunOutcome, run_outcome
from crawler.run_outcome import internal_error as internal_error
from review.config import load_config
from review.store import Store


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
        duration = time.monotonic() - started
        return run_outcome(store, run_id, name, returncode=returncode, duration=duration, timed_out=timed_out,
                           stopped=stop is not None and stop.was_stopped(name),
                           why=stop.why if stop is not None else "", timeout_s=timeout_s, log_path=log_path)
    finally:
        store.close()


def _renew(store: Store, run_id: int) -> None:
    """Renew the lease of run `run_id` (its crawl may not have taken it over yet)."""
    try:
        store.heartbeat_run(run_id)
    except Exception:  # noqa: BLE001 - the database unreachable for a while: the crawl itself goes on
        pass
