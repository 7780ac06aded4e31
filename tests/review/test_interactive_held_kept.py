"""`canhgac review` shows first the entries the moderator took with `canhgac claim` before the session. Leaving the
session ([q], end of input, Ctrl-C) or undoing the previous decision ([u]) while one of those is on screen gave it
back to the queue: a claim the session never took, released, so a colleague's `claim --next` could take the entry
the moderator had set aside for themselves. It stays held now; an entry the session took itself is still given
back. Real database file (SQLite), and PostgreSQL when configured."""

from __future__ import annotations

import io
from pathlib import Path

from review.cli.context import Context
from review.cli.interactive import run
from review.filters import EntryFilter
from review.store import Store
from tests.review.factory import flagged


class _CtrlC(io.StringIO):
    """The moderator's keys, then Ctrl-C at the next prompt (the keyboard is outside the machine)."""

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        line = super().readline()
        if not line:
            raise KeyboardInterrupt
        return line


def _session(cfg: Path, stdin: io.StringIO, expect: int = 0) -> str:
    out = io.StringIO()
    ctx = Context(config_path=str(cfg), moderator_flag="lan", out=out)
    try:
        assert run(ctx, EntryFilter(), stdin=stdin) == expect, out.getvalue()
    finally:
        ctx.close()
    return out.getvalue()


def _holder(store: Store, entry_id: int) -> tuple[str, str | None]:
    row = store.entry_detail(entry_id).row
    return row.status, row.claimant


def test_quitting_keeps_a_claim_taken_before_the_session(store: Store, cfg: Path) -> None:
    mine = flagged(store, "Lời lẽ thô tục trong nhóm cư dân", "offensive", 0.7)
    store.claim(mine, "lan", 30)
    out = _session(cfg, io.StringIO("q\n"))
    assert f"Mục #{mine} — " in out, out
    assert _holder(store, mine) == ("claimed", "lan"), out
    assert f"Mục #{mine} vẫn do bạn giữ" in out, out  # and says so


def test_end_of_input_keeps_it_too(store: Store, cfg: Path) -> None:
    mine = flagged(store, "Lời lẽ thô tục trong nhóm cư dân", "offensive", 0.7)
    store.claim(mine, "lan", 30)
    _session(cfg, io.StringIO(""))
    assert _holder(store, mine) == ("claimed", "lan")


def test_ctrl_c_keeps_it_and_gives_back_what_the_session_took(store: Store, cfg: Path) -> None:
    mine = flagged(store, "Lời lẽ thô tục trong nhóm cư dân", "offensive", 0.7)
    store.claim(mine, "lan", 30)
    out = _session(cfg, _CtrlC(""), expect=130)
    assert _holder(store, mine) == ("claimed", "lan"), out
    assert f"Mục #{mine} vẫn do bạn giữ" in out and "trả lại hàng chờ" not in out, out
    # an entry the session claimed itself is given back as before
    other = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.95)
    out = _session(cfg, _CtrlC(""), expect=130)
    assert f"Mục #{mine} — " in out and f"Mục #{other} — " not in out, out  # the one held comes first
    out = _session(cfg, _CtrlC("b\n"), expect=130)  # decides the held one, then Ctrl-C on the next
    assert f"Mục #{other} — " in out and "trả lại hàng chờ" in out, out
    assert _holder(store, mine)[0] == "decided"
    assert _holder(store, other) == ("open", None), out


def test_undo_while_a_held_entry_is_shown_keeps_it_and_shows_it_again(store: Store, cfg: Path) -> None:
    top = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.95)
    mine = flagged(store, "Lời lẽ thô tục trong nhóm cư dân", "offensive", 0.7)
    first = flagged(store, "Tin đồn thất thiệt về dịch bệnh", "misinformation", 0.99)
    store.claim(mine, "lan", 30)
    store.claim(top, "lan", 30)
    # held: top (shown first, decided), mine (shown, [u] undoes top: top again, decided again), then mine again
    out = _session(cfg, io.StringIO("b\nu\nb\nb\nq\n"))
    shown = [ln.split(" — ")[0] for ln in out.splitlines() if ln.startswith("Mục #") and " — " in ln]
    assert shown[:4] == [f"Mục #{top}", f"Mục #{mine}", f"Mục #{top}", f"Mục #{mine}"], shown
    assert _holder(store, top)[0] == "decided" and _holder(store, mine)[0] == "decided", out
    assert _holder(store, first) == ("open", None), out  # shown last, given back at [q]


def test_once_decided_and_undone_it_is_the_session_s_and_given_back(store: Store, cfg: Path) -> None:
    """The decision ended the claim taken before; what [u] reopened and the session claimed again is the
    session's own: [q] gives it back like any other."""
    mine = flagged(store, "Lời lẽ thô tục trong nhóm cư dân", "offensive", 0.7)
    other = flagged(store, "Tin đồn thất thiệt về dịch bệnh", "misinformation", 0.6)
    store.claim(mine, "lan", 30)
    out = _session(cfg, io.StringIO("b\nu\nq\n"))  # mine decided; other shown, [u]: mine again, [q]
    assert out.count(f"Mục #{mine} — ") == 2 and f"Mục #{other} — " in out, out
    assert _holder(store, mine) == ("open", None) and _holder(store, other) == ("open", None), out
