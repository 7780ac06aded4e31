"""Every place a moderator reads when a claim runs out uses `[digest] timezone`, as `show` and `claim` now do: the
queue's "minh đến HH:MM", `release` refused ("đang do minh giữ (đến …)") and the `review` session's detail and
"(giữ đến …)". Before, they kept Vietnam time while `claim` and `show` printed the configured zone, so the same
hold read 00:11 in one command and 12:11 in the next.

America/New_York is 12 hours behind Vietnam in winter and 11 in summer: the two clocks never read the same HH:MM.
Real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from review.cli.context import Context
from review.cli.interactive import run
from review.filters import EntryFilter
from review.models import ReviewEntry
from review.store import Store
from review.types import utcnow
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]
ZONE = "America/New_York"


@pytest.fixture
def new_york(cfg: Path) -> None:
    cfg.write_text(cfg.read_text(encoding="utf-8") + f'\n[digest]\ntimezone = "{ZONE}"\n', encoding="utf-8")


def _until(store: Store, entry: int) -> datetime:
    with store.session() as s:
        until = s.scalar(select(ReviewEntry.claim_expires_at).where(ReviewEntry.id == entry))
    assert isinstance(until, datetime)
    return until


def _clocks(text: str, before: str) -> list[str]:
    """The HH:MM each time printed after `before` reads (a date, when there is one, skipped)."""
    return re.findall(re.escape(before) + r"(?:\d\d/\d\d(?:/\d{4})? )?(\d\d:\d\d)", text)


def _hhmm(t: datetime, zone: str) -> str:
    return t.astimezone(ZoneInfo(zone)).strftime("%H:%M")


def test_queue_shows_the_hold_in_the_configured_zone(store: Store, cli: CLI, new_york: None) -> None:
    entry = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    store.claim(entry, "minh", 30)
    until = _until(store, entry)
    code, out, err = cli("queue", "--status", "claimed")
    assert code == 0, err
    assert _clocks(out, "minh đến ") == [_hhmm(until, ZONE)], out


def test_release_refused_says_the_hold_in_the_configured_zone(store: Store, cli: CLI, new_york: None) -> None:
    entry = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    store.claim(entry, "minh", 30)
    until = _until(store, entry)
    code, _, err = cli("--as", "lan", "release", str(entry))
    assert code != 0
    assert _clocks(err, "đang do minh giữ (đến ") == [_hhmm(until, ZONE)], err


def test_review_session_shows_the_hold_in_the_configured_zone(store: Store, cfg: Path, new_york: None) -> None:
    """The session puts the entry off ([s]), which gives the claim back: its end is read from what was printed,
    and must be a New York clock reading of a time 30 minutes (claim_minutes) after the session started or ended."""
    flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    out = io.StringIO()
    ctx = Context(config_path=str(cfg), moderator_flag="lan", out=out)
    start = utcnow()
    try:
        assert run(ctx, EntryFilter(), stdin=io.StringIO("s\n")) == 0
    finally:
        ctx.close()
    ends = (start + timedelta(minutes=30), utcnow() + timedelta(minutes=30))
    text = out.getvalue()
    shown = _clocks(text, "lan giữ đến ") + _clocks(text, "(giữ đến ")
    assert len(shown) == 2 and all(c in {_hhmm(t, ZONE) for t in ends} for c in shown), text
