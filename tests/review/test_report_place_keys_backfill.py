"""Pasted reports filed before canhgac stored their place key (`pl:…` in item_bands) get it once
(`review.report_place_keys.add_missing_place_keys`): afterwards the page their link led to joins their entry
(`same_place`) as for a report filed today. Only the reports whose link led to another address get one; a second
run reads one setting and adds nothing. Real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is
set)."""

from __future__ import annotations

from sqlalchemy import delete, select

from review.citizen import CRAWL_JOIN, NEW, SAME_PLACE, file_report
from review.models import ItemBand, Setting
from review.report_match import place_key
from review.report_place_keys import PLACE_KEYS_SETTING, add_missing_place_keys
from review.store import Store
from tests.review.test_report_places import MESSAGE, SHORT, pasted_with_link
from tests.review.test_text_reports import BODY, PAGE, _audit, _entries, crawled, pasted


def _as_filed_before_the_keys(store: Store) -> None:
    """The database as the version without place keys left it: no `pl:` key, no setting."""
    with store.session() as s:
        s.execute(delete(ItemBand).where(ItemBand.band_key.startswith("pl:")))
        s.execute(delete(Setting).where(Setting.key == PLACE_KEYS_SETTING))


def _place_keys(store: Store) -> list[tuple[int, str]]:
    with store.session() as s:
        return [tuple(r) for r in s.execute(  # type: ignore[misc]
            select(ItemBand.item_id, ItemBand.band_key).where(ItemBand.band_key.startswith("pl:"))
            .order_by(ItemBand.item_id))]


def test_an_old_pasted_report_gets_its_place_key_and_the_page_joins_it(store: Store) -> None:
    filed = file_report(store, pasted_with_link(MESSAGE, SHORT, led_to=PAGE), actor="lan")
    assert filed.outcome == NEW and filed.entry_id is not None
    _as_filed_before_the_keys(store)
    with store.session() as s:
        assert add_missing_place_keys(s) == 1
    assert _place_keys(store) == [(filed.item_id, place_key(PAGE))]
    store.add_scored_items([crawled(BODY)])
    assert [e[0] for e in _entries(store)] == [filed.entry_id]
    [(entry_id, details)] = _audit(store, CRAWL_JOIN)
    assert entry_id == filed.entry_id and details["match"] == SAME_PLACE


def test_without_the_key_the_page_opens_an_entry_of_its_own(store: Store) -> None:
    """What the backfill repairs: the old report is invisible to the page's lookup."""
    file_report(store, pasted_with_link(MESSAGE, SHORT, led_to=PAGE), actor="lan")
    _as_filed_before_the_keys(store)
    store.add_scored_items([crawled(BODY)])
    assert len(_entries(store)) == 2 and _audit(store, CRAWL_JOIN) == []


def test_only_links_that_led_elsewhere_get_a_key_and_only_once(store: Store) -> None:
    led = file_report(store, pasted_with_link(MESSAGE, SHORT, led_to=PAGE), actor="lan")
    file_report(store, pasted_with_link("Tin nhắn khác hẳn về một trang chủ", "https://tin-nhanh.vn/",
                                        led_to="https://tin-nhanh.vn/"), actor="lan")  # the home page: no place
    file_report(store, pasted_with_link("Một tin nhắn thứ ba, với đường dẫn tới chính trang", PAGE), actor="lan")
    file_report(store, pasted("Một tin nhắn dán vào, không có đường dẫn nào kèm theo cả"), actor="lan")
    _as_filed_before_the_keys(store)
    with store.session() as s:
        assert add_missing_place_keys(s) == 1
    with store.session() as s:
        assert add_missing_place_keys(s) is None  # done: one read of the setting
    assert _place_keys(store) == [(led.item_id, place_key(PAGE))]


def test_a_report_that_has_its_key_is_left_alone(store: Store) -> None:
    filed = file_report(store, pasted_with_link(MESSAGE, SHORT, led_to=PAGE), actor="lan")
    with store.session() as s:
        s.execute(delete(Setting).where(Setting.key == PLACE_KEYS_SETTING))
    with store.session() as s:
        assert add_missing_place_keys(s) == 0
    assert _place_keys(store) == [(filed.item_id, place_key(PAGE))]
