"""`queue --status` (and `status=` in bulk's --where) typed like a category: another case is the same status; the
Vietnamese name the table prints ("đã quyết định") is refused naming the status it is."""

from __future__ import annotations

from collections.abc import Callable

from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


def test_case_does_not_make_another_status(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Chuyển khoản trước để nhận quà", "scam", 0.9)
    store.claim(entry, "lan", 30)
    code, out, err = cli("queue", "--status", "Claimed")
    assert code == 0 and f"\n{entry} " in out, err


def test_the_vietnamese_name_names_the_status(store: Store, cli: CLI) -> None:
    code, _, err = cli("queue", "--status", "đã quyết định")
    assert code == 2 and "có phải 'decided'?" in err, err
    code, _, err = cli("queue", "--status", "dang xu ly")
    assert code == 2 and "có phải 'claimed'?" in err, err
