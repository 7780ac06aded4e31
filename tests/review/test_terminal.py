"""Crawled text cannot drive a moderator's terminal: escape sequences and control characters are removed
from `queue`, `show` and the interactive loop, while our own highlighting still works."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from review.cli.context import Context
from review.cli.interactive import run
from review.cli.table import printable
from review.filters import EntryFilter
from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]
EVIL = "\x1b]0;pwned\x07\x1b[2J"
_OURS = ("\x1b[1;31m", "\x1b[0m")


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _without_ours(text: str) -> str:
    for code in _OURS:
        text = text.replace(code, "")
    return text


@pytest.mark.parametrize(("raw", "shown"), [
    (f"{EVIL}Tin giả", "Tin giả"),
    ("a\x9b31mb\x9d0;x\x9cc\x1bPq\x1b\\d", "abcd"),  # 8-bit C1 CSI/OSC/ST, DCS
    ("dòng 1\n\tdòng 2\r\x00\x08\x7f", "dòng 1\n\tdòng 2"),  # newline and tab stay
    ("\x1b]không kết thúc\nvẫn thấy", "không kết thúc\nvẫn thấy"),  # unterminated OSC cannot hide text
    ("Tiếng Việt có dấu ✓ «»", "Tiếng Việt có dấu ✓ «»"),
])
def test_printable(raw: str, shown: str) -> None:
    assert printable(raw) == shown


@pytest.fixture
def evil(store: Store) -> int:
    return flagged(store, f"Chuyển{EVIL} khoản ngay \x9b2J nhận quà", "scam", 0.9,
                   title=f"{EVIL}Trúng thưởng\x07", source=f"fb{EVIL}")


def test_queue_and_show_strip_control_sequences(cli: CLI, evil: int) -> None:
    code, out, _ = cli("queue")
    assert code == 0 and "Trúng thưởng" in out and "fb" in out
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    code, out, _ = cli("show", str(evil))
    assert code == 0 and "Tiêu đề: Trúng thưởng" in out and "«Chuyển» khoản ngay  nhận quà" in out
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    code, out, _ = cli("show", str(evil), "--json")  # the data is kept, escaped
    assert "\x1b" not in out and "\x9b" not in out and json.loads(out)["title"] == f"{EVIL}Trúng thưởng\x07"


def test_show_on_a_terminal_keeps_our_highlight(cfg: Path, evil: int) -> None:
    out = _Tty()
    ctx = Context(config_path=str(cfg), out=out)
    from review.cli.moderate import cmd_show

    try:
        assert cmd_show(type("Args", (), {"id": evil, "json": False})(), ctx) == 0  # type: ignore[arg-type]
    finally:
        ctx.close()
    text = out.getvalue()
    assert "\x1b[1;31mChuyển\x1b[0m khoản" in text
    assert "\x1b" not in _without_ours(text)


def test_interactive_loop_strips_control_sequences(cfg: Path, evil: int) -> None:
    out = _Tty()
    ctx = Context(config_path=str(cfg), moderator_flag="lan", out=out)
    try:
        assert run(ctx, EntryFilter(), stdin=io.StringIO("q\n")) == 0
    finally:
        ctx.close()
    text = out.getvalue()
    assert f"Mục #{evil}" in text and "Tiêu đề: Trúng thưởng" in text and "\x1b[1;31mChuyển\x1b[0m" in text
    assert "\x1b" not in _without_ours(text) and "\x07" not in text and "\x9b" not in text


def test_show_lists_old_province_names_without_marking_them(cli: CLI, store: Store) -> None:
    """A place name is context (evidence kind "locality", no category), not grounds: `show` lists it under
    "địa danh" with what it now belongs to, and does not mark it in the text like a violation."""
    from classifier.scorer import Scorer
    from tests.review.factory import add_item

    text = "Chuyển khoản trước phí giữ chỗ, cọc trước rồi nhận hàng ở Bình Dương"
    result = Scorer.load().score(text)
    assert result.flags and any(e.kind == "locality" for e in result.evidence)
    entry_id = store.record_score(add_item(store, text), result)
    code, out, _ = cli("show", str(entry_id))
    assert code == 0
    assert "Bình Dương" in out and "«Bình Dương»" not in out.split("\n\n")[1]  # the body: not marked
    assert "[-] địa danh: «Bình Dương»" in out and "tỉnh cũ" in out and "Thành phố Hồ Chí Minh" in out
