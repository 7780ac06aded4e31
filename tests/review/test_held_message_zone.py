"""`claim ID` on an entry someone else holds, and the `review` session's "Không nhận lại được mục #N: …", say until
when it is held in `[digest] timezone`, as `show`, `claim` and `queue` do. They said it in Vietnam time
(`review.claims.held_message`), so one hold read 00:11 in `queue` and 12:11 in the refusal.

America/New_York is 11 or 12 hours behind Vietnam: the two clocks never read the same HH:MM. Real database (SQLite,
and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from review.errors import ConflictError
from review.models import ReviewEntry
from review.store import Store
from review.vi import VN_TZ
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


def _clocks(text: str) -> list[str]:
    return re.findall(r"giữ đến (?:\d\d/\d\d(?:/\d{4})? )?(\d\d:\d\d)", text)


def test_claim_refused_says_the_hold_in_the_configured_zone(store: Store, cli: CLI, new_york: None) -> None:
    entry = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    store.claim(entry, "minh", 30)
    until = _until(store, entry)
    code, _, err = cli("--as", "lan", "claim", str(entry))
    assert code == 1, err
    assert f"mục #{entry} đang do minh xử lý" in err, err
    assert _clocks(err) == [until.astimezone(ZoneInfo(ZONE)).strftime("%H:%M")], err


def test_claim_refused_in_vietnam_time_by_default(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    store.claim(entry, "minh", 30)
    until = _until(store, entry)
    code, _, err = cli("--as", "lan", "claim", str(entry))
    assert code == 1, err
    assert _clocks(err) == [until.astimezone(VN_TZ).strftime("%H:%M")], err


def test_store_opened_with_a_zone_says_it_in_that_zone(db_url: str, store: Store) -> None:
    """What the review session gets: its store is opened by the command's context with `[digest] timezone`."""
    entry = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    store.claim(entry, "minh", 30)
    until = _until(store, entry)
    other = Store.open(db_url, zone=ZONE)
    try:
        with pytest.raises(ConflictError) as exc:
            other.claim(entry, "lan", 30)
    finally:
        other.close()
    assert _clocks(str(exc.value)) == [until.astimezone(ZoneInfo(ZONE)).strftime("%H:%M")], str(exc.value)


def test_decide_refused_says_the_hold_in_the_configured_zone(store: Store, cli: CLI, new_york: None) -> None:
    entry = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    store.claim(entry, "minh", 30)
    until = _until(store, entry)
    code, _, err = cli("--as", "lan", "decide", str(entry), "--verdict", "dismiss")
    assert code == 1, err
    assert _clocks(err) == [until.astimezone(ZoneInfo(ZONE)).strftime("%H:%M")], err
