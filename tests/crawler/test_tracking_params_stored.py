"""A story stored before the crawler dropped Zalo/Facebook share parameters (`zarsrc`, `gidzl`, ...) kept them in its
canonical address; fetched again now (the address spelled without them) it must be found stored, not stored as a
second item. Migration 0009 rewrites such addresses once (`review/migrations/versions/0009_...`).

The database is left as the version before the rule change left it: a real crawl stores the story from a feed
that links it with Zalo's share parameters, then its address and its feed entry's marker are spelled with the old
rule (`crawler.urls` with its old tracking set) and the schema is put back at the revision before. The project's
own `upgrade`, then a second real crawl (subprocess, a real HTTP server on 127.0.0.1): exactly one item. Real
SQLite file (and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set).
"""

from __future__ import annotations

import hashlib

from alembic import command
from sqlalchemy import delete, func, select, text, update

import crawler.urls
from crawler.urls import canonical_url
from review.database import _alembic_config, current_revision, head_revision, make_engine, upgrade
from review.items import feed_state_key
from review.models import FeedState, Item

BEFORE = "0008_other_model_count_indexes"
#: `crawler.urls._TRACKING` before Zalo's and Facebook's share parameters were added to it
OLD_TRACKING = {"fbclid", "gclid", "dclid", "msclkid", "yclid", "zalo_source", "ref", "ref_src", "igshid", "_ga",
                "cmpid", "spm", "from", "share", "s_cid", "mkt_tok"}
