"""Fixtures for crawl tests: the demo site on 127.0.0.1, a config pointing at it, a crawl runner.

Crawls run for real, each in a subprocess (Scrapy's reactor cannot restart in one process).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from crawler.demo_site.server import DemoSite, demo_sources_toml, serve
from crawler.runner import RunOutcome, run_source
from review.store import Store

# Generous limits for a loaded CI machine (2 cores, many processes): the demo site's pages answer at once, but from
# threads of the test process, which the machine (and the test's own threads) may hold up for seconds; a crawl that
# loads the model and scores takes minutes there. Tests of the download timeout itself take SHORT_DOWNLOAD_CRAWLER.
FAST_CRAWLER = """
[crawler]
user_agent = "canhgac-test/0.1"
contact = "mailto:vhtt@example.vn"
autothrottle = false
concurrent_per_domain = 8
download_timeout_s = 30
download_maxsize_mb = 2
max_redirects = 3
crawl_timeout_s = 600
allow_private_hosts = true  # the demo site is on 127.0.0.1
"""


def crawler_table(download_timeout_s: int) -> str:
    """FAST_CRAWLER with another download timeout: short for a test of the timeout itself, long where a page is held
    back on purpose while the test does something else."""
    table = FAST_CRAWLER.replace("download_timeout_s = 30\n", f"download_timeout_s = {download_timeout_s}\n")
    assert table != FAST_CRAWLER or download_timeout_s == 30
    return table


SHORT_DOWNLOAD_S = 3
SHORT_DOWNLOAD_CRAWLER = crawler_table(SHORT_DOWNLOAD_S)
CRAWL_LIMIT_S = 600  # a crawl's overall limit in tests: far beyond what a loaded machine takes, short of hanging CI


@pytest.fixture
def site() -> Iterator[DemoSite]:
    s = serve()
    yield s
    s.close()


@pytest.fixture
def crawl_env(tmp_path: Path, db_url: str, site: DemoSite):  # type: ignore[no-untyped-def]
    """(config path, store, run(name) -> RunOutcome); `extra` TOML may add sources."""

    store = Store.open(db_url, create=True)
    paths: dict[str, Path] = {}

    def configure(extra: str = "", *, demo: bool = True, crawler: str = FAST_CRAWLER) -> Path:
        """`crawler`: the [crawler] table (SHORT_DOWNLOAD_CRAWLER for a test of the download timeout)."""
        path = tmp_path / "canhgac.toml"
        body = f'[database]\nurl = "{db_url}"\n' + crawler + (demo_sources_toml(site.base_url) if demo else "")
        # atomically: parallel `run`s configure on first use, and a crawl must never read a half-written file
        part = tmp_path / f"canhgac.toml.{threading.get_ident()}"
        part.write_text(body + extra, encoding="utf-8")
        part.replace(path)
        paths["config"] = path
        return path

    def run(name: str, timeout_s: int = CRAWL_LIMIT_S, *, score: bool = False) -> RunOutcome:
        """Crawl `name`; scoring is off unless asked (loading the model costs seconds per process)."""
        if "config" not in paths:
            configure()
        return run_source(str(paths["config"]), name, timeout_s, log_path=tmp_path / f"crawl-{name}.log",
                          settings={} if score else {"CANHGAC_SCORE_ENABLED": "0"})

    class Env:
        pass

    env = Env()
    env.configure, env.run, env.store, env.site, env.tmp = configure, run, store, site, tmp_path  # type: ignore[attr-defined]
    yield env
    store.close()


RunFn = Callable[[str], RunOutcome]
