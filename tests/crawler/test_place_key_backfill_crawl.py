"""Citizen reports pasted before canhgac stored place keys get theirs when a crawl starts, not only at the next
`canhgac report` (`review.report_place_keys`): a crawl joins the page a pasted link led to to that report's entry
by its place key, so a crawl (`canhgac crawl`, the daemon's) that runs before any new report must find it too.
Two crawls starting at once take turns: the second finds the keys added and does not read every report again.

A real HTTP server on 127.0.0.1, the real CLI and crawl (subprocess), the bundled model, a real database (SQLite,
and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set); real threads, each with its own `Store`, for two crawls.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import delete, func, select

import review.report_place_keys as backfill
from crawler.pipelines.store import give_old_reports_place_keys
from review.citizen import CRAWL_JOIN, file_report
from review.models import AuditLog, ItemBand, ReviewEntry, Setting
from review.report_match import place_key
from review.report_place_keys import PLACE_KEYS_SETTING
from review.store import Store
from tests.crawler.test_report_pasted_shortlink import MESSAGE, _report, _setup
from tests.review.test_report_places import SHORT, pasted_with_link
from tests.review.test_text_reports import PAGE

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Khuyến mãi</title><link>{base}/</link><description>Tin</description>
<item><title>Nhận quà tri ân khách hàng</title><link>{base}/nhan-qua</link><guid isPermaLink="false">qua-1</guid>
<description>Nhận quà</description><pubDate>Mon, 18 May 2026 17:00:00 +0700</pubDate></item>
</channel></rss>"""
SOURCE = """
[[sources]]
name = "trang-khuyen-mai"
kind = "rss"
urls = ["{base}/khuyen-mai/rss.xml"]
locality = "Nghệ An"
"""


def _as_filed_before_the_keys(store: Store) -> None:
    with store.session() as s:
        s.execute(delete(ItemBand).where(ItemBand.band_key.startswith("pl:")))
        s.execute(delete(Setting).where(Setting.key == PLACE_KEYS_SETTING))


def _place_keys(store: Store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(ItemBand).where(ItemBand.band_key.startswith("pl:"))) or 0


def test_a_crawl_finds_a_text_pasted_before_the_keys(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg, short = _setup(crawl_env)
    _report(cfg, capsys, short, "--text", MESSAGE, "--reporter", "Chị Hoa")
    _as_filed_before_the_keys(crawl_env.store)
    base = crawl_env.site.base_url
    crawl_env.site.set("/khuyen-mai/rss.xml", FEED.format(base=base), "application/rss+xml")
    crawl_env.configure(SOURCE.format(base=base))
    out = crawl_env.run("trang-khuyen-mai", score=True)  # the default limit: a loaded machine loads the model slowly
    assert out.ok and out.items_new == 1, out
    with crawl_env.store.session() as s:
        assert s.scalar(select(func.count()).select_from(ReviewEntry)) == 1  # the page joined the report's entry
        joins = list(s.scalars(select(AuditLog.details).where(AuditLog.action == CRAWL_JOIN)))
        assert [d["match"] for d in joins] == ["same_place"], joins
        assert s.get(Setting, PLACE_KEYS_SETTING) is not None
    assert _place_keys(crawl_env.store) == 1


@pytest.fixture
def two_stores(db_url: str):  # type: ignore[no-untyped-def]
    stores = (Store.open(db_url, create=True), Store.open(db_url))
    yield stores
    for s in stores:
        s.close()


def test_two_crawls_starting_at_once_add_each_key_once(two_stores: tuple[Store, Store],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = two_stores
    filed = file_report(a, pasted_with_link(MESSAGE, SHORT, led_to=PAGE), actor="lan")
    _as_filed_before_the_keys(a)
    if a.dialect == "postgresql":  # both have read "not done yet" before either goes on (SQLite: BEGIN IMMEDIATE
        barrier = threading.Barrier(2, timeout=60)  # lets one transaction in at a time from its first read)
        real = backfill.lock_place_key_backfill

        def both_checked(conn: Any) -> None:
            barrier.wait()
            real(conn)

        monkeypatch.setattr(backfill, "lock_place_key_backfill", both_checked)
    added: dict[int, Any] = {}

    def start(n: int, store: Store) -> None:
        try:
            added[n] = give_old_reports_place_keys(store)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            added[n] = exc

    threads = [threading.Thread(target=start, args=(n, st)) for n, st in enumerate((a, b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    monkeypatch.undo()
    assert sorted(added.values(), key=str) == [1, None], added  # the second found it done
    with a.session() as s:
        keys = s.execute(select(ItemBand.item_id, ItemBand.band_key).where(ItemBand.band_key.startswith("pl:")))
        assert [tuple(k) for k in keys] == [(filed.item_id, place_key(PAGE))]
        assert s.get(Setting, PLACE_KEYS_SETTING).value["added"] == 1  # type: ignore[union-attr]
    assert give_old_reports_place_keys(b) is None


def test_a_text_whose_link_led_to_an_address_with_share_params_is_found_by_the_page(store: Store) -> None:
    """A report filed before the crawler dropped Zalo's share parameters kept the address its link led to with them
    (`zarsrc`, `gidzl`); the key the crawl-start backfill gives it is the page's as the crawler spells it now, and a
    crawl of that page joins the report's entry instead of opening one of its own."""
    from review.models import Item, Source
    from review.report_match import RESOLVED_URL
    from tests.review.test_text_reports import BODY, crawled
    from tests.review.test_text_reports import SOURCE as FEED_SOURCE

    with store.session() as s:
        s.add(Source(name=FEED_SOURCE, kind="rss"))
    filed = file_report(store, pasted_with_link(MESSAGE, SHORT, led_to=PAGE), actor="lan")
    with store.session() as s:  # as stored then: the link followed, canonical by the old rule
        item = s.get(Item, filed.item_id)
        assert item is not None
        item.extra = {**item.extra, RESOLVED_URL: PAGE + "?gidzl=Ab3x&zarsrc=30"}
    _as_filed_before_the_keys(store)
    assert give_old_reports_place_keys(store) == 1
    with store.session() as s:
        assert list(s.scalars(select(ItemBand.band_key).where(ItemBand.band_key.startswith("pl:")))) == [
            place_key(PAGE)]
    store.add_scored_items([crawled(BODY)])
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(ReviewEntry)) == 1
        joins = list(s.scalars(select(AuditLog.details).where(AuditLog.action == CRAWL_JOIN)))
        assert [d["match"] for d in joins] == ["same_place"], joins
