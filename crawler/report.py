"""Citizen reports: one URL (or pasted text) someone sent the office, stored as an item of kind
`report` and scored with report priority — unless the same content is already in the queue: then the
report joins that entry (or, when it was decided already, is only recorded), see `review.citizen`.

The page is fetched once, directly, with the crawler's safety limits (`crawler.report_fetch`), then goes
through the same pipeline stages as crawled items. A pasted text that cannot be filed (the database locked
or gone, Ctrl-C) is kept in a file the officer can send again (`crawler.report_kept`), never lost.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from scrapy.exceptions import DropItem
from sqlalchemy import select

from crawler.context import CrawlContext
from crawler.extract import Extracted, clean_text, decode_html, extract_article, guess_language
from crawler.items import REPORT, CollectedItem
from crawler.pipelines import Stage
from crawler.pipelines.dedupe import DedupeStage
from crawler.pipelines.normalize import NormalizeStage
from crawler.pipelines.score import ScoreStage, load_scorer
from crawler.pipelines.store import to_scored_item, too_long
from crawler.report_fetch import (
    PASTE_INSTEAD,
    TOO_LONG_INSTEAD,
    check_not_login_wall,
    check_page_type,
    fetched_where,
    page_mime,
    request_url,
)
from crawler.report_fetch import FetchError as FetchError  # re-exported: callers import them from here
from crawler.report_fetch import RedirectGuard as RedirectGuard
from crawler.report_fetch import check_report_url as check_report_url
from crawler.report_fetch import fetch as fetch
from crawler.report_fetch import tls_context as tls_context
from crawler.report_fetch import user_agent_header as user_agent_header
from crawler.report_kept import keeping_text
from crawler.report_links import pasted_link, unwrap_link
from crawler.report_links import reported_link as reported_link  # re-exported: tests import it from here
from crawler.spiders.base import sha256
from review.citizen import ALREADY_DECIDED, CRAWL_ACTOR, JOINED, NEW, file_report
from review.config import Config
from review.errors import UsageError
from review.models import HARM_VERDICTS, ReviewEntry
from review.report_place_keys import add_missing_place_keys
from review.store import Store
from review.vi import category_vi, verdict_vi


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
    # the fetched page's bytes were damaged and read another way (`crawler.charset.decode_html`'s note,
    # Vietnamese): the stored text may have wrong letters, which the officer should be told
    page_note: str | None = None
    # NEW: the newest decided entry of the same address, its verdict and category (`review.citizen.FiledReport`)
    earlier_entry_id: int | None = None
    earlier_verdict: str | None = None
    earlier_category: str | None = None
    match: str | None = None  # JOINED: how it matched (`review.report_match`; SAME_PLACE: only the link's page)


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


def submit_report(config: Config, store: Store, url: str | None, *, text: str | None = None,
                  note: str | None = None, reporter: str | None = None, actor: str = "report",
                  tell: Callable[[str], None] | None = None) -> ReportResult:
    """Fetch (unless `text` is given), extract, score and store one citizen report; when its content is
    already in the queue, join that entry instead (`review.citizen.file_report`). `actor`: who entered
    it, for the audit row of a joined report. A text that has something to say and cannot be filed is kept in
    a file first (`keeping_text`); the error then names it. `tell`: given a line (Vietnamese) before the reported
    page is fetched (`fetch`, at most `[crawler] download_timeout_s` in all) or a pasted report's link is followed
    (`pasted_link`), for the command to show while the officer waits."""
    check_report_input(url, text)
    note, reporter = clean_note(note), clean_reporter(reporter)
    if text is None:
        return _submit(config, store, url, text, note, reporter, actor, tell)
    with keeping_text(text, url=url, note=note, reporter=reporter):
        return _submit(config, store, url, text, note, reporter, actor, tell)


def clean_reporter(reporter: str | None) -> str | None:
    """The reporter as one line: NFC (a name pasted from a phone may be NFD), invisible format characters dropped
    (an iPhone wraps a copied contact in bidi marks, U+202A … U+202C), every run of whitespace or control
    characters one space; nothing left: None. "Nguyễn Thị Hoa" typed two ways is one reporter, and their
    report sent twice is one report, not two."""
    if reporter is None:
        return None
    one_line = " ".join(_CONTROLS.sub(" ", unicodedata.normalize("NFC", _without_format(reporter))).split())
    return one_line or None


def clean_note(note: str | None) -> str | None:
    """The officer's note: NFC, line breaks kept (as \\n; a form feed, NEL, U+2028 and U+2029 are line breaks
    too, not glue between two words), other control characters (an escape sequence pasted from a terminal) and
    invisible format characters dropped, surrounding blanks stripped; nothing left: None."""
    if note is None:
        return None
    lines = unicodedata.normalize("NFC", _without_format(note)).splitlines()
    kept = "\n".join(_CONTROLS.sub("", line.replace("\t", " ")).rstrip() for line in lines).strip()
    return kept or None


_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _without_format(text: str) -> str:
    """`text` without Unicode format characters (category Cf: bidi marks, zero-width spaces, a byte-order mark):
    invisible, yet they make two spellings of one name differ."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def _plain_text_page(text: str) -> Extracted:
    """A text/plain page as the extractor would give it: the text itself (an HTML extractor finds nothing in it),
    its first non-empty line the title."""
    text = clean_text(text)
    title = next((line for line in text.splitlines() if line), "")[:200]
    return Extracted(title=title, text=text, author=None, published_at=None, language=guess_language(text))


