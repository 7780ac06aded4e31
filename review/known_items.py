"""The known-item bank's texts as the classifier compares them, built from the moderators' standing verdicts.

`review.decisions` stores a bank row per verdict with the text a model reads (headline + text). The scorer
matches a page's TEXT against the bank, never its headline (a repost under another headline is the same post),
so the bank is given the decided page's text too: compared with headline + text, an exact repost of a short
post under a long headline scored 0.68, below the 0.7 a dismissal needs to suppress it. The stored row's text
serves when the page's text is empty or the item is gone.

A dismissal says the page is no harm at all, whichever flag brought it to the queue, but the row records one
category (the top flag, or the one the moderator named); the bank's dismissed text covers every category the
entry was flagged for, so a repost is not flagged again under the entry's other flags. That is safe because
what the moderator judged is the text, not the category: a repost must be near-identical (0.8 by character shingles) and may add no personal data (classifier.bank), the
harm a small addition can bring to an otherwise harmless post. A confirmed text keeps its one category: the harm
the moderator confirmed. Rows are given one `BankText` each, oldest first (rows written before the bank held sets
of categories read the same way); the bank merges the rows of one text, so a text confirmed as scam on one
entry and as illegal_ad on another is one match raising both, and per category the latest verdict stands. A
category canhgac no longer scores (an older custom model's label in a stored flag) is dropped, and a row left with
none skipped: the bank refuses unknown categories, and one such row used to stop every crawl at scoring. A row's
`ref`, what a match's evidence names, is the queue entry decided ("mục #10 (bank:3)", `bank_ref`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from review.models import BankEntry, Decision, Item, ReviewFlag

if TYPE_CHECKING:
    from classifier.bank import BankText


def bank_texts(s: Session) -> list[BankText]:
    """The active bank rows as `BankText`s, oldest first (see the module doc)."""
    from classifier.bank import DISMISSED, BankText
    from classifier.categories import CATEGORIES

    rows = s.execute(select(BankEntry, Item.title, Item.text, Decision.entry_id)
                     .outerjoin(Item, Item.id == BankEntry.item_id)
                     .outerjoin(Decision, Decision.id == BankEntry.decision_id)
                     .where(BankEntry.active.is_(True)).order_by(BankEntry.id)).all()
    decisions = [r.decision_id for r, _, _, _ in rows if r.polarity == DISMISSED and r.decision_id is not None]
    flagged: dict[int, set[str]] = defaultdict(set)
    for start in range(0, len(decisions), 500):
        for decision_id, category in s.execute(
                select(Decision.id, ReviewFlag.category).join(ReviewFlag, ReviewFlag.entry_id == Decision.entry_id)
                .where(Decision.id.in_(decisions[start:start + 500]))):
            flagged[decision_id].add(category)
    out: list[BankText] = []
    for r, title, text, entry_id in rows:
        body = (text or "").strip() or (title or "").strip() or r.text
        ref = bank_ref(r, entry_id)
        categories = {r.category} if r.category is not None else set()
        if r.polarity == DISMISSED and r.category is not None and r.decision_id is not None:
            categories |= flagged[r.decision_id]
        known = categories & set(CATEGORIES)  # an older model's label: nothing scores it, so nothing to raise or keep
        if categories and not known:
            continue  # not an empty set: for a dismissal that would mean every category
        out.append(BankText(text=body, categories=frozenset(known), polarity=r.polarity, ref=ref))
    return out


def bank_ref(row: BankEntry, entry_id: int | None) -> str:
    """How a bank row is named in a match's evidence (`canhgac show`): the queue entry whose decision made it, "mục
    #N (bank:R)", which `canhgac show N` opens; a row without a decision behind it by its own id alone. The page's
    item id ("bank:3/item:27", as it was) is no queue number: `show 27` opened another entry or none."""
    return f"mục #{entry_id} (bank:{row.id})" if entry_id is not None else f"bank:{row.id}"
