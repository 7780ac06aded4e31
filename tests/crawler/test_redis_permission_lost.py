"""A Redis permission taken away while a worker crawls (an ACL changed under running workers: NOPERM on every call)
ends the run saying the permission was refused, naming the shared queue's keys or the command, the way a refusal at
start-up does (`crawler.redis_outage.refusal`), not "mất kết nối Redis" (lost connection), which sent the officer
after the network. The real Redis on 127.0.0.1:6379 with an ACL user of the test's own, deleted afterwards; a real
worker subprocess on the demo site."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from crawler.demo_site.server import DemoSite, demo_sources_toml
from crawler.runner import start_source
from crawler.shared import SharedScheduler
from review.models import SourceRun
from tests.crawler.conftest import FAST_CRAWLER
from tests.crawler.test_redis_outage import ARTICLES, SOURCE, _finish, _gate_articles, _wait

redis = pytest.importorskip("redis")
DB = 13


@pytest.fixture
def acl_user() -> Iterator[tuple[Any, str, str]]:
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"needs Redis at 127.0.0.1:6379 ({exc})")
    name, prefix = f"canhgac-test-{uuid.uuid4().hex[:12]}", f"canhgac-perm-{uuid.uuid4().hex[:12]}"
    yield client, name, prefix
    client.acl_deluser(name)
    scoped = redis.Redis.from_url(f"redis://127.0.0.1:6379/{DB}")
    keys = list(scoped.scan_iter(match=f"{prefix}:*"))
    if keys:
        scoped.delete(*keys)
    scoped.close()
    client.close()


def _crawl_until_refused(crawl_env, db_url: str, acl_user, take_away: dict[str, Any]) -> tuple[list[SourceRun], str]:  # type: ignore[no-untyped-def]
    """One worker crawling with the ACL user; once it holds articles, the user's ACL is changed by `take_away`."""
    client, name, prefix = acl_user
    client.acl_setuser(name, enabled=True, passwords=["+mk-perm-1"], keys=["*"], channels=["*"], commands=["+@all"])
    site: DemoSite = crawl_env.site
    cfg = crawl_env.tmp / "canhgac.toml"
    cfg.write_text(f'[database]\nurl = "{db_url}"\n{FAST_CRAWLER}'
                   f'redis_url = "redis://{name}:mk-perm-1@127.0.0.1:6379/{DB}"\n' + demo_sources_toml(site.base_url),
                   encoding="utf-8")
    release = threading.Event()
    _gate_articles(site, release)
    settings = {"CANHGAC_SCORE_ENABLED": "0", "CANHGAC_REDIS_PREFIX": prefix, "CONCURRENT_REQUESTS": "2",
                "CANHGAC_WORKERS": "0", "DOWNLOAD_TIMEOUT": "60", "CANHGAC_REDIS_DOWN_S": "3"}
    log = crawl_env.tmp / f"worker-{uuid.uuid4().hex[:6]}.log"
    workers = [start_source(str(cfg), SOURCE, log, settings)]
    try:
        _wait("the worker holding two articles", lambda: sum(x.path in ARTICLES for x in site.requests) >= 2)
        client.acl_setuser(name, **take_away)
    finally:
        release.set()
        codes, output = _finish(workers, [log])
    assert codes == [0], output
    with crawl_env.store.session() as s:
        runs = list(s.scalars(select(SourceRun).order_by(SourceRun.id)))
    return runs, output


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_keys_taken_away_mid_crawl_say_the_permission_was_refused(crawl_env, db_url: str, acl_user) -> None:  # type: ignore[no-untyped-def]
    _client, name, prefix = acl_user
    runs, output = _crawl_until_refused(crawl_env, db_url, acl_user, {"reset_keys": True, "keys": ["other:*"]})
    assert [r.status for r in runs] == ["failed"], output
    message = runs[0].message or ""
    assert SharedScheduler.REDIS_DOWN not in message and "không kết nối được" not in message, message
    assert f"redis://{name}:***@127.0.0.1:6379/{DB}" in message and "mk-perm-1" not in message, message
    assert f"không được phép dùng các khóa {prefix}:*" in message, message
    assert "giữa lượt thu thập" in message, message


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_command_taken_away_mid_crawl_names_the_command(crawl_env, db_url: str, acl_user) -> None:  # type: ignore[no-untyped-def]
    runs, output = _crawl_until_refused(crawl_env, db_url, acl_user, {"commands": ["-evalsha"]})
    assert [r.status for r in runs] == ["failed"], output
    message = runs[0].message or ""
    assert SharedScheduler.REDIS_DOWN not in message and "không kết nối được" not in message, message
    assert "evalsha" in message.lower() and "giữa lượt thu thập" in message, message
