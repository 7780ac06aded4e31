"""`canhgac review` after `canhgac claim ID`: an entry the moderator already holds is theirs to decide, yet neither
the default `queue` (open entries) nor `claim --next` shows it. The session shows it first, rather than ending with
"Hết mục chờ duyệt" while it stays held, blocking colleagues until the claim lapses. A colleague's claim is not
shown. Real database file (SQLite), and PostgreSQL when configured."""

from __future__ import annotations

import io
from pathlib import Path

from review.cli.context import Context
from review.cli.interactive import run
from review.filters import EntryFilter
from review.store import Store
from tests.review.factory import flagged


def _session(cfg: Path, keys: str, flt: EntryFilter | None = None, me: str = "lan") -> str:
    out = io.StringIO()
    ctx = Context(config_path=str(cfg), moderator_flag=me, out=out)
    try:
        assert run(ctx, flt or EntryFilter(), stdin=io.StringIO(keys)) == 0
    finally:
        ctx.close()
    return out.getvalue()


def test_an_entry_i_hold_is_shown_first(store: Store, cfg: Path) -> None:
    top = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.95)
    mine = flagged(store, "Lời lẽ thô tục trong nhóm", "offensive", 0.7)
    store.claim(mine, "lan", 30)
    out = _session(cfg, "b\nb\n")
    shown = [ln for ln in out.splitlines() if " — " in ln and ln.startswith("Mục #")]
    assert shown[0].startswith(f"Mục #{mine} — ") and shown[1].startswith(f"Mục #{top} — "), shown
    assert "bạn đang giữ" in out
    assert store.entry_detail(mine).row.status == "decided"
    assert store.entry_detail(top).row.status == "decided"


def test_a_colleague_s_claim_and_other_categories_are_left_alone(store: Store, cfg: Path) -> None:
    theirs = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.95)
    other = flagged(store, "Lời lẽ thô tục trong nhóm", "offensive", 0.7)
    store.claim(theirs, "minh", 30)
    store.claim(other, "lan", 30)
    out = _session(cfg, "b\n", EntryFilter(category="scam"))
    assert "Mục #" not in out and "Hết mục chờ duyệt" in out, out
    assert store.entry_detail(theirs).row.claimant == "minh"
    assert store.entry_detail(other).row.claimant == "lan"  # outside the session's filter: still held, untouched


def test_an_entry_i_hold_and_put_off_is_not_shown_again(store: Store, cfg: Path) -> None:
    mine = flagged(store, "Lời lẽ thô tục trong nhóm", "offensive", 0.7)
    store.claim(mine, "lan", 30)
    out = _session(cfg, "s\n")
    assert out.count(f"Mục #{mine} — ") == 1, out
    assert store.entry_detail(mine).row.status == "open"
