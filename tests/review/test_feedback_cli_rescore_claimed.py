"""`canhgac rescore --apply` says that claimed entries it changed must be looked at again only when it changed one:
not on every run. Real store, the bundled model and rules through the CLI."""

from __future__ import annotations

from collections.abc import Callable

from review.store import Store
from tests.review.factory import FakeResult, add_item

CLI = Callable[..., tuple[int, str, str]]
CLAIMED_NOTE = "có người nhận"
PLAIN = "Chợ phiên cuối tuần ở phường bán rau sạch, mời bà con ghé mua ủng hộ nông dân."


def _wrongly_flagged(store: Store, text: str) -> int:
    """An everyday text queued by a model that flagged it as hate: the bundled one flags nothing there."""
    item = add_item(store, text, title="Chợ phiên")
    entry = store.record_score(item, FakeResult({"hate": 0.9}, ("hate",), model_version="old-1"))
    assert entry is not None
    return entry


def test_no_claimed_entry_changed_no_note(store: Store, cli: CLI) -> None:
    _wrongly_flagged(store, PLAIN)
    code, out, err = cli("rescore", "--apply", "--as", "lan")
    assert code == 0, err
    assert "Có thay đổi: 1 mục" in out, out
    assert CLAIMED_NOTE not in out, out


def test_a_claimed_entry_changed_is_named(store: Store, cli: CLI) -> None:
    entry = _wrongly_flagged(store, PLAIN)
    store.claim(entry, "minh", 30)
    code, out, err = cli("rescore", "--apply", "--as", "lan")
    assert code == 0, err
    assert CLAIMED_NOTE in out and f"#{entry}" in out.split(CLAIMED_NOTE)[1], out
