"""`queue --limit N` when more entries match than are shown: the closing line must not read as the size of the
queue ("3 mục." while 5 wait): it says how many are shown of how many, and how to see the rest.
Real database file (SQLite), and PostgreSQL when configured."""

from __future__ import annotations

from collections.abc import Callable

from review.cli.queue_view import COUNT_CAP
from review.store import Store
from tests.review.factory import bulk_entries, flagged

CLI = Callable[..., tuple[int, str, str]]


def _fill(store: Store) -> None:
    for i in range(5):
        flagged(store, f"Chuyển khoản ngay để nhận quà tri ân số {i}", "scam", 0.9 - i / 100)
    flagged(store, "Lời lẽ thô tục trong nhóm", "offensive", 0.9)


def test_a_cut_list_says_how_many_match(store: Store, cli: CLI) -> None:
    _fill(store)
    code, out, _ = cli("queue", "--limit", "3")
    assert code == 0
    last = out.rstrip().splitlines()[-2 if "Ngoài ra" in out else -1]
    assert "3 mục." not in last, last
    assert "3/6" in last and "--limit" in last, last
    code, out, _ = cli("queue", "--limit", "2", "--category", "scam")
    assert "2/5" in out, out


def test_a_whole_list_is_counted_as_before(store: Store, cli: CLI) -> None:
    _fill(store)
    code, out, _ = cli("queue", "--limit", "6")
    assert code == 0 and "6 mục." in out and "/" not in out.rstrip().splitlines()[-1], out
    code, out, _ = cli("queue")
    assert "6 mục." in out, out


def test_a_large_queue_is_counted_up_to_a_cap(store: Store, cli: CLI) -> None:
    bulk_entries(store, COUNT_CAP + 5)
    code, out, _ = cli("queue")
    assert code == 0 and f"50/hơn {COUNT_CAP} mục" in out, out.splitlines()[-1]
