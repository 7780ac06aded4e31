"""What the year's regular review covered: the pages and advertisements collected in the period, and from how
many sources.

The year-end report (Decision 423/QĐ-BVHTTDL) begins with the regular review of online information and
advertising; the flag counts alone say nothing of how much was looked at. A page counts once however often it
was edited (its revisions share a canonical URL); citizen reports are not part of the review (they are counted
as received, `review.stats.citizen_reports`). Counted from the items still stored: `[review] retention_days`
(730 by default) deletes older unflagged items, so a retention shorter than the period undercounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import distinct, func, select

from review.citizen import REPORT_KIND
from review.models import Item, SourceRun

AD_KIND = "ad"  # Item.kind of a classified advertisement (review.models.ITEM_KINDS)
RUN_OK = "ok"  # SourceRun.status of a crawl that ended well


@dataclass(frozen=True)
class Coverage:
    pages: int  # distinct pages (canonical URLs) collected in the period, advertisements included
    ads: int  # of which advertisements
    sources: int  # sources crawled successfully in the period or that pages came from


def coverage_in(s: Any, since: datetime, until: datetime) -> Coverage:
    """The pages collected in [since, until) (Item.fetched_at), citizen reports left out, and the sources crawled
    (a run started in the period that ended well) or that those pages came from. A source whose every crawl
    failed (HTTP 503 all year) was not reviewed, however often it was tried."""
    window = (Item.fetched_at >= since, Item.fetched_at < until, Item.kind != REPORT_KIND)
    pages = s.scalar(select(func.count(distinct(Item.canonical_url))).where(*window))
    ads = s.scalar(select(func.count(distinct(Item.canonical_url))).where(*window, Item.kind == AD_KIND))
    # a source crawled with nothing new (its pages already stored through another source) was reviewed too
    sources = set(s.scalars(select(Item.source_id).distinct().where(*window, Item.source_id.is_not(None))))
    sources.update(s.scalars(select(SourceRun.source_id).distinct()
                             .where(SourceRun.started_at >= since, SourceRun.started_at < until,
                                    SourceRun.status == RUN_OK)))
    return Coverage(int(pages or 0), int(ads or 0), len(sources))


def coverage_notes(c: Coverage) -> list[list[Any]]:
    """The Ghi chú rows about what the review covered."""
    return [["Số tin, bài đã thu thập để rà soát trong kỳ", c.pages],
            ["Trong đó: tin quảng cáo", c.ads],
            ["Số nguồn đã rà soát", c.sources]]
