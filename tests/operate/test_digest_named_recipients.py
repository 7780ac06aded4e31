"""Recipients written with a Vietnamese display name (`Nguyễn Thị Lan <lan@...>`) get the digest, addressed by
name, over a real SMTP server with and without SMTPUTF8; one address written twice is a configuration error."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from review.config import parse_config
from review.errors import ConfigError
from review.mailer import deliver_week
from review.store import Store
from tests.operate.smtp import Inbox, free_port, mail_toml

WEEK = "2026-W47"
AFTER = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
RECIPIENTS = '["Nguyễn Thị Lan <lan@so.example.vn>", \'"Trần, Văn Bình" <binh@so.example.vn>\', "vanthu@so.example.vn"]'


def _toml(port: int, db_url: str, recipients: str = RECIPIENTS) -> str:
    return mail_toml(port, db_url, recipients)


@pytest.mark.parametrize("smtputf8", [True, False])
def test_named_recipients_get_the_digest(store: Store, db_url: str, smtputf8: bool) -> None:
    port, inbox = free_port(), Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, enable_SMTPUTF8=smtputf8)
    controller.start()
    try:
        cfg = parse_config(_toml(port, db_url), "canhgac.toml")
        report = deliver_week(store, cfg, WEEK, now=AFTER)
    finally:
        controller.stop()
    assert sorted(report.sent) == ["binh@so.example.vn", "lan@so.example.vn", "vanthu@so.example.vn"]  # by address
    assert not report.failed
    envelopes = sorted(rcpt for rcpts, _ in inbox.messages for rcpt in rcpts)
    assert envelopes == ["binh@so.example.vn", "lan@so.example.vn", "vanthu@so.example.vn"]
    to = {}
    for _, raw in inbox.messages:
        msg = message_from_bytes(raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        (addr,) = msg["To"].addresses
        to[addr.addr_spec] = addr.display_name
    assert to == {"lan@so.example.vn": "Nguyễn Thị Lan", "binh@so.example.vn": "Trần, Văn Bình",
                  "vanthu@so.example.vn": ""}
    # sent once: a second run skips every recipient
    again = deliver_week(store, cfg, WEEK, now=AFTER)
    assert not again.sent and len(again.skipped) == 3


@pytest.mark.parametrize(("recipients", "words", "line"), [
    # the duplicate is named on the line it is written on, not the array's first line
    ('["lan@so.example.vn",\n  "Nguyễn Thị Lan <LAN@so.example.vn>"]', "trùng người nhận", 11),
    ('["Nguyễn Thị Lan <lan@so>"]', "thiếu tên miền đầy đủ", 10),
    ('["Nguyễn Thị Lan lan@so.example.vn"]', "không phải địa chỉ e-mail", 10),
    ('["Lan <a@so.example.vn, b@so.example.vn>"]', "không phải địa chỉ e-mail", 10),
    ('["Lan <lan..nguyen@so.example.vn>"]', "không phải địa chỉ e-mail", 10),
    ('["lan;minh@so.example.vn"]', "không phải địa chỉ e-mail", 10),
])
def test_bad_recipient_names_the_key(recipients: str, words: str, line: int) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(_toml(25, "sqlite:///x.db", recipients), "canhgac.toml")
    assert info.value.key == "digest.recipients" and info.value.line == line
    assert words in info.value.reason


def test_sender_with_the_office_name(store: Store, db_url: str) -> None:
    port, inbox = free_port(), Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        body = _toml(port, db_url, '["vanthu@so.example.vn"]').replace(
            'sender = "canhgac@so.example.vn"', 'sender = "Sở Văn hoá, Thể thao và Du lịch <canhgac@so.example.vn>"')
        report = deliver_week(store, parse_config(body, "canhgac.toml"), WEEK, now=AFTER)
    finally:
        controller.stop()
    assert report.sent == ("vanthu@so.example.vn",)
    (rcpts, raw), = inbox.messages
    msg = message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    (sender,) = msg["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Sở Văn hoá, Thể thao và Du lịch", "canhgac@so.example.vn")
    assert msg["Message-ID"].endswith("@so.example.vn>") and ">>" not in msg["Message-ID"]
    html = next(p for p in msg.walk() if p.get_content_type() == "text/html").get_content()
    image = next(p for p in msg.walk() if p.get_content_type() == "image/png")
    assert f'src="cid:{image["Content-ID"][1:-1]}"' in html  # the chart shows: its reference matches its part


def test_sender_that_is_no_address_names_the_key() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config('[smtp]\nhost = "mail.so.example.vn"\nsender = "Sở VHTTDL"\n', "canhgac.toml")
    assert (info.value.key, info.value.line) == ("smtp.sender", 3)


def test_naming_a_recipient_later_does_not_resend_the_week(store: Store, db_url: str) -> None:
    port, inbox = free_port(), Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        deliver_week(store, parse_config(_toml(port, db_url, '["lan@so.example.vn"]'), "canhgac.toml"), WEEK, now=AFTER)
        named = parse_config(_toml(port, db_url, '["Nguyễn Thị Lan <LAN@so.example.vn>", "vanthu@so.example.vn"]'),
                             "canhgac.toml")
        report = deliver_week(store, named, WEEK, now=AFTER)
    finally:
        controller.stop()
    assert list(report.skipped) == ["lan@so.example.vn"] and list(report.sent) == ["vanthu@so.example.vn"]
    assert sorted(r for rcpts, _ in inbox.messages for r in rcpts) == ["lan@so.example.vn", "vanthu@so.example.vn"]
    assert sorted(d.recipient for d in store.digest_deliveries(WEEK)) == ["lan@so.example.vn", "vanthu@so.example.vn"]
