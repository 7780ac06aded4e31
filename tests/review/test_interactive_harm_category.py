"""`canhgac review`, `v`/`e` on an entry whose top category is positive asks for the harm category: typed as
`--category` is (another case, its Vietnamese name), so "scma" says which one was meant and asks again, and "lua
dao" is scam; nothing is recorded until a harm category is given."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import select

from review.cli.context import Context
from review.cli.interactive import run
from review.filters import EntryFilter
from review.models import Decision
from review.store import Store
from tests.review.factory import flagged


def test_the_harm_category_is_read_like_category(store: Store, cfg: Path) -> None:
    entry = flagged(store, "Anh xe ôm trả lại 50 triệu đồng nhặt được", "positive", 0.7)
    out = io.StringIO()
    ctx = Context(config_path=str(cfg), moderator_flag="lan", out=out)
    try:
        assert run(ctx, EntryFilter(), stdin=io.StringIO("v\nscma\nlua dao\nq\n")) == 0
    finally:
        ctx.close()
    shown = out.getvalue()
    assert "có phải 'scam'?" in shown, shown
    with store.session() as s:
        assert [(d.entry_id, d.verdict, d.category) for d in s.scalars(select(Decision))] == [
            (entry, "violation", "scam")]
