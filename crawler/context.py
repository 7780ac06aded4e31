"""What every component of one crawl process shares: the config, the store, the source and counters.

Built once per crawl (the first component that asks creates it) and kept on the Crawler object, so
there is no module-level state and each `scrapy crawl` process opens the database exactly once.
"""

from __future__ import annotations

import logging
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

    def error(self, message: str) -> None:
        """Note a partial error: counted in the run, shown as the source's last error."""
        if not self.quiet:
            log.warning("%s", message)
        # a refresh to another host again (a hijacked site's every page): the run's one note counts it instead
        if not self.quiet and (folded := self.refreshes.fold(message)) is not None:
            before, message = folded
            self.errors[self.errors.index(before)] = message
        else:
            self.errors.append(message)
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
