"""An officer's `canhgac digest --send` after a failed send: retried at once, in Vietnamese, never twice.

The backoff paces the daemon's automatic retries; a person asking to send now gets an attempt now. What
was sent, or is being sent by another process, is still never sent again.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from crawler.cli import main
from review.digest_log import MAX_ATTEMPTS
from review.mailer import deliver_due, deliver_week
from review.models import DigestSent
from review.store import Store
from tests.operate.smtp import Inbox, free_port, start_smtp
from tests.operate.test_digest_mail import MONDAY, WEEK, _toml, config

ROOT = Path(__file__).resolve().parents[2]
RECIPIENT = "vanhoa@so.example.vn"


def _cli(cfg: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command in its own process: what an officer's terminal shows, logging as configured there."""
    return subprocess.run([sys.executable, "-m", "crawler.cli", "--config", str(cfg), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_manual_send_retries_a_failed_digest_now_in_vietnamese(store: Store, db_url: str, tmp_path: Path) -> None:
    inbox, port = Inbox(), free_port()
    cfg = tmp_path / "c.toml"
    cfg.write_text(_toml(port, db_url), "utf-8")

    down = _cli(cfg, "digest", "--week", WEEK, "--send")  # nobody listens on the port
    assert down.returncode == 1, down
    assert "không thành công (lần thử 1)" in down.stderr and "không kết nối được máy chủ thư" in down.stderr
    assert "failed (attempt" not in down.stderr and "+00:00" not in down.stderr  # no English log line
    assert "giờ Việt Nam" in down.stderr

    again = _cli(cfg, "digest", "--week", WEEK, "--send")  # at once: tried again, not "Bỏ qua ... chờ thử lại"
    assert again.returncode == 1, again
    assert "Bỏ qua" not in again.stdout and "lần thử 2" in again.stderr
    assert store.digest_deliveries(WEEK)[0].attempts == 2

    server = start_smtp(port, inbox)
    try:
        up = _cli(cfg, "digest", "--week", WEEK, "--send")  # backoff not over, but a person asked: sent
        twice = _cli(cfg, "digest", "--week", WEEK, "--send")
    finally:
        server.stop()
    assert up.returncode == 0 and f"Đã gửi bản tin tuần {WEEK} tới {RECIPIENT}" in up.stdout, up
    assert twice.returncode == 0 and "đã gửi lúc" in twice.stdout and len(inbox.messages) == 1
    row = store.digest_deliveries(WEEK)[0]
    assert row.status == "sent" and row.attempts == 3


def test_the_daemon_still_waits_for_the_backoff(store: Store, db_url: str) -> None:
    cfg = config(free_port(), db_url)
    t0 = MONDAY + timedelta(days=7)
    assert deliver_week(store, cfg, WEEK, now=t0).failed
    # the daemon's weekly run and its retry job (not manual): nothing before the backoff ends
    assert deliver_week(store, cfg, WEEK, now=t0 + timedelta(seconds=30)).skipped == (RECIPIENT,)
    assert deliver_due(store, cfg, now=t0 + timedelta(seconds=30)) == []
    assert store.digest_deliveries(WEEK)[0].attempts == 1
    assert deliver_week(store, cfg, WEEK, now=t0 + timedelta(seconds=30), manual=True).failed
    assert store.digest_deliveries(WEEK)[0].attempts == 2


def test_manual_send_after_the_last_automatic_attempt(store: Store, db_url: str) -> None:
    inbox, port = Inbox(), free_port()
    cfg = config(port, db_url)
    t0 = MONDAY + timedelta(days=7)
    deliver_week(store, cfg, WEEK, now=t0)
    with store.session() as s:  # the daemon gave up: no next attempt
        s.execute(update(DigestSent).values(attempts=MAX_ATTEMPTS, next_attempt_at=None))
    assert deliver_due(store, cfg, now=t0 + timedelta(days=1)) == []
    server = start_smtp(port, inbox)
    try:
        report = deliver_week(store, cfg, WEEK, now=t0 + timedelta(days=1), manual=True)
    finally:
        server.stop()
    assert report.sent == (RECIPIENT,) and len(inbox.messages) == 1


class _SlowInbox(Inbox):
    """Holds each message a moment, so a second sender arrives while the first is still sending."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        await asyncio.sleep(0.5)
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.parametrize("state", ["failed", "sent"])
def test_two_officers_sending_at_once_send_once(store: Store, db_url: str, state: str) -> None:
    inbox, port = _SlowInbox(), free_port()
    cfg = config(port, db_url)
    t0 = MONDAY + timedelta(days=7)
    assert deliver_week(store, cfg, WEEK, now=t0).failed  # down first: a failed row with a backoff
    server = start_smtp(port, inbox)
    try:
        if state == "sent":
            assert deliver_week(store, cfg, WEEK, now=t0, manual=True).sent
        stores = [Store.open(db_url) for _ in range(2)]
        barrier = threading.Barrier(2)
        reports: list[Any] = []

        def send(st: Store) -> None:
            barrier.wait()
            reports.append(deliver_week(st, cfg, WEEK, now=t0 + timedelta(seconds=1), manual=True))

        threads = [threading.Thread(target=send, args=(st,)) for st in stores]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        for st in stores:
            st.close()
    finally:
        server.stop()
    assert len(inbox.messages) == 1
    sent = [r for r in reports if r.sent]
    assert len(sent) == (1 if state == "failed" else 0)
    assert sum(len(r.skipped) for r in reports) == (1 if state == "failed" else 2)
    assert not any(r.failed for r in reports)


def test_digest_log_in_vietnamese_and_vietnam_time(store: Store, db_url: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()
    cfg_path = tmp_path / "c.toml"
    cfg_path.write_text(_toml(port, db_url, (RECIPIENT, "pho.giamdoc@so.example.vn", "thu.ky@so.example.vn")),
                        "utf-8")
    store.plan_digest(WEEK, [RECIPIENT, "pho.giamdoc@so.example.vn", "thu.ky@so.example.vn"], MONDAY)
    rows = {d.recipient: d.id for d in store.digest_deliveries(WEEK)}
    store.claim_digest(rows[RECIPIENT], MONDAY)
    store.mark_digest_sent(rows[RECIPIENT], datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    store.claim_digest(rows["pho.giamdoc@so.example.vn"], MONDAY)
    store.mark_digest_failed(rows["pho.giamdoc@so.example.vn"], "x", datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    capsys.readouterr()
    assert main(["--config", str(cfg_path), "digest", "--log"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[1]: line for line in out.splitlines() if line.startswith(WEEK)}
    assert "đã gửi" in lines[RECIPIENT] and "23/11/2026 08:00" in lines[RECIPIENT]  # 01:00 UTC = 08:00 in Hà Nội
    assert "lỗi, thử lại lúc 23/11/2026 08:01" in lines["pho.giamdoc@so.example.vn"]
    assert "chờ gửi" in lines["thu.ky@so.example.vn"]
    for english in (" sent ", " failed ", " pending ", "+00:00"):
        assert english not in out
