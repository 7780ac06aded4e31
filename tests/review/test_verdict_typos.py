"""A mistyped `--verdict` (`decide`, `bulk`) is told the verdict it probably meant, in Vietnamese, like a
mistyped category or status: "violaton" or the Vietnamese name typed without diacritics ("vi pham") used to get
only argparse's list of choices. Nothing is recorded (exit 2). The verdicts offered are `review.models.VERDICTS`,
so a verdict added there is offered too."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from review.models import VERDICTS, Decision
from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


@pytest.mark.parametrize(("typed", "meant"), [("violaton", "violation"), ("vi pham", "violation"),
                                              ("vi phạm", "violation"), ("Bỏ qua", "dismiss"),
                                              ("escalation", "escalate"), ("ton vinh", "commend"),
                                              ("dismis", "dismiss")])
def test_decide_with_a_mistyped_verdict_names_the_one_meant(store: Store, cli: CLI, typed: str, meant: str) -> None:
    entry = flagged(store, "Chuyển khoản trước để nhận quà tri ân", "scam", 0.9)
    code, out, err = cli("--as", "lan", "decide", str(entry), "--verdict", typed)
    assert code == 2 and not out, err
    assert f"có phải {meant!r}?" in err, err
    assert "invalid choice" not in err and "choose from" not in err, err
    assert all(v in err for v in VERDICTS), err  # the valid ones are still listed
    with store.session() as s:
        assert s.scalars(select(Decision)).first() is None


def test_bulk_says_it_too(store: Store, cli: CLI) -> None:
    code, _, err = cli("--as", "lan", "bulk", "--verdict", "vi pham", "--where", "category=scam")
    assert code == 2 and "có phải 'violation'?" in err, err


@pytest.mark.parametrize("typed", ["x", "khong biet"])
def test_a_word_close_to_no_verdict_suggests_none(store: Store, cli: CLI, typed: str) -> None:
    entry = flagged(store, "Chuyển khoản trước để nhận quà tri ân", "scam", 0.9)
    code, _, err = cli("--as", "lan", "decide", str(entry), "--verdict", typed)
    assert code == 2 and "có phải" not in err and "violation" in err, err


def test_other_choices_get_a_hint_too(cli: CLI) -> None:
    code, _, err = cli("queue", "--sort", "oldets")
    assert code == 2 and "có phải 'oldest'?" in err, err
