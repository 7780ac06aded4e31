"""A running daemon does not take, on reload, a configuration `canhgac run` refuses at start: `[digest]
recipients` added while the SMTP password's environment variable is not in the daemon's environment (the weekly
digest could never be sent). The previous configuration is kept and the refusal logged once, naming file, line
and key. And with no recipients there is nothing to retry: the 5-minute retry job logs no error every 5 minutes
about a password no mail needs."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from crawler.config_reload import changed_config
from crawler.jobs import retry_digests
from review.config import load_config
from review.errors import ConfigError
from review.store import Store

VAR = "CANHGAC_TEST_SMTP_PW_RELOAD_UNSET"


def _toml(db_url: str, recipients: str) -> str:
    return f"""[database]
url = "{db_url}"

[smtp]
host = "127.0.0.1"
port = 2525
security = "none"
user = "canhgac"
password_env = "{VAR}"
sender = "canhgac@so.example.vn"

[digest]
recipients = {recipients}
"""


def test_reload_adding_recipients_without_the_password_is_refused_like_run(
        db_url: str, write_config, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.delenv(VAR, raising=False)
    path = write_config(_toml(db_url, "[]"))
    running = load_config(str(path))
    running.require_digest_sendable()  # no recipients: `canhgac run` starts
    path.write_text(_toml(db_url, '["vanhoa@so.example.vn"]'), encoding="utf-8")
    with pytest.raises(ConfigError):  # what `canhgac run` says of the edited file ...
        load_config(str(path)).require_digest_sendable()
    with caplog.at_level(logging.ERROR, logger="canhgac.daemon"):
        assert changed_config(running) is None  # ... the running daemon says too, and keeps what it had
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    message = record.getMessage()
    assert "still running with the previous one" in message
    assert f"{path}:9, khoá 'smtp.password_env'" in message and VAR in message

    monkeypatch.setenv(VAR, "mat-khau")  # the variable in the daemon's environment: the same file is taken
    reloaded = changed_config(running)
    assert reloaded is not None and reloaded.digest.recipients == ("vanhoa@so.example.vn",)


def test_no_recipients_no_retry_error_every_five_minutes(
        store: Store, db_url: str, write_config, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.delenv(VAR, raising=False)
    cfg = load_config(str(write_config(_toml(db_url, "[]"))))
    with caplog.at_level(logging.INFO):
        for minute in (0, 5, 10):
            retry_digests(cfg, store, now=datetime(2026, 11, 24, 3, minute, tzinfo=UTC))
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
