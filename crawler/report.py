"""Citizen reports: one URL (or pasted text) someone sent the office, stored as an item of kind
`report` and scored with report priority — unless the same content is already in the queue: then the
report joins that entry (or, when it was decided already, is only recorded), see `review.citizen`.

The page is fetched once, directly (no Scrapy: a single user-requested page), with the crawler's
safety limits: http/https only, verified TLS, bounded size, redirects and time, private addresses refused
unless allowed — checked on the address each connection is made to (`crawler.netguard`). It then goes
through the same pipeline stages as crawled items.
"""

from __future__ import annotations

import logging
import os
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import cast
from urllib.parse import urlsplit

import certifi
from scrapy.exceptions import DropItem
from sqlalchemy import select

from crawler.context import CrawlContext
from crawler.extract import decode_body, extract_article
from crawler.items import REPORT, CollectedItem
from crawler.netguard import PrivateAddressError, PublicHTTPHandler, PublicHTTPSHandler, proxy_hosts
from crawler.pipelines import Stage
from crawler.pipelines.dedupe import DedupeStage
from crawler.pipelines.normalize import NormalizeStage
from crawler.pipelines.score import ScoreStage, load_scorer
from crawler.pipelines.store import to_scored_item
from crawler.spiders.base import sha256
from crawler.urls import is_crawlable, is_private_address, literal_address
from review.citizen import ALREADY_DECIDED, CRAWL_ACTOR, JOINED, NEW, file_report
from review.config import Config, CrawlerConfig
from review.errors import CanhgacError, UsageError
from review.models import ReviewEntry
from review.store import Store


class FetchError(CanhgacError):
    pass


@dataclass(frozen=True)
class ReportResult:
    item_id: int
    created: bool
    title: str
    scored: bool
    entry_id: int | None = None  # the review-queue entry (what show/claim/decide take); None until scored
    outcome: str = NEW  # NEW, JOINED (added to an undecided entry) or ALREADY_DECIDED (recorded only)
    status: str | None = None  # JOINED / ALREADY_DECIDED: the entry's status
    verdict: str | None = None  # ALREADY_DECIDED: the entry's verdict and category
    verdict_category: str | None = None
    repeated: bool = False  # JOINED / ALREADY_DECIDED: this same report had been recorded on it before
    scoring_off: str | None = None  # not scored: why no scorer could be loaded (its log line, English)


def tls_context() -> ssl.SSLContext:
    """A verifying context trusting what a crawl trusts: `SSL_CERT_FILE` when the admin set it (Twisted
    reads it through OpenSSL's default paths), else certifi's bundle."""
    return ssl.create_default_context(cafile=os.environ.get("SSL_CERT_FILE") or certifi.where())


def user_agent_header(cfg: CrawlerConfig) -> bytes:
    """The User-Agent header sent with a report's fetch: `[crawler] user_agent` and contact, as UTF-8 bytes.

    The same bytes a crawl sends (Scrapy encodes header strings as UTF-8), so a Vietnamese user agent such as
    "canhgac/0.1 (giám sát nội dung, Sở VHTTDL)" reaches the site as written; urllib on its own would encode
    the header as Latin-1 and fail."""
    ua = cfg.user_agent + (f" (+{cfg.contact})" if cfg.contact else "")
    return ua.encode("utf-8")


def check_report_url(url: str) -> None:
    """UsageError unless `url` is one the crawler would fetch (http/https with a host)."""
    if not is_crawlable(url):
        raise UsageError(f"chỉ nhận phản ánh địa chỉ http:// hoặc https://, không nhận {url!r}")


def check_report_input(url: str | None, text: str | None, where: str = "--text") -> None:
    """UsageError unless there is a URL or a text with something in it: a text without a single letter or digit
    ("-", "...", only spaces) says nothing a moderator could judge, and would be filed (and counted) as a report.
    `where`: how the text was given, named in the message ("--text", "stdin", a file)."""
    if text is not None and not has_words(text):
        if url:
            raise UsageError(f"nội dung phản ánh ({where}) không có chữ hay số nào: hãy đưa nội dung bị phản ánh, "
                             "hoặc chỉ đưa địa chỉ để tải trang")
        raise UsageError(f"nội dung phản ánh ({where}) không có chữ hay số nào: cần địa chỉ trang bị phản ánh, "
                         "hoặc nội dung bị phản ánh (--text, --text - từ stdin, --text-file TỆP)")
    if not url and not text:
        raise UsageError("cần địa chỉ trang bị phản ánh, hoặc nội dung bị phản ánh (--text, --text - từ stdin, "
                         "--text-file TỆP)")


def has_words(text: str) -> bool:
    """At least one letter or digit, in any script ("lừa đảo" and "0987654321" are texts, "..." is not)."""
    return any(ch.isalnum() for ch in text)


def _refused_redirect(host: str, address: str) -> FetchError:
    where = host if literal_address(host) else f"{host} ({address})"
    return FetchError(f"từ chối chuyển hướng tới địa chỉ nội bộ {where} ([crawler] allow_private_hosts đang tắt)")


