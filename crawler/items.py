"""What a spider yields: one collected text, filled in stage by stage by the item pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ARTICLE, POST, AD, REPORT = "article", "post", "ad", "report"


@dataclass
class CollectedItem:
    url: str
    kind: str = ARTICLE
    title: str = ""
    text: str = ""
    author: str | None = None
    published_at: datetime | None = None
    language: str | None = None
    raw_hash: str | None = None  # sha256 of the downloaded bytes; the raw HTML itself is not kept
    source_name: str | None = None
    official: bool = False
    locality: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)  # price, contact, reporter, note ...
    entry_url: str | None = None  # the feed entry whose fingerprint is saved together with this item
    entry_hash: str | None = None
    html: str | None = None  # the downloaded page, until the extract stage has read it (then None)
    fetched_at: datetime | None = None  # when the page was downloaded (`crawler.dates.fetch_time`)
    # filled by the pipelines
    canonical_url: str = ""
    content_hash: str = ""
    minhash: bytes | None = None
    band_keys: list[str] = field(default_factory=list)
    score: Any = None  # classifier.scorer.ScoreResult once the score stage ran
    item_id: int | None = None
    existing_item_id: int | None = None  # already stored but never scored (a crash between store and score)
    copy_key: str | None = None  # an AMP page's other copy that changed: its fingerprint's key (`dedupe.AmpCopies`)
