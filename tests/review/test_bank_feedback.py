"""The known-item bank as moderators feed it: a confirmed scam's repost (another headline, teencode, dotted letters)
is raised with the bank match as evidence, and a dismissed false positive reposted is not flagged again, in any of
the categories the moderator dismissed. Real store (SQLite), the bundled model and rules, the bank the crawler loads
(`store.load_bank()`), matched as the crawler's scorer matches it (the page's text; the headline apart)."""

from __future__ import annotations

from typing import Any

import pytest

from review.store import Store
from tests.review.factory import add_item

SCAM_TITLE = "Chúc mừng bạn đã trúng thưởng xe SH từ chương trình tri ân khách hàng"
SCAM = ("Bạn là khách hàng may mắn nhận xe SH 2026. Để nhận giải, vui lòng nộp phí trước bạ và vận chuyển "
        "3.500.000 đồng vào tài khoản bên dưới trong 24 giờ.\nQuá thời hạn, phần thưởng sẽ bị hủy.")
SCAM_REPOST = ("Bạn là kh may mắn nhận xe SH 2026. Đ.ể n.h.ậ.n giải, vui lòng n.ộ.p p.h.í trước bạ và vận chuyển "
               "3.500.000đ vào tk bên dưới trong 24h.\nQuá thời hạn phần thưởng sẽ bị hủy nha!!")

LEMON_TITLE = "Uống nước chanh nóng mỗi sáng chữa khỏi ung thư, bác sĩ không bao giờ nói cho bạn biết"
LEMON = ("Một giáo sư nổi tiếng đã chứng minh nước chanh nóng tiêu diệt tế bào ung thư tốt hơn hóa trị.\n"
         "Bệnh viện giấu thông tin này để bán thuốc đắt tiền, hãy chia sẻ để cứu người thân của bạn.")

NOODLE_TITLE = "BÓC PHỐT quán ăn đầu ngõ 12: chủ quán chửi khách, đồ ăn có gián!!!"
NOODLE = ("Mọi người ơi né ngay quán bún đầu ngõ 12 ra nhé, hôm qua em ăn thấy nguyên con gián trong bát mà chủ quán "
          "còn chửi em là đồ ăn vạ.\nQuán này bẩn lắm rồi, ai có người quen bên phường thì báo cho kiểm tra giùm, "
          "share mạnh cho cả khu biết!!!\nTên chủ quán là chị H., ai biết số điện thoại thì cmt bên dưới để mọi "
          "người cùng gọi vào chửi.")


@pytest.fixture(scope="module")
def scorer() -> Any:
    from classifier.scorer import Scorer

    return Scorer.load()


def _decided(store: Store, scorer: Any, title: str, text: str, verdict: str) -> tuple[int, Any]:
    """A crawled page scored by the bundled model (flags as the crawler stores them), decided by a moderator."""
    item_id = add_item(store, text, title=title)
    result = scorer.score(text, title=title, bank=store.load_bank())
    entry_id = store.record_score(item_id, result)
    assert entry_id is not None, result.flags
    store.decide(entry_id, "lan", verdict)
    return entry_id, result


def test_a_confirmed_scam_reposted_with_teencode_and_dotted_letters_is_raised_by_the_bank(
        store: Store, scorer: Any) -> None:
    _decided(store, scorer, SCAM_TITLE, SCAM, "violation")
    repost = scorer.score(SCAM_REPOST, title="Chuc mung ban trung thuong xe SH", bank=store.load_bank())
    bank = [e for e in repost.evidence if e.kind == "bank"]
    assert bank and bank[0].category == "scam" and bank[0].weight >= 0.5, repost.evidence
    assert "scam" in repost.flags


def test_a_dismissed_false_positive_reposted_under_another_headline_is_not_flagged_again(
        store: Store, scorer: Any) -> None:
    _, first = _decided(store, scorer, LEMON_TITLE, LEMON, "dismiss")
    assert "misinformation" in first.flags
    repost = scorer.score(LEMON, title="Nước chanh nóng chữa khỏi ung thư", bank=store.load_bank())
    assert any(e.kind == "bank_negative" and e.category == "misinformation" for e in repost.evidence)
    assert repost.flags == ()


def test_a_dismissal_covers_every_category_the_entry_was_flagged_for(store: Store, scorer: Any) -> None:
    _, first = _decided(store, scorer, NOODLE_TITLE, NOODLE, "dismiss")
    assert {"privacy", "harassment"} <= set(first.flags)  # the dismissal is recorded under the top one only
    repost = scorer.score(NOODLE, title="Review quán bún ngõ 12", bank=store.load_bank())
    assert repost.flags == (), repost.flags
    suppressed = {e.category for e in repost.evidence if e.kind == "bank_negative"}
    assert {"privacy", "harassment"} <= suppressed


def test_undoing_a_dismissal_lets_its_repost_be_flagged_again(store: Store, scorer: Any) -> None:
    entry_id, _ = _decided(store, scorer, NOODLE_TITLE, NOODLE, "dismiss")
    store.undo(entry_id, "lan", "bỏ qua nhầm")
    repost = scorer.score(NOODLE, title="Review quán bún ngõ 12", bank=store.load_bank())
    assert not any(e.kind == "bank_negative" for e in repost.evidence)
    assert repost.flags
