"""A Redis password holding `%` reaches Redis exactly as the operator meant it, or the configuration is refused.

The user part of `[crawler] redis_url` is percent-decoded by redis-py (`p%25ss` is "p%ss"; a `%` that does not start
an escape, `p%ss`, stays as written). Two ways it reached Redis as something else while `canhgac config check`
passed: an escape that is not UTF-8 (`mk%E9`: a raw "%E9", or Latin-1 "é") became U+FFFD, and a `+` in a
`?password=` value became a space (a query is form-decoded). Those are now refused, naming file, line and key,
without showing the password.

Real parts: the real Redis on 127.0.0.1:6379 (database 14), ACL users of its own (deleted afterwards), the client
built the way the workers build it (scrapy-redis from the settings `crawler.addon` makes of the config), one real
crawl through `canhgac crawl`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.settings import Settings
from sqlalchemy import select

from crawler.addon import CanhgacAddon
from crawler.cli import main
from crawler.demo_site.server import demo_sources_toml
from review.config import load_config
from review.errors import ConfigError
from review.models import SourceRun
from tests.crawler.conftest import FAST_CRAWLER

redis = pytest.importorskip("redis")
scrapy_redis_connection = pytest.importorskip("scrapy_redis.connection")
DB = 14
SOURCE = "so-vhttdl-rss"


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


def _config(tmp_path: Path, url: str, extra: str = "") -> Path:
    path = tmp_path / "canhgac.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "c.db"}"\n{FAST_CRAWLER}redis_url = "{url}"\n{extra}',
                    encoding="utf-8")
    return path


def _worker_client(path: Path) -> redis.Redis:
    """The client a crawl worker connects with: scrapy-redis's, from the settings the addon makes of the config."""
    settings = Settings()
    settings.set("CANHGAC_CONFIG", str(path))
    CanhgacAddon().update_settings(settings)
    return scrapy_redis_connection.get_redis_from_settings(settings)


@pytest.mark.parametrize(("password", "written"), [
    ("p%ss", "p%25ss"),  # the escape for '%'
    ("p%ss", "p%ss"),  # a '%' that starts no escape stays as written
    ("100%", "100%"),
    ("mật%khẩu", "mật%25khẩu"),  # Vietnamese letters as they are
    ("mật%khẩu", "m%E1%BA%ADt%25kh%E1%BA%A9u"),  # ... or as their UTF-8 escapes
    ("50%off+a/b", "50%25off+a%2Fb"),
])
def test_a_password_with_percent_reaches_redis_as_meant(acl_user, tmp_path: Path, password: str,  # type: ignore[no-untyped-def]
                                                        written: str) -> None:
    client, name = acl_user
    client.acl_setuser(name, enabled=True, passwords=[f"+{password}"], keys=["*"], commands=["+@all"])
    path = _config(tmp_path, f"redis://{name}:{written}@127.0.0.1:6379/{DB}")
    load_config(str(path))  # `canhgac config check` takes it
    worker = _worker_client(path)
    try:
        assert worker.acl_whoami() in (name, name.encode())  # logged in as that user: the password arrived whole
    finally:
        worker.close()


@pytest.mark.parametrize(("password", "written", "words"), [
    # a raw "%E9" (or Latin-1 "é"): redis-py decoded it to U+FFFD, Redis refused the login at every crawl
    ("mk%E9", "{name}:mk%E9@127.0.0.1:6379/14", "không phải chữ UTF-8"),
    ("mk%e9x", "{name}:mk%e9x@127.0.0.1:6379/14", "không phải chữ UTF-8"),
    ("a+b", "127.0.0.1:6379/14?username={name}&password=a+b", "'+' phải viết là %2B"),
    ("mk%E9", "127.0.0.1:6379/14?username={name}&password=mk%E9", "không phải chữ UTF-8"),
])
def test_a_password_redis_would_receive_mangled_is_refused(acl_user, tmp_path: Path, password: str, written: str,  # type: ignore[no-untyped-def]
                                                           words: str, capsys: pytest.CaptureFixture[str]) -> None:
    client, name = acl_user
    client.acl_setuser(name, enabled=True, passwords=[f"+{password}"], keys=["*"], commands=["+@all"])
    url = "redis://" + written.format(name=name)
    path = _config(tmp_path, url)
    with pytest.raises(ConfigError) as info:
        load_config(str(path))
    err = str(info.value)
    line = path.read_text(encoding="utf-8").splitlines().index(f'redis_url = "{url}"') + 1
    assert (info.value.file, info.value.key, info.value.line) == (str(path), "crawler.redis_url", line), err
    assert words in err, err
    assert "mk" not in err.replace(name, "") and "a+b" not in err, err  # the password is never shown
    assert main(["--config", str(path), "config", "check"]) == 2
    assert f"{path}:{line}, khoá 'crawler.redis_url'" in capsys.readouterr().err


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_crawl_logs_in_with_a_percent_password(crawl_env, db_url: str, acl_user,  # type: ignore[no-untyped-def]
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    client, name = acl_user
    client.acl_setuser(name, enabled=True, passwords=["+p%ss"], keys=["*"], channels=["*"], commands=["+@all"])
    cfg = crawl_env.tmp / "canhgac.toml"
    cfg.write_text(f'[database]\nurl = "{db_url}"\n{FAST_CRAWLER}redis_url = "redis://{name}:p%25ss@127.0.0.1:6379/{DB}"\n'
                   + demo_sources_toml(crawl_env.site.base_url), encoding="utf-8")
    code = main(["--config", str(cfg), "crawl", SOURCE, "--timeout", "600", "--log-dir", str(crawl_env.tmp / "logs")])
    out = capsys.readouterr().out
    with crawl_env.store.session() as s:
        runs = list(s.scalars(select(SourceRun)))
    assert code == 0, out
    assert [r.status for r in runs] == ["ok"] and runs[0].items_new > 0, out
    log = (crawl_env.tmp / "logs" / f"{SOURCE}.log").read_text(encoding="utf-8")
    assert "shared queue canhgac:so-vhttdl-rss: seeding the round" in log  # through Redis, not alone
    assert "p%ss" not in log and "p%25ss" not in log  # nor is the password written to the log
