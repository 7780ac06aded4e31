"""The weekly summary goes out over real SMTP: once per week and recipient, escaped, with its chart."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.cli import main
from review.config import Config, parse_config
from review.digest import collect_digest, last_complete_week, week_bounds
from review.mailer import deliver_due, deliver_week
from review.store import Store
from tests.operate.seed import add_flagged, add_run
from tests.operate.smtp import Inbox, free_port, mail_toml, start_smtp

WEEK = "2026-W47"  # Mon 16 Nov 2026 .. Sun 22 Nov 2026, Asia/Ho_Chi_Minh
MONDAY = datetime(2026, 11, 16, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội
EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)> Lừa đảo trúng thưởng'


def _toml(port: int, db_url: str, recipients: tuple[str, ...] = ("vanhoa@so.example.vn",)) -> str:
    quoted = ", ".join(f'"{r}"' for r in recipients)
    return "\n" + mail_toml(port, db_url, f"[{quoted}]") + """\
[[sources]]
name = "bao-tinh"
kind = "rss"
urls = ["https://baotinh.example.vn/rss"]
[[sources]]
name = "cho-rao"
kind = "ads"
urls = ["https://chorao.example.vn/"]
selectors = { item = "div.ad" }
"""


def config(port: int, db_url: str, recipients: tuple[str, ...] = ("vanhoa@so.example.vn",)) -> Config:
    return parse_config(_toml(port, db_url, recipients), "test.toml")


@pytest.fixture
def seeded(store: Store) -> Iterator[Store]:
    add_flagged(store, title=EVIL, category="scam", at=MONDAY, verdict="violation",
                decided_at=MONDAY + timedelta(days=1))
    add_flagged(store, title="Quảng cáo thuốc chữa bách bệnh", category="illegal_ad", at=MONDAY + timedelta(days=2),
                source="cho-rao", verdict="dismiss", decided_at=MONDAY + timedelta(days=3))
    add_flagged(store, title="Tin đồn sai sự thật về dịch bệnh", category="misinformation",
                at=MONDAY + timedelta(days=4))
    add_flagged(store, title="Thanh niên phường 3 nhặt được ví trả lại", category="positive",
                at=MONDAY + timedelta(days=5), score=0.7)
    add_run(store, "bao-tinh", MONDAY, ok=True, items_new=3)
    for i in range(3):
        add_run(store, "cho-rao", MONDAY + timedelta(hours=i), ok=False)
    yield store


def test_week_bounds_are_local_and_default_is_last_complete_week() -> None:
    start, end = week_bounds(WEEK, "Asia/Ho_Chi_Minh")
    assert start.isoformat() == "2026-11-16T00:00:00+07:00" and (end - start).days == 7
    # Monday 2026-11-23 01:00 in Hà Nội is still Sunday in UTC: the last complete week is W47 either way.
    assert last_complete_week("Asia/Ho_Chi_Minh", datetime(2026, 11, 22, 18, 0, tzinfo=UTC)) == WEEK
    assert last_complete_week("Asia/Ho_Chi_Minh", datetime(2026, 11, 22, 16, 0, tzinfo=UTC)) == "2026-W46"


def test_digest_numbers(seeded: Store, db_url: str) -> None:
    data = collect_digest(seeded, config(25, db_url), WEEK)
    assert data.flags_by_category == {"misinformation": 1, "scam": 1, "illegal_ad": 1, "positive": 1}
    assert data.flags_per_day["scam"] == [1, 0, 0, 0, 0, 0, 0]
    assert data.decisions_by_verdict == {"violation": 1, "dismiss": 1}
    assert data.precision == {"scam": (1, 1), "illegal_ad": (0, 1)}
    assert data.backlog == 2
    assert [(p.name, p.problem) for p in data.source_problems] == [("cho-rao", "failing")]
    assert [c.title for c in data.top_cases] == [EVIL]
    assert [c.title for c in data.commendations] == ["Thanh niên phường 3 nhặt được ví trả lại"]


def test_digest_arrives_once_as_multipart_with_chart_and_escaped_titles(seeded: Store, db_url: str) -> None:
    inbox, port = Inbox(), free_port()
    server = start_smtp(port, inbox)
    try:
        cfg = config(port, db_url, ("vanhoa@so.example.vn", "pho.giamdoc@so.example.vn"))
        first = deliver_week(seeded, cfg, WEEK, now=MONDAY + timedelta(days=7))
        again = deliver_week(seeded, cfg, WEEK, now=MONDAY + timedelta(days=8))
        retry = deliver_due(seeded, cfg, now=MONDAY + timedelta(days=9))
    finally:
        server.stop()
    assert sorted(first.sent) == ["pho.giamdoc@so.example.vn", "vanhoa@so.example.vn"] and not first.failed
    assert not again.sent and len(again.skipped) == 2 and retry == []
    assert sorted(r for rcpts, _ in inbox.messages for r in rcpts) == sorted(first.sent)

    msg = inbox.parsed()[0]
    assert msg.get_content_type() == "multipart/alternative"
    assert "Bản tin tuần 2026-W47" in msg["Subject"]
    plain = msg.get_body(("plain",))
    html_part = msg.get_body(("html",))
    assert plain is not None and html_part is not None
    html = html_part.get_content()
    assert "Lừa đảo, chiếm đoạt tài sản" in html and "Lừa đảo trúng thưởng" in plain.get_content()
    images = [p for p in msg.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0].get_content().startswith(b"\x89PNG")
    cid = images[0]["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html
    # Crawled HTML arrives as text, never as markup.
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert len(re.findall(r"<img ", html)) == 1


def test_smtp_down_then_up_delivers_exactly_once(seeded: Store, db_url: str) -> None:
    inbox, port = Inbox(), free_port()
    cfg = config(port, db_url)
    t0 = MONDAY + timedelta(days=7)
    down = deliver_week(seeded, cfg, WEEK, now=t0)  # nobody listens on the port yet
    assert down.failed and not down.sent
    row = seeded.digest_deliveries(WEEK)[0]
    assert row.status == "failed" and row.attempts == 1 and row.next_attempt_at == t0 + timedelta(minutes=1)
    assert deliver_due(seeded, cfg, now=t0 + timedelta(seconds=59)) == []  # backoff: not yet
    deliver_due(seeded, cfg, now=t0 + timedelta(minutes=1, seconds=1))  # attempt 2: still down
    row = seeded.digest_deliveries(WEEK)[0]
    assert row.attempts == 2 and row.next_attempt_at == t0 + timedelta(minutes=3, seconds=1)

    server = start_smtp(port, inbox)
    try:
        early = deliver_due(seeded, cfg, now=t0 + timedelta(minutes=2))  # backoff not over: nothing
        on_time = deliver_due(seeded, cfg, now=t0 + timedelta(minutes=4))
        later = deliver_due(seeded, cfg, now=t0 + timedelta(hours=1))
        rerun = deliver_week(seeded, cfg, WEEK, now=t0 + timedelta(hours=2))
    finally:
        server.stop()
    assert early == [] and [r.sent for r in on_time] == [("vanhoa@so.example.vn",)] and later == []
    assert not rerun.sent and len(inbox.messages) == 1
    row = seeded.digest_deliveries(WEEK)[0]
    assert row.status == "sent" and row.attempts == 3


def test_cli_preview_and_send(seeded: Store, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inbox, port = Inbox(), free_port()
    cfg_path = tmp_path / "c.toml"
    cfg_path.write_text(_toml(port, db_url), "utf-8")
    preview = tmp_path / "tuan.html"
    assert main(["--config", str(cfg_path), "digest", "--week", WEEK, "--preview", str(preview)]) == 0
    html = preview.read_text("utf-8")
    assert "data:image/png;base64," in html and "&lt;script&gt;" in html and "<script>" not in html
    server = start_smtp(port, inbox)
    try:
        assert main(["--config", str(cfg_path), "digest", "--week", WEEK, "--send"]) == 0
        assert main(["--config", str(cfg_path), "digest", "--week", WEEK, "--send"]) == 0
    finally:
        server.stop()
    out = capsys.readouterr().out
    assert "Đã gửi bản tin tuần 2026-W47 tới vanhoa@so.example.vn" in out and "đã gửi lúc" in out
    assert len(inbox.messages) == 1
    assert main(["--config", str(cfg_path), "digest", "--week", "2026-W99"]) == 2
