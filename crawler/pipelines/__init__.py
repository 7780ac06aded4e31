"""Item pipeline stages, one per file, in this order: normalize → dedupe → score → store.

Each stage is a `Stage`: `process_item(item) -> item`, raising `DropItem("why")` to stop an item.
Scoring comes before storing so an item is written once with everything known; the score itself is
recorded right after the item row exists, and a stored-but-unscored item is scored on the next run.
"""

from __future__ import annotations

from typing import Protocol

from crawler.items import CollectedItem


class Stage(Protocol):
    def process_item(self, item: CollectedItem) -> CollectedItem: ...