def _submit(config: Config, store: Store, url: str | None, text: str | None, note: str | None,
            reporter: str | None, actor: str, tell: Callable[[str], None] | None = None) -> ReportResult:
    if url:
        check_report_url(url)  # also with --text: the stored url must never be javascript:, file:, ...
    extra = {k: v for k, v in (("note", note), ("reporter", reporter)) if v}
    page_note: str | None = None
    if text is not None:
        link = None
        if url:  # stored under the link unwrapped; where it leads now is kept to meet reports of that page
            link, kept = pasted_link(url, config.crawler, tell=tell)
            extra.update(kept)
        item = CollectedItem(url=link or f"report:text/{sha256(text)[:16]}", kind=REPORT,
                             title=text.strip().splitlines()[0][:200] if text.strip() else "", text=text)
    else:
        assert url is not None
        # a Facebook link wrapper is fetched as the address it wraps (`reported_link` keeps the wrapper as sent)
        page = unwrap_link(request_url(url))
        if tell is not None:  # the fetch may take [crawler] download_timeout_s in all (30 s by default)
            tell(f"Đang tải trang {page} (tối đa {config.crawler.download_timeout_s:g} giây)…")
        body, ctype, final = fetch(page, config.crawler)
        check_page_type(url, ctype, body, final)
        html, page_note = decode_html(body, ctype)
        ex = _plain_text_page(html) if page_mime(ctype) == "text/plain" else extract_article(html, final)
        check_not_login_wall(url, final, body, ex.text)
        item = CollectedItem(url=final, kind=REPORT, title=ex.title, text=ex.text, author=ex.author,
                             published_at=ex.published_at, language=ex.language, raw_hash=sha256(body))
        if not ex.text and not ex.title:
            raise FetchError(f"{fetched_where(url, final)}: không trích được nội dung nào từ trang; {PASTE_INSTEAD}")
        extra.update(reported_link(url, final))
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
                            scoring_off=None if found[1] else off, page_note=page_note)
    if (longer := too_long(item)) is not None:  # the address given was checked: a redirect led to a longer one
        raise FetchError(f"{url}: {longer}: không lưu được phản ánh theo địa chỉ này; {TOO_LONG_INSTEAD}")
    with store.session() as s:  # reports pasted before place keys were stored: found by their page from now on
        add_missing_place_keys(s)
    filed = file_report(store, to_scored_item(item), actor=actor, office_locality=config.review.locality)
    if filed.outcome in (JOINED, ALREADY_DECIDED):
        return ReportResult(filed.item_id, False, item.title, True, filed.entry_id, outcome=filed.outcome,
                            status=filed.status, verdict=filed.verdict, verdict_category=filed.verdict_category,
                            repeated=filed.repeated, page_note=page_note, match=filed.match)
    return ReportResult(filed.item_id, filed.created, item.title, filed.scored, filed.entry_id,
                        scoring_off=None if filed.scored else off, page_note=page_note,
                        earlier_entry_id=filed.earlier_entry_id, earlier_verdict=filed.earlier_verdict,
                        earlier_category=filed.earlier_category)


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
    """What `queue_waiting_reports` did: entries opened, entries joined, reports still waiting and why.

    Each report is also kept by its item id: `canhgac report` named a report that could not be queued by it
    ("mã tin N", there being no entry yet), so the officer can tell which of their reports became which entry."""

    queued: list[int] = field(default_factory=list)  # review entries opened for waiting reports
    joined: list[int] = field(default_factory=list)  # entries of the same content the reports joined
    still_waiting: int = 0  # not scored this time either (scoring still off, or a scoring error)
    scoring_off: str | None = None
    queued_reports: list[int] = field(default_factory=list)  # the reports' item ids, in the order of `queued`
    joined_reports: list[int] = field(default_factory=list)  # the reports' item ids, in the order of `joined`
    waiting_reports: list[int] = field(default_factory=list)  # item ids of the reports still waiting
    # the reports whose content was queued and decided meanwhile: (item id, entry id, verdict, recorded category);
    # recorded on that entry only, nothing left to review
    decided: list[tuple[int, int, str | None, str | None]] = field(default_factory=list)

    def said_vi(self) -> list[str]:
        """What the officer is told (`canhgac crawl`), one line each: the entries as every command names them
        ("mục #N", what `show`/`claim`/`decide` take), each with the report's "mã tin" that `canhgac report`
        gave while it had no entry."""
        lines = []
        if self.queued:
            lines.append(f"{len(self.queued)} phản ánh của người dân chờ chấm điểm từ trước đã được chấm điểm và đưa "
                         f"vào hàng chờ duyệt: " + ", ".join(
                             entry_of_report_vi(e, i) for e, i in zip(self.queued, self.queued_reports, strict=True)))
        if self.joined:
            lines.append(f"{len(self.joined)} phản ánh chờ chấm điểm trùng nội dung đã có trong hàng chờ, đã gộp: "
                         + ", ".join(f"mã tin {i} vào mục #{e}"
                                     for e, i in zip(self.joined, self.joined_reports, strict=True)))
        if self.decided:
            lines.append(f"{len(self.decided)} phản ánh chờ chấm điểm trùng nội dung đã được xử lý, không tạo mục mới "
                         "(phản ánh đã được ghi nhận vào nhật ký): " + ", ".join(
                             f"mã tin {i}: mục #{e}, kết luận «{decided_vi(v, c)}»" for i, e, v, c in self.decided))
        if self.still_waiting:
            why = f" (chi tiết: {self.scoring_off})" if self.scoring_off else ""
            lines.append(f"Còn {self.still_waiting} phản ánh của người dân chưa vào hàng chờ vì chưa chấm điểm được"
                         f"{_report_ids_vi(self.waiting_reports)} — kiểm tra [classifier] model trong tệp cấu "
                         f"hình{why}.")
        return lines


