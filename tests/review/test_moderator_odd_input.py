"""The moderators' commands given odd input: queue numbers no entry can have, and what `bulk --yes` says it did.

Real database file (SQLite), and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set: PostgreSQL refuses a number
beyond its 32-bit ids outright, SQLite one beyond 64 bits."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from review.models import Decision
from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


@pytest.mark.parametrize("number", [str(2**31), "60000000000", str(2**64), "0", "-3"])
@pytest.mark.parametrize("command", [("show", "{n}"), ("--as", "lan", "claim", "{n}"), ("--as", "lan", "release", "{n}"),
                                     ("--as", "lan", "decide", "{n}", "--verdict", "dismiss"),
                                     ("--as", "lan", "undo", "{n}", "--reason", "nhầm")])
def test_a_queue_number_no_entry_can_have_is_a_usage_error(store: Store, cli: CLI, number: str,
                                                           command: tuple[str, ...]) -> None:
    flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    code, out, err = cli(*(a.format(n=number) for a in command))
    assert code == 2, err
    assert "Traceback" not in err and f"không có mục #{int(number)}" in err
    assert not out


def test_a_queue_number_that_is_no_number_is_said_in_vietnamese(store: Store, cli: CLI) -> None:
    code, _, err = cli("show", "abc")
    assert code == 2 and "không phải số nguyên: 'abc'" in err


def test_bulk_commend_says_the_positive_category_it_recorded(store: Store, cli: CLI) -> None:
    """A commendation is always recorded in `positive`, whatever the entry's top category: the summary line must
    not say "each into its own top category" (the dry run's column already says positive)."""
    ids = [flagged(store, "Gương người tốt việc tốt trả lại ví", "positive", 0.8),
           flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.7)]
    code, out, err = cli("--as", "lan", "bulk", "--verdict", "commend", "--where", "since=1d", "--yes")
    assert code == 0, err
    with store.session() as s:
        recorded = {d.entry_id: d.category for d in s.scalars(select(Decision))}
    assert recorded == dict.fromkeys(ids, "positive")
    assert "vào nhóm «Nội dung tích cực đáng tôn vinh»" in out and "nhóm chính của nó" not in out


def test_as_after_the_command_acts_as_that_moderator(store: Store, cli: CLI) -> None:
    """`--as` typed at the end of the command line (where the other options go) was "không nhận ra tham số"."""
    entry = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    code, out, err = cli("claim", str(entry), "--as", "lan")
    assert code == 0 and "lan đã nhận mục" in out, err
    code, _, err = cli("decide", str(entry), "--verdict", "dismiss", "--as", "minh")  # lan holds it
    assert code == 1 and "đang do lan xử lý" in err
    code, out, err = cli("--as", "minh", "decide", str(entry), "--verdict", "violation", "--as", "lan")
    assert code == 0 and "bởi lan" in out, err  # the one after the command counts
    code, out, err = cli("undo", str(entry), "--reason", "nhầm", "--as", "ai-do")
    assert code == 2 and "'ai-do' không phải cán bộ duyệt" in err
    with store.session() as s:
        assert [(d.moderator, d.undone_at) for d in s.scalars(select(Decision))] == [("lan", None)]


def test_claim_without_an_entry_or_next_says_what_is_missing(store: Store, cli: CLI) -> None:
    flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    code, out, err = cli("--as", "lan", "claim")
    assert code == 2 and not out
    assert "cần cho biết mục nào" in err and "không cả hai" not in err
    code, _, err = cli("--as", "lan", "claim", "1", "--next")
    assert code == 2 and "không cả hai" in err
