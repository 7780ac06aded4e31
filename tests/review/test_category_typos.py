"""A category typed the way a moderator types it: another case or spaces are the same category; a typo, one word of
a Vietnamese name or a wrong diacritic is refused (exit 2, nothing recorded) with the category it probably meant
(the Vietnamese name itself is taken: tests/review/test_category_vietnamese.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from review.models import AuditLog, Decision
from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


@pytest.mark.parametrize(("typed", "meant"), [("scma", "scam"), ("missinformation", "misinformation"),
                                              ("lừa đào", "scam"), ("Tin", "misinformation"),
                                              ("quảng", "illegal_ad")])
def test_a_mistyped_category_is_refused_naming_the_one_meant(store: Store, cli: CLI, typed: str, meant: str) -> None:
    entry = flagged(store, "Chuyển khoản trước để nhận quà tri ân", "scam", 0.9)
    code, _, err = cli("--as", "lan", "decide", str(entry), "--verdict", "violation", "--category", typed)
    assert code == 2
    assert f"có phải {meant!r}?" in err, err
    with store.session() as s:
        assert s.scalars(select(Decision)).first() is None
        assert s.scalars(select(AuditLog).where(AuditLog.action == "decide")).first() is None


def test_case_and_spaces_do_not_make_another_category(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Chuyển khoản trước để nhận quà tri ân", "scam", 0.9)
    code, out, err = cli("queue", "--category", " Scam ")
    assert code == 0 and f"\n{entry} " in out, err
    code, _, err = cli("--as", "lan", "decide", str(entry), "--verdict", "violation", "--category", "SCAM")
    assert code == 0, err
    with store.session() as s:
        assert s.scalar(select(Decision.category)) == "scam"
