"""One writer per page at a time: the lock every path that stores an item or files a report takes first.

A crawled item (`review.item_writer.add_items`, under `Store.add_scored_items` and `Store.add_items`) and a
citizen report (`review.citizen.file_report`) of the same canonical URL must not both decide "nothing of
this page is stored yet": each would open a review entry of its own. So both take the same per-URL lock
before they read what is stored under the URL, and whichever comes second waits for the first to commit,
then sees its item and entry.

* PostgreSQL: a transaction-scoped advisory lock per canonical URL (two-int form: a namespace and 32 bits
  of the URL's SHA-256; two URLs sharing a key only wait for each other). A batch takes its keys in one
  statement, in ascending order, so two workers with overlapping batches cannot deadlock on them. The lock
  is re-entrant within a transaction and released at commit or rollback.
* SQLite: nothing to take. Every transaction starts with BEGIN IMMEDIATE (`review.database.make_engine`),
  which already excludes every other writer until commit.

A citizen report pasted as text (canonical URL "report:text/...", `review.citizen.TEXT_REPORT_PREFIX`) has
no page to lock: the crawled copies it must meet live under other URLs, found by their content. So every
writer that takes page locks first holds the *text-report lock* shared (`lock_pages` takes it), and filing
a pasted-text report holds it exclusively (`lock_text_reports`), before anything is read. A pasted-text
report therefore waits for the crawls already storing pages to commit (and sees their items and entries),
and a crawl arriving meanwhile waits for the report to commit (and sees it); crawls never wait for one
another on it. PostgreSQL's lock queue is fair: a waiting report is not starved by a stream of crawls.
SQLite needs nothing here either.

Pages of *different* URLs with the same story meet through their LSH band keys, not their address: two
workers each storing a copy of one story at the same moment would each look for stored copies, find none
(the other's is not committed yet) and open two story clusters. So a writer about to place new pages in
clusters first takes the *story locks* of their band keys (`lock_stories`, after its page locks): two
copies sharing a band key take turns, and the second finds the first's item among its candidates.
A batch takes one lock per band key however many it has (32 per new page), in ascending order, in
statements of `STORY_LOCK_CHUNK` keys: every writer takes its keys in that one order, so two big batches
cannot deadlock, and batches of different stories never wait for each other. Advisory locks fill
PostgreSQL's shared lock table (`max_locks_per_transaction` × (`max_connections` +
`max_prepared_transactions`) entries, 6,400 by default; a transaction asking past what is free fails with
"out of shared memory"). So one transaction takes at most a quarter of that table in story locks
(`story_lock_budget`: 1,600 keys, 50 new pages, by default; a default batch is 32 pages); a batch with more
band keys takes the story namespace's one lock exclusively instead, and every other writer holds that one
lock shared before its per-key locks. Raising `max_locks_per_transaction` raises the budget.

Nothing is kept in process memory, so the lock holds across threads, processes and machines.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import Connection, text

PG_PAGE_LOCK = 0x72707274  # "rprt": the namespace of the per-URL advisory locks (kept from the first version)
PG_TEXT_REPORT_LOCK = 0x74787472  # "txtr": the namespace of the text-report lock (one key, 0, in it)
PG_STORY_LOCK = 0x73747279  # "stry": the namespace of the per-band-key story locks
PG_ALL_STORIES_LOCK = 0x73747261  # "stra": the all-stories lock (one key, 0, in it)
PG_PLACE_KEYS_LOCK = 0x706c6b79  # "plky": the place-key backfill's lock (one key, 0, in it)
STORY_LOCK_CHUNK = 512  # story keys locked per statement (a bounded statement; the budget is larger)
LOCK_TABLE_SHARE = 4  # one transaction's story locks take at most 1/4 of PostgreSQL's shared lock table


def page_key(canonical_url: str) -> int:
    """The advisory lock key of a canonical URL: its SHA-256's first 4 bytes, as a signed 32-bit int."""
    return int.from_bytes(hashlib.sha256(canonical_url.encode()).digest()[:4], "big", signed=True)


def lock_pages(conn: Connection, canonical_urls: Iterable[str]) -> None:
    """Hold the per-page lock of each URL until the caller's transaction ends (see the module doc)."""
    if conn.dialect.name != "postgresql":
        return  # SQLite: BEGIN IMMEDIATE already holds the database's only write lock
    # always first, before any page key: every transaction takes the two kinds in the same order
    conn.execute(text("SELECT pg_advisory_xact_lock_shared(:ns, 0)"), {"ns": PG_TEXT_REPORT_LOCK})
    keys = sorted({page_key(u) for u in canonical_urls})
    if keys:
        conn.execute(text("SELECT pg_advisory_xact_lock(:ns, k) FROM unnest(CAST(:keys AS integer[])) AS k"),
                     {"ns": PG_PAGE_LOCK, "keys": keys})


def story_key(band_key: str) -> int:
    """The advisory lock key of an LSH band key, as `page_key` (two band keys sharing one only wait)."""
    return page_key(band_key)


def lock_stories(conn: Connection, band_keys: Iterable[str]) -> None:
    """Hold the story lock of each band key until the caller's transaction ends (see the module doc). Take it
    after `lock_pages`, before looking for stored copies of the pages' stories."""
    if conn.dialect.name != "postgresql":
        return  # SQLite: BEGIN IMMEDIATE already holds the database's only write lock
    keys = sorted({story_key(k) for k in band_keys})
    if not keys:
        return
    if len(keys) > STORY_LOCK_CHUNK and len(keys) > story_lock_budget(conn):
        conn.execute(text("SELECT pg_advisory_xact_lock(:ns, 0)"), {"ns": PG_ALL_STORIES_LOCK})
        return
    conn.execute(text("SELECT pg_advisory_xact_lock_shared(:ns, 0)"), {"ns": PG_ALL_STORIES_LOCK})
    for start in range(0, len(keys), STORY_LOCK_CHUNK):  # ascending across the chunks too: no deadlock
        conn.execute(text("SELECT pg_advisory_xact_lock(:ns, k) FROM unnest(CAST(:keys AS integer[])) AS k"),
                     {"ns": PG_STORY_LOCK, "keys": keys[start:start + STORY_LOCK_CHUNK]})


def story_lock_budget(conn: Connection) -> int:
    """How many story locks one transaction may take one by one (PostgreSQL): a `LOCK_TABLE_SHARE`th of the
    server's shared lock table, never fewer than `STORY_LOCK_CHUNK` (see the module doc)."""
    size = conn.execute(text(
        "SELECT current_setting('max_locks_per_transaction')::int"
        " * (current_setting('max_connections')::int + current_setting('max_prepared_transactions')::int)"
    )).scalar_one()
    return max(STORY_LOCK_CHUNK, int(size) // LOCK_TABLE_SHARE)


def lock_text_reports(conn: Connection) -> None:
    """Hold the text-report lock exclusively until the caller's transaction ends: no crawl stores a page
    meanwhile (see the module doc). Take it before `lock_pages` (which then takes nothing more of it)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:ns, 0)"), {"ns": PG_TEXT_REPORT_LOCK})


def lock_place_key_backfill(conn: Connection) -> None:
    """Hold the lock of the one-off place-key backfill (`review.report_place_keys`) until the caller's transaction
    ends: two processes starting at once (two crawls, a crawl and `canhgac report`) take turns, and the second
    finds the backfill done instead of reading every report again. Taken with no other lock held."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:ns, 0)"), {"ns": PG_PLACE_KEYS_LOCK})
