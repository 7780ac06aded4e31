"""A dismissal and a repost that adds a person's full name. "Bóc phốt" post dismissed (the owner is "chị H."), then
reposted naming her in full: 0.91 similar, no phone or address added, so the dismissal hid the repost's privacy
and harassment flags. A full name the dismissed text lacked now lifts a dismissal for the categories where naming
someone is the harm (privacy, harassment, child_safety); the others stay dismissed (a dismissed rumour reposted
with a byline is still the text the moderator judged), and a name is never personal data by itself (no flag, no
lifted dismissal in other categories). Real store (SQLite/PostgreSQL), the bundled model and rules."""

from __future__ import annotations

from typing import Any

import pytest

from classifier.bank import CONFIRMED, DISMISSED, Bank, BankText
from classifier.personal_data import full_names, personal_data
from review.store import Store
from tests.review.factory import add_item
from tests.review.test_bank_dismissal_limits import _HEAD, BASE, NOODLE, NOODLE_TITLE

TAIL = ", ai biết số điện thoại thì cmt bên dưới để mọi người cùng gọi vào chửi."
NAMED = _HEAD + "Tên chủ quán là Nguyễn Thị Hoa" + TAIL


@pytest.fixture(scope="module")
def scorer() -> Any:
    from classifier.scorer import Scorer

    return Scorer.load()


def test_a_dismissed_post_reposted_with_the_person_s_full_name_is_flagged_again(store: Store, scorer: Any) -> None:
    entry = store.record_score(add_item(store, NOODLE, title=NOODLE_TITLE),
                               scorer.score(NOODLE, title=NOODLE_TITLE, bank=store.load_bank()))
    assert entry is not None
    store.decide(entry, "lan", "dismiss")
    assert scorer.score(NOODLE, bank=store.load_bank()).flags == ()  # the post itself stays dismissed
    alone = scorer.score(NAMED)
    assert {"privacy", "harassment"} <= set(alone.flags)
    repost = scorer.score(NAMED, title="Bóc phốt quán bún ngõ 12", bank=store.load_bank())
    assert repost.flags == alone.flags, [(e.category, e.weight) for e in repost.evidence if e.kind == "bank_negative"]


def test_an_added_name_lifts_only_the_person_categories_of_a_dismissal() -> None:
    bank = Bank([BankText(BASE, frozenset({"misinformation", "privacy", "harassment"}), DISMISSED, "bank:1")])
    byline = BASE + " Phóng viên Trần Văn Nam."
    assert [sorted(m.entry.categories) for m in bank.match(byline)] == [["misinformation"]]
    assert [sorted(m.entry.categories) for m in bank.match(BASE)] == [["harassment", "misinformation", "privacy"]]


def test_the_same_name_reposted_without_diacritics_is_still_dismissed() -> None:
    bank = Bank([BankText(NAMED, "privacy", DISMISSED, "bank:1")])
    assert [m.entry.ref for m in bank.match(NAMED.replace("Nguyễn Thị Hoa", "Nguyen Thi Hoa"))] == ["bank:1"]


def test_a_name_does_not_hold_back_a_confirmed_match() -> None:
    bank = Bank([BankText(NOODLE, "harassment", CONFIRMED, "bank:1")])
    assert [m.entry.ref for m in bank.match(NAMED)] == ["bank:1"]


@pytest.mark.parametrize("text, names", [
    ("Tên chủ quán là Nguyễn Thị Hoa, nhà ở đầu ngõ.", {"nguyen thi hoa"}),
    ("Nạn nhân là cháu Lê Minh Khang (5 tuổi).", {"le minh khang"}),
    ("Anh Trần Văn Nam và chị Phạm Thu Trang đã tới.", {"tran van nam", "pham thu trang"}),
    ("Bị cáo Nguyễn Văn Hùng nhận án", {"nguyen van hung"}),
    ("nguoi bi hai la Nguyen Thi Hoa", {"nguyen thi hoa"}),
    ("Người tố cáo là NGUYỄN THỊ HOA, ở phường 3", {"nguyen thi hoa"}),
    ("Nguye\u0302\u0303n Thi\u0323 Hoa bị đánh", {"nguyen thi hoa"}),  # NFD
    ("chị Hoa bán bún ở ngõ 12", set()),  # a given name alone
    ("Mẫu đơn ghi họ tên Nguyễn Văn A", set()),  # the placeholder name of forms
    ("Quán ở số 20 đường Nguyễn Trãi, gần phố Lê Lợi", set()),  # streets named for people
    ("Mưa lớn ở Hà Nội, Cao Bằng, Lâm Đồng và Phan Thiết", set()),  # places whose first syllable is a surname
    ("Thành phố Hồ Chí Minh tổ chức lễ hội", set()),
    ("TRẦN NHÀ SẬP, PHẠM LUẬT GIAO THÔNG", set()),  # an all-capitals text: words, not names
    ("Bóc Phốt Quán Bún Phạm Văn Đồng Cực Bẩn", set()),  # Title Case heading
    ("Trần nhà bị dột, phạm luật thì phạt", set()),
])
def test_full_names(text: str, names: set[str]) -> None:
    assert full_names(text) == frozenset(names)


def test_a_full_name_is_not_personal_data() -> None:
    assert personal_data("Tên chủ quán là Nguyễn Thị Hoa") == frozenset()
