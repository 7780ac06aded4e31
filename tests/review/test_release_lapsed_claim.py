"""`release` of an entry whose holder's claim has lapsed says the claim lapsed and that anyone may take it, as `show`
and `queue` say; before, it said the entry was still held until a time already past ("đang do minh giữ (đến …)")."""

from __future__ import annotations

from collections.abc import Callable

from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


def test_release_of_a_colleagues_lapsed_claim_says_it_lapsed(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Chuyển khoản trước để nhận quà", "scam", 0.9)
    store.claim(entry, "minh", 0)  # lapses at once
    code, _, err = cli("--as", "lan", "release", str(entry))
    assert code == 1
    assert "hết hạn giữ" in err and "đang do minh giữ" not in err and f"canhgac claim {entry}" in err, err


def test_release_of_a_colleagues_live_claim_says_who_holds_it(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Chuyển khoản trước để nhận quà", "scam", 0.9)
    store.claim(entry, "minh", 30)
    code, _, err = cli("--as", "lan", "release", str(entry))
    assert code == 1
    assert "đang do minh giữ" in err and "hết hạn" not in err, err
