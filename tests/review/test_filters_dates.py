"""`--since/--until` dates without a zone are Vietnam time, the office's day, not UTC midnight."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import update

from review.filters import parse_when, parse_where
from review.models import ReviewEntry
from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


def test_parse_when_reads_naive_dates_as_vietnam_time() -> None:
    assert parse_when("2026-11-22") == datetime(2026, 11, 21, 17, 0, tzinfo=UTC)
    assert parse_when("2026-11-22T08:30") == datetime(2026, 11, 22, 1, 30, tzinfo=UTC)
    assert parse_when("2026-11-22T00:00+00:00") == datetime(2026, 11, 22, tzinfo=UTC)
    assert parse_where("since=2026-11-22 until=2026-11-23").until == datetime(2026, 11, 22, 17, tzinfo=UTC)
    now = datetime(2026, 11, 22, 12, tzinfo=UTC)
    assert parse_when("36h", now=now) == datetime(2026, 11, 21, 0, tzinfo=UTC)


def test_since_until_boundary_is_vietnam_midnight(store: Store, cli: CLI) -> None:
    # 16:59 and 17:00 UTC on the 21st are 23:59 on the 21st and 00:00 on the 22nd in Vietnam.
    before = flagged(store, "Trước nửa đêm", "scam", 0.9)
    after = flagged(store, "Đúng nửa đêm", "scam", 0.9)
    with store.session() as s:
        for entry, at in ((before, datetime(2026, 11, 21, 16, 59, tzinfo=UTC)),
                          (after, datetime(2026, 11, 21, 17, 0, tzinfo=UTC))):
            s.execute(update(ReviewEntry).where(ReviewEntry.id == entry).values(created_at=at))
    code, out, _ = cli("queue", "--since", "2026-11-22", "--json")
    assert code == 0 and [r["id"] for r in json.loads(out)] == [after]
    code, out, _ = cli("export", "items", "--format", "jsonl", "--until", "2026-11-22")
    assert code == 0 and [json.loads(line)["entry_id"] for line in out.splitlines()] == [before]
    code, out, _ = cli("export", "items", "--format", "jsonl", "--since", "2026-11-22", "--until", "2026-11-23")
    assert [json.loads(line)["entry_id"] for line in out.splitlines()] == [after]
