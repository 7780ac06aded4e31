"""The SMTP password's environment variable is needed only where mail is sent.

deploy.md keeps the password in the daemon's environment file (`/etc/canhgac/env`), so an officer checking the
file (`config check`), upgrading the schema (`init`), a moderator working the queue or a Nagios `status` check runs
without it: those commands must work. What sends mail — `canhgac run` and `digest --send` — refuses at once,
naming file, line and key, and records nothing (no delivery row taken, so nothing is lost or marked failed).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crawler.cli import main
from review.store import Store
from tests.operate.daemon_process import ROOT
from tests.operate.smtp import Inbox, free_port, start_smtp

VAR = "CANHGAC_TEST_SMTP_PW_UNSET"


def _toml(port: int, db_url: str) -> str:
    return f"""[database]
url = "{db_url}"

[review]
moderators = ["lan"]

[smtp]
host = "127.0.0.1"
port = {port}
security = "none"
user = "canhgac"
password_env = "{VAR}"
sender = "canhgac@so.example.vn"
timeout_s = 30

[digest]
recipients = ["vanhoa@so.example.vn"]

[[sources]]
name = "bao-tinh"
kind = "rss"
urls = ["https://baotinh.example.vn/rss"]
"""


@pytest.fixture
def cfg_path(db_url: str, write_config, monkeypatch: pytest.MonkeyPatch) -> Path:  # type: ignore[no-untyped-def]
    monkeypatch.delenv(VAR, raising=False)
    return write_config(_toml(free_port(), db_url))  # type: ignore[no-any-return]


def test_commands_that_send_no_mail_work_without_the_password(
        cfg_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(cfg_path), "init"]) == 0
    assert main(["--config", str(cfg_path), "status"]) == 0
    assert main(["--config", str(cfg_path), "--as", "lan", "queue"]) == 0
    capsys.readouterr()
    assert main(["--config", str(cfg_path), "config", "check"]) == 0
    out = capsys.readouterr().out
    # config check still tells the officer, naming file, line and key, what will not work without it
    assert "Cấu hình hợp lệ" in out
    assert f"{cfg_path}:12, khoá 'smtp.password_env'" in out and VAR in out and "digest --send" in out


def test_digest_send_without_the_password_refuses_and_records_nothing(
        cfg_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    inbox = Inbox()
    port = int(cfg_path.read_text(encoding="utf-8").split("port = ")[1].split()[0])
    server = start_smtp(port, inbox)
    try:
        assert main(["--config", str(cfg_path), "init"]) == 0
        capsys.readouterr()
        assert main(["--config", str(cfg_path), "digest", "--week", "2026-W47", "--send"]) == 2
    finally:
        server.stop()
    err = capsys.readouterr().err
    assert f"{cfg_path}:12, khoá 'smtp.password_env'" in err and VAR in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert inbox.messages == []
    store = Store.open(db_url)
    try:
        assert store.digest_deliveries("2026-W47") == []  # nothing planned, nothing marked failed
    finally:
        store.close()


def test_daemon_without_the_password_refuses_at_start(cfg_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """As a process: were the refusal gone, the daemon would run on, and this test fails on the timeout (the
    process is killed) instead of hanging the test run."""
    assert main(["--config", str(cfg_path), "init"]) == 0
    capsys.readouterr()
    try:
        run = subprocess.run([sys.executable, "-m", "crawler.cli", "--config", str(cfg_path), "run"], cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"`canhgac run` did not refuse, it ran (killed after {exc.timeout} s): {exc.stderr!r}")
    assert run.returncode == 2, run.stderr
    assert f"{cfg_path}:12, khoá 'smtp.password_env'" in run.stderr and VAR in run.stderr
    assert "Traceback" not in run.stderr
