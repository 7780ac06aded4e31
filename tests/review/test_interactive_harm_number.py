"""`canhgac review`, `v`/`c`/`e` on an entry whose top category is positive: the question for the harm category
named the nine codes in English only (`misinformation, scam, …`), which a ward officer has to know by heart. It
now lists the harm categories numbered with their Vietnamese names, and takes the number, or the code as before.
A number out of range records nothing and says the range."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import select

from review.cli.context import Context
from review.cli.interactive import HARMS, run
from review.filters import EntryFilter
from review.models import Decision
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


def test_the_harm_category_is_chosen_by_number(store: Store, cfg: Path) -> None:
    entry = flagged(store, "Anh xe ôm trả lại 50 triệu đồng nhặt được", "positive", 0.7)
    number = HARMS.index("scam") + 1
    out = _session(cfg, f"v\n9\nv\n {number} \nq\n")
    assert f"{number}. Lừa đảo" in out, out  # the question lists the Vietnamese names
    assert "1 đến 8" in out, out  # 9 is refused, nothing recorded
    assert f"Đã ghi mục #{entry}: vi phạm (Lừa đảo, chiếm đoạt tài sản)." in out, out  # the category chosen is said
    with store.session() as s:
        assert [(d.entry_id, d.verdict, d.category) for d in s.scalars(select(Decision))] == [
            (entry, "violation", "scam")]


def test_a_digit_that_is_no_number_is_refused_not_a_crash(store: Store, cfg: Path) -> None:
    """"²" (or "①") passes str.isdigit but int() cannot read it: the session died with a ValueError, the entry
    left claimed until the claim lapsed."""
    entry = flagged(store, "Anh xe ôm trả lại 50 triệu đồng nhặt được", "positive", 0.7)
    number = HARMS.index("scam") + 1
    out = _session(cfg, f"v\n²\n①\n{number}\nq\n")  # each refusal asks again
    assert out.count("Chưa ghi:") == 2, out
    assert f"Đã ghi mục #{entry}: vi phạm" in out, out