class RedirectGuard(urllib.request.HTTPRedirectHandler):
    """Follows at most `max_redirects` redirects, each to an http(s) URL and, unless
    `allow_private_hosts`, not to a private address (a public page must not bounce us to 127.0.0.1 or
    169.254.169.254). Literal addresses are refused here, before the request; a name is checked where
    its connection is made (`crawler.netguard`), on the address connected to."""

    def __init__(self, max_redirects: int, allow_private_hosts: bool) -> None:
        self.max_redirections = max_redirects  # type: ignore[misc]  # a ClassVar in typeshed; urllib reads self.
        self.allow_private_hosts = allow_private_hosts

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if not is_crawlable(newurl):
            raise FetchError(f"từ chối chuyển hướng tới địa chỉ không phải http(s): {newurl}")
        host = urlsplit(newurl).hostname or ""
        if not self.allow_private_hosts and (address := literal_address(host)) and is_private_address(address):
            raise _refused_redirect(host, address)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, cfg: CrawlerConfig, *, allowed_hosts: frozenset[str] | None = None) -> tuple[bytes, str, str]:
    """(body, content type, final URL) of `url`, within the crawler's limits.

    Unless `cfg.allow_private_hosts`, every connection (the first and each redirect) is made only to
    addresses checked as public when the name was resolved for it (`crawler.netguard`); `allowed_hosts`
    ("host:port" endpoints; default: the configured proxies', `proxy_hosts()`) are connected to whatever their
    address."""
    check_report_url(url)
    redirects = RedirectGuard(cfg.max_redirects, cfg.allow_private_hosts)
    handlers: list[urllib.request.BaseHandler]
    if cfg.allow_private_hosts:
        handlers = [urllib.request.HTTPSHandler(context=tls_context())]
    else:
        allowed = proxy_hosts() if allowed_hosts is None else allowed_hosts
        handlers = [PublicHTTPHandler(allowed), PublicHTTPSHandler(tls_context(), allowed)]
    opener = urllib.request.build_opener(redirects, *handlers)
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    # bytes: http.client would encode a str as Latin-1 and fail on "giám sát nội dung"
    request.add_header("User-Agent", cast(str, user_agent_header(cfg)))
    limit = cfg.download_maxsize_mb * 1024 * 1024
    try:
        with opener.open(request, timeout=cfg.download_timeout_s) as resp:
            body = resp.read(limit + 1)
            if len(body) > limit:
                raise FetchError(f"{url}: trang lớn hơn {cfg.download_maxsize_mb} MB")
            return body, resp.headers.get("Content-Type", ""), resp.geturl()
    except PrivateAddressError as exc:  # checked before a proxy: not wrapped by urllib
        raise _refused(url, exc) from None
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, PrivateAddressError):
            raise _refused(url, reason) from None
        raise FetchError(f"{url}: không tải được trang ({reason})") from None


def _refused(url: str, exc: PrivateAddressError) -> CanhgacError:
    """The reported address itself is private: a usage error; a redirect's target: the fetch failed."""
    if exc.host.lower() == (urlsplit(url).hostname or "").lower():
        return UsageError(str(exc))
    return _refused_redirect(exc.host, exc.address)


def submit_report(config: Config, store: Store, url: str | None, *, text: str | None = None,
                  note: str | None = None, reporter: str | None = None, actor: str = "report") -> ReportResult:
    """Fetch (unless `text` is given), extract, score and store one citizen report; when its content is
    already in the queue, join that entry instead (`review.citizen.file_report`). `actor`: who entered
    it, for the audit row of a joined report."""
    check_report_input(url, text)
    if url:
        check_report_url(url)  # also with --text: the stored url must never be javascript:, file:, ...
    extra = {k: v for k, v in (("note", note), ("reporter", reporter)) if v}
    if text is not None:
        item = CollectedItem(url=url or f"report:text/{sha256(text)[:16]}", kind=REPORT,
                             title=text.strip().splitlines()[0][:200] if text.strip() else "", text=text)
    else:
        assert url is not None
        body, ctype, final = fetch(url, config.crawler)
        ex = extract_article(decode_body(body, ctype), final)
        item = CollectedItem(url=final, kind=REPORT, title=ex.title, text=ex.text, author=ex.author,
                             published_at=ex.published_at, language=ex.language, raw_hash=sha256(body))
        if not ex.text and not ex.title:
            raise FetchError(f"{url}: không trích được nội dung nào từ trang; hãy dán nội dung bằng --text")
    item.extra = {**extra, "reported": True}
    ctx = CrawlContext(config=config, store=store)
    with scoring_off_reasons() as why:
        scorer, bank = load_scorer(config.classifier, store)
    off = "; ".join(why) if scorer is None else None  # "": off, no reason given
    stages: list[Stage] = [NormalizeStage(), DedupeStage(ctx), ScoreStage(ctx, scorer, bank)]
    try:
        for stage in stages:
            item = stage.process_item(item)
    except DropItem:  # the same report was already stored (and scored, unless scoring is off)
        found = store.stored_item(item.canonical_url, item.content_hash)
        if found is None:
            raise
        return ReportResult(found[0], False, item.title, found[1], _entry_id(store, found[0]),
                            scoring_off=None if found[1] else off)
    filed = file_report(store, to_scored_item(item), actor=actor, office_locality=config.review.locality)
    if filed.outcome in (JOINED, ALREADY_DECIDED):
        return ReportResult(filed.item_id, False, item.title, True, filed.entry_id, outcome=filed.outcome,
                            status=filed.status, verdict=filed.verdict, verdict_category=filed.verdict_category,
                            repeated=filed.repeated)
    return ReportResult(filed.item_id, filed.created, item.title, filed.scored, filed.entry_id,
                        scoring_off=None if filed.scored else off)


