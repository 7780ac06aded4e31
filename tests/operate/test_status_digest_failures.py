"""`canhgac status` says when the weekly digest does not reach someone: a recipient's address the mail server
refuses (a typo the syntax check cannot see) used to show only "Bản tin tuần gửi gần nhất: ..." (the others'
copy), so nobody noticed that one person never got it. Also in `--json`."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from crawler.cli import main
from review.config import load_config
from review.digest import last_complete_week
from review.mailer import deliver_week
from review.store import Store
from review.types import utcnow
from tests.operate.smtp import Inbox, free_port, mail_toml


class RefusingInbox(Inbox):
    """Accepts every recipient but one, whose mailbox does not exist."""

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802 - aiosmtpd's
                          rcpt_options: list[str]) -> str:
        if address.startswith("pho.phong@"):
            return "550 5.1.1 <pho.phong@so.example.vn>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_status_names_a_recipient_the_digest_does_not_reach(store: Store, db_url: str, write_config,  # type: ignore[no-untyped-def]
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()
    path: Path = write_config(mail_toml(port, db_url, '["lanhdao@so.example.vn", "pho.phong@so.example.vn"]'))
    cfg = load_config(path)
    inbox = RefusingInbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    week = last_complete_week(cfg.digest.timezone)  # a recent week: status warns about the last four weeks
    try:
        report = deliver_week(store, cfg, week, now=utcnow())
    finally:
        server.stop()
    assert report.sent == ("lanhdao@so.example.vn",) and len(report.failed) == 1

    # a week long past that nobody re-sent: not warned about for ever
    old = last_complete_week(cfg.digest.timezone, utcnow() - timedelta(days=60))
    store.plan_digest(old, ["pho.phong@so.example.vn"], utcnow())
    (row,) = store.digest_deliveries(old)
    store.mark_digest_failed(row.id, "máy chủ thư từ chối địa chỉ người nhận")

    main(["--config", str(path), "status"])
    out = capsys.readouterr().out
    warning = [line for line in out.splitlines() if "pho.phong@so.example.vn" in line]
    assert warning and week in warning[0] and "từ chối" in warning[0], out
    assert "digest --log" in out and old not in out

    main(["--config", str(path), "status", "--json"])
    status = json.loads(capsys.readouterr().out)
    assert [(d["week"], d["recipient"], d["state"]) for d in status["digest_problems"]] == \
        [(week, "pho.phong@so.example.vn", "failed")]
    assert "tiến trình nền không chạy" in warning[0]  # no daemon: no automatic retry is coming
