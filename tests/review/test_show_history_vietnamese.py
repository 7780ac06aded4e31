"""`show` of a decided entry reads in Vietnamese for the officer: the history names the category recorded by its
Vietnamese name (not the code `scam`), and the status line says who decided, without reading the history."""

from __future__ import annotations

from collections.abc import Callable

from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


def test_history_and_status_of_a_decided_entry(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Chuyển khoản trước để nhận quà", "scam", 0.9)
    store.decide(entry, "lan", "violation", note="giả danh ngân hàng")
    code, out, _ = cli("show", str(entry))
    assert code == 0
    lines = out.splitlines()
    assert "kết luận: vi phạm (Lừa đảo) của lan" in lines[1], lines[1]
    history = lines[lines.index("Lịch sử quyết định:") + 1]
    assert "lan: vi phạm (Lừa đảo) — giả danh ngân hàng" in history, history
    assert "(scam)" not in history
