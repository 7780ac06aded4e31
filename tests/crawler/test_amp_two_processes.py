"""Two crawl processes (each with its own dedupe and store stages: `redis_url`, or two machines on one PostgreSQL)
fetch an article's AMP copy and its normal copy at about the same time: both pass their dedupe stage before either
is stored, and the store stage, which sees what the other process stored meanwhile, keeps them one item. The
owner's own later edit is still a revision."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from scrapy.exceptions import DropItem

from crawler.context import CrawlContext
from crawler.items import CollectedItem
from crawler.pipelines.dedupe import DedupeStage
from crawler.pipelines.normalize import NormalizeStage
from crawler.pipelines.store import StoreStage
from review.config import parse_config
from review.models import Item
from review.store import Store

AMP, NORMAL = "http://baotinh.vn/amp/van-hoa/le-hoi.html", "http://baotinh.vn/van-hoa/le-hoi.html"
TEXT = ("Lễ hội đền Cuông năm nay thu hút hàng vạn lượt du khách thập phương về dâng hương tưởng nhớ An Dương Vương, "
        "với nhiều trò chơi dân gian hấp dẫn như kéo co, đấu vật, đánh cờ người và thi gói bánh chưng.")


@pytest.fixture
def ctx(db_url: str) -> Iterator[CrawlContext]:
    store = Store.open(db_url, create=True)
    yield CrawlContext(config=parse_config(f'[database]\nurl = "{db_url}"\n'), store=store)
    store.close()


def _copy(url: str, text: str = TEXT) -> CollectedItem:
    return CollectedItem(url=url, canonical_url=NORMAL, title="Lễ hội đền Cuông", text=text, source_name=None)


def _deduped(ctx: CrawlContext, item: CollectedItem) -> CollectedItem:
    return DedupeStage(ctx).process_batch([NormalizeStage(ctx).process_item(item)])[0]  # type: ignore[return-value]


def _rows(ctx: CrawlContext) -> list[tuple[str, int]]:
    with ctx.store.session() as s:
        return sorted((i.url, i.revision) for i in s.query(Item))


@pytest.mark.parametrize("first", [AMP, NORMAL])
def test_two_processes_store_one_copy(ctx: CrawlContext, first: str) -> None:
    second = NORMAL if first == AMP else AMP
    a = _deduped(ctx, _copy(first))  # process 1
    b = _deduped(ctx, _copy(second, TEXT + " Ảnh: Thu Hà"))  # process 2, before process 1 stored its copy
    assert isinstance(a, CollectedItem) and isinstance(b, CollectedItem)
    assert isinstance(StoreStage(ctx).process_batch([a])[0], CollectedItem)
    assert isinstance(StoreStage(ctx).process_batch([b])[0], DropItem)
    assert _rows(ctx) == [(first, 1)]
    edited = _deduped(ctx, _copy(first, TEXT + " Lễ hội kéo dài đến hết tháng Giêng."))  # the owner's own edit
    assert isinstance(StoreStage(ctx).process_batch([edited])[0], CollectedItem)
    assert _rows(ctx) == [(first, 1), (first, 2)]


def _run(ctx: CrawlContext, item: CollectedItem) -> CollectedItem | BaseException:
    deduped = _deduped(ctx, item)
    return StoreStage(ctx).process_batch([deduped])[0] if isinstance(deduped, CollectedItem) else deduped


def test_an_edit_seen_only_through_the_other_copy_is_a_revision(ctx: CrawlContext) -> None:
    """The AMP copy (a listing's link, fetched once) owns the address; the feed links the normal copy, whose
    page differs a little (a caption): not a revision. When the article is edited, the feed's copy is all that
    shows it: a revision, not dropped; the same copy fetched again unchanged is nothing new."""
    assert isinstance(_run(ctx, _copy(AMP)), CollectedItem)
    assert isinstance(_run(ctx, _copy(NORMAL, TEXT + " Ảnh: Thu Hà")), DropItem)
    assert _rows(ctx) == [(AMP, 1)]
    edited = TEXT + " Lễ hội kéo dài đến hết tháng Giêng. Ảnh: Thu Hà"
    assert isinstance(_run(ctx, _copy(NORMAL, edited)), CollectedItem)
    assert _rows(ctx) == [(AMP, 1), (NORMAL, 2)]
    assert isinstance(_run(ctx, _copy(NORMAL, edited)), DropItem)
    assert isinstance(_run(ctx, _copy(AMP)), DropItem)
    assert _rows(ctx) == [(AMP, 1), (NORMAL, 2)]
