"""`bulk` records each decision under the category the officer selected on (`--where category=C`) or named
(`--category C`), not under each entry's top category, and its dry run shows that category per entry."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from review.models import Decision, ReviewEntry
from review.store import Store
from tests.review.factory import FakeResult, add_item

CLI = Callable[..., tuple[int, str, str]]


def _scam_and_fake(store: Store, text: str) -> int:
    """An entry flagged scam (top) and misinformation."""
    result = FakeResult({"scam": 0.95, "misinformation": 0.8}, ("scam", "misinformation"), label="scam")
    entry = store.record_score(add_item(store, text), result)
    assert entry is not None
    return entry


def _recorded(store: Store) -> dict[int, str | None]:
    with store.session() as s:
        return dict(s.execute(select(Decision.entry_id, Decision.category)).all())


def test_bulk_records_the_category_selected_on(store: Store, cli: CLI) -> None:
    a = _scam_and_fake(store, "Tin đồn ngân hàng phá sản, rút tiền ngay kẻo mất")
    b = _scam_and_fake(store, "Tin đồn nhà máy nước nhiễm độc, chuyển khoản mua nước sạch")
    with store.session() as s:
        assert set(s.scalars(select(ReviewEntry.top_category))) == {"scam"}
    code, out, err = cli("--as", "lan", "bulk", "--verdict", "violation", "--where", "category=misinformation")
    assert code == 0, err
    header, *lines = [line for line in out.splitlines() if line.startswith(("mã", str(a), str(b)))]
    assert "ghi vào nhóm" in header
    assert len(lines) == 2 and all("Tin giả" in line for line in lines), out
    code, out, err = cli("--as", "lan", "bulk", "--verdict", "violation", "--where", "category=misinformation",
                         "--yes")
    assert code == 0, err
    assert _recorded(store) == {a: "misinformation", b: "misinformation"}
    with store.session() as s:
        assert set(s.scalars(select(ReviewEntry.verdict_category))) == {"misinformation"}


def test_bulk_yes_records_the_where_category_not_the_top_one(store: Store, cli: CLI) -> None:
    a = _scam_and_fake(store, "Tin đồn ngân hàng phá sản, rút tiền ngay kẻo mất")
    code, out, err = cli("--as", "lan", "bulk", "--verdict", "violation", "--where", "category=misinformation",
                         "--yes")
    assert code == 0, err
    assert _recorded(store) == {a: "misinformation"}
    assert "vào nhóm «Tin giả, tin sai sự thật»" in out and "misinformation" not in out.splitlines()[-1]


def test_bulk_category_option_overrides_and_is_validated(store: Store, cli: CLI) -> None:
    a = _scam_and_fake(store, "Tin đồn ngân hàng phá sản, rút tiền ngay kẻo mất")
    code, _, err = cli("--as", "lan", "bulk", "--verdict", "violation", "--where", "category=scam",
                       "--category", "lua")  # one word of a Vietnamese name ("lua-dao" is scam)
    assert code == 2 and "không có nhóm 'lua'" in err
    code, out, err = cli("--as", "lan", "bulk", "--verdict", "violation", "--where", "category=scam",
                         "--category", "illegal_ad")
    assert code == 0 and "Quảng cáo" in out, err
    code, _, err = cli("--as", "lan", "bulk", "--verdict", "violation", "--where", "category=scam",
                       "--category", "illegal_ad", "--yes")
    assert code == 0, err
    assert _recorded(store) == {a: "illegal_ad"}


def test_bulk_dismiss_without_a_category_term_keeps_the_top_category(store: Store, cli: CLI) -> None:
    a = _scam_and_fake(store, "Tin đồn ngân hàng phá sản, rút tiền ngay kẻo mất")
    code, out, err = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "score>0.5")
    assert code == 0 and "Lừa đảo" in out, err
    code, _, err = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "score>0.5", "--yes")
    assert code == 0, err
    assert _recorded(store) == {a: "scam"}


def test_bulk_violation_selected_on_positive_needs_a_harm_category(store: Store, cli: CLI) -> None:
    result = FakeResult({"positive": 0.9, "scam": 0.7}, ("positive", "scam"), label="positive")
    entry = store.record_score(add_item(store, "Gương sáng nhặt được của rơi, kèm link nhận quà"), result)
    code, _, err = cli("--as", "lan", "bulk", "--verdict", "violation", "--where", "category=positive")
    assert code == 2 and "--category" in err and "không thay đổi gì" in err, err
    code, _, err = cli("--as", "lan", "bulk", "--verdict", "violation", "--where", "category=positive",
                       "--category", "scam", "--yes")
    assert code == 0, err
    assert _recorded(store) == {entry: "scam"}
