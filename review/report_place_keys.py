"""Place keys for the pasted reports filed before canhgac stored them.

A report pasted with a link that led to another address (`RESOLVED_URL`) is found by that page through its place
key in `item_bands` (`review.report_match.place_key`): a report or a crawl of the page reads that one index entry.
Reports filed by the version that first followed pasted links, before the keys, have none, and those lookups
never see them: a report or a crawl of their page opens an entry of its own instead of joining theirs
(`SAME_PLACE`). `add_missing_place_keys` gives them their key, once per database (the setting
`PLACE_KEYS_SETTING` records that it was done, so later calls cost one primary-key read), without a migration:
a report that has its key is left alone. It runs where a citizen report is filed (`canhgac report`) and where a
crawl starts storing (`crawler.pipelines.store`, every crawl: `canhgac crawl`, the daemon's, a worker's), as a
crawl joins its pages to report entries by place key too. Two processes starting at once take turns
(`review.page_locks.lock_place_key_backfill`; SQLite: BEGIN IMMEDIATE): the second finds it done.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from review.models import Item, ItemBand, Setting
from review.page_locks import lock_place_key_backfill
from review.report_match import REPORT_KIND, RESOLVED_URL, place_key, place_of, without_share_params
from review.types import utcnow

#: the setting that records the keys were added (`{"added": N, "at": ISO time}`)
PLACE_KEYS_SETTING = "report_place_keys"
_PREFIX = "pl:"  # `place_key`'s


def add_missing_place_keys(s: Session) -> int | None:
    """Add the place key of every pasted report whose link led to another address and that has none, in `s`'s
    transaction; None when this database had it done before, else how many keys were added (0 included: the
    setting is written either way). The same key `review.citizen` adds when it files such a report."""
    done_before = select(Setting.key).where(Setting.key == PLACE_KEYS_SETTING)
    if s.scalar(done_before) is not None:
        return None
    lock_place_key_backfill(s.connection())  # another process doing it now: wait for it, then find it done
    if s.scalar(done_before) is not None:
        return None
    resolved = Item.extra[RESOLVED_URL].as_string()
    keyed = exists().where(ItemBand.item_id == Item.id, ItemBand.band_key.startswith(_PREFIX, autoescape=True))
    rows = s.execute(select(Item.id, Item.canonical_url, resolved)
                     .where(Item.kind == REPORT_KIND, Item.raw_hash.is_(None), resolved.is_not(None), ~keyed)
                     .order_by(Item.id))
    keys = [{"item_id": iid, "band_key": place_key(place)} for iid, url, led in rows
            if (place := place_of(url, led)) is not None and place != without_share_params(url)]
    insert = postgresql_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert  # the two backends
    for i in range(0, len(keys), 500):
        s.execute(insert(ItemBand).on_conflict_do_nothing(index_elements=[ItemBand.item_id, ItemBand.band_key]),
                  keys[i:i + 500])
    now = utcnow()
    done: dict[str, Any] = {"added": len(keys), "at": now.isoformat(timespec="seconds")}
    s.execute(insert(Setting).values(key=PLACE_KEYS_SETTING, value=done, updated_at=now)
              .on_conflict_do_nothing(index_elements=[Setting.key]))
    return len(keys)
