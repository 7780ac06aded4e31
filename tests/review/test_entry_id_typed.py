"""Queue numbers as moderators copy them: every screen writes them "#12" (`show`'s copies, messages), so
`show '#12'` and `decide '#12' …` mean entry 12; anything else that is not a number is still refused (exit 2)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from review.models import Decision
from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


def test_a_number_written_with_hash_is_that_entry(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Chuyển khoản trước để nhận quà tri ân", "scam", 0.9)
    code, out, err = cli("show", f"#{entry}")
    assert code == 0 and out.startswith(f"Mục #{entry} "), err
    code, _, err = cli("--as", "lan", "decide", f" #{entry} ", "--verdict", "dismiss")
    assert code == 0, err
    with store.session() as s:
        assert s.scalar(select(Decision.entry_id)) == entry


def test_other_text_is_still_refused(store: Store, cli: CLI) -> None:
    flagged(store, "Chuyển khoản trước để nhận quà tri ân", "scam", 0.9)
    for typed in ("abc", "#", "##1", "1a"):
        code, _, err = cli("show", typed)
        assert code == 2 and "không phải số nguyên" in err, (typed, err)
