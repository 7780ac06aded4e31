"""The digest's Date header is the office's time, with its offset, as sent over real SMTP: `[digest] timezone`
Asia/Tokyo here (+0900), so a header written in the default Asia/Ho_Chi_Minh (+0700) or in UTC fails.

`-0000` (RFC 5322 §3.3: "no information about the local time zone") left the office's mail client to guess;
the digest's times are all in `[digest] timezone`, and so is the moment the mail says it was written.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from review.config import parse_config
from review.mailer import deliver_week
from review.store import Store
from tests.operate.smtp import Inbox, free_port, mail_toml, start_smtp


def test_date_header_is_in_the_digest_timezone(store: Store, db_url: str) -> None:
    inbox, port = Inbox(), free_port()
    cfg = parse_config(mail_toml(port, db_url, '["vanhoa@so.example.vn"]') + 'timezone = "Asia/Tokyo"\n',
                       "test.toml")
    server = start_smtp(port, inbox)
    try:
        report = deliver_week(store, cfg, "2026-W47", now=datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    finally:
        server.stop()
    assert report.sent == ("vanhoa@so.example.vn",)
    (msg,) = inbox.parsed()
    raw_date = str(msg["Date"])
    assert raw_date.endswith("+0900"), raw_date
    written = msg["Date"].datetime
    assert written.utcoffset() == timedelta(hours=9)
    assert abs(datetime.now(UTC) - written) < timedelta(hours=1)  # the moment it was written, not the week's end
