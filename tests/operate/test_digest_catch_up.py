"""A weekly digest whose time passed while no daemon ran (down at Monday 08:00 for longer than misfire_grace_s)
is sent by the daemon's retry job at its next start, once, for the week that was due; a week already sent, or
one whose time has just come (the scheduled run sends it), is left alone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from crawler.jobs import last_digest_slot, retry_digests, weekly_digest
from review.config import Config, parse_config
from review.store import Store
from tests.operate.seed import add_flagged
from tests.operate.smtp import Inbox, free_port, mail_toml, start_smtp

W47, W48 = "2026-W47", "2026-W48"  # W48: Mon 23 Nov .. Sun 29 Nov 2026, Asia/Ho_Chi_Minh
TUESDAY = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # Tue 1 Dec 10:00 in Hà Nội: Monday 08:00 was missed


def _config(port: int, db_url: str) -> Config:
    return parse_config(mail_toml(port, db_url, '["Nguyễn Thị Lan <lan@so.example.vn>", "vanthu@so.example.vn"]') + """\
weekday = "mon"
hour = 8
[daemon]
misfire_grace_s = 300
""", "canhgac.toml")


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = start_smtp(port, inbox)
    yield inbox, port
    controller.stop()


def test_missed_weekly_digest_is_sent_at_the_next_start(store: Store, db_url: str,
                                                        smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    cfg = _config(port, db_url)
    add_flagged(store, title="Lừa đảo trúng thưởng", category="scam", at=datetime(2026, 11, 25, 3, tzinfo=UTC))
    retry_digests(cfg, store, now=TUESDAY)  # what the daemon runs at start
    assert sorted(r for rcpts, _ in inbox.messages for r in rcpts) == ["lan@so.example.vn", "vanthu@so.example.vn"]
    assert all(m["X-Canhgac-Week"] == W48 for m in inbox.parsed())
    assert "1 mục bị gắn cờ" in inbox.parsed()[0]["Subject"]
    assert {d.status for d in store.digest_deliveries(W48)} == {"sent"}
    retry_digests(cfg, store, now=TUESDAY.replace(hour=4))  # every 5 minutes after: never again
    assert len(inbox.messages) == 2


def test_week_sent_or_just_due_is_left_alone(store: Store, db_url: str, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    cfg = _config(port, db_url)
    monday_8 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Mon 30 Nov 08:00 in Hà Nội
    retry_digests(cfg, store, now=monday_8.replace(minute=2))  # within the grace time: the scheduled run's
    assert inbox.messages == [] and store.digest_deliveries(W48) == []
    # the scheduled run, then the retry job: one digest per recipient
    weekly_digest(cfg, store, now=monday_8)
    assert len(inbox.messages) == 2
    retry_digests(cfg, store, now=TUESDAY)
    assert len(inbox.messages) == 2


def test_due_week_is_local_across_the_week_boundary() -> None:
    cfg = _config(25, "sqlite:///x.db")
    # Sunday 18:00 UTC is Monday 01:00 in Hà Nội: this Monday's 08:00 has not come, so last Monday's is the latest
    slot = last_digest_slot(cfg, datetime(2026, 11, 29, 18, 0, tzinfo=UTC))
    assert slot.isoformat() == "2026-11-23T08:00:00+07:00"
    assert last_digest_slot(cfg, datetime(2026, 11, 30, 1, 0, tzinfo=UTC)).isoformat() == "2026-11-30T08:00:00+07:00"


def test_missed_digest_after_a_new_year(store: Store, db_url: str, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    add_flagged(store, title="Lừa đảo trúng thưởng", category="scam", at=datetime(2026, 12, 30, 3, tzinfo=UTC))
    retry_digests(_config(port, db_url), store, now=datetime(2027, 1, 5, 3, 0, tzinfo=UTC))  # Tue 5 Jan 2027
    assert {m["X-Canhgac-Week"] for m in inbox.parsed()} == {"2026-W53"}  # 28 Dec 2026 .. 3 Jan 2027
    assert store.digest_deliveries(W47) == []


def test_a_new_install_does_not_mail_a_week_before_it_existed(store: Store, db_url: str,
                                                              smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    cfg = _config(port, db_url)
    # first crawl after Monday 08:00 (installed on Tuesday): last week's digest was never due for this office
    add_flagged(store, title="Lừa đảo trúng thưởng", category="scam", at=TUESDAY.replace(hour=2))
    retry_digests(cfg, store, now=TUESDAY)
    assert inbox.messages == [] and store.digest_deliveries(W48) == []
