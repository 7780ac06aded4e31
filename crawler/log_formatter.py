"""What the crawl log says about items the pipeline drops.

Scrapy logs every dropped item as a WARNING followed by the whole item, and canhgac drops an item for routine
reasons (its content is already stored, the page was empty): a re-crawl of a news site wrote each article's
full HTML and text into the log again. `ShortDrops` logs the reason alone, at `DEFAULT_DROPITEM_LOG_LEVEL`
(settings: INFO); the reason names the URL, which is what an operator needs to look further.
"""

from __future__ import annotations

from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult


class ShortDrops(LogFormatter):
    """Scrapy's log formatter with one line per dropped item: "Dropped: <reason>", without the item."""

    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        return {"level": result["level"], "msg": "Dropped: %(exception)s", "args": {"exception": exception}}
