"""`canhgac review`: a note typed with [n] survives the entry being shown again after a refused write.

The entry on screen changed (a new model re-scored it) between the note and the verdict: the write is refused and
the entry is shown again as it is now. The note was the moderator's, about this entry; it used to be dropped
without a word, and the verdict then recorded without it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from review.cli.context import Context
from review.cli.interactive import run
from review.filters import EntryFilter
from review.models import Decision, ReviewEntry
from review.store import Store
from tests.review.factory import FakeResult, flagged


class Keys(io.StringIO):
    """What the moderator types, one line per key; `before(n)` runs just before the n-th line is read (0-based),
    for what a colleague or the crawler does meanwhile."""

    def __init__(self, lines: list[str], before: dict[int, Callable[[], None]]) -> None:
        super().__init__("".join(line + "\n" for line in lines))
        self.before, self.count = before, 0

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        action = self.before.get(self.count)
        if action is not None:
            action()
        self.count += 1
        return super().readline(-1 if size is None else size)


def test_a_note_is_kept_when_the_entry_is_shown_again(store: Store, cfg: Path) -> None:
    scam = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.95)
    with store.session() as s:
        item_id = s.scalar(select(ReviewEntry.item_id).where(ReviewEntry.id == scam))

    def rescore() -> None:
        store.record_score(item_id, FakeResult({"scam": 0.97, "misinformation": 0.8}, ("scam", "misinformation")))

    out = io.StringIO()
    ctx = Context(config_path=str(cfg), moderator_flag="lan", out=out)
    try:
        # [n] note, (re-scored) [v] refused, shown again, [v] recorded, [q]
        assert run(ctx, EntryFilter(), stdin=Keys(["n", "giả danh ngân hàng", "v", "v", "q"], {2: rescore})) == 0
    finally:
        ctx.close()
    shown = out.getvalue()
    assert "Không ghi được" in shown and "giả danh ngân hàng" in shown.split("Không ghi được")[1], shown
    with store.session() as s:
        assert [(d.verdict, d.note) for d in s.scalars(select(Decision))] == [("violation", "giả danh ngân hàng")]
