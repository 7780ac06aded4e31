"""A password in `[database] url` or `[crawler] redis_url` is hidden wherever canhgac prints the URL, whether
written as `user:password@` or as a `?password=` query parameter (libpq and redis-py take both).

Before the fix `?password=` was printed as written: in a crawl's Redis messages (`[crawler] redis_url`), by `canhgac
config check`, and in the error every command stops with when PostgreSQL cannot be reached (SQLAlchemy hides only
the `user:password@` part). `crawler.redis_outage` and `review.cli.admin` now share `review.url_secrets.url_shown`.
"""

from __future__ import annotations

import socket

import pytest

from crawler.cli import main
from review.url_secrets import url_shown


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql+psycopg://canhgac@db.so.vn/canhgac?password=qs-secret",
     "postgresql+psycopg://canhgac@db.so.vn/canhgac?password=***"),
    ("postgresql+psycopg://canhgac:mk%40x@db.so.vn:5432/canhgac?sslmode=require",
     "postgresql+psycopg://canhgac:***@db.so.vn:5432/canhgac?sslmode=require"),
    ("postgresql+psycopg://u:a@b@db.so.vn/canhgac?connect_timeout=5&PASSWORD=x&password=y",
     "postgresql+psycopg://u:***@db.so.vn/canhgac?connect_timeout=5&PASSWORD=***&password=***"),
    # redis-py takes `?password=` as well as `user:password@` (checked against the real Redis: it logs in)
    ("redis://canhgac@10.0.0.5:6379/0?password=qs-secret", "redis://canhgac@10.0.0.5:6379/0?password=***"),
    ("redis://10.0.0.5:6379/0?db=0&password=qs-secret", "redis://10.0.0.5:6379/0?db=0&password=***"),
    ("redis://canhgac:mk-1@10.0.0.5:6379/0", "redis://canhgac:***@10.0.0.5:6379/0"),
    ("redis://:mk-1@10.0.0.5:6379/0", "redis://:***@10.0.0.5:6379/0"),
    ("redis://10.0.0.5:6379/0", "redis://10.0.0.5:6379/0"),
    ("sqlite:////var/lib/canhgac/canhgac.db", "sqlite:////var/lib/canhgac/canhgac.db"),
])
def test_url_shown_hides_every_password(url: str, shown: str) -> None:
    assert url_shown(url) == shown


def _closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port: int = probe.getsockname()[1]
    probe.close()
    return port


@pytest.mark.parametrize("command", [["config", "check"], ["status"], ["init"]])
def test_a_query_string_password_is_never_printed(tmp_path, capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
                                                  command: list[str]) -> None:
    pytest.importorskip("psycopg")
    url = f"postgresql+psycopg://canhgac@127.0.0.1:{_closed_port()}/canhgac?password=qs-secret"
    cfg = tmp_path / "canhgac.toml"
    cfg.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    main(["--config", str(cfg), *command])
    captured = capsys.readouterr()
    printed = captured.out + captured.err
    assert "postgresql+psycopg://canhgac@127.0.0.1:" in printed, printed  # the URL is shown ...
    assert "qs-secret" not in printed, printed  # ... without its password
