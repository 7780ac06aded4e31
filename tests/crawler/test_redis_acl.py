"""A Redis that refuses the workers' login or their Lua scripts is refused as the worker starts.

The shared queue takes a request and records it as taken in one Lua script (`crawler.taken`). Before the fix, an ACL
user without EVALSHA connected fine, so the worker seeded the round, fetched the feeds and then flapped between
"Redis unreachable (this user has no permissions to run the 'evalsha' command)" and "reachable again" until its
crawl timed out, storing nothing; a wrong password was reported as "không kết nối được Redis ...: invalid
username-password pair or user is disabled". Now both end the run at once, fetching nothing, with a Vietnamese
message naming `[crawler] redis_url` (password hidden) and what to change, Redis's own words in parentheses.
Uses the real Redis on 127.0.0.1:6379 (database 14) and ACL users of its own, deleted afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from crawler.cli import main
from crawler.demo_site.server import demo_sources_toml
from review.models import SourceRun
from tests.crawler.conftest import FAST_CRAWLER

redis = pytest.importorskip("redis")
SOURCE = "so-vhttdl-rss"
DB = 14


@pytest.fixture
def acl_user() -> Iterator[tuple[redis.Redis, str]]:
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"needs Redis at 127.0.0.1:6379 ({exc})")
    name = f"canhgac-test-{uuid.uuid4().hex[:12]}"
    yield client, name
    client.acl_deluser(name)
    scoped = redis.Redis.from_url(f"redis://127.0.0.1:6379/{DB}")
    keys = list(scoped.scan_iter(match=f"canhgac:{SOURCE}:*"))
    if keys:
        scoped.delete(*keys)
    scoped.close()
    client.close()


def _crawl(crawl_env, db_url: str, url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, list[SourceRun]]:  # type: ignore[no-untyped-def]
    cfg = crawl_env.tmp / "canhgac.toml"
    cfg.write_text(f'[database]\nurl = "{db_url}"\n{FAST_CRAWLER}redis_url = "{url}"\n'
                   + demo_sources_toml(crawl_env.site.base_url), encoding="utf-8")
    code = main(["--config", str(cfg), "crawl", SOURCE, "--timeout", "600", "--log-dir", str(crawl_env.tmp / "logs")])
    with crawl_env.store.session() as s:
        runs = list(s.scalars(select(SourceRun)))
    return code, capsys.readouterr().out, runs


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_an_acl_user_without_lua_scripts_is_refused_at_start(crawl_env, db_url: str, acl_user,  # type: ignore[no-untyped-def]
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    client, name = acl_user
    client.acl_setuser(name, enabled=True, passwords=["+mk-acl-1"], keys=["*"], channels=["*"],
                       commands=["+@all", "-eval", "-evalsha", "-script"])
    code, out, runs = _crawl(crawl_env, db_url, f"redis://{name}:mk-acl-1@127.0.0.1:6379/{DB}", capsys)
    shown = f"redis://{name}:***@127.0.0.1:6379/{DB}"
    assert code == 1
    assert [r.status for r in runs] == ["failed"]
    message = runs[0].message or ""
    for text in (message, out):
        assert f"[crawler] redis_url = {shown}" in text, text
        assert "không được phép chạy tập lệnh Lua" in text and "EVALSHA" in text, text
        assert "không kết nối được" not in text and "mk-acl-1" not in text, text
    assert not crawl_env.site.requests  # refused before fetching anything


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_wrong_redis_password_says_so_in_vietnamese(crawl_env, db_url: str, acl_user,  # type: ignore[no-untyped-def]
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    client, name = acl_user
    client.acl_setuser(name, enabled=True, passwords=["+mk-acl-2"], keys=["*"], commands=["+@all"])
    code, out, runs = _crawl(crawl_env, db_url, f"redis://{name}:sai-mat-khau@127.0.0.1:6379/{DB}", capsys)
    assert code == 1 and [r.status for r in runs] == ["failed"]
    message = runs[0].message or ""
    for text in (message, out):
        assert f"[crawler] redis_url = redis://{name}:***@127.0.0.1:6379/{DB}" in text, text
        assert "Redis từ chối đăng nhập" in text and "mật khẩu" in text, text
        assert "sai-mat-khau" not in text, text
    assert not crawl_env.site.requests