def decided_vi(verdict: str | None, category: str | None) -> str:
    """A standing verdict as `canhgac report` names it: "vi phạm, nhóm Lừa đảo …" (a harm's category), "bỏ qua"."""
    return verdict_vi(verdict) + (f", nhóm {category_vi(category)}" if category and verdict in HARM_VERDICTS else "")


def entry_of_report_vi(entry_id: int, item_id: int) -> str:
    """A report's entry as a listing names it: "mục #12 (mã tin 5)", the entry first (what `show` takes)."""
    return f"mục #{entry_id} (mã tin {item_id})"


#: how many reports' "mã tin" a line lists before it only counts the rest
SHOWN_REPORT_IDS = 10


def _report_ids_vi(item_ids: list[int]) -> str:
    """" (mã tin 5, 7)", the first `SHOWN_REPORT_IDS` and how many more; "" when there are none."""
    if not item_ids:
        return ""
    more = len(item_ids) - SHOWN_REPORT_IDS
    return (" (mã tin " + ", ".join(str(i) for i in item_ids[:SHOWN_REPORT_IDS])
            + (f" và {more} phản ánh khác" if more > 0 else "") + ")")


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
        done.waiting_reports = [item_id for item_id, _ in waiting]
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
            done.waiting_reports.append(item_id)
            continue
        again = store.stored_item(stored.canonical_url, stored.content_hash)
        if again is None or again[1]:  # purged, or scored by another process meanwhile
            continue
        filed = file_report(store, to_scored_item(item), actor=actor, office_locality=config.review.locality)
        if filed.outcome == NEW:
            if filed.entry_id is not None:
                done.queued.append(filed.entry_id)
                done.queued_reports.append(item_id)
        else:  # the same content reached the queue meanwhile: the report joined that entry
            store.mark_report_filed(item_id, filed.entry_id)
            if filed.entry_id is not None and filed.outcome == ALREADY_DECIDED:  # and was decided: recorded only
                done.decided.append((item_id, filed.entry_id, filed.verdict, filed.verdict_category))
            elif filed.entry_id is not None:
                done.joined.append(filed.entry_id)
                done.joined_reports.append(item_id)
    return done


def _entry_id(store: Store, item_id: int) -> int | None:
    with store.session() as s:
        return s.scalar(select(ReviewEntry.id).where(ReviewEntry.item_id == item_id))
