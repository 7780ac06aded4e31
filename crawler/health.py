"""Records each crawl as a SourceRun and keeps the source's health current (`canhgac status`).

A run fails when Scrapy did not finish normally or when none of the source's start URLs (feeds,
sitemaps, listing pages) could be fetched (a dead host, DNS error, 500s), or when an html/ads source's selectors
found nothing on every listing page fetched (a wrong selector, a redesigned site: not a quiet day); errors inside
a run that still collected (a 404 article, a malformed entry) are counted on an OK run, and so is a run whose
links were all seen before (0 new items).

The run recorded is the crawl's own: the one its runner created for it (`-s CANHGAC_RUN_ID=<id>`, see
`crawler.runner`), or, for a crawl started directly (`scrapy crawl`), a new one. While the crawl runs, a thread
renews the run's lease and saves its counters every RUN_HEARTBEAT_S (`review.sources`), so a crawl of the same
source started meanwhile, here or on another machine, leaves this run alone, and a crawl killed from outside
is closed as `killed` with what it had stored.
"""

from __future__ import annotations

import logging
import threading

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawler.context import CrawlContext, crawl_context
from review.sources import RUN_HEARTBEAT_S

log = logging.getLogger(__name__)


# canhgac's own reasons for closing a spider (crawler.shared: Redis, the queue several workers share)
REDIS_UNREACHABLE = "redis_unreachable"  # at the start: nothing was fetched
REDIS_LOST = "redis_lost"  # mid-crawl, for longer than CANHGAC_REDIS_DOWN_S

# Scrapy's reasons for closing a spider early, and ours, as `status` and the digest show them
_CLOSE_REASON_VI = {"shutdown": "được yêu cầu dừng", "cancelled": "bị huỷ",
                    "closespider_timeout": "hết thời gian cho phép", "closespider_errorcount": "quá nhiều lỗi",
                    "closespider_pagecount": "đủ số trang giới hạn", "closespider_itemcount": "đủ số mục giới hạn",
                    REDIS_UNREACHABLE: "không kết nối được Redis, xem [crawler] redis_url",
                    REDIS_LOST: "mất kết nối Redis, xem [crawler] redis_url"}
# reasons that end a crawl before it fetched anything: the error noted on the run (what, where) is its message
_NOT_STARTED = {REDIS_UNREACHABLE}


# html/ads sources: their listing pages are read with the configured selectors
LISTING_KINDS = ("html", "ads")
# how `crawler.spiders.listing` notes a listing page where the selectors found nothing (after the page's URL and
# ": "): a selector matching nothing, or a page that only moves on with a meta refresh. Kept in step with it by
# tests/crawler/test_selector_nothing.py, which crawls such pages.
NOTHING_LISTED = ("bộ chọn selectors.", "trang danh sách chỉ chuyển hướng")


def close_reason_vi(reason: str) -> str:
    """A spider's close reason as `canhgac status` shows it (an unknown one as it is)."""
    return _CLOSE_REASON_VI.get(reason, reason)


