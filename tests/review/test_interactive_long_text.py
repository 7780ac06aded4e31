"""`canhgac review` shows at most 3,000 characters of a long text; the officer is told that the rest exists, how
much, and how to read it all, rather than deciding on a text that merely ends in "…"."""

from __future__ import annotations

import io
from pathlib import Path

from review.cli.context import Context
from review.cli.interactive import run
from review.filters import EntryFilter
from review.store import Store
from tests.review.factory import flagged


def test_a_cut_text_says_how_much_is_left_and_where_to_read_it(store: Store, cfg: Path) -> None:
    text = "Chuyển khoản trước để nhận quà. " + "Nội dung rất dài 🎁 lặp lại. " * 400
    entry = flagged(store, text, "scam", 0.9)
    out = io.StringIO()
    ctx = Context(config_path=str(cfg), moderator_flag="lan", out=out)
    try:
        assert run(ctx, EntryFilter(), stdin=io.StringIO("q\n")) == 0
    finally:
        ctx.close()
    shown = out.getvalue()
    assert f"còn {len(text) - 3000} ký tự" in shown and f"canhgac show {entry}" in shown, shown[-2000:]


def test_a_short_text_has_no_such_note(store: Store, cfg: Path) -> None:
    flagged(store, "Chuyển khoản trước để nhận quà.", "scam", 0.9)
    out = io.StringIO()
    ctx = Context(config_path=str(cfg), moderator_flag="lan", out=out)
    try:
        assert run(ctx, EntryFilter(), stdin=io.StringIO("q\n")) == 0
    finally:
        ctx.close()
    assert "ký tự; xem" not in out.getvalue()
