"""`canhgac rescore --apply` says that claimed entries it changed must be looked at again only when it changed one:
not on every run. Real store, the bundled model and rules through the CLI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from review.store import Store
from tests.review.factory import FakeResult, add_item

CLI = Callable[..., tuple[int, str, str]]
CLAIMED_NOTE = "có người nhận"
SCAM = "Nạp thẻ cào nhận ngay iphone 15, chỉ cần chuyển khoản phí ship trước 200 nghìn qua tài khoản này."
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


def test_claim_changing_hands_during_run_is_not_named(store: Store, cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    """A release and a new claim (both bump `version`) while the run goes, flags and category unchanged by it:
    the run changed nothing the holder saw, so the entry is not named."""
    import review.cli.rescore as cli_rescore
    from classifier.scorer import Scorer

    real = Scorer.load(None, None).score(SCAM, title="Khuyến mãi")
    assert real.flags, real
    item = add_item(store, SCAM, title="Khuyến mãi")
    entry = store.record_score(item, FakeResult(dict(real.scores), tuple(real.flags), model_version="old-1"))
    assert entry is not None
    store.claim(entry, "minh", 30)
    orig = cli_rescore.rescore_queue

    def concurrent(*a: Any, **kw: Any) -> Any:  # meanwhile minh gives it back and lan takes it
        assert store.release(entry, "minh")
        store.claim(entry, "lan", 30)
        return orig(*a, **kw)

    monkeypatch.setattr(cli_rescore, "rescore_queue", concurrent)
    code, out, err = cli("rescore", "--apply", "--as", "lan")
    assert code == 0, err
    assert "tăng: 0, giảm: 0, chỉ đổi căn cứ hoặc điểm nhóm khác: 1" in out, out
    assert CLAIMED_NOTE not in out and f"#{entry}" not in out, out