class HealthRecorder:
    def __init__(self, ctx: CrawlContext, given_run_id: int | None = None) -> None:
        self.ctx = ctx
        self.given_run_id = given_run_id  # the run the runner recorded for this crawl
        self.run_id: int | None = None
        self._beating = threading.Event()  # set: the heartbeat thread stops
        self._heartbeat: threading.Thread | None = None
        self.listing_pages: set[str] = set()  # html/ads sources: the listing pages fetched (see `_nothing_listed`)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HealthRecorder:
        if not crawler.settings.getbool("CANHGAC_HEALTH_ENABLED", True):
            raise NotConfigured("health recording switched off")
        ext = cls(crawl_context(crawler), crawler.settings.getint("CANHGAC_RUN_ID") or None)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.spider_error, signal=signals.spider_error)
        crawler.signals.connect(ext.item_error, signal=signals.item_error)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        if self.ctx.source is None:
            return
        store, name = self.ctx.store, self.ctx.source.name
        store.close_stale_runs(name)  # runs whose crawl is gone; a live one (another worker's) stays running
        if self.given_run_id is not None and store.adopt_run(self.given_run_id):
            self.run_id = self.given_run_id
        else:
            if self.given_run_id is not None:
                log.warning("run %s of %s is no longer running; recording this crawl as a new run",
                            self.given_run_id, name)
            self.run_id = store.start_run(name)
        self._heartbeat = threading.Thread(target=self._beat, args=(self.run_id,), name="canhgac-run-heartbeat",
                                           daemon=True)
        self._heartbeat.start()

    def _beat(self, run_id: int) -> None:
        """Renew the run's lease and save its counters until the spider closes."""
        ctx = self.ctx
        while not self._beating.wait(RUN_HEARTBEAT_S):
            try:
                ctx.store.heartbeat_run(run_id, items_new=ctx.items_new, pages=ctx.pages, errors=len(ctx.errors))
            except Exception:  # noqa: BLE001 - the database unreachable for a while: try again next beat
                log.warning("could not renew the lease of run %s", run_id, exc_info=True)

    def _stop_heartbeat(self) -> None:
        self._beating.set()
        if self._heartbeat is not None:
            self._heartbeat.join(timeout=60)

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        if not response.url.endswith("/robots.txt"):
            self.ctx.pages += 1
        source = self.ctx.source
        if (source is not None and source.kind in LISTING_KINDS and 200 <= response.status < 300  # read, not refused
                and request.callback == getattr(spider, "parse", None)):
            self.listing_pages.add(response.url)

    def _nothing_listed(self) -> bool:
        """Every listing page fetched had nothing the configured selectors matched (a wrong selector, a redesigned
        site, a list that moved): the run found nothing to look at, which is not a quiet day. A page where links
        were found, even all already seen ("0 new items"), is fine."""
        said = self._nothing_listed_errors()
        return bool(self.listing_pages) and all(any(e.startswith(f"{url}: ") for e in said)
                                                for url in self.listing_pages)

    def _nothing_listed_errors(self) -> list[str]:
        return [e for e in self.ctx.errors if any(f": {marker}" in e for marker in NOTHING_LISTED)]

    def spider_error(self, failure: Failure, response: Response, spider: Spider) -> None:
        """A callback raised: what it had not yielded yet is lost for this run, so it must show on the run."""
        exc = failure.value
        self.ctx.error(f"{response.url}: lỗi khi đọc trang ({type(exc).__name__}: {str(exc)[:200]})")

    def item_error(self, item: object, response: Response | None, spider: Spider, failure: Failure) -> None:
        """A pipeline stage raised (the database refused a batch ...): the item was not stored."""
        exc = failure.value
        url = getattr(item, "url", None) or (response.url if response is not None else "?")
        self.ctx.error(f"{url}: không lưu được ({type(exc).__name__}: {str(exc)[:200]})")

    def spider_closed(self, spider: Spider, reason: str) -> None:
        ctx = self.ctx
        if self.run_id is None:
            return
        self._stop_heartbeat()
        dead = bool(ctx.start_failed) and not ctx.start_ok
        blind = reason == "finished" and not dead and self._nothing_listed()
        ok = reason == "finished" and not dead and not blind
        if reason in _NOT_STARTED:
            message: str | None = ctx.errors[-1] if ctx.errors else close_reason_vi(reason)
        elif reason != "finished":
            message = f"lượt thu thập dừng giữa chừng ({close_reason_vi(reason)})"
        elif dead:
            message = "không tải được địa chỉ nào trong urls của nguồn: " + "; ".join(ctx.errors[:3])
        elif blind:
            message = (f"không tìm được liên kết nào trên trang danh sách nào ({len(self.listing_pages)} trang), nên "
                       f"lượt chạy không thu được gì: {self._nothing_listed_errors()[-1]}")
        elif ctx.errors:
            message = f"{len(ctx.errors)} lỗi trong lượt chạy, lỗi cuối: {ctx.errors[-1]}"
        else:
            message = None
        # "shutdown": Scrapy was told to stop (Ctrl-C on `canhgac crawl`, the daemon stopping): not the source's fault
        ctx.store.finish_run(self.run_id, ok=ok, items_new=ctx.items_new, pages=ctx.pages,
                             errors=len(ctx.errors), message=message, stopped=reason == "shutdown")
        log.info("run %s of %s: %s, %d new items, %d pages, %d errors", self.run_id, ctx.source.name if ctx.source
                 else "?", "ok" if ok else "stopped" if reason == "shutdown" else "failed", ctx.items_new, ctx.pages, len(ctx.errors))
        ctx.store.close()
