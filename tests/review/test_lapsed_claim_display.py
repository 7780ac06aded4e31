"""A claim that has lapsed is no hold: `show` and `queue` must not present it as one.

Lan claims an entry and goes to lunch; her claim lapses. Minh looks at the queue: the entry is free for anyone
(claim, decide, `claim --next` take it), so "đang xử lý, lan giữ đến 08:12" would send him past work nobody is
doing, and the default list (open entries) does not show it at all — the footer says where it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


def _table_rows(out: str) -> list[str]:
    """The table's rows: the lines between the header rule and the first empty or footer line."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("--")) + 1
    return [line for line in lines[start:] if line.split() and line.split()[1] != "mục."]


def _lapsed(store: Store) -> int:
    entry_id = flagged(store, "Chuyển khoản trước để nhận quà tri ân", "scam", 0.9)
    store.claim(entry_id, "lan", 0)  # a claim of zero minutes has lapsed as soon as it is taken
    return entry_id


def test_show_says_a_lapsed_claim_is_free_to_take(store: Store, cli: CLI) -> None:
    entry_id = _lapsed(store)
    code, out, _ = cli("show", str(entry_id))
    assert code == 0
    status = out.splitlines()[1]
    assert "hết hạn" in status and "lan" in status, status
    assert "đang xử lý" not in status, status
    code, out, _ = cli("show", str(entry_id), "--json")
    assert json.loads(out)["claim_lapsed"] is True


def test_queue_marks_a_lapsed_claim_and_a_live_one_apart(store: Store, cli: CLI) -> None:
    lapsed = _lapsed(store)
    held = flagged(store, "Đầu tư tiền ảo lãi 30%/tháng", "scam", 0.8)
    store.claim(held, "minh", 30)
    code, out, _ = cli("queue", "--status", "claimed")
    assert code == 0
    rows = {line.split()[0]: line for line in _table_rows(out)}
    assert "hết hạn" in rows[str(lapsed)] and "lan" in rows[str(lapsed)], out
    assert "hết hạn" not in rows[str(held)] and "minh đến" in rows[str(held)], out
    code, out, _ = cli("queue", "--status", "claimed", "--json")
    by_id = {r["id"]: r for r in json.loads(out)}
    assert by_id[lapsed]["claim_lapsed"] is True and by_id[held]["claim_lapsed"] is False


def test_default_queue_says_where_lapsed_claims_are(store: Store, cli: CLI) -> None:
    lapsed = _lapsed(store)
    flagged(store, "Tin đồn thất thiệt về dịch bệnh", "misinformation", 0.8)
    code, out, _ = cli("queue")
    assert code == 0
    listed = [line.split()[0] for line in _table_rows(out)]
    assert str(lapsed) not in listed  # the list itself is the open entries, as documented
    assert "1 mục đã hết hạn giữ" in out and "--status claimed" in out, out


def test_default_queue_says_nothing_about_claims_still_held(store: Store, cli: CLI) -> None:
    held = flagged(store, "Đầu tư tiền ảo lãi 30%/tháng", "scam", 0.8)
    store.claim(held, "minh", 30)
    flagged(store, "Tin đồn thất thiệt về dịch bệnh", "misinformation", 0.8)
    code, out, _ = cli("queue")
    assert code == 0 and "hết hạn" not in out, out
