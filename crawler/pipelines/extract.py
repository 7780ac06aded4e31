"""Stage 0: a downloaded page's title, main text, author, date and language (`crawler.extract`).

Spiders hand over the decoded page (`item.html`) with whatever the listing already said: a feed
entry's title, summary and author fill in what the page lacks, and a listed date (feed entry, sitemap)
wins over the page's, so trafilatura skips its extensive date search. A listed date that is a day alone
(00:00:00 Vietnam time: "Wed, 02 Dec 2026", a sitemap's "2026-12-02") does not: the page is searched for its
date, and the page's wins when it falls on that day in Vietnam ("02/12/2026 - 08:15"). A page whose text is
only its menus and link lists (`crawler.extract._without_navigation`) gives none: the feed's summary stands in,
else the title alone is kept and the run notes it; so does a page showing only a paywall or login notice
(`crawler.byline.paywall_only`) or nothing at all, always noted. A <meta http-equiv="refresh"> is not followed:
the page is stored as itself and the run names the refresh's target (`ExtractStage._note_refresh`). The page's
author wins over the feed's, except an outlet named by a closing credit ("Theo Báo Nghệ An"), which stands in only
when the feed names nobody.
A relative date on the page ("2 giờ trước") counts back from when the page was fetched (`item.fetched_at`). An
AMP page is filed under the address its `<link rel="canonical">` names on the same site (`item.canonical_url`;
`item.url` stays the address fetched), so that its AMP and normal copies are one item (`crawler.pipelines.dedupe`).
Items without a page (ads read on their board, citizen reports) pass through untouched.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.context import CrawlContext, crawl_context
from crawler.extract import REFRESH_ELSEWHERE, VN_TZ, extract_article, is_auto_reload, meta_refresh
from crawler.items import REPORT, CollectedItem
from crawler.urls import canonical_url
from review.config import Selectors
from review.models import MAX_URL_LENGTH


def _vn_day(when: datetime) -> tuple[date, bool]:
    """`when`'s calendar day in Vietnam, and whether it is that day's 00:00:00 (a day written without a time)."""
    local = (when if when.tzinfo is not None else when.replace(tzinfo=UTC)).astimezone(VN_TZ)
    return local.date(), local.time() == datetime.min.time()


class ExtractStage:
    def __init__(self, ctx: CrawlContext) -> None:
        self.ctx = ctx

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractStage:
        return cls(crawl_context(crawler))

    def selectors(self, item: CollectedItem) -> Selectors | None:
        source = self.ctx.source
        if source is None or source.name != item.source_name:
            source = next((s for s in self.ctx.config.sources if s.name == item.source_name), None)
        return source.selectors if source is not None else None

    def process_item(self, item: CollectedItem) -> CollectedItem:
        if item.html is None:
            return item
        html, item.html = item.html, None
        listed = item.published_at
        day, day_only = _vn_day(listed) if listed is not None else (None, False)
        ex = extract_article(html, item.url, self.selectors(item), date_known=listed is not None and not day_only,
                             fetched_at=item.fetched_at)
        if ex.canonical and item.kind != REPORT and len(ex.canonical) <= MAX_URL_LENGTH:
            item.canonical_url = canonical_url(ex.canonical)  # a citizen's report stays the address they gave
        item.title = ex.title or item.title
        item.text = ex.text or item.text
        # the page's author wins over the feed's; an outlet's credit does not replace the feed's author
        if ex.author and not (ex.credited and item.author):
            item.author = ex.author
        if listed is None or (day_only and ex.published_at is not None and _vn_day(ex.published_at)[0] == day):
            item.published_at = ex.published_at  # the page's own date, or its time of the listed day
        item.language = ex.language
        if not item.text and not item.title:
            self.ctx.error(f"{item.url}: trang trống (không lấy được tiêu đề hay nội dung)")
            raise DropItem(f"empty page: {item.url}")
        if not html.strip() and item.title:  # a feed entry's page came back empty: the feed stands in, say so
            kept = "lưu tiêu đề và tóm tắt của nguồn tin" if item.text else "chỉ lưu tiêu đề của nguồn tin"
            self.ctx.error(f"{item.url}: trang trống (máy chủ trả về trang không có nội dung): {kept}")
        self._note_refresh(item, html, bool(ex.text))
        if ex.paywalled:  # the officer should know why the item holds only the feed's words
            kept = "lưu tóm tắt của nguồn tin" if item.text else "chỉ lưu tiêu đề"
            self.ctx.error(f"{item.url}: trang chỉ hiện thông báo nội dung trả phí hoặc cần đăng nhập, không có bài "
                           f"viết: {kept}")
        if ex.navigation_only and not item.text:  # nor a feed summary in its place: the officer should know
            self.ctx.error(f"{item.url}: trang chỉ có trình đơn và liên kết, không có nội dung chính (nội dung hiện "
                           "bằng JavaScript, hoặc nằm trong tệp, khung nhúng): chỉ lưu tiêu đề")
        return item

    def _note_refresh(self, item: CollectedItem, html: str, has_text: bool) -> None:
        """A page that moves the reader on with <meta http-equiv="refresh">, immediately or after a delay, is not
        followed (METAREFRESH_MAXDELAY = 0): the page itself is stored, under its own address and source. A
        hijacked portal page is gambling text plus an immediate refresh to the casino; followed, it would be stored
        as the casino's page and the portal's own page lost. The run says where each refresh pointed, another host
        above all. The whole page is read for it (a CMS's <head> is often longer than Scrapy's 4 KB look)."""
        delay, target = meta_refresh(html, item.url)
        if not target or is_auto_reload(item.url, target, delay):
            return
        if has_text:
            kept = "lưu nội dung của chính trang này"
        else:
            kept = "lưu tiêu đề và tóm tắt của nguồn tin" if item.text else "chỉ lưu tiêu đề"
        # (another host: the crawl process folds the run's notes into one, `CrawlContext.error`)
        where = REFRESH_ELSEWHERE if _host(target) != _host(item.url) else "trang chuyển hướng (meta refresh) tới"
        self.ctx.error(f"{item.url}: {where}: {target[:200]!r}, không đi theo: {kept}")


def _host(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:  # a malformed address (`http://[::1`): no host to compare, the page is stored all the same
        return ""
    return host.removeprefix("www.")
