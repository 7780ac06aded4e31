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

FAST_CRAWLER = """
[crawler]
user_agent = "canhgac-test/0.1"
contact = "mailto:vhtt@example.vn"
autothrottle = false
concurrent_per_domain = 8
download_timeout_s = 3
download_maxsize_mb = 2
max_redirects = 3
crawl_timeout_s = 60
allow_private_hosts = true  # the demo site is on 127.0.0.1
"""


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

    def configure(extra: str = "", *, demo: bool = True) -> Path:
        path = tmp_path / "canhgac.toml"
        body = f'[database]\nurl = "{db_url}"\n' + FAST_CRAWLER + (demo_sources_toml(site.base_url) if demo else "")
        # atomically: parallel `run`s configure on first use, and a crawl must never read a half-written file
        part = tmp_path / f"canhgac.toml.{threading.get_ident()}"
        part.write_text(body + extra, encoding="utf-8")
        part.replace(path)
        paths["config"] = path
        return path

    def run(name: str, timeout_s: int = 60, *, score: bool = False) -> RunOutcome:
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
