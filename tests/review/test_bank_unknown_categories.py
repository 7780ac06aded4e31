"""An older database can hold flags in a category canhgac no longer scores (a custom model's label from before
`load_scorer` refused such models). The bank refuses unknown categories (`Bank.add`), so one dismissed entry
flagged so made `store.load_bank()` raise: every crawl then failed at scoring, and `rescore` with it. Such a
category is dropped when the rows are read: it can raise or suppress nothing the model scores; a row left with
none is skipped (a dismissal must not turn into one covering every category). Real store (SQLite/PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import update

from classifier.bank import CONFIRMED
from review.models import BankEntry
from review.store import Store
from tests.review.factory import flagged

TEXT = ("Bài viết chia sẻ kinh nghiệm nấu ăn ngày cuối tuần cho cả nhà, công thức canh chua cá lóc miền Tây "
        "đơn giản, ai cũng làm được.")
OTHER = ("Chị em ơi, em vừa thử làm bánh bông lan bằng nồi chiên không dầu, mềm xốp lắm, công thức ở bình luận "
         "đầu tiên nhé.")


def test_a_dismissal_flagged_in_an_unknown_category_still_loads_and_suppresses_the_rest(store: Store) -> None:
    entry = flagged(store, TEXT, "spam_old")  # the category of an older custom model
    store.decide(entry, "lan", "dismiss")
    second = flagged(store, OTHER, "scam")
    store.decide(second, "minh", "dismiss")
    bank = store.load_bank()
    assert [sorted(m.entry.categories) for m in bank.match(OTHER)] == [["scam"]]
    assert bank.match(TEXT) == []  # its only category is unknown: it covers nothing, not everything


def test_a_confirmed_row_in_an_unknown_category_is_skipped(store: Store) -> None:
    entry = flagged(store, TEXT, "scam")
    store.decide(entry, "lan", "violation", category="scam")
    with store.session() as s:  # as an older version stored it
        s.execute(update(BankEntry).values(category="spam_old"))
        s.commit()
    bank = store.load_bank()
    assert bank.match(TEXT) == []
    store.decide(flagged(store, OTHER, "scam"), "minh", "violation", category="scam")
    assert [(m.entry.polarity, sorted(m.entry.categories)) for m in store.load_bank().match(OTHER)] == [
        (CONFIRMED, ["scam"])]
