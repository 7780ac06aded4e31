"""`canhgac decide ID --version N` with N above the entry's version (a typo, or the number of another entry): it
said the entry "đã bị thay đổi (phiên bản 4, hiện tại 3)", as if someone had changed it since N was read, sending the
moderator to look for a change that never happened. A version the entry never had is now called that (exit 2, a
usage error; nothing recorded); a version the entry had and left is still "đã bị thay đổi" (exit 1).
Real database file (SQLite), and PostgreSQL when configured."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from review.errors import ConflictError, UsageError
from review.models import ReviewEntry
from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


def test_a_version_the_entry_never_had_is_named_so(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Tin giả về dịch bệnh ở phường Hưng Dũng", "misinformation")
    store.claim(entry, "lan", 30)  # version 2
    store.claim(entry, "lan", 30)  # renewed: version 3
    with store.session() as s:
        row = s.get(ReviewEntry, entry)
        assert row is not None
        current = row.version
    for wrong in (current + 1, 0, -2):
        code, out, err = cli("--as", "lan", "decide", str(entry), "--verdict", "violation", "--version", str(wrong))
        assert code == 2, (code, out, err)
        assert f"phiên bản {wrong}" in err and "không có" in err and f"hiện tại {current}" in err, err
        assert "đã bị thay đổi" not in err, err
    with store.session() as s:
        row = s.get(ReviewEntry, entry)
        assert row is not None and row.status == "claimed" and row.verdict is None and row.version == current
    if current > 1:  # an older version is still a change made since, unless only one's own claims moved it on
        # (tests/review/test_moderator_walkthrough.py): a colleague's look (claimed, released) is a change
        seen = current
        assert store.release(entry, "lan")
        store.claim(entry, "minh", 30)
        assert store.release(entry, "minh")
        current = store.claim(entry, "lan", 30).version
        code, _, err = cli("--as", "lan", "decide", str(entry), "--verdict", "violation", "--version", str(seen))
        assert code == 1 and f"đã bị thay đổi (phiên bản {seen}, hiện tại {current})" in err, err
    code, out, _ = cli("--as", "lan", "decide", str(entry), "--verdict", "violation", "--version", str(current))
    assert code == 0 and "vi phạm" in out, out


def test_the_store_raises_a_usage_error_not_a_conflict(store: Store) -> None:
    entry = flagged(store, "Tin giả về dịch bệnh", "misinformation")
    with pytest.raises(UsageError, match="không có phiên bản 5") as info:
        store.decide(entry, "lan", "dismiss", version=5)
    assert not isinstance(info.value, ConflictError)
