"""`canhgac stats` shows the false positives of each category: how many flags moderators dismissed (the
`dismissed` count `--json` already had), in a Vietnamese column of the table."""

from __future__ import annotations

from collections.abc import Callable

from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


def test_the_table_has_a_dismissed_column_per_category(store: Store, cli: CLI) -> None:
    for i in range(3):
        store.decide(flagged(store, f"Nhắn tin nhận quà số {i}", "scam"), "lan", "dismiss")
    store.decide(flagged(store, "Chuyển khoản ngay nhận quà", "scam"), "lan", "violation")
    store.decide(flagged(store, "Lời lẽ thô tục", "offensive", 0.7), "lan", "violation")
    code, out, _ = cli("stats")
    assert code == 0, out
    header, _, *rows = out.splitlines()
    assert "bỏ qua" in header, header
    col = header.index("bỏ qua")
    by_cat = {line.split()[0]: line for line in rows if line.split() and line.split()[0] in ("scam", "offensive")}
    assert by_cat["scam"][col:].split()[0] == "3", out
    assert by_cat["offensive"][col:].split()[0] == "0", out
