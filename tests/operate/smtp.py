"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives."""

from __future__ import annotations

import socket
import ssl
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.messages.append((list(envelope.rcpt_tos), bytes(envelope.original_content or envelope.content)))
        return "250 OK"

    def parsed(self) -> list[EmailMessage]:
        return [message_from_bytes(raw, policy=policy.default) for _, raw in self.messages]  # type: ignore[misc]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_smtp(port: int, inbox: Inbox, tls_context: ssl.SSLContext | None = None) -> Controller:
    kwargs: dict[str, Any] = {}
    if tls_context is not None:
        kwargs.update(tls_context=tls_context, require_starttls=True)
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller


def mail_toml(port: int, db_url: str, recipients: str) -> str:
    """A configuration's [database], [smtp] (plain SMTP to the test server on `port`) and [digest] recipients
    (`recipients`: a TOML array), for a digest test to add its own keys and tables to."""
    return f"""[database]
url = "{db_url}"
[smtp]
host = "127.0.0.1"
port = {port}
security = "none"
sender = "canhgac@so.example.vn"
timeout_s = 30
[digest]
recipients = {recipients}
"""
