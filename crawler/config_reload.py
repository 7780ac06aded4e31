"""Applying an edited configuration file to a running daemon (sources added, removed or rescheduled, thresholds,
recipients ...) without a restart: the daemon checks the file's stamp at every heartbeat.

A file that does not load is reported once (file, key, line) and the running configuration kept; a new
database URL needs a restart.
"""

from __future__ import annotations

import logging
import os

from apscheduler.schedulers.background import BackgroundScheduler

from crawler.jobs import record_thresholds
from crawler.schedule import sync_jobs
from review.config import Config, load_config
from review.errors import ConfigError
from review.store import Store

log = logging.getLogger("canhgac.daemon")


def config_stamp(path: str) -> tuple[int, int] | None:
    """What changes when the configuration file is edited or replaced: its modification time and size."""
    if not path:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size



def changed_config(cfg: Config) -> Config | None:
    """The configuration file of `cfg` read again, when it can replace `cfg`; None (and why, logged) when not."""
    try:
        new = load_config(cfg.path)
        new.require_digest_sendable()  # what `canhgac run` would refuse: recipients added, no SMTP password
    except ConfigError as exc:
        log.error("the configuration file changed but cannot be used, still running with the previous one: %s",
                  exc)
        return None
    if new.database.url != cfg.database.url:
        log.error("the configuration file changed [database] url: restart the daemon to use it; still running "
                  "with the previous configuration")
        return None
    return new


def apply_config(old: Config, new: Config, store: Store, scheduler: BackgroundScheduler) -> set[str]:
    """Sources, thresholds and jobs as `new` has them; returns the names of the sources now scheduled."""
    store.sync_sources(new.sources)
    record_thresholds(new, store)
    sync_jobs(scheduler, new)
    scheduled = {s.name for s in new.sources if s.enabled}
    for src in old.sources:  # no longer scheduled: `status` must not show a next run
        if src.name not in scheduled:
            store.set_next_run(src.name, None)
    return scheduled
