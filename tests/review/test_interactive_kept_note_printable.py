"""`canhgac review`: a note kept for an entry shown again is printed without the terminal escape sequences pasted
into it, as every other text on screen is; printed raw, "\\x1b[2J" in a note cleared the moderator's screen."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import select

from review.cli.context import Context
from review.cli.interactive import run
from review.filters import EntryFilter
from review.models import Decision, ReviewEntry
from review.store import Store
from tests.review.factory import FakeResult, flagged
from tests.review.test_interactive_note_kept import Keys


def test_a_kept_note_is_shown_without_escape_sequences(store: Store, cfg: Path) -> None:
    scam = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.95)
    with store.session() as s:
        item_id = s.scalar(select(ReviewEntry.item_id).where(ReviewEntry.id == scam))

    def rescore() -> None:
        store.record_score(item_id, FakeResult({"scam": 0.97, "misinformation": 0.8}, ("scam", "misinformation")))

    out = io.StringIO()
    ctx = Context(config_path=str(cfg), moderator_flag="lan", out=out)
    try:
        note = "giả danh\x1b[2J ngân hàng"
        assert run(ctx, EntryFilter(), stdin=Keys(["n", note, "v", "v", "q"], {2: rescore})) == 0
    finally:
        ctx.close()
    shown = out.getvalue()
    kept = shown.split("Ghi chú đã nhập vẫn được giữ cho mục này:")[1].splitlines()[0]
    assert "\x1b" not in kept and "giả danh" in kept and "ngân hàng" in kept, repr(kept)
    with store.session() as s:
        assert [d.verdict for d in s.scalars(select(Decision))] == ["violation"]