PAGE = "/tin-tuc/canh-bao-lua-dao-tuyen-dung-viec-nhe-luong-cao.html"
SHARED = PAGE + "?zarsrc=30&utm_source=zalo&utm_medium=zalo&gidzl=Ab3xQ-7dVqLmZ0"
FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Tin chia sẻ qua Zalo</title><link>{base}/</link>
<description>Tin chia sẻ</description>
<item><title>Cảnh báo lừa đảo tuyển dụng việc nhẹ lương cao</title><link>{link}</link>
<guid isPermaLink="false">chia-se-1</guid><description>{about}</description>
<pubDate>Mon, 18 May 2026 17:00:00 +0700</pubDate></item>
</channel></rss>"""
SOURCE = """
[[sources]]
name = "chia-se-zalo"
kind = "rss"
urls = ["{base}/chia-se/rss.xml"]
official = true
locality = "Nghệ An"
"""


def _old_rule(url: str) -> str:
    saved = crawler.urls._TRACKING
    crawler.urls._TRACKING = OLD_TRACKING
    try:
        return canonical_url(url)
    finally:
        crawler.urls._TRACKING = saved


def _items(crawl_env) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    with crawl_env.store.session() as s:
        return [(u, r) for u, r in s.execute(select(Item.canonical_url, Item.revision).order_by(Item.id))]


def test_a_story_stored_with_share_params_is_one_item_when_fetched_again(crawl_env, db_url: str) -> None:  # type: ignore[no-untyped-def]
    base = crawl_env.site.base_url
    crawl_env.site.set("/chia-se/rss.xml", FEED.format(base=base, link=(base + SHARED).replace("&", "&amp;"),
                                                       about="Tin cảnh báo lừa đảo"), "application/rss+xml")
    crawl_env.configure(SOURCE.format(base=base), demo=False)
    assert crawl_env.run("chia-se-zalo").items_new == 1
    new, old = canonical_url(base + SHARED), _old_rule(base + SHARED)
    assert new == canonical_url(base + PAGE) and "zarsrc=30" in old and "gidzl=" in old and "utm_" not in old
    assert _items(crawl_env) == [(new, 1)]

    # as the version before the rule change left the database
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(update(Item).values(canonical_url=old))
        conn.execute(update(FeedState).where(FeedState.url == feed_state_key(f"entry:chia-se-zalo|{new}"))
                     .values(url=feed_state_key(f"entry:chia-se-zalo|{old}")))
    command.stamp(_alembic_config(engine), BEFORE)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()

    # the feed lists the story again (its summary edited: a new entry), shared with other share parameters
    crawl_env.site.set("/chia-se/rss.xml", FEED.format(
        base=base, link=(base + PAGE + "?zarsrc=31&gidzl=Zz9&fbclid=IwAR0x").replace("&", "&amp;"),
        about="Tin cảnh báo lừa đảo (cập nhật)"), "application/rss+xml")
    out = crawl_env.run("chia-se-zalo")
    assert out.ok and out.items_new == 0, out
    assert _items(crawl_env) == [(new, 1)]


def _insert(conn, url: str, kind: str = "article", revision: int = 1, chash: str | None = None) -> None:  # type: ignore[no-untyped-def]
    conn.execute(text("INSERT INTO items (url, canonical_url, kind, title, text, fetched_at, content_hash, locality, "
                      "revision, official, extra) VALUES (:u, :u, :k, 'Tiêu đề', 'Nội dung', :f, :h, '[]', :r, "
                      "false, '{}')"),
                 {"u": url, "k": kind, "h": chash or f"{url}#{revision}", "r": revision,
                  "f": "2026-11-20 08:00:00"})


def test_the_migration_moves_only_what_is_safe(db_url: str) -> None:
    engine = make_engine(db_url)
    command.upgrade(_alembic_config(engine), BEFORE)
    a = "https://baotinh.vn/a.html?gidzl=x1&id=5&zarsrc=30"  # two revisions: move together, to ?id=5
    b1, b2 = "https://baotinh.vn/b.html?zarsrc=30", "https://baotinh.vn/b.html?zarsrc=31"  # first stored moves
    c_old, c_new = "https://baotinh.vn/c.html?fb_source=msg", "https://baotinh.vn/c.html"  # c stored twice: kept
    report = "https://zalo.me/s/abc?gidzl=Q"  # a citizen report of a shared link: found by the page's address
    kept = ["https://baotinh.vn/d.html?page=2", "report:text/abc?zarsrc=1", "https://baotinh.vn/e.html?fromzarsrc=1"]
    with engine.begin() as conn:
        _insert(conn, a)
        _insert(conn, b1)
        _insert(conn, b2)
        _insert(conn, a, revision=2)
        _insert(conn, c_old)
        _insert(conn, c_new)
        _insert(conn, report, kind="report")
        for url in kept:
            _insert(conn, url)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        after = [tuple(r) for r in conn.execute(select(Item.url, Item.canonical_url, Item.revision).order_by(Item.id))]
        pages = conn.scalar(select(func.count(func.distinct(Item.canonical_url))))
    engine.dispose()
    assert after == [
        (a, "https://baotinh.vn/a.html?id=5", 1),
        (b1, "https://baotinh.vn/b.html", 1),
        (b2, b2, 1),
        (a, "https://baotinh.vn/a.html?id=5", 2),
        (c_old, c_old, 1),
        (c_new, c_new, 1),
        (report, "https://zalo.me/s/abc", 1),
        *[(url, url, 1) for url in kept],
    ], after
    assert pages == 9


OLD_PLACE = "https://tin-nhanh.vn/xa-hoi/canh-bao-lua-dao-qua-zalo.html?gidzl=Ab3x&zarsrc=30"  # the old rule's


def test_a_text_pasted_with_a_link_that_led_to_the_old_spelling_joins_a_crawl_of_its_page(db_url: str) -> None:
    """A pasted report whose link led (RESOLVED_URL) to a page spelled with the old rule: after the upgrade a crawl
    of that page, spelled without the share parameters, joins the report's entry; its link and key say the new way."""
    from review.citizen import file_report
    from review.models import ItemBand, ReviewEntry, Source
    from review.report_match import RESOLVED_URL, place_key
    from review.store import Store
    from tests.review.test_report_places import MESSAGE, SHORT, pasted_with_link
    from tests.review.test_text_reports import BODY, crawled
    from tests.review.test_text_reports import PAGE as STORY
    from tests.review.test_text_reports import SOURCE as FEED_SOURCE

    store = Store.open(db_url, create=True)
    try:
        with store.session() as s:
            s.add(Source(name=FEED_SOURCE, kind="rss"))
        filed = file_report(store, pasted_with_link(MESSAGE, SHORT, led_to=OLD_PLACE), actor="lan")
        with store.session() as s:  # its place key as the version before stored it: of the old spelling
            s.execute(delete(ItemBand).where(ItemBand.band_key.startswith("pl:")))
            s.add(ItemBand(item_id=filed.item_id,
                           band_key="pl:" + hashlib.sha256(OLD_PLACE.encode()).hexdigest()[:20]))
        command.stamp(_alembic_config(store.engine), BEFORE)
        upgrade(store.engine)
        with store.session() as s:
            assert [e[RESOLVED_URL] for e in s.scalars(select(Item.extra))] == [STORY]
            assert list(s.scalars(select(ItemBand.band_key).where(ItemBand.band_key.startswith("pl:")))) == [
                place_key(STORY)]
        store.add_scored_items([crawled(BODY)])  # spelled as the crawler spells it now
        with store.session() as s:
            assert s.scalar(select(func.count()).select_from(ReviewEntry)) == 1
            assert s.scalar(select(func.count()).select_from(Item)) == 2
    finally:
        store.close()


