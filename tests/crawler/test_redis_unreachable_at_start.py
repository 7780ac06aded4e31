"""A crawl worker whose Redis (`[crawler] redis_url`) is unreachable when it starts.

scrapy-redis pings Redis as the spider opens; before the fix the ping's ConnectionError crashed the crawl and the
run said only "tiến trình thu thập kết thúc với mã 1 … (nhật ký: …)", leaving the officer to dig the cause out of
the log. Now the run, and `canhgac crawl`, name Redis and the configured address (without its password).
"""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import select

from crawler.cli import main
from crawler.demo_site.server import demo_sources_toml
from review.models import SourceRun
from tests.crawler.conftest import FAST_CRAWLER

SOURCE = "so-vhttdl-rss"


def _closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then released)."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port: int = probe.getsockname()[1]
    probe.close()
    return port


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_redis_unreachable_at_start_is_named_on_the_run(crawl_env, db_url: str,  # type: ignore[no-untyped-def]
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    port = _closed_port()
    url, shown = f"redis://:mat-khau-redis@127.0.0.1:{port}/0", f"redis://:***@127.0.0.1:{port}/0"
    cfg = crawl_env.tmp / "canhgac.toml"
    cfg.write_text(f'[database]\nurl = "{db_url}"\n{FAST_CRAWLER}redis_url = "{url}"\n'
                   + demo_sources_toml(crawl_env.site.base_url), encoding="utf-8")
    assert main(["--config", str(cfg), "crawl", SOURCE, "--log-dir", str(crawl_env.tmp / "logs")]) == 1
    out = capsys.readouterr().out
    with crawl_env.store.session() as s:
        runs = list(s.scalars(select(SourceRun)))
    assert [r.status for r in runs] == ["failed"]
    message = runs[0].message or ""
    assert f"không kết nối được Redis ([crawler] redis_url = {shown})" in message, message
    assert "kết thúc với mã" not in message, message
    assert f"không kết nối được Redis ([crawler] redis_url = {shown})" in out, out
    assert "mat-khau-redis" not in message + out  # the password is not shown
    assert not crawl_env.site.requests  # nothing fetched: a crawl without its shared queue would fetch twice
