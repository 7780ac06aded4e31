"""What every source spider shares: its source config, article extraction, and error bookkeeping.

A spider is run as `scrapy crawl <kind> -a source=NAME`. Every failure (HTTP error, timeout, DNS,
robots.txt, size cap, redirect loop) lands in `on_error`, which records it on the source's health and
lets the crawl go on; a start URL (feed, sitemap, listing) that fails is remembered so the run can be
judged failed when none of them worked.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
    UnsupportedURLSchemeError,
)
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.context import CrawlContext, crawl_context
from crawler.dates import fetch_time
from crawler.extract import decode_html
from crawler.items import ARTICLE, POST, CollectedItem
from crawler.middlewares import asked_url
from review.config import SourceConfig
from review.errors import UsageError
from review.items import feed_state_key
from review.models import MAX_URL_LENGTH

#: The "already seen" marker (`SourceSpider.entry_key`) of a page listed without a change signal (a listing
#: page's link, a sitemap <loc> without <lastmod>): saved with its item, so a link that redirects elsewhere
#: (http to https, /?p=123 to its slug) is not fetched again each run although no item has its URL.
LISTED = "listed"


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


# What a failed download means, in the words officers read under "Lỗi gần nhất" (`canhgac status`); the
# exception's own (English, technical) text follows in parentheses for whoever fixes it.
_FAILURES_VI: tuple[tuple[type[BaseException], str], ...] = (
    (CannotResolveHostError, "không tìm thấy tên miền (DNS)"),
    (DownloadTimeoutError, "quá thời gian chờ ([crawler] download_timeout_s)"),
    (DownloadConnectionRefusedError, "máy chủ từ chối kết nối"),
    (ResponseDataLossError, "kết nối bị ngắt khi đang tải, trang không đầy đủ"),
    (UnsupportedURLSchemeError, "kiểu địa chỉ không được hỗ trợ"),
    (DownloadCancelledError, "việc tải trang bị huỷ"),
)
_IGNORED_VI = {
    "Forbidden by robots.txt": "robots.txt của trang không cho phép tải",
    "max redirections reached": "chuyển hướng quá số lần cho phép ([crawler] max_redirects)",
}


def describe_failure(failure: Failure, maxsize: int = 0) -> str:
    """One line for the source's health, in Vietnamese. `maxsize`: the download size cap (DOWNLOAD_MAXSIZE) in
    bytes."""
    exc = failure.value
    if isinstance(exc, HttpError):
        status = exc.response.status
        location = exc.response.headers.get(b"Location")
        if 300 <= status < 400 and location:  # RedirectMiddleware would not follow it (file://, mailto:, ...)
            return (f"máy chủ trả về HTTP {status}: không đi theo chuyển hướng tới "
                    f"{location.decode('latin-1')[:200]!r}")
        return f"máy chủ trả về HTTP {status}"
    name = type(exc).__name__
    text = str(exc).strip()
    detail = f" ({name}: {text[:300]})" if text else f" ({name})"
    says_cap = "max size" in text or "DOWNLOAD_MAXSIZE" in text
    if maxsize and (isinstance(exc, DownloadCancelledError) and (not text or says_cap)
                    or isinstance(exc, IgnoreRequest) and says_cap):
        # over the cap: Scrapy cancels a body with a larger Content-Length outright, one without it once it passes
        # the cap (and then only logs it, so the exception says nothing), and ignores one that inflates past it
        return (f"trang lớn hơn giới hạn tải về ({maxsize / 1024 / 1024:g} MB, [crawler] download_maxsize_mb): "
                f"không tải{detail}")
    if isinstance(exc, IgnoreRequest):
        return f"{_IGNORED_VI.get(text, 'không tải trang này')}{detail}"
    gist = next((vi for cls, vi in _FAILURES_VI if isinstance(exc, cls)), None)
    if gist is None and name in ("TimeoutError", "TCPTimedOutError"):  # Twisted's, at connect time
        gist = "quá thời gian chờ ([crawler] download_timeout_s)"
    return f"{gist or 'không tải được trang'}{detail}"


class SourceSpider(scrapy.Spider):
    kind: ClassVar[str] = ""
    # Scrapy checks each generator callback for `return value` by reading its source, on every response
    # (its cache is keyed by short-lived bound methods): ~3 ms per page of reactor time for a warning.
    # URLLENGTH_LIMIT off: Scrapy's filter drops a long link with an INFO line only; instead a link longer than
    # an item's URL may be (review.models.MAX_URL_LENGTH, 2500) is refused as an error of the run
    # (`article_request`), and the store stage refuses any other item URL over it (a redirect's target)
    custom_settings = {"WARN_ON_GENERATOR_RETURN_VALUE": False, "URLLENGTH_LIMIT": 0}
    ctx: CrawlContext
    cfg: SourceConfig
    # Several workers of one source (`[crawler] redis_url`, crawler.shared.SharedScheduler): only the
    # round's first worker yields the start URLs, and a URL is claimed by one worker of the round.
    seeds: bool = True
    claim: Callable[[str], bool] | None = None

    def __init__(self, source: str = "", *args: Any, **kwargs: Any) -> None:
        if not source:
            raise UsageError(f"cần chỉ rõ nguồn: scrapy crawl {self.name} -a source=NAME")
        super().__init__(*args, **kwargs)
        self.source_name = source
        self.scheduled: set[str] = set()  # canonical URLs already requested in this run

    def entry_key(self, canonical: str) -> str:
        """Where this source keeps the "already seen" marker of a listed entry (feed_state): per source, so an
        RSS feed (entry fingerprints) and a sitemap (lastmod dates) listing the same article, or two feeds
        listing it with different summaries, do not overwrite each other's marker and re-fetch it each run.
        A key too long for its column is a hash (`review.items.feed_state_key`)."""
        return feed_state_key(f"entry:{self.source_name}|{canonical}")

    def first_time(self, canonical: str) -> bool:
        """True once per canonical URL per run (a feed and its Atom twin list the same articles)."""
        if canonical in self.scheduled:
            return False
        self.scheduled.add(canonical)
        return self.claim is None or self.claim(canonical)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SourceSpider:
        spider: SourceSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.ctx = crawl_context(crawler)
        spider.cfg = spider.ctx.config.source(spider.source_name)
        if spider.cfg.kind != cls.kind:
            raise UsageError(f"nguồn {spider.cfg.name!r} thuộc loại {spider.cfg.kind!r}: "
                             f"hãy chạy `scrapy crawl {spider.cfg.kind} -a source={spider.cfg.name}`")
        spider.ctx.source = spider.cfg
        spider.ctx.store.ensure_source(spider.cfg)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        if not self.seeds:
            return
        for url in self.cfg.urls:
            yield self.start_request(url)

    def start_request(self, url: str) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse, errback=self.on_error, meta={"start_url": url},
                              dont_filter=True)

    def start_succeeded(self, response: Response) -> None:
        if start := response.meta.get("start_url"):
            self.ctx.start_ok.add(start)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        maxsize = request.meta.get("download_maxsize", self.settings.getint("DOWNLOAD_MAXSIZE"))
        self.ctx.error(f"{asked_url(request)}: {describe_failure(failure, maxsize)}")
        if start := request.meta.get("start_url"):
            self.ctx.start_failed.add(start)
        if fallback := request.meta.get("fallback"):
            yield fallback  # the feed's own title/summary: better than losing the entry
        return

    # --------------------------------------------------------------------------------- articles
    def too_long(self, url: str) -> bool:
        """A URL no item may have (`review.models.MAX_URL_LENGTH`): recorded as an error of the run."""
        if len(url) <= MAX_URL_LENGTH:
            return False
        self.ctx.error(f"{url[:200]}…: địa chỉ dài {len(url)} ký tự, quá giới hạn {MAX_URL_LENGTH} ký tự: không tải "
                       "và không lưu bài này")
        return True

    def article_request(self, url: str, *, meta: dict[str, Any] | None = None) -> scrapy.Request | None:
        """The request for an article, or None (Scrapy ignores it) when its URL, percent-encoded, is `too_long`."""
        # dont_filter: spiders dedupe by canonical URL themselves (`first_time`), and Scrapy's filter would
        # silently swallow a redirect loop instead of letting REDIRECT_MAX_TIMES report it
        request = scrapy.Request(url, callback=self.parse_article, errback=self.on_error, meta=meta or {},
                                 dont_filter=True)
        return None if self.too_long(request.url) else request

    def page_text(self, response: Response) -> str:
        """The page decoded (`crawler.extract.decode_html`); damaged bytes are recorded, not hidden."""
        text, note = decode_html(response.body, (response.headers.get("Content-Type") or b"").decode("latin-1"))
        if note:
            self.ctx.error(f"{response.url}: {note}")
        return text

    def new_item(self, url: str, **fields: Any) -> CollectedItem:
        fields.setdefault("kind", ARTICLE if self.cfg.official or self.kind in ("rss", "sitemap") else POST)
        return CollectedItem(url=url, source_name=self.cfg.name, official=self.cfg.official,
                             locality=(self.cfg.locality,) if self.cfg.locality else (), **fields)

    def parse_article(self, response: Response) -> Iterator[Any]:
        """The page as an item for the extract stage (`crawler.pipelines.extract`), which may run in another
        process. A feed entry's title, summary and author stand in for what the page lacks; its date, or the
        sitemap's, wins over the page's (it has a time of day, the page's often not)."""
        html = self.page_text(response)
        fallback: CollectedItem | None = response.meta.get("fallback")
        fields: dict[str, Any] = {}
        if fallback is not None:
            fields = {"kind": fallback.kind, "title": fallback.title, "text": fallback.text, "author": fallback.author}
        listed_date = fallback.published_at if fallback is not None else response.meta.get("sitemap_date")
        yield self.new_item(response.url, html=html, published_at=listed_date, raw_hash=sha256(response.body),
                            fetched_at=fetch_time(response.headers.get("Date"), datetime.now(UTC)),
                            entry_url=response.meta.get("entry_url"), entry_hash=response.meta.get("entry_hash"),
                            **fields)
