"""`queue --limit N` with N above the count cap (1000): the count of matching entries stopped at 1001, at or below
the N shown, so a cut list of 1050 out of 1100 closed with "1050 mục." as if it were the whole queue. The count now
goes up to the number shown plus the cap. Real database file (SQLite), and PostgreSQL when configured."""

from __future__ import annotations

from collections.abc import Callable

from review.cli.queue_view import COUNT_CAP
from review.store import Store
from tests.review.factory import bulk_entries

CLI = Callable[..., tuple[int, str, str]]


def test_a_limit_above_the_cap_still_says_more_wait(store: Store, cli: CLI) -> None:
    bulk_entries(store, COUNT_CAP + 100)
    code, out, _ = cli("queue", "--limit", str(COUNT_CAP + 50))
    last = out.rstrip().splitlines()[-1]
    assert code == 0 and f"Hiện {COUNT_CAP + 50}/{COUNT_CAP + 100} mục" in last, last
    code, out, _ = cli("queue", "--limit", str(COUNT_CAP))
    assert f"Hiện {COUNT_CAP}/{COUNT_CAP + 100} mục" in out.rstrip().splitlines()[-1], out.splitlines()[-1]
    code, out, _ = cli("queue", "--limit", str(COUNT_CAP + 100))
    assert out.rstrip().splitlines()[-1].startswith(f"{COUNT_CAP + 100} mục."), out.splitlines()[-1]