@contextmanager
def scoring_off_reasons() -> Iterator[list[str]]:
    """Collect, instead of logging, why `load_scorer` turns scoring off (its "scoring is off: ..." lines), so a
    command can tell the officer in Vietnamese rather than print an English log line; other lines pass."""
    logger = logging.getLogger(load_scorer.__module__)
    seen: list[str] = []

    def keep(record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith("scoring is off"):
            seen.append(_scoring_off_vi(message.removeprefix("scoring is off").lstrip(": ")))
            return False
        return True

    logger.addFilter(keep)
    try:
        yield seen
    finally:
        logger.removeFilter(keep)


# `load_scorer`'s reasons (English, for the daemon's log) as the officer reads them
_SCORING_OFF_VI = (("cannot load the model: ", "không tải được mô hình: "),
                   ("the classifier is not available", "bộ phân loại không dùng được"),
                   ("this store cannot record scores yet", "cơ sở dữ liệu này chưa ghi được điểm"),
                   ("the model has categories canhgac does not know", "mô hình có nhóm canhgac không biết"),
                   ("; items are stored unscored", ""), ("; run `canhgac config check`", "; hãy chạy `canhgac config check`"))


def _scoring_off_vi(reason: str) -> str:
    for english, vietnamese in _SCORING_OFF_VI:
        reason = reason.replace(english, vietnamese)
    return reason


@dataclass
class WaitingReports:
    """What `queue_waiting_reports` did: entries opened, entries joined, reports still waiting and why."""

    queued: list[int] = field(default_factory=list)  # review entries opened for waiting reports
    joined: list[int] = field(default_factory=list)  # entries of the same content the reports joined
    still_waiting: int = 0  # not scored this time either (scoring still off, or a scoring error)
    scoring_off: str | None = None


def queue_waiting_reports(config: Config, store: Store, *, actor: str = CRAWL_ACTOR) -> WaitingReports:
    """Score and file the citizen reports stored while no scorer could be loaded (`Store.waiting_reports`):
    each gets its review entry as if it had been scored when it came (report priority), or joins the entry of
    the same content that reached the queue meanwhile (`review.citizen.file_report`). Called after a
    `canhgac crawl` and after each daemon crawl; costs one query when nothing waits."""
    waiting = store.waiting_reports()
    done = WaitingReports()
    if not waiting:
        return done
    with scoring_off_reasons() as why:
        scorer, bank = load_scorer(config.classifier, store)
    if scorer is None:
        done.still_waiting, done.scoring_off = len(waiting), "; ".join(why) or None
        return done
    stage = ScoreStage(CrawlContext(config=config, store=store), scorer, bank)
    for item_id, stored in waiting:
        item = CollectedItem(url=stored.url, kind=REPORT, title=stored.title, text=stored.text, author=stored.author,
                             published_at=stored.published_at, language=stored.language, raw_hash=stored.raw_hash,
                             source_name=stored.source_name, official=stored.official,
                             locality=tuple(stored.locality), extra=dict(stored.extra),
                             canonical_url=stored.canonical_url, content_hash=stored.content_hash,
                             minhash=stored.minhash, band_keys=list(stored.band_keys), existing_item_id=item_id)
        try:
            item = stage.process_item(item)
        except Exception:  # noqa: BLE001 - this report's scoring error: it waits for the next run
            logging.getLogger(__name__).exception("could not score waiting report item %d", item_id)
            done.still_waiting += 1
            continue
        again = store.stored_item(stored.canonical_url, stored.content_hash)
        if again is None or again[1]:  # purged, or scored by another process meanwhile
            continue
        filed = file_report(store, to_scored_item(item), actor=actor, office_locality=config.review.locality)
        if filed.outcome == NEW:
            if filed.entry_id is not None:
                done.queued.append(filed.entry_id)
        else:  # the same content reached the queue meanwhile: the report joined that entry
            store.mark_report_filed(item_id, filed.entry_id)
            if filed.entry_id is not None:
                done.joined.append(filed.entry_id)
    return done


def _entry_id(store: Store, item_id: int) -> int | None:
    with store.session() as s:
        return s.scalar(select(ReviewEntry.id).where(ReviewEntry.item_id == item_id))