def test_a_page_stored_while_the_migration_runs_does_not_fail_it(db_url: str) -> None:
    """PostgreSQL: another writer (a worker still on the previous version, which already strips zarsrc) storing the
    stripped address between the migration's check and its rewrite: the migration holds the table, the writer waits
    for it, and `canhgac init` does not fail on the unique constraint."""
    import threading
    import time

    import pytest
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import IntegrityError

    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite: one writer at a time (the migration's transaction holds the file)")
    engine = make_engine(db_url)
    other_engine = create_engine(db_url)
    command.upgrade(_alembic_config(engine), BEFORE)
    ins = ("INSERT INTO items (url, canonical_url, kind, title, text, fetched_at, content_hash, locality, revision, "
           "official, extra) VALUES (:u, :c, 'article', 't', 'x', now(), :h, '[]', 1, false, '{}')")
    with engine.begin() as c:
        c.execute(text(ins), {"u": "https://bao.vn/a.html?zarsrc=30", "c": "https://bao.vn/a.html?zarsrc=30", "h": "1"})
    outcome: list[object] = []

    def other_writer() -> None:
        try:
            with other_engine.begin() as other:
                other.execute(text(ins), {"u": "https://bao.vn/a.html?zarsrc=31", "c": "https://bao.vn/a.html",
                                          "h": "2"})
            outcome.append("stored")
        except IntegrityError:
            outcome.append("refused")

    writer = threading.Thread(target=other_writer)

    @event.listens_for(engine, "before_cursor_execute")
    def _meanwhile(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("UPDATE ITEMS SET CANONICAL_URL") and not writer.is_alive() \
                and not outcome and writer.ident is None:
            writer.start()
            deadline = time.monotonic() + 300  # a safety net only: the writer waits for the table at once
            with other_engine.connect() as watch:  # until the writer has stored its row or waits for the table
                while writer.is_alive() and time.monotonic() < deadline:
                    waiting = watch.execute(text(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND query LIKE 'INSERT INTO items%'")).scalar()
                    watch.rollback()  # pg_stat_activity is read once per transaction: a new one for each look
                    if waiting:
                        break
                    writer.join(0.05)

    try:
        upgrade(engine)
        writer.join()
        assert outcome, "the other writer never ran"
        with engine.connect() as c:
            urls = sorted(c.scalars(text("SELECT canonical_url FROM items")))
        assert urls.count("https://bao.vn/a.html") == 1, urls
    finally:
        event.remove(engine, "before_cursor_execute", _meanwhile)
        engine.dispose()
        other_engine.dispose()


def test_the_place_of_a_report_drops_what_the_crawler_drops() -> None:
    """`review.report_match.SHARE_PARAMS` (review cannot import the crawler) are all dropped by `canonical_url`: an
    old spelling and the crawler's are one place."""
    from review.report_match import SHARE_PARAMS, place_of

    for name in sorted(SHARE_PARAMS):
        shared = f"https://bao.vn/tin/a.html?id=7&{name.upper()}=x%20y"
        assert canonical_url(shared) == "https://bao.vn/tin/a.html?id=7" == place_of(shared, None), name
