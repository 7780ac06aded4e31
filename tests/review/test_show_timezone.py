"""`show` and `claim` print times in `[digest] timezone`, like `status` and the weekly digest, not always in
Vietnam time: an office configured for another zone read `status` in its zone and `show` 12 hours off.

America/New_York is 12 hours behind Vietnam in March, so every time differs in its clock and often its day.
Real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from review.models import Decision, Item, ReviewEntry
from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]
ZONE = "America/New_York"
#: 02/03 15:34 in New York, 03/03 03:34 in Vietnam, two years back: always shown with its year (a fixed 2026
#: read "02/03 15:34" only while the tests ran in 2026, and failed from 1 January 2027)
YEAR = datetime.now(UTC).year - 2
FETCHED = datetime(YEAR, 3, 2, 20, 34, tzinfo=UTC)
DECIDED = datetime(2025, 3, 3, 1, 5, tzinfo=UTC)  # 02/03/2025 20:05 in New York, 03/03/2025 08:05 in Vietnam


@pytest.fixture
def new_york(cfg: Path) -> None:
    cfg.write_text(cfg.read_text(encoding="utf-8") + f'\n[digest]\ntimezone = "{ZONE}"\n', encoding="utf-8")


def _entry(store: Store) -> int:
    entry = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    store.decide(entry, "lan", "dismiss")
    with store.session() as s:
        item_id = s.scalar(select(ReviewEntry.item_id).where(ReviewEntry.id == entry))
        s.execute(update(Item).where(Item.id == item_id).values(fetched_at=FETCHED))
        s.execute(update(Decision).where(Decision.entry_id == entry).values(created_at=DECIDED))
    return entry


def test_show_prints_times_in_the_configured_zone(store: Store, cli: CLI, new_york: None) -> None:
    entry = _entry(store)
    code, out, err = cli("show", str(entry))
    assert code == 0, err
    assert f"Thu thập: 02/03/{YEAR} 15:34" in out, out
    assert "02/03/2025 20:05 lan" in out, out
    assert "03:34" not in out and "08:05" not in out, out


def test_show_stays_in_vietnam_time_by_default(store: Store, cli: CLI) -> None:
    entry = _entry(store)
    code, out, _ = cli("show", str(entry))
    assert code == 0
    assert f"Thu thập: 03/03/{YEAR} 03:34" in out and "03/03/2025 08:05 lan" in out, out


def test_claim_prints_the_hold_in_the_configured_zone(store: Store, cli: CLI, new_york: None) -> None:
    entry = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    code, out, err = cli("--as", "minh", "claim", str(entry))
    assert code == 0, err
    with store.session() as s:
        until = s.scalar(select(ReviewEntry.claim_expires_at).where(ReviewEntry.id == entry))
    assert until is not None
    there, vietnam = until.astimezone(ZoneInfo(ZONE)), until.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert there.strftime("%H:%M") in out.split("giữ đến ")[1], out
    assert vietnam.strftime("%H:%M") not in out, out
    code, out, _ = cli("show", str(entry))
    assert f"minh giữ đến {there.strftime('%H:%M')}" in out or f"giữ đến {there.strftime('%d/%m %H:%M')}" in out, out
