"""The copy of a page that is not stored because its other copy owns the page (an AMP copy and its normal copy,
`crawler.pipelines.dedupe`) still has its fingerprint remembered, whichever stage refuses it: the dedupe stage,
the store stage's check, or the store transaction itself (two workers storing both copies at once). When that
copy's next fetch shows an edit of the article, the edit is stored as the page's revision, not lost.

Each both for an AMP copy at an AMP-looking address and one AMP by its `<html amp>` alone (`AMP_HTML`), told apart
from its normal copy by where it is stored (`dedupe.stored_owner`), not by how its address looks.

Real SQLite file (and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set), real threads for the race.
"""

from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem
from sqlalchemy import select

from crawler.context import CrawlContext
from crawler.items import CollectedItem
from crawler.pipelines.dedupe import DedupeStage, copy_key
from crawler.pipelines.normalize import NormalizeStage
from crawler.pipelines.store import StoreStage
from review.models import Item
from review.store import Store
from tests.crawler.test_amp_store_race import (
    AMP,
    AMP_HTML,
    CAPTION,
    NORMAL,
    SCAM,
    TEXT,
    _ctx,
    store_both_at_once,
)

EDIT = " Cập nhật: cơ quan công an đã khởi tố vụ án, tạm giữ hai đối tượng."


def _item(ctx: CrawlContext, url: str, text: str) -> CollectedItem:
    return NormalizeStage(ctx).process_item(CollectedItem(url=url, canonical_url=NORMAL, title="Cảnh giác lừa đảo",
                                                          text=text, source_name=None))


def _deduped(ctx: CrawlContext, url: str, text: str) -> CollectedItem | BaseException:
    out = DedupeStage(ctx).process_batch([_item(ctx, url, text)])[0]
    if isinstance(out, CollectedItem):
        out.score = SCAM
    return out


def _crawl(ctx: CrawlContext, url: str, text: str) -> CollectedItem | BaseException:
    out = _deduped(ctx, url, text)
    return StoreStage(ctx).process_batch([out])[0] if isinstance(out, CollectedItem) else out


def _rows(ctx: CrawlContext) -> list[tuple[str, int]]:
    with ctx.store.session() as s:
        return [(url, rev) for url, rev in s.execute(select(Item.url, Item.revision).order_by(Item.id))]


def _text(url: str) -> str:
    return TEXT + (CAPTION if url == NORMAL else "")


def _edited_later(db_url: str, owner: str, other: str) -> None:
    """`other` was not stored; its next fetch shows the article's edit: stored as revision 2."""
    c = _ctx(db_url)
    try:
        out = _crawl(c, other, _text(other) + EDIT)
        assert isinstance(out, CollectedItem), out
        assert _rows(c) == [(owner, 1), (other, 2)]
        # fetched again unchanged: no edit, nothing stored
        assert isinstance(_crawl(c, other, _text(other) + EDIT), DropItem)
        assert _rows(c) == [(owner, 1), (other, 2)]
    finally:
        c.store.close()


@pytest.mark.parametrize("amp", [AMP, AMP_HTML])
def test_edit_seen_through_a_copy_the_store_transaction_refused(db_url: str, amp: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    Store.open(db_url, create=True).close()
    a, b = _ctx(db_url), _ctx(db_url)
    try:
        results = store_both_at_once(a, b, amp, monkeypatch)
        kept = [url for url, r in results.items() if isinstance(r, CollectedItem)]
        assert len(kept) == 1, results
        other = NORMAL if kept == [amp] else amp
        assert isinstance(results[other], DropItem), results
        assert a.store.entry_hashes([copy_key(_item(a, other, _text(other)))]) != {}
    finally:
        a.store.close()
        b.store.close()
    _edited_later(db_url, kept[0], other)


@pytest.mark.parametrize("amp", [AMP, AMP_HTML])
def test_edit_seen_through_a_copy_the_store_stage_check_refused(db_url: str, amp: str) -> None:
    """The normal copy passed its dedupe stage before the AMP copy was stored (another process), and is refused
    by the store stage's own check."""
    Store.open(db_url, create=True).close()
    a, b = _ctx(db_url), _ctx(db_url)
    try:
        normal = _deduped(b, NORMAL, _text(NORMAL))
        assert isinstance(normal, CollectedItem)
        assert isinstance(_crawl(a, amp, _text(amp)), CollectedItem)
        out = StoreStage(b).process_batch([normal])[0]
        assert isinstance(out, DropItem) and str(out).startswith(f"another copy of {NORMAL} was stored from {amp}")
    finally:
        a.store.close()
        b.store.close()
    _edited_later(db_url, amp, NORMAL)


@pytest.mark.parametrize("amp", [AMP, AMP_HTML])
def test_edit_seen_through_a_copy_the_dedupe_stage_dropped(db_url: str, amp: str) -> None:
    Store.open(db_url, create=True).close()
    a, b = _ctx(db_url), _ctx(db_url)
    try:
        assert isinstance(_crawl(a, amp, _text(amp)), CollectedItem)
        out = _deduped(b, NORMAL, _text(NORMAL))
        assert isinstance(out, DropItem) and str(out).startswith(f"another copy of {NORMAL} is stored from {amp}")
    finally:
        a.store.close()
        b.store.close()
    _edited_later(db_url, amp, NORMAL)

