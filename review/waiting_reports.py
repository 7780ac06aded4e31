"""Citizen reports waiting for a scorer: stored while no model could be loaded, taken up once scoring works.

Apart from review.scoring because these are reports with no score yet, not scores turned into entries;
`crawler.report.queue_waiting_reports` is what files them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import exists, select

from review.citizen import REPORT_KIND
from review.items import NewItem
from review.models import Item, ItemBand, ReviewEntry, Score

if TYPE_CHECKING:
    from review.store import StoreBase

    _Base = StoreBase
else:
    _Base = object

FILED_IN = "filed_in_entry"  # Item.extra of a waiting report filed on another entry: that entry's id


class WaitingReportsMixin(_Base):
    def waiting_reports(self, limit: int = 200) -> list[tuple[int, NewItem]]:
        """Citizen reports stored without a score and not in the queue, oldest first: (item id, the item as
        stored). A report filed while no scorer could be loaded (the model file missing, ...) is stored like
        this so it is not lost; `crawler.report.queue_waiting_reports` scores and files it (at the next crawl or
        daemon crawl) once scoring works again. A waiting report found then to be the content of another entry
        joins that entry and is marked `FILED_IN` (`mark_report_filed`), so it is not taken up again."""
        with self.session() as s:
            # joined ones are left out in SQL, before the limit: else the oldest joined report would hide every
            # later waiting one from `waiting_reports(limit=1)` (JSON path: NULL when absent, SQLite and PostgreSQL)
            rows = s.scalars(select(Item).where(Item.kind == REPORT_KIND, ~exists().where(Score.item_id == Item.id),
                                                ~exists().where(ReviewEntry.item_id == Item.id),
                                                Item.extra[FILED_IN].as_integer().is_(None))
                             .order_by(Item.id).limit(limit)).all()
            out: list[tuple[int, NewItem]] = []
            for it in rows:
                extra = dict(it.extra or {})
                keys = list(s.scalars(select(ItemBand.band_key).where(ItemBand.item_id == it.id)))
                out.append((it.id, NewItem(
                    url=it.url, canonical_url=it.canonical_url, kind=it.kind, title=it.title, text=it.text,
                    content_hash=it.content_hash, source_name=it.source.name if it.source is not None else None,
                    author=it.author, published_at=it.published_at, raw_hash=it.raw_hash, language=it.language,
                    locality=tuple(it.locality or ()), official=it.official, extra=extra, minhash=it.minhash,
                    band_keys=keys)))
            return out

    def mark_report_filed(self, item_id: int, entry_id: int | None) -> None:
        """A waiting report (`waiting_reports`) was filed on another item's entry: never take it up again."""
        with self.session() as s:
            item = s.get(Item, item_id)
            if item is not None:
                item.extra = {**(item.extra or {}), FILED_IN: entry_id if entry_id is not None else 0}  # never null
