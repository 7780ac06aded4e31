"""What every component of one crawl process shares: the config, the store, the source and counters.

Built once per crawl (the first component that asks creates it) and kept on the Crawler object, so
there is no module-level state and each `scrapy crawl` process opens the database exactly once.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from scrapy.crawler import Crawler

from crawler.addon import config_from_settings
from crawler.extract import RefreshNotes
from review.config import Config, SourceConfig
from review.store import Store

log = logging.getLogger(__name__)
_ATTR = "_canhgac_context"


@dataclass
class CrawlContext:
    config: Config
    store: Store
    source: SourceConfig | None = None
    pages: int = 0
    items_new: int = 0
    errors: list[str] = field(default_factory=list)
    start_ok: set[str] = field(default_factory=set)  # start URLs (feeds, listings) fetched successfully
    start_failed: set[str] = field(default_factory=set)
    scoring: bool = False  # a scorer is loaded: stored-but-unscored items are scored, not skipped
    quiet: bool = False  # a worker process's: its errors are logged by the crawl process it reports them to
    refreshes: RefreshNotes = field(default_factory=RefreshNotes)  # the run's refreshes to another host, one note
    _refresh_at: int | None = field(default=None, repr=False)  # where that note is in `errors`
    # batches note errors from two threads (local mode, CANHGAC_WORKERS=0): the fold and its replacement are one step
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def error(self, message: str) -> None:
        """Note a partial error: counted in the run, shown as the source's last error."""
        if not self.quiet:
            log.warning("%s", message)
        with self._lock:
            # a refresh to another host again (a hijacked site's every page): the run's one note counts it instead,
            # moved to the end so that the run's "lỗi cuối" is the newest
            folded = self.refreshes.fold(message) if not self.quiet else None
            if folded is not None and self._refresh_at is not None:
                message = folded[1]
                del self.errors[self._refresh_at]
            self.errors.append(message)
            if not self.quiet and message == self.refreshes.noted:  # the run's first such note, or the fold
                self._refresh_at = len(self.errors) - 1
            # under the lock too: written after it, an older fold could land last as the source's "lỗi cuối"
            if self.source is not None:
                try:
                    self.store.record_source_error(self.source.name, message)
                except Exception:  # noqa: BLE001 - health bookkeeping must never stop the crawl
                    log.exception("could not record source error")


def crawl_context(crawler: Crawler) -> CrawlContext:
    ctx: CrawlContext | None = getattr(crawler, _ATTR, None)
    if ctx is None:
        config = config_from_settings(crawler.settings)
        store = Store.open(config.database.url, create=crawler.settings.getbool("CANHGAC_CREATE_SCHEMA"))
        ctx = CrawlContext(config=config, store=store)
        setattr(crawler, _ATTR, ctx)
    return ctx
