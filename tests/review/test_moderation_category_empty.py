"""`claim --next --category C` and `review --category C` when nothing of C is left, while other entries wait:
"Không còn mục nào chờ duyệt" (the queue is empty) is not true then. They say the category was empty and how
many entries of other categories still wait. Real database file (SQLite), and PostgreSQL when configured."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from review.cli.context import Context
from review.cli.interactive import run
from review.filters import EntryFilter
from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


def test_claim_next_in_an_empty_category_says_others_wait(store: Store, cli: CLI) -> None:
    flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.95)
    flagged(store, "Quảng cáo thuốc giảm cân thần tốc", "illegal_ad", 0.9)
    code, out, _ = cli("--as", "lan", "claim", "--next", "--category", "hate")
    assert code == 0
    assert "Không còn mục nào chờ duyệt." not in out, out
    assert "hate" in out and "2 mục" in out, out
    code, out, _ = cli("--as", "lan", "claim", "--next")
    assert "đã nhận mục" in out


def test_claim_next_on_an_empty_queue_says_so(store: Store, cli: CLI) -> None:
    code, out, _ = cli("--as", "lan", "claim", "--next", "--category", "hate")
    assert code == 0 and "Không còn mục nào chờ duyệt" in out and "nhóm khác" not in out, out


def test_review_of_an_empty_category_says_others_wait(store: Store, cfg: Path) -> None:
    flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.95)
    out = io.StringIO()
    ctx = Context(config_path=str(cfg), moderator_flag="lan", out=out)
    try:
        assert run(ctx, EntryFilter(category="hate"), stdin=io.StringIO("")) == 0
    finally:
        ctx.close()
    last = out.getvalue().rstrip().splitlines()[-1]
    assert "hate" in last and "1 mục" in last, last
