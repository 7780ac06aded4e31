"""A digest interrupted (Ctrl-C, the daemon stopped by a signal) before its message could reach the mail server
is sent by the next ordinary send; one interrupted after the server may have accepted it stays uncertain.

`sending` is kept for the rows whose message the server may have: sending them again could give officials the
digest twice, so only a person decides (`--retry-uncertain`). A row stopped while the digest was still being
built, or before the DATA command, has reached nobody: leaving it in `sending` would make the officer's next
`canhgac digest --send` refuse it for nothing. Real database, real SMTP server (aiosmtpd) on 127.0.0.1.
"""

from __future__ import annotations

import _thread
import ssl
from datetime import timedelta
from pathlib import Path
from typing import Any, NoReturn

import pytest
from aiosmtpd.controller import Controller

import review.digest_chart
from crawler.cli import main
from review.config import parse_config
from review.mailer import deliver_due, deliver_week
from review.store import Store
from tests.operate.smtp import Inbox, free_port, start_smtp
from tests.operate.test_digest_mail import MONDAY, WEEK, _toml, config
from tests.operate.test_smtp_tls import _self_signed

RECIPIENT = "vanhoa@so.example.vn"


def _stop(exc: type[BaseException]) -> Any:
    """Our chart builder, interrupted the way Ctrl-C (or a signal handler's SystemExit) stops it."""
    def chart(*_: object) -> NoReturn:
        raise exc()
    return chart


@pytest.mark.parametrize("exc", [KeyboardInterrupt, SystemExit])
def test_interrupted_while_building_is_sent_by_the_next_send(store: Store, db_url: str, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str],
                                                            exc: type[BaseException]) -> None:
    inbox, port = Inbox(), free_port()
    cfg = tmp_path / "c.toml"
    cfg.write_text(_toml(port, db_url), "utf-8")
    server = start_smtp(port, inbox)
    try:
        monkeypatch.setattr(review.digest_chart, "flags_chart_png", _stop(exc))
        if exc is KeyboardInterrupt:  # the officer's terminal: the command stops with 130
            assert main(["--config", str(cfg), "digest", "--week", WEEK, "--send"]) == 130
        else:
            with pytest.raises(SystemExit):
                deliver_week(store, config(port, db_url), WEEK)
        row = store.digest_deliveries(WEEK)[0]
        assert row.status == "failed" and row.attempts == 0 and not inbox.messages
        assert row.last_error is not None and "bị ngắt" in row.last_error and "chưa được gửi" in row.last_error
        assert exc.__name__ in row.last_error

        monkeypatch.undo()
        capsys.readouterr()
        # the officer's ordinary `digest --send`: sent, no --retry-uncertain needed
        assert main(["--config", str(cfg), "digest", "--week", WEEK, "--send"]) == 0
        out = capsys.readouterr().out
        assert f"Đã gửi bản tin tuần {WEEK} tới {RECIPIENT}" in out and "Bỏ qua" not in out, out
        assert main(["--config", str(cfg), "digest", "--week", WEEK, "--send"]) == 0  # and never twice
    finally:
        server.stop()
    assert len(inbox.messages) == 1
    row = store.digest_deliveries(WEEK)[0]
    assert row.status == "sent" and row.attempts == 1


def test_the_daemon_retries_an_interrupted_build_at_once(store: Store, db_url: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    inbox, port = Inbox(), free_port()
    cfg = config(port, db_url)
    t0 = MONDAY + timedelta(days=7)
    server = start_smtp(port, inbox)
    try:
        monkeypatch.setattr(review.digest_chart, "flags_chart_png", _stop(SystemExit))
        with pytest.raises(SystemExit):  # the daemon's weekly run, stopped by SIGTERM
            deliver_week(store, cfg, WEEK, now=t0)
        monkeypatch.undo()
        # the restarted daemon's retry job, no backoff to wait for: the server was never asked
        [report] = deliver_due(store, cfg, now=t0)
    finally:
        server.stop()
    assert report.sent == (RECIPIENT,) and len(inbox.messages) == 1


class _Interrupting(Inbox):
    """A server that, at one SMTP command, makes the sender's main thread get a Ctrl-C (as SIGINT would)."""

    def __init__(self, at: str) -> None:
        super().__init__()
        self.at = at

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802
                          options: list[str]) -> str:
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        if self.at == "MAIL":
            _thread.interrupt_main()
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        answer = await super().handle_DATA(server, session, envelope)
        if self.at == "DATA":
            _thread.interrupt_main()  # the message is accepted; the sender is stopped before recording it
        return answer


def test_interrupted_before_data_is_sent_by_the_next_send(store: Store, db_url: str) -> None:
    inbox, port = _Interrupting("MAIL"), free_port()
    cfg = config(port, db_url)
    server = start_smtp(port, inbox)
    try:
        with pytest.raises(KeyboardInterrupt):
            deliver_week(store, cfg, WEEK, manual=True)
        row = store.digest_deliveries(WEEK)[0]
        assert row.status == "failed" and not inbox.messages
        inbox.at = ""
        assert deliver_week(store, cfg, WEEK, manual=True).sent == (RECIPIENT,)
    finally:
        server.stop()
    assert len(inbox.messages) == 1


def test_interrupted_after_the_server_accepted_stays_uncertain(store: Store, db_url: str, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    inbox, port = _Interrupting("DATA"), free_port()
    cfg = tmp_path / "c.toml"
    cfg.write_text(_toml(port, db_url), "utf-8")
    server = start_smtp(port, inbox)
    try:
        assert main(["--config", str(cfg), "digest", "--week", WEEK, "--send"]) == 130
        assert len(inbox.messages) == 1
        assert store.digest_deliveries(WEEK)[0].status == "sending"  # maybe delivered: never sent again unasked
        inbox.at = ""
        capsys.readouterr()
        assert main(["--config", str(cfg), "digest", "--week", WEEK, "--send"]) == 0
        assert "--retry-uncertain" in capsys.readouterr().out
        assert deliver_due(store, config(port, db_url), now=MONDAY + timedelta(days=30)) == []
    finally:
        server.stop()
    assert len(inbox.messages) == 1


def test_implicit_tls_interrupted_before_data_is_sent_by_the_next_send(store: Store, db_url: str,
                                                                       tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    inbox, port = _Interrupting("MAIL"), free_port()
    cfg = parse_config(_toml(port, db_url).replace('security = "none"', 'security = "ssl"'), "test.toml")
    server = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=server_ctx)
    server.start()
    client_ctx = ssl.create_default_context(cafile=str(cert))
    try:
        with pytest.raises(KeyboardInterrupt):
            deliver_week(store, cfg, WEEK, manual=True, tls_context=client_ctx)
        assert store.digest_deliveries(WEEK)[0].status == "failed" and not inbox.messages
        inbox.at = ""
        assert deliver_week(store, cfg, WEEK, manual=True, tls_context=client_ctx).sent == (RECIPIENT,)
    finally:
        server.stop()
    assert len(inbox.messages) == 1
