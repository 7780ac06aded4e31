"""`canhgac release` of an entry one no longer holds says what became of it: lan's claim lapsed and minh decided
it, or took it, or nobody holds it. "không do lan giữ" alone left lan believing the entry was still hers to decide."""

from __future__ import annotations

from collections.abc import Callable

from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


def test_release_after_a_colleague_decided_the_lapsed_claim(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Chuyển khoản trước để nhận quà", "scam", 0.9)
    store.claim(entry, "lan", 0)  # lapses at once
    store.decide(entry, "minh", "violation")
    code, _, err = cli("--as", "lan", "release", str(entry))
    assert code == 1
    assert "đã được minh quyết định (vi phạm)" in err, err


def test_release_after_a_colleague_took_the_lapsed_claim(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Chuyển khoản trước để nhận quà", "scam", 0.9)
    store.claim(entry, "lan", 0)
    store.claim(entry, "minh", 30)
    code, _, err = cli("--as", "lan", "release", str(entry))
    assert code == 1 and "mục đang do minh giữ" in err, err


def test_release_of_an_entry_nobody_holds(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Chuyển khoản trước để nhận quà", "scam", 0.9)
    code, _, err = cli("--as", "lan", "release", str(entry))
    assert code == 1 and "chưa ai nhận" in err, err
