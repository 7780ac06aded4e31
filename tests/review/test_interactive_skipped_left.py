"""`canhgac review` at the end of a session in which entries were put off ([s] để sau).

"Hết mục chờ duyệt" (the queue is empty) is not true then: the entries put off are still waiting, only not shown
again in this session. The closing line says how many and how to see them again.
"""

from __future__ import annotations

import io
from pathlib import Path

from review.cli.context import Context
from review.cli.interactive import run
from review.filters import EntryFilter
from review.store import Store
from tests.review.factory import flagged


def _session(cfg: Path, keys: str) -> str:
    out = io.StringIO()
    ctx = Context(config_path=str(cfg), moderator_flag="lan", out=out)
    try:
        assert run(ctx, EntryFilter(), stdin=io.StringIO(keys)) == 0
    finally:
        ctx.close()
    return out.getvalue()


def test_the_end_of_a_session_counts_the_entries_put_off(store: Store, cfg: Path) -> None:
    flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.95)
    flagged(store, "Lời lẽ thô tục trong nhóm", "offensive", 0.9)
    flagged(store, "Quảng cáo thuốc giảm cân thần tốc", "illegal_ad", 0.9)
    out = _session(cfg, "s\nb\ns\n")
    last = out.rstrip().splitlines()[-1]
    assert "Hết mục chờ duyệt." not in last, last
    assert "2 mục để sau" in last and "canhgac review" in last, last
    assert "Đã quyết định 1 mục" in last, last


def test_an_empty_queue_is_said_plainly(store: Store, cfg: Path) -> None:
    flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.95)
    out = _session(cfg, "b\n")
    last = out.rstrip().splitlines()[-1]
    assert last.startswith("Hết mục chờ duyệt") and "để sau" not in last, last
