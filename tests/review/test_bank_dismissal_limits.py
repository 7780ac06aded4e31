"""What a dismissal may hide. With character 5-grams a dismissed post reached reposts that add a person's full
name, phone and home address (0.7 and more: a real privacy violation the model flags without the bank lost its
flag); a dismissal now needs a closer match and never suppresses a text carrying personal data (a phone, email,
ID or account number, a house address) the dismissed text did not. A dismissal of an entry flagged in several
categories is fingerprinted once and covers each of them. Real store (SQLite), the bundled model and rules."""

from __future__ import annotations

from typing import Any

import pytest

from classifier.bank import CONFIRMED, DISMISSED, Bank, BankText
from review.store import Store
from tests.review.factory import add_item

NOODLE_TITLE = "BÓC PHỐT quán ăn đầu ngõ 12: chủ quán chửi khách, đồ ăn có gián!!!"
_HEAD = ("Mọi người ơi né ngay quán bún đầu ngõ 12 ra nhé, hôm qua em ăn thấy nguyên con gián trong bát mà chủ quán "
         "còn chửi em là đồ ăn vạ.\nQuán này bẩn lắm rồi, ai có người quen bên phường thì báo cho kiểm tra giùm, "
         "share mạnh cho cả khu biết!!!\n")
NOODLE = _HEAD + "Tên chủ quán là chị H., ai biết số điện thoại thì cmt bên dưới để mọi người cùng gọi vào chửi."
DOXX = _HEAD + ("Tên chủ quán là Nguyễn Thị Hoa, số điện thoại 0912 345 678, nhà số 15 ngõ 12, "
                "mọi người cùng gọi vào chửi.")


@pytest.fixture(scope="module")
def scorer() -> Any:
    from classifier.scorer import Scorer

    return Scorer.load()


def test_a_dismissed_post_does_not_hide_a_repost_that_publishes_the_persons_details(
        store: Store, scorer: Any) -> None:
    item_id = add_item(store, NOODLE, title=NOODLE_TITLE)
    entry = store.record_score(item_id, scorer.score(NOODLE, title=NOODLE_TITLE, bank=store.load_bank()))
    assert entry is not None
    store.decide(entry, "lan", "dismiss")
    assert "privacy" in scorer.score(DOXX, title="Bóc phốt quán bún ngõ 12").flags  # without the bank
    repost = scorer.score(DOXX, title="Bóc phốt quán bún ngõ 12", bank=store.load_bank())
    assert "privacy" in repost.flags, [(e.category, e.weight) for e in repost.evidence if e.kind == "bank_negative"]


BASE = ("Thông báo của ban quản lý chợ: từ ngày mai các hộ kinh doanh ở dãy B chuyển sang khu tạm phía sau nhà văn "
        "hóa để sửa mái che, mọi thắc mắc xin liên hệ ban quản lý trong giờ hành chính.")


@pytest.mark.parametrize("added", [", chị Lan số 0912 345 678", ", email lan.nguyen@gmail.com",
                                   ", CCCD 001203004567", ", số tài khoản 1903 5678 9012", ", nhà số 15 ngõ 12"])
def test_a_dismissal_does_not_cover_personal_data_the_dismissed_text_lacked(added: str) -> None:
    bank = Bank([BankText(BASE, None, DISMISSED, "item:1")])
    assert [m.entry.ref for m in bank.match(BASE)] == ["item:1"]
    assert bank.match(BASE[:-1] + added + ".") == []


def test_a_dismissal_covers_the_same_personal_data_reposted() -> None:
    text = BASE[:-1] + ", hotline 0912 345 678."
    bank = Bank([BankText(text, None, DISMISSED, "item:1")])
    assert [m.entry.ref for m in bank.match(text.replace("0912 345 678", "0912.345.678"))] == ["item:1"]


def test_personal_data_does_not_stop_a_confirmed_match() -> None:
    bank = Bank([BankText(BASE, "privacy", CONFIRMED, "item:1")])
    assert [m.entry.ref for m in bank.match(BASE[:-1] + ", chị Lan số 0912 345 678.")] == ["item:1"]


def test_one_dismissed_text_flagged_in_several_categories_is_fingerprinted_once() -> None:
    bank = Bank([BankText(BASE, c, DISMISSED, "bank:1/item:1") for c in ("offensive", "privacy", "hate")])
    assert len(bank) == 3 and bank.fingerprints == 1
    assert [sorted(m.entry.categories) for m in bank.match(BASE)] == [["hate", "offensive", "privacy"]]
