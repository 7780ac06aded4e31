"""What a worker says when its Redis user may not do what the shared queue needs; its password stays out of the log.

Before the fix, a user allowed every command but not the keys `canhgac:*` (ACL `~other:*`) was told to grant Lua
scripts (+@scripting), which it already had; a password written `?password=` (redis-py takes it there too) was shown
in the refusal. Uses the real Redis on 127.0.0.1:6379 (database 14) and ACL users of its own, deleted afterwards
(`tests.crawler.test_redis_acl`).
"""

from __future__ import annotations

import pytest

from tests.crawler.test_redis_acl import DB, _crawl, acl_user  # noqa: F401  (fixture)

redis = pytest.importorskip("redis")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_redis_password_is_not_in_the_crawl_log(crawl_env, db_url: str, acl_user,  # type: ignore[no-untyped-def]  # noqa: F811
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    client, name = acl_user
    client.acl_setuser(name, enabled=True, passwords=["+mk-bi-mat-9"], keys=["*"], channels=["*"],
                       commands=["+@all", "-eval", "-evalsha", "-script"])
    code, out, runs = _crawl(crawl_env, db_url, f"redis://{name}:mk-bi-mat-9@127.0.0.1:6379/{DB}", capsys)
    assert code == 1
    logs = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (crawl_env.tmp / "logs").rglob("*")
                   if p.is_file())
    assert logs, "no log written"
    assert "mk-bi-mat-9" not in logs, [line for line in logs.splitlines() if "mk-bi-mat-9" in line]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_user_kept_from_the_keys_is_told_the_key_pattern(crawl_env, db_url: str, acl_user,  # type: ignore[no-untyped-def]  # noqa: F811
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Allowed every command (Lua scripts included) but only the keys `other:*`: the fix is the key pattern."""
    client, name = acl_user
    client.acl_setuser(name, enabled=True, passwords=["+mk-acl-3"], keys=["other:*"], channels=["*"],
                       commands=["+@all"])
    code, out, runs = _crawl(crawl_env, db_url, f"redis://{name}:mk-acl-3@127.0.0.1:6379/{DB}", capsys)
    assert code == 1
    assert [r.status for r in runs] == ["failed"]
    message = runs[0].message or ""
    for text in (message, out):
        assert "tập lệnh Lua" not in text, text
        assert f"[crawler] redis_url = redis://{name}:***@127.0.0.1:6379/{DB}" in text, text
        assert "khóa canhgac:*" in text and "~canhgac:*" in text, text  # the keys and the ACL rule granting them
        assert "mk-acl-3" not in text, text
    assert not crawl_env.site.requests  # refused before fetching anything



@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_query_string_password_is_hidden_in_the_refusal(crawl_env, db_url: str, acl_user,  # type: ignore[no-untyped-def]  # noqa: F811
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    client, name = acl_user
    client.acl_setuser(name, enabled=True, passwords=["+mk-qs-4"], keys=["*"], channels=["*"],
                       commands=["+@all", "-eval", "-evalsha", "-script"])
    code, out, runs = _crawl(crawl_env, db_url, f"redis://{name}@127.0.0.1:6379/{DB}?password=mk-qs-4", capsys)
    assert code == 1
    message = runs[0].message or ""
    for text in (message, out):
        assert f"[crawler] redis_url = redis://{name}@127.0.0.1:6379/{DB}?password=***" in text, text
        assert "tập lệnh Lua" in text and "mk-qs-4" not in text, text
