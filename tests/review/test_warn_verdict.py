"""The verdict `warn` ("đã cảnh báo"): a violation confirmed and a warning issued (Decision 423/QĐ-BVHTTDL asks
offices to detect, warn about and handle). It counts as a violation wherever one counts (the bank, training,
stats' precision, the harm checks, undo) and is counted apart where the office reports what it did."""

from __future__ import annotations

import ast
import inspect
import io
import re
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from classifier.bank import CONFIRMED
from review.cli.context import Context
from review.cli.interactive import HELP, KEYS, run
from review.errors import UsageError
from review.filters import EntryFilter
from review.learning import decision_examples
from review.models import BankEntry, Decision, ReviewEntry
from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


def test_a_warning_joins_the_bank_as_a_confirmed_violation_and_undo_takes_it_out(store: Store) -> None:
    entry = flagged(store, "Chuyển khoản 500 nghìn để nhận quà tri ân khách hàng", "scam", 0.9)
    decided = store.decide(entry, "lan", "warn", note="đã nhắn chủ trang gỡ bài")
    assert (decided.verdict, decided.category) == ("warn", "scam")
    with store.session() as s:
        assert [(b.polarity, b.category, b.active) for b in s.scalars(select(BankEntry))] == [(CONFIRMED, "scam", True)]
    store.undo(entry, "minh", "nhầm mục")
    with store.session() as s:
        assert [b.active for b in s.scalars(select(BankEntry))] == [False]
        assert s.get(ReviewEntry, entry).verdict is None  # type: ignore[union-attr]


def test_a_warning_is_never_recorded_in_the_positive_category(store: Store) -> None:
    entry = flagged(store, "Anh xe ôm trả lại 50 triệu đồng nhặt được", "positive", 0.7)
    with pytest.raises(UsageError, match="đã cảnh báo"):
        store.decide(entry, "lan", "warn")
    with pytest.raises(UsageError, match="đã cảnh báo"):
        store.decide(entry, "lan", "warn", category="positive")
    assert store.decide(entry, "lan", "warn", category="scam").category == "scam"


def test_training_learns_a_warning_as_its_category(store: Store) -> None:
    entry = flagged(store, "Lời lẽ thô tục xúc phạm người khác trong nhóm", "offensive", 0.9)
    store.decide(entry, "lan", "warn")
    texts, labels = decision_examples(store)
    assert labels == [["offensive"]], (texts, labels)


def test_stats_count_a_warning_as_confirmed_and_apart(store: Store, cli: CLI) -> None:
    ids = [flagged(store, f"Tuyển cộng tác viên online số {i}", "scam", 0.9) for i in range(4)]
    store.decide(ids[0], "lan", "violation")
    store.decide(ids[1], "lan", "warn")
    store.decide(ids[2], "lan", "warn")
    store.decide(ids[3], "lan", "dismiss")
    [scam] = store.stats()
    assert (scam.confirmed, scam.warned, scam.dismissed) == (3, 2, 1)
    assert scam.precision == 0.75


def test_bulk_accepts_warn_and_refuses_it_for_positive_entries(store: Store, cli: CLI) -> None:
    ids = [flagged(store, f"Quảng cáo cá độ bóng đá {i}", "illegal_ad", 0.8) for i in range(2)]
    code, out, err = cli("--as", "lan", "bulk", "--verdict", "warn", "--where", "category=illegal_ad")
    assert code == 0, err
    assert "CHẠY THỬ: 2 mục sẽ được ghi «đã cảnh báo»" in out, out
    confirm = out.rsplit("--confirm ", 1)[1].strip()
    code, out, err = cli("--as", "lan", "bulk", "--verdict", "warn", "--where", "category=illegal_ad", "--yes",
                         "--confirm", confirm)
    assert code == 0, err
    with store.session() as s:
        assert sorted((d.entry_id, d.verdict, d.category) for d in s.scalars(select(Decision))) == [
            (ids[0], "warn", "illegal_ad"), (ids[1], "warn", "illegal_ad")]
    flagged(store, "Tấm gương hiến máu 50 lần", "positive", 0.8)
    code, _, err = cli("--as", "lan", "bulk", "--verdict", "warn", "--where", "category=positive")
    assert code == 2 and "--category" in err, err


def test_decide_takes_warn_on_the_command_line(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Tin đồn nước máy nhiễm độc toàn thành phố", "misinformation", 0.9)
    code, out, err = cli("--as", "lan", "decide", str(entry), "--verdict", "warn", "--note", "đã nhắc nhở chủ tài khoản")
    assert code == 0, err
    assert f"mục #{entry} — đã cảnh báo" in out, out
    code, out, _ = cli("show", str(entry))
    assert "đã cảnh báo" in out, out


def _loop_action_keys() -> set[str]:
    """Every one-letter key `review.cli.interactive.run` tests the pressed key against (`k == "s"`, `k in (...)`)
    apart from the verdict keys (`k in KEYS`)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(run)))
    keys: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Name) and node.left.id == "k":
            for right in node.comparators:
                for const in ast.walk(right):
                    if isinstance(const, ast.Constant) and isinstance(const.value, str):
                        keys.add(const.value)
    return keys


def test_the_interactive_key_for_a_warning_is_c_and_clashes_with_no_other_key(store: Store, cfg: Path) -> None:
    assert KEYS["c"] == "warn"
    actions = _loop_action_keys()  # the keys the loop itself compares `k` with, read from its code
    assert {"s", "n", "u", "q"} <= actions, actions  # so this reads the loop, not nothing
    assert not set(KEYS) & actions, (KEYS, actions)
    assert set(re.findall(r"\[(\w)\]", HELP)) == set(KEYS) | actions, HELP  # the help names every key, no other
    entry = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.95)
    out = io.StringIO()
    ctx = Context(config_path=str(cfg), moderator_flag="lan", out=out)
    try:
        assert run(ctx, EntryFilter(), stdin=io.StringIO("c\nq\n")) == 0
    finally:
        ctx.close()
    assert "[c] vi phạm, đã cảnh báo" in out.getvalue()
    assert f"Đã ghi mục #{entry}: đã cảnh báo." in out.getvalue(), out.getvalue()
    with store.session() as s:
        assert [(d.entry_id, d.verdict, d.category) for d in s.scalars(select(Decision))] == [(entry, "warn", "scam")]
