"""Stage 4: store items with their scores, then mark their feed entries handled.

A batch of items (each a new revision when its text changed, placed in its story cluster, with its
score and review entry and its feed entry's fingerprint, and the fingerprint of a copy of a page it refuses or
stores as the other copy's edit, `_copy_rule`) is written in one transaction
(`Store.add_scored_items`), so a kill at any point stores all of a batch or none of it: nothing is
lost (an unstored item's entry was not marked seen, the next run fetches it) and nothing is stored
twice (items are unique on canonical URL and content hash).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from crawler.context import CrawlContext, crawl_context
from crawler.items import REPORT, CollectedItem
from crawler.pipelines.batch import BatchedStage, process_one
from crawler.pipelines.dedupe import AmpCopies, copy_key, stored_owners
from review.item_writer import CopyFingerprint
from review.items import AddResult, NewItem
from review.models import MAX_URL_LENGTH
from review.report_place_keys import add_missing_place_keys
from review.scoring import ScoredItem
from review.store import Store

log = logging.getLogger(__name__)


class NotStored(Exception):
    """Why an item was not stored, in words an officer may read (the run's errors, `canhgac status`): never
    the SQL statement and parameters a database error carries (its cause, in the log, has them)."""


def not_stored(exc: Exception) -> Exception:
    if not isinstance(exc, SQLAlchemyError):
        return exc
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    first = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    if isinstance(exc, DBAPIError):  # SQLAlchemy's own text ends in "[SQL: ...]": the driver's first line only
        first = first.split("[SQL:")[0].strip()
    out = NotStored(f"cơ sở dữ liệu từ chối ghi: {first[:200]}")
    out.__cause__ = exc
    return out


def too_long(item: CollectedItem) -> NotStored | None:
    """An item whose URL no item may have (`review.models.MAX_URL_LENGTH`), on any database alike."""
    longest = max(len(item.url), len(item.canonical_url or ""))
    if longest <= MAX_URL_LENGTH:
        return None
    return NotStored(f"địa chỉ dài {longest} ký tự, quá giới hạn {MAX_URL_LENGTH} ký tự")


def to_new_item(item: CollectedItem) -> NewItem:
    return NewItem(url=item.url, canonical_url=item.canonical_url, kind=item.kind, title=item.title, text=item.text,
                   content_hash=item.content_hash, source_name=item.source_name, author=item.author,
                   published_at=item.published_at, raw_hash=item.raw_hash, language=item.language,
                   locality=item.locality, official=item.official, extra=item.extra, minhash=item.minhash,
                   band_keys=item.band_keys, other_copy=_copy_rule(item))


def _copy_rule(item: CollectedItem) -> CopyFingerprint | None:
    """The store transaction's copy rule (`AmpCopies.store_rule`), naming where the copy's fingerprint is kept: the
    transaction saves it when it refuses the copy, or, for the other copy's edit (`copy_key`), when it stores it."""
    if item.copy_key:
        return CopyFingerprint(None, item.copy_key, edit=True)
    rule = AmpCopies.store_rule(item)
    return CopyFingerprint(rule, copy_key(item)) if rule is not None else None


def to_scored_item(item: CollectedItem) -> ScoredItem:
    return ScoredItem(to_new_item(item), item.score, is_report=item.kind == REPORT, entry_url=item.entry_url,
                      entry_hash=item.entry_hash)


def give_old_reports_place_keys(store: Store) -> int | None:
    """The one-off place-key backfill of citizen reports pasted before place keys (`review.report_place_keys`), in a
    transaction of its own: how many keys were added, None when it was done before (one primary-key read)."""
    with store.session() as s:
        return add_missing_place_keys(s)


class StoreStage:
    def __init__(self, ctx: CrawlContext) -> None:
        self.ctx = ctx
        # an AMP copy and its normal copy deduped in two worker processes of one run, or by two crawl processes
        self.copies = AmpCopies()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BatchedStage:
        ctx = crawl_context(crawler)
        # before this crawl stores a page: the reports pasted before place keys are found by their page's key
        try:
            if added := give_old_reports_place_keys(ctx.store):
                log.info("gave %d citizen report(s) pasted before place keys their key", added)
        except SQLAlchemyError:  # the crawl goes on; the next crawl or `canhgac report` tries again
            log.warning("could not give older citizen reports their place keys", exc_info=True)
        return BatchedStage(cls(ctx), **BatchedStage.options(crawler.settings))

    def process_item(self, item: CollectedItem) -> CollectedItem:
        return process_one(self, item)

    def process_batch(self, items: Sequence[CollectedItem]) -> list[CollectedItem | BaseException]:
        """One transaction for the batch; if it fails, one per item, so a bad item fails alone."""
        refused: dict[int, Exception] = {i: err for i, it in enumerate(items) if (err := too_long(it)) is not None}
        # what another process stored since this batch was deduped (a second crawl of the source, another machine)
        owners = stored_owners(self.ctx.store, (it.canonical_url for i, it in enumerate(items)
                                                if i not in refused and AmpCopies.applies(it)))
        copies: list[CollectedItem] = []  # other copies of a stored page: not stored, their fingerprints kept
        for i, it in enumerate(items):
            if i in refused or it.copy_key:  # the other copy's edit (`crawler.pipelines.dedupe.copy_key`) is stored
                continue
            if (owner := self.copies.other_copy(it, owners.get(it.canonical_url))) is not None:
                copies.append(it)
                refused[i] = DropItem(f"another copy of {it.canonical_url} was stored from {owner}: {it.url}")
        AmpCopies.remember(self.ctx.store, copies)  # before their feed entries are marked handled
        for it in copies:
            if it.entry_url and it.entry_hash:
                self.ctx.store.save_entry_hash(it.entry_url, it.entry_hash)
        storable = [it for i, it in enumerate(items) if i not in refused]
        stored = iter(self._store(storable) if storable else [])
        out: list[CollectedItem | BaseException] = []
        for i, item in enumerate(items):
            result = refused.get(i) or next(stored)
            if isinstance(result, BaseException):
                out.append(not_stored(result) if isinstance(result, Exception) else result)
                continue
            if result.other_copy is not None:  # the other copy was stored after the check above (another worker):
                # the transaction saved this copy's fingerprint with its feed entry (`_copy_rule`)
                out.append(DropItem(f"another copy of {item.canonical_url} was stored from {result.other_copy}: "
                                    f"{item.url}"))
                continue
            item.item_id = result.item_id
            self.ctx.items_new += result.created
            out.append(item)  # an edit seen through the other copy: its new fingerprint was saved with it
        return out

    def _store(self, items: Sequence[CollectedItem]) -> list[AddResult | BaseException]:
        office = self.ctx.config.review.locality
        try:
            return list(self.ctx.store.add_scored_items([to_scored_item(it) for it in items], office_locality=office))
        except Exception as exc:  # noqa: BLE001 - a batch of one: this item's error
            if len(items) == 1:
                return [exc]
            log.warning("storing a batch of %d items failed; storing them one by one", len(items), exc_info=True)
        results: list[AddResult | BaseException] = []
        for item in items:
            try:
                results.extend(self.ctx.store.add_scored_items([to_scored_item(item)], office_locality=office))
            except Exception as exc:  # noqa: BLE001 - this item's error, raised in its process_item
                results.append(exc)
        return results
