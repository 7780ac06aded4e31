"""The weekly summary says what `canhgac stats`, the CLI and docs/review.md say: the same precision
(escalate confirms; a verdict filed under another category still confirms), items counted once
however many flags they carry, and the CLI's Vietnamese names for verdicts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from classifier.categories import VI_LABELS
from crawler.cli import main
from review.config import parse_config
from review.digest import collect_digest, current_week, week_bounds
from review.digest_chart import ITEMS_LABEL, flags_chart
from review.digest_render import render_html, render_text
from review.mailer import deliver_week
from review.models import ReviewFlag
from review.store import Store
from review.vi import VERDICT_VI
from tests.operate.seed import add_flagged
from tests.operate.smtp import Inbox, free_port, mail_toml, start_smtp
from tests.operate.test_digest_mail import MONDAY, WEEK, config

TZ = "Asia/Ho_Chi_Minh"


def _toml(db_url: str, port: int = 25) -> str:
    return "\n" + mail_toml(port, db_url, '["vanhoa@so.example.vn"]') + '[review]\nmoderators = ["lan"]\n'


def _also_flag(store: Store, entry_id: int, category: str, score: float = 0.8) -> None:
    """A second category on an entry: the item is one, its flags two."""
    with store.session() as s:
        s.add(ReviewFlag(entry_id=entry_id, category=category, score=score))


def _run(capsys: pytest.CaptureFixture[str], cfg: Path, *args: str) -> str:
    capsys.readouterr()
    assert main(["--config", str(cfg), "--as", "lan", *args]) == 0
    return capsys.readouterr().out


def test_precision_matches_stats_after_escalate_and_recategorised_violation(
        store: Store, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Decisions are stamped "now" by the CLI, so the entries are created this week too.
    week = current_week(TZ)
    start, _ = week_bounds(week, TZ)
    at = max(start.astimezone(UTC), datetime.now(UTC) - timedelta(minutes=5))
    escalated = add_flagged(store, title="Tin giả về vỡ đê sông Hồng", category="misinformation", at=at)
    recategorised = add_flagged(store, title="Nhắn tin trúng thưởng xe máy", category="scam", at=at)
    dismissed = add_flagged(store, title="Quảng cáo khóa học tiếng Anh", category="illegal_ad", at=at)
    cfg = tmp_path / "c.toml"
    cfg.write_text(_toml(db_url), "utf-8")
    _run(capsys, cfg, "decide", str(escalated), "--verdict", "escalate", "--note", "chuyển công an tỉnh")
    _run(capsys, cfg, "decide", str(recategorised), "--verdict", "violation", "--category", "misinformation")
    _run(capsys, cfg, "decide", str(dismissed), "--verdict", "dismiss")

    stats = json.loads(_run(capsys, cfg, "stats", "--json", "--since", start.isoformat()))
    from_stats = {s["category"]: (s["confirmed"], s["confirmed"] + s["dismissed"]) for s in stats}
    assert from_stats == {"misinformation": (1, 1), "scam": (1, 1), "illegal_ad": (0, 1)}

    data = collect_digest(store, parse_config(_toml(db_url), "c.toml"), week)
    assert data.precision == from_stats
    text = _run(capsys, cfg, "digest", "--week", week)
    precision_section = text.split("3. ")[1].split("4. ")[0]
    for category, (confirmed, judged) in from_stats.items():
        assert f"   - {VI_LABELS[category]}: {100 * confirmed // judged}% ({confirmed}/{judged})" in precision_section

    # Escalated cases are confirmed violations too, marked as referred to the authorities, listed first.
    assert [(c.entry_id, c.verdict) for c in data.top_cases] == [(escalated, "escalate"),
                                                                 (recategorised, "violation")]
    cases_section = text.split("6. ")[1].split("7. ")[0]
    lines = [line for line in cases_section.splitlines() if line.startswith("   - ")]
    assert len(lines) == 2
    assert "Tin giả về vỡ đê sông Hồng" in lines[0] and "[chuyển cơ quan chức năng]" in lines[0]
    assert "Nhắn tin trúng thưởng xe máy" in lines[1] and "chuyển cơ quan chức năng" not in lines[1]


def test_items_are_counted_once_in_headline_subject_and_chart(store: Store, db_url: str) -> None:
    both = add_flagged(store, title="Đầu tư tiền ảo lãi 30%/tháng, tin nóng", category="scam", at=MONDAY)
    _also_flag(store, both, "misinformation")
    add_flagged(store, title="Bình luận thô tục", category="offensive", at=MONDAY + timedelta(days=1))
    inbox, port = Inbox(), free_port()
    server = start_smtp(port, inbox)
    try:
        cfg = config(port, db_url)
        data = collect_digest(store, cfg, WEEK)
        report = deliver_week(store, cfg, WEEK, now=MONDAY + timedelta(days=7))
    finally:
        server.stop()
    assert report.sent and len(inbox.messages) == 1
    msg = inbox.parsed()[0]
    assert "2 mục bị gắn cờ" in msg["Subject"] and "3 mục" not in msg["Subject"]
    assert data.flagged_items == 2 and data.total_flags == 3
    assert data.items_per_day == [1, 1, 0, 0, 0, 0, 0]
    plain_part, html_part = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain_part is not None and html_part is not None
    plain, html = plain_part.get_content(), html_part.get_content()
    assert "Mục bị gắn cờ mới: 2 (tổng số cờ: 3)" in plain
    assert "mục bị gắn cờ mới: <b>2</b>" in html
    # Per-category counts are flags, and say so.
    assert "Số cờ</th>" in html and "Số mục</th>" not in html
    assert "1. Cờ mới theo loại (số cờ" in plain

    ax = flags_chart(data).axes[0]
    assert "số mục" not in ax.get_ylabel().replace("số mục (đường)", "")
    assert "số cờ" in ax.get_ylabel()
    (items_line,) = ax.get_lines()
    assert items_line.get_label() == ITEMS_LABEL and list(items_line.get_ydata()) == data.items_per_day


def test_verdicts_are_named_as_the_cli_names_them(store: Store, db_url: str) -> None:
    add_flagged(store, title="Tin đồn dịch bệnh", category="misinformation", at=MONDAY, verdict="escalate",
                decided_at=MONDAY + timedelta(hours=2))
    add_flagged(store, title="Quảng cáo hợp lệ", category="illegal_ad", at=MONDAY, verdict="dismiss",
                decided_at=MONDAY + timedelta(hours=3))
    add_flagged(store, title="Lừa đảo nạp thẻ", category="scam", at=MONDAY, verdict="violation",
                decided_at=MONDAY + timedelta(hours=4))
    data = collect_digest(store, config(25, db_url), WEEK)
    text = render_text(data, TZ)
    html = render_html(data, TZ, "cid:chart")
    decisions = text.split("2. ")[1].split("3. ")[0]
    for verdict in ("escalate", "dismiss", "violation"):
        assert f"   - {VERDICT_VI[verdict]}: 1" in decisions
        assert f">{VERDICT_VI[verdict]}</td>" in html
    for other in ("Chuyển cấp trên", "Không vi phạm", "Xác nhận vi phạm"):
        assert other not in text and other not in html


def test_the_text_and_html_parts_have_the_same_numbered_sections(store: Store, db_url: str) -> None:
    """A recipient reading the plain-text part and one reading the HTML part find "phần 5" under the same heading."""
    import re

    add_flagged(store, title="Tin đồn dịch bệnh", category="misinformation", at=MONDAY)
    data = collect_digest(store, config(25, db_url), WEEK)
    text_sections = re.findall(r"^(\d)\. ([^:(\n]+)", render_text(data, TZ), flags=re.M)
    html_sections = re.findall(r"<h2[^>]*>(\d)\. ([^<:(]+)", render_html(data, TZ, "cid:chart"))
    assert [n for n, _ in html_sections] == [n for n, _ in text_sections] == [str(i) for i in range(1, 8)]
    for (_, t), (_, h) in zip(text_sections, html_sections, strict=True):
        assert t.strip().startswith(h.strip()) or h.strip().startswith(t.strip()), (t, h)
    assert f"{data.backlog} mục" in render_html(data, TZ, "cid:chart").split("4. Hàng chờ duyệt")[1]
