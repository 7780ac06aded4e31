"""A recipient whose deliveries were failing and who is then taken off [digest] recipients (left the office) gets
nothing more from the daemon's retries; the recipients still configured do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiosmtpd.controller import Controller

from review.config import parse_config
from review.mailer import deliver_due, deliver_week
from review.store import Store
from tests.operate.smtp import Inbox, free_port, mail_toml

WEEK = "2026-W47"
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


class Picky(Inbox):
    """Refuses RCPT for the addresses in `refused` (a mailbox that is full, say), accepts the others."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: set[str] = set()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802
                          rcpt_options: list[str]) -> str:
        if address in self.refused:
            return "452 4.2.2 Mailbox full"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def _cfg(port: int, db_url: str, recipients: str) -> Any:
    return parse_config(mail_toml(port, db_url, recipients), "canhgac.toml")


def test_retries_skip_a_recipient_no_longer_configured(store: Store, db_url: str) -> None:
    port, inbox = free_port(), Picky()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        inbox.refused = {"cu@so.example.vn", "lan@so.example.vn"}
        both = _cfg(port, db_url, '["Trần Văn Cũ <cu@so.example.vn>", "Nguyễn Thị Lan <lan@so.example.vn>"]')
        report = deliver_week(store, both, WEEK, now=T0)
        assert len(report.failed) == 2 and inbox.messages == []
        inbox.refused = set()
        # Cũ leaves: the file now lists Lan only (written without her name this time)
        only_lan = _cfg(port, db_url, '["lan@so.example.vn"]')
        deliver_due(store, only_lan, now=T0 + timedelta(days=1))
    finally:
        controller.stop()
    assert [rcpts for rcpts, _ in inbox.messages] == [["lan@so.example.vn"]]
    status = {d.recipient: d.status for d in store.digest_deliveries(WEEK)}
    assert status == {"cu@so.example.vn": "failed", "lan@so.example.vn": "sent"}  # rows by address
