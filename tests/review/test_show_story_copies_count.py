"""`show`'s "Bản sao của tin này": the count and the list agree for an officer reading them.

The cluster size counts the entry itself, so "3 bản" above a list of two copies read as one missing; and a story
copied on more sites than the list shows (it stops at 20) must say how many more there are.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from review.models import Cluster
from review.store import Store
from tests.review.factory import add_item, flagged

CLI = Callable[..., tuple[int, str, str]]


def _cluster(store: Store, size: int) -> int:
    now = datetime.now(UTC)
    with store.session() as s:
        c = Cluster(size=size, sources=size, first_seen_at=now, last_seen_at=now)
        s.add(c)
        s.flush()
        return c.id


def _copies_block(out: str) -> list[str]:
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Bản sao của tin này"))
    block = [lines[start]]
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        block.append(line)
    return block


def test_the_count_says_it_includes_this_entry(store: Store, cli: CLI) -> None:
    cluster = _cluster(store, 3)
    shown = flagged(store, "Chuyển khoản ngay nhận quà", "scam", 0.9, source="fb", cluster_id=cluster)
    add_item(store, "Chuyển khoản ngay nhận quà tặng", source="web", cluster_id=cluster)
    add_item(store, "Chuyển khoản ngay để nhận quà", source="web2", cluster_id=cluster)
    code, out, _ = cli("show", str(shown))
    assert code == 0
    head, *copies = _copies_block(out)
    assert len(copies) == 2
    assert "3 bản" in head and "mục này và 2 bản khác" in head, head


def test_copies_beyond_the_list_are_counted(store: Store, cli: CLI) -> None:
    cluster = _cluster(store, 25)
    shown = flagged(store, "Chuyển khoản ngay nhận quà", "scam", 0.9, source="fb", cluster_id=cluster)
    for k in range(24):
        add_item(store, f"Chuyển khoản ngay nhận quà số {k}", source=f"web{k}", cluster_id=cluster)
    code, out, _ = cli("show", str(shown))
    assert code == 0
    head, *rest = _copies_block(out)
    listed = [line for line in rest if line.startswith("  • ")]
    assert len(listed) == 20
    assert "mục này và 24 bản khác" in head, head
    assert rest[-1].strip() == "… và 4 bản khác", rest[-1]
