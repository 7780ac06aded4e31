"""`canhgac review`: `v` on a `positive` entry, then "lừa đảo" at the numbered harm prompt, was refused and the loop
dropped back to the key prompt; the officer's next input ("3", meant as the category number) was read as a key and
silently swallowed (the key line reprinted, no message). Now the Vietnamese name is taken; a wrong answer asks the
category again saying why; an empty one cancels back to the key prompt saying so; a key not in use is named in one
line ("Phím '3' không dùng được; …"). Keys read a line at a time (scripts) take a line of one key only: "vi phạm"
recorded a violation from its first letter, "chuyển …" a warning. Real databases, the loop as `canhgac review` runs
it."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import select

from review.cli.context import Context
from review.cli.interactive import HARMS, run
from review.filters import EntryFilter
from review.models import Decision, ReviewEntry
from review.store import Store
from tests.review.factory import flagged

GOOD = "Anh xe ôm trả lại 50 triệu đồng nhặt được"


def _session(cfg: Path, keys: str) -> str:
    out = io.StringIO()
    ctx = Context(config_path=str(cfg), moderator_flag="lan", out=out)
    try:
        assert run(ctx, EntryFilter(), stdin=io.StringIO(keys)) == 0
    finally:
        ctx.close()
    return out.getvalue()


def _decisions(store: Store) -> list[tuple[int, str, str | None]]:
    with store.session() as s:
        return [(d.entry_id, d.verdict, d.category) for d in s.scalars(select(Decision).order_by(Decision.id))]


def test_the_vietnamese_name_is_taken_at_the_harm_prompt(store: Store, cfg: Path) -> None:
    entry = flagged(store, GOOD, "positive", 0.7)
    out = _session(cfg, "v\nlừa đảo\nq\n")
    assert f"Đã ghi mục #{entry}: vi phạm (Lừa đảo, chiếm đoạt tài sản)." in out, out
    assert _decisions(store) == [(entry, "violation", "scam")]


def test_a_wrong_answer_asks_again_and_the_number_after_it_is_not_swallowed(store: Store, cfg: Path) -> None:
    entry = flagged(store, GOOD, "positive", 0.7)
    out = _session(cfg, "v\nlừa\n3\nq\n")
    assert "Chưa ghi: không có nhóm 'lừa' (có phải 'scam'?)" in out, out  # why
    assert out.count("Nhóm vi phạm (số 1–8") == 2, out  # asked again
    assert _decisions(store) == [(entry, "violation", HARMS[2])]


def test_the_number_as_the_list_writes_it_is_taken(store: Store, cfg: Path) -> None:
    """The list reads "  3. …": "3." or "3)" copied from it were refused."""
    first, second = flagged(store, GOOD, "positive", 0.7), flagged(store, GOOD + " lần nữa", "positive", 0.6)
    out = _session(cfg, "v\n3.\nv\n 4) \nq\n")
    assert "Chưa ghi" not in out, out
    assert _decisions(store) == [(first, "violation", HARMS[2]), (second, "violation", HARMS[3])]


def test_positive_at_the_harm_prompt_says_why_and_asks_again(store: Store, cfg: Path) -> None:
    entry = flagged(store, GOOD, "positive", 0.7)
    out = _session(cfg, "c\ntôn vinh\nprivacy\nq\n")
    assert "positive (Nội dung tích cực đáng tôn vinh) không phải nhóm vi phạm" in out and "[t]" in out, out
    assert _decisions(store) == [(entry, "warn", "privacy")]


def test_an_empty_answer_cancels_back_to_the_key_prompt(store: Store, cfg: Path) -> None:
    entry = flagged(store, GOOD, "positive", 0.7)
    out = _session(cfg, "v\n\nt\nq\n")
    assert "Đã huỷ, chưa ghi." in out, out
    assert _decisions(store) == [(entry, "commend", "positive")]


def test_a_key_not_in_use_is_named(store: Store, cfg: Path) -> None:
    entry = flagged(store, "Chuyển khoản trước để nhận quà tri ân", "scam", 0.9)
    out = _session(cfg, "3\nx\n\nq\n")
    for name in ("'3'", "'x'", "Enter"):
        assert f"> Phím {name} không dùng được; [v] vi phạm" in out, out
    assert _decisions(store) == []
    with store.session() as s:
        assert s.scalar(select(ReviewEntry.status).where(ReviewEntry.id == entry)) == "open"  # released by q


def test_a_word_typed_for_a_key_does_nothing(store: Store, cfg: Path) -> None:
    """A line is read whole: "vi phạm", "bỏ qua", "chuyển cơ quan" are no keys (they were [v], [b], [c])."""
    flagged(store, "Chuyển khoản trước để nhận quà tri ân", "scam", 0.9)
    out = _session(cfg, "vi phạm\nbỏ qua\nchuyển cơ quan\nq\n")
    assert "'vi phạm' không phải một phím" in out and "'chuyển cơ quan' không phải một phím" in out, out
    assert _decisions(store) == []
