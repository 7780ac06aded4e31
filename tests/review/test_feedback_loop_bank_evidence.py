"""A page matching a decided one shows, in `canhgac show`, WHICH decision the bank matched: the queue entry the
moderator decided (`mục #N`, what `show N` opens). It used to name the bank row and the stored page
("bank:3/item:27"): item 27 is no queue number (the demo's confirmed scam was entry #10; `show 27` found nothing
or another entry), so an officer could not look up the case the evidence rests on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from review.store import Store
from tests.review.factory import add_item, flagged

Cli = Callable[..., tuple[int, str, str]]

SCAM = ("Bạn là khách hàng may mắn nhận xe SH 2026. Để nhận giải, vui lòng nộp phí trước bạ và vận chuyển "
        "3.500.000 đồng vào tài khoản bên dưới trong 24 giờ.\nQuá thời hạn, phần thưởng sẽ bị hủy.")
SCAM_COPY = ("Chúc mừng bạn là khách hàng may mắn nhận xe SH 2026. Để nhận giải, vui lòng nộp phí trước bạ và vận "
             "chuyển 3.800.000 đồng vào tài khoản bên dưới trong 48 giờ.\nQuá thời hạn, phần thưởng sẽ bị hủy nhé.")
RANT = ("Mọi người ơi né ngay quán bún đầu ngõ 12 ra nhé, hôm qua em ăn thấy nguyên con gián trong bát mà chủ quán "
        "còn chửi em là đồ ăn vạ.\nQuán này bẩn lắm rồi, ai có người quen bên phường thì báo cho kiểm tra giùm, "
        "share mạnh cho cả khu biết!!!")


@pytest.fixture(scope="module")
def scorer() -> Any:
    from classifier.scorer import Scorer

    return Scorer.load()


def _queued(store: Store, scorer: Any, text: str, *, is_report: bool = False) -> int:
    """Scored as the crawler scores a page (the bank as it is now); a citizen's report is queued unflagged too."""
    item_id = add_item(store, text, title="Tin đăng lại")
    entry_id = store.record_score(item_id, scorer.score(text, title="Tin đăng lại", bank=store.load_bank()),
                                  is_report=is_report)
    assert entry_id is not None
    return entry_id


def test_a_copy_of_a_confirmed_scam_names_the_entry_that_was_confirmed(store: Store, scorer: Any, cli: Cli) -> None:
    add_item(store, "một trang khác")  # the item ids run ahead of the entry ids, as after any crawl
    original = flagged(store, SCAM, "scam")
    store.decide(original, "lan", "violation")
    copy = _queued(store, scorer, SCAM_COPY)
    code, shown, err = cli("show", str(copy))
    assert code == 0, err
    lines = [x for x in shown.splitlines() if "giống nội dung vi phạm đã xác nhận" in x]
    assert lines and all(f"mục #{original}" in x and "item:" not in x for x in lines), shown


def test_a_copy_of_a_dismissed_post_names_the_entry_that_was_dismissed(store: Store, scorer: Any, cli: Cli) -> None:
    add_item(store, "một trang khác")
    dismissed = flagged(store, RANT, "harassment", 0.6)
    store.decide(dismissed, "lan", "dismiss")
    # a citizen reports a copy: queued although the bank keeps it below every threshold
    copy = _queued(store, scorer, RANT.replace("hôm qua", "hôm kia"), is_report=True)
    code, shown, err = cli("show", str(copy))
    assert code == 0, err
    lines = [x for x in shown.splitlines() if "đã được bỏ qua" in x]
    assert lines and all(f"mục #{dismissed}" in x and "item:" not in x for x in lines), shown
