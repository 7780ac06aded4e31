"""A crawl whose `scrapy crawl` process is killed from outside (kill -9, the OOM killer) while `run_source` waits
for it: its worker processes (spawned pool workers, multiprocessing's resource tracker) are killed with it instead
of running on, reparented to init, and its run is recorded as `killed` with the items it had stored. A real
site on 127.0.0.1 whose pages answer slowly and never run out, a real database (SQLite, and PostgreSQL when
CANHGAC_TEST_DATABASE_URL is set), the crawl and its workers in real subprocesses."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

import pytest
from sqlalchemy import func, select

from crawler.runner import RunOutcome, run_source
from review.models import Item, Source, SourceRun
from tests.crawler.conftest import FAST_CRAWLER
from tests.crawler.processes import descendants, kill_all, survivors_of
from tests.crawler.test_crawl_orphans import NO_MODEL, _endless_source


def _crawl_pid() -> int | None:
    """The `scrapy crawl` process below this test process, if started."""
    for pid in descendants(os.getpid()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                argv = fh.read().split(b"\0")
        except OSError:
            continue
        if b"scrapy" in argv and b"crawl" in argv:
            return pid
    return None


def _stored(store) -> int:  # type: ignore[no-untyped-def]
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Item).join(Source, Source.id == Item.source_id)
                        .where(Source.name == "cham")) or 0


def _kill_mid_crawl(crawl_env, db_url: str) -> tuple[list[int], RunOutcome, str]:  # type: ignore[no-untyped-def]
    """Crawl an endless source with a worker process through `run_source`; once it stored 3 items, SIGKILL its
    `scrapy crawl` process only (as the OOM killer does). (its processes still alive once `run_source` returned
    (cleaned up), its outcome, its log)."""
    closing = threading.Event()
    cfg = crawl_env.tmp / "canhgac.toml"
    cfg.write_text(f'[database]\nurl = "{db_url}"\n' + FAST_CRAWLER + NO_MODEL + _endless_source(crawl_env.site, closing),
                   encoding="utf-8")
    log = crawl_env.tmp / "cham.log"
    outcome: list[RunOutcome] = []
    runner = threading.Thread(target=lambda: outcome.append(run_source(
        str(cfg), "cham", 600, log_path=log, settings={"CANHGAC_WORKERS": "1", "CANHGAC_SCORE_ENABLED": "0"})))
    seen: dict[int, str] = {}
    survivors: list[int] = []
    try:
        runner.start()
        deadline = time.monotonic() + 300
        while (crawl := _crawl_pid()) is None or not descendants(crawl) or _stored(crawl_env.store) < 3:
            assert runner.is_alive(), "the crawl ended before it could be killed"
            assert time.monotonic() < deadline, "the crawl never stored 3 items with its workers running"
            time.sleep(0.1)
        seen = descendants(os.getpid())  # the crawl process and its worker processes
        assert len(seen) >= 2, seen
        os.kill(crawl, signal.SIGKILL)
        runner.join(timeout=300)
        assert not runner.is_alive()
        deadline = time.monotonic() + 120  # SIGKILL takes a moment to land (a loaded machine): poll
        while (survivors := survivors_of(seen)) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        closing.set()
        runner.join(timeout=300)
        kill_all(survivors or survivors_of(seen))
    return survivors, outcome[0], log.read_text("utf-8", errors="replace")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_crawl_killed_from_outside_leaves_no_worker_process(crawl_env, db_url: str) -> None:  # type: ignore[no-untyped-def]
    survivors, _, log = _kill_mid_crawl(crawl_env, db_url)
    assert survivors == [], f"processes of the killed crawl still run: {survivors}\n{log[-2000:]}"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_crawl_killed_from_outside_is_recorded_killed_with_what_it_stored(crawl_env, db_url: str) -> None:  # type: ignore[no-untyped-def]
    _, out, log = _kill_mid_crawl(crawl_env, db_url)
    stored = _stored(crawl_env.store)
    with crawl_env.store.session() as s:
        [run] = list(s.scalars(select(SourceRun)))
        src = s.scalars(select(Source).where(Source.name == "cham")).one()
    assert run.status == "killed" and not out.ok and "SIGKILL" in out.message, (run.status, out, log[-2000:])
    assert run.message == out.message
    assert stored >= 3 and out.items_new == stored and run.items_new == stored, (out, run.items_new, stored)
    assert out.pages == run.pages and src.items_total == stored
    assert src.consecutive_failures == 1 and "SIGKILL" in (src.last_error or "")
