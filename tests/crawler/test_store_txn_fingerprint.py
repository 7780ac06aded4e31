"""A copy of a page the store transaction does not store (its other copy owns the page: an AMP copy and its normal
copy, `crawler.pipelines.dedupe.AmpCopies`) has its fingerprint saved by that same transaction, with its feed entry
marked handled: a crawl killed (kill -9) right after the commit loses nothing. Before, the fingerprint was saved
after the commit: killed in that gap, the entry was marked handled but the copy had no fingerprint, so the copy's
next fetch showing the article's edit was taken as "first seen" and dropped, and the edit was lost.

The same for the other copy's edit stored as a revision (`copy_key`): its new fingerprint commits with the revision.

The kill is made to happen where it hurts: every transaction the crawl would open after the store transaction
committed raises `Killed` instead (nothing more reaches the database, as with kill -9). Real SQLite file (and
PostgreSQL when CANHGAC_TEST_DATABASE_URL is set); the owner is stored by a second `Store`, as another worker would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from scrapy.exceptions import DropItem
from sqlalchemy import select

import crawler.pipelines.store as store_stage
from crawler.context import CrawlContext
from crawler.items import CollectedItem
from crawler.pipelines.dedupe import copy_key
from crawler.pipelines.store import StoreStage
from review.models import FeedState, Item
from review.store import Store
from tests.crawler.test_amp_copy_edits import EDIT, _crawl, _deduped, _rows
from tests.crawler.test_amp_store_race import AMP, AMP_HTML, CAPTION, NORMAL, TEXT, _ctx

ENTRY = "entry:bao-tinh|" + AMP


class Killed(BaseException):
    """The crawl process died (kill -9): nothing after this point reaches the database."""


@pytest.fixture
def two_workers(db_url: str) -> Iterator[tuple[CrawlContext, CrawlContext]]:
    Store.open(db_url, create=True).close()
    workers = (_ctx(db_url), _ctx(db_url))
    yield workers
    for w in workers:
        w.store.close()


def _killed_after_the_store_transaction(ctx: CrawlContext, monkeypatch: pytest.MonkeyPatch) -> None:
    """From the moment `add_scored_items` returns (its transaction committed), `ctx`'s store opens no transaction."""
    real_add, real_session = ctx.store.add_scored_items, ctx.store.session
    dead = {"now": False}

    def add(*args: Any, **kw: Any) -> Any:
        out = real_add(*args, **kw)
        dead["now"] = True
        return out

    @contextmanager
    def session() -> Iterator[Any]:
        if dead["now"]:
            raise Killed
        with real_session() as s:
            yield s

    monkeypatch.setattr(ctx.store, "add_scored_items", add)
    monkeypatch.setattr(ctx.store, "session", session)


def _owner_stored_after_the_check(owner: CrawlContext, owner_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other worker stores the owning copy right after this worker's store stage checked what is stored: only
    the store transaction, after the page lock, sees it."""
    real: Callable[..., Any] = store_stage.stored_owners
    done: list[bool] = []

    def checked_then_owner_stored(*args: Any, **kw: Any) -> Any:
        out = real(*args, **kw)
        if not done:  # once: the owner's own store stage checks too
            done.append(True)
            assert isinstance(_crawl(owner, owner_url, TEXT + CAPTION), CollectedItem)
        return out

    monkeypatch.setattr(store_stage, "stored_owners", checked_then_owner_stored)


def _fingerprints(ctx: CrawlContext) -> dict[str, str | None]:
    with ctx.store.engine.connect() as conn:
        return {url: h for url, h in conn.execute(select(FeedState.url, FeedState.entry_hash))}


@pytest.mark.parametrize("amp", [AMP, AMP_HTML])
def test_a_copy_refused_in_the_transaction_keeps_its_fingerprint_through_a_kill(
        two_workers: tuple[CrawlContext, CrawlContext], monkeypatch: pytest.MonkeyPatch, amp: str) -> None:
    a, b = two_workers
    copy = _deduped(b, amp, TEXT)  # nothing stored yet: passes its dedupe stage
    assert isinstance(copy, CollectedItem)
    copy.entry_url, copy.entry_hash = ENTRY, "entry-hash-1"
    _owner_stored_after_the_check(a, NORMAL, monkeypatch)
    _killed_after_the_store_transaction(b, monkeypatch)
    try:
        out = StoreStage(b).process_batch([copy])[0]
    except Killed:
        out = None
    monkeypatch.undo()
    assert out is None or isinstance(out, DropItem)
    saved = _fingerprints(a)
    assert saved.get(ENTRY) == "entry-hash-1"  # the entry is marked handled by the transaction ...
    assert saved.get(copy_key(copy)) == copy.content_hash  # ... and the copy's fingerprint with it
    assert _rows(a) == [(NORMAL, 1)]

    # the next run: the copy, fetched again (its entry changed), shows the article's edit: stored as a revision
    assert isinstance(_crawl(b, amp, TEXT + EDIT), CollectedItem)
    assert _rows(a) == [(NORMAL, 1), (amp, 2)]


def test_the_other_copys_edit_commits_its_new_fingerprint_with_the_revision(
        two_workers: tuple[CrawlContext, CrawlContext], monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = two_workers
    assert isinstance(_crawl(a, NORMAL, TEXT + CAPTION), CollectedItem)
    assert isinstance(_crawl(b, AMP, TEXT), DropItem)  # first seen: its fingerprint remembered
    edited = _deduped(b, AMP, TEXT + EDIT)
    assert isinstance(edited, CollectedItem) and edited.copy_key == copy_key(edited)
    _killed_after_the_store_transaction(b, monkeypatch)
    try:
        StoreStage(b).process_batch([edited])
    except Killed:
        pass
    monkeypatch.undo()
    assert _rows(a) == [(NORMAL, 1), (AMP, 2)]
    assert _fingerprints(a).get(copy_key(edited)) == edited.content_hash
    # fetched again unchanged: no edit, nothing stored
    assert isinstance(_crawl(b, AMP, TEXT + EDIT), DropItem)
    with a.store.session() as s:
        assert s.scalar(select(Item.id).where(Item.revision == 3)) is None
