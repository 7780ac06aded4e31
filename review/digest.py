"""The weekly summary's numbers, computed straight from the tables for one ISO week.

Week boundaries are local (config `digest.timezone`, Asia/Ho_Chi_Minh by default): officials read
"tuần 47" as Monday 00:00 to Sunday 24:00 their time. Rendering lives in `review.digest_render`, the
chart in `review.digest_chart`, sending in `review.mailer`.

"Mục" (items) and "cờ" (flags) differ: one item flagged for scam and misinformation is one item and two
flags. Precision uses `canhgac stats`' definition (`review.stats.confirmed_dismissed`): confirmed ÷
(confirmed + dismissed), confirmed being violation, warn or escalate (for positive: commend), whatever
category the verdict was filed under; here over the entries decided during the week.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from classifier.categories import CATEGORIES, POSITIVE
from review.config import Config
from review.digest_sources import SourceCoverage, SourceProblem, week_sources
from review.errors import UsageError
from review.filters import YEAR_MIN, max_year
from review.models import DECIDED, HARM_VERDICTS, Decision, Item, ReviewEntry, ReviewFlag, Setting
from review.stats import backlog_now, confirmed_dismissed
from review.store import StoreBase
from review.types import utcnow
from review.yearly_decisions import NO_SOURCE_VI
from review.yearly_retention import retention_cut

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
TOP_CASES = 10
TOP_COMMEND = 5


@dataclass(frozen=True)
class Case:
    """One item worth naming in the e-mail. Title, source and URL come from crawled content: escape them. An entry
    from no crawled source (a citizen's report) has the source "(phản ánh của người dân)", as in the year-end
    workbook and the exports; a pasted one's URL is its internal `report:text/…` key, never a link."""

    entry_id: int
    title: str
    url: str
    category: str
    source: str
    score: float
    verdict: str | None = None  # "violation" | "warn" | "escalate" for confirmed cases; None for suggestions


@dataclass(frozen=True)
class DigestData:
    iso_week: str
    start: datetime  # local, aware
    end: datetime  # local, aware, exclusive
    days: tuple[date, ...]
    flagged_items: int  # distinct items (review entries) flagged during the week
    items_per_day: list[int]  # distinct flagged items per day of `days`
    flags_by_category: dict[str, int]  # flags, not items: an item flagged for two categories counts in both
    flags_per_day: dict[str, list[int]]  # category -> flags per day of `days`
    decisions_by_verdict: dict[str, int]
    precision: dict[str, tuple[int, int]]  # category -> (confirmed, confirmed + dismissed), as `canhgac stats`
    backlog: int  # undecided now, without the entries below threshold after a re-score
    below_threshold: int  # undecided now, below every threshold after a re-score (`review.rescore`)
    oldest_open: datetime | None
    source_problems: list[SourceProblem]
    coverage: SourceCoverage  # which configured sources the week's monitoring covered (none: nothing was watched)
    top_cases: list[Case]  # confirmed harm (HARM_VERDICTS: violation, warn, escalate), escalations first
    commendations: list[Case]
    items_collected: int
    model: str
    generated_at: datetime = field(default_factory=utcnow)
    # runs started before this were purged (`[review] retention_days`) and the week began before it: section 5
    # holds only what is left of the week's runs, and no source is called silent
    runs_kept_since: datetime | None = None

    @property
    def total_flags(self) -> int:
        """Flags, not items: see `flagged_items` for the number of items."""
        return sum(self.flags_by_category.values())


def parse_week(text: str, *, now: datetime | None = None) -> tuple[int, int]:
    """`2026-W47` as (2026, 47); a malformed week, or a year outside 2000 .. next year, is a usage error."""
    m = _WEEK.match(text.strip())
    if not m:
        raise UsageError(f"tuần không hợp lệ {text!r}: cần dạng YYYY-Www, ví dụ 2026-W47")
    year, week = int(m.group(1)), int(m.group(2))
    last = max_year(now or utcnow())
    if not YEAR_MIN <= year <= last:
        raise UsageError(f"tuần không hợp lệ {text!r}: cần một tuần từ năm {YEAR_MIN} đến {last}")
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise UsageError(f"tuần không hợp lệ {text!r}: năm {year} không có tuần {week}") from None
    return year, week


def week_bounds(iso_week: str, tz: str) -> tuple[datetime, datetime]:
    """Local Monday 00:00 of `iso_week` and the Monday after, as aware datetimes in `tz`."""
    year, week = parse_week(iso_week)
    monday = date.fromisocalendar(year, week, 1)
    zone = ZoneInfo(tz)
    start = datetime(monday.year, monday.month, monday.day, tzinfo=zone)
    return start, start + timedelta(days=7)


def last_complete_week(tz: str, now: datetime | None = None) -> str:
    """The ISO week that ended most recently in `tz` (on a Monday morning: last week)."""
    local = (now or utcnow()).astimezone(ZoneInfo(tz))
    year, week, _ = (local.date() - timedelta(days=7)).isocalendar()
    return f"{year}-W{week:02d}"


def current_week(tz: str, now: datetime | None = None) -> str:
    """The ISO week under way in `tz` (the demo's preview: its data is minutes old)."""
    year, week, _ = (now or utcnow()).astimezone(ZoneInfo(tz)).date().isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class WeekProgress:
    """Where `now` stands against one ISO week, all local: before it, during it or after its end."""

    start: datetime
    end: datetime  # exclusive: the Monday after, 00:00
    now: datetime

    @property
    def started(self) -> bool:
        return self.now >= self.start

    @property
    def over(self) -> bool:
        """The week has ended: its digest holds all its data and may be sent (once per recipient, ever)."""
        return self.now >= self.end


def week_progress(iso_week: str, tz: str, now: datetime | None = None) -> WeekProgress:
    start, end = week_bounds(iso_week, tz)
    return WeekProgress(start, end, (now or utcnow()).astimezone(ZoneInfo(tz)))


def _model(store: StoreBase, cfg: Config) -> str:
    with store.session() as s:
        row = s.get(Setting, "active_model")
    if row is not None:
        return str(row.value.get("version") or row.value.get("path"))
    return cfg.classifier.model or "mặc định (kèm theo phần mềm)"


def collect_digest(store: StoreBase, cfg: Config, iso_week: str) -> DigestData:
    start, end = week_bounds(iso_week, cfg.digest.timezone)
    zone = ZoneInfo(cfg.digest.timezone)
    days = tuple(start.date() + timedelta(days=i) for i in range(7))
    per_day: dict[str, list[int]] = defaultdict(lambda: [0] * 7)
    with store.session() as s:
        flagged = s.execute(select(ReviewFlag.category, ReviewEntry.id, ReviewEntry.created_at)
                            .join(ReviewEntry, ReviewEntry.id == ReviewFlag.entry_id)
                            .where(ReviewEntry.created_at >= start, ReviewEntry.created_at < end)).all()
        entry_day: dict[int, int] = {}
        for category, entry_id, created in flagged:
            day = (created.astimezone(zone).date() - days[0]).days
            per_day[category][day] += 1
            entry_day[entry_id] = day
        items_per_day = [0] * 7
        for day in entry_day.values():
            items_per_day[day] += 1
        verdicts = Counter({v: n for v, n in s.execute(
            select(Decision.verdict, func.count()).where(Decision.created_at >= start, Decision.created_at < end,
                                                         Decision.undone_at.is_(None))
            .group_by(Decision.verdict))})

        decided = s.execute(select(ReviewFlag.category, ReviewEntry.verdict)
                            .join(ReviewEntry, ReviewEntry.id == ReviewFlag.entry_id)
                            .where(ReviewEntry.status == DECIDED, ReviewEntry.decided_at >= start,
                                   ReviewEntry.decided_at < end)).all()
        verdicts_by_category: dict[str, list[str | None]] = defaultdict(list)
        for category, verdict in decided:
            verdicts_by_category[category].append(verdict)
        precision: dict[str, tuple[int, int]] = {}
        for category, category_verdicts in verdicts_by_category.items():
            confirmed, dismissed = confirmed_dismissed(category, category_verdicts)
            if confirmed + dismissed:
                precision[category] = (confirmed, confirmed + dismissed)

        queue = backlog_now(s)  # entries below threshold after a re-score counted apart, never the oldest
        items = s.scalar(select(func.count()).select_from(Item)
                         .where(Item.fetched_at >= start, Item.fetched_at < end)) or 0

        def cases(*where: object, order: tuple[object, ...], limit: int, verdict: bool = False) -> list[Case]:
            rows = s.execute(select(ReviewEntry.id, Item.title, Item.url, ReviewEntry.top_category,
                                    ReviewEntry.verdict_category, ReviewEntry.source_name, ReviewEntry.top_score,
                                    ReviewEntry.verdict)
                             .join(Item, Item.id == ReviewEntry.item_id).where(*where)  # type: ignore[arg-type]
                             .order_by(*order, ReviewEntry.id).limit(limit)).all()  # type: ignore[arg-type]
            return [Case(r[0], r[1] or "", r[2] or "", r[4] or r[3], r[5] or NO_SOURCE_VI, float(r[6] or 0.0),
                         r[7] if verdict else None) for r in rows]

        # Confirmed violations, escalations (referred to the authorities) first, as in the yearly report.
        top = cases(ReviewEntry.verdict.in_(HARM_VERDICTS), ReviewEntry.decided_at >= start,
                    ReviewEntry.decided_at < end, order=((ReviewEntry.verdict == "escalate").desc(),
                                                         ReviewEntry.priority.desc()),
                    limit=TOP_CASES, verdict=True)
        commend_ids = select(ReviewFlag.entry_id).where(ReviewFlag.category == POSITIVE)
        commend = cases(ReviewEntry.created_at >= start, ReviewEntry.created_at < end,
                        ReviewEntry.id.in_(commend_ids), ReviewEntry.verdict.is_(None) | (ReviewEntry.verdict == "commend"),
                        order=(ReviewEntry.top_score.desc(),), limit=TOP_COMMEND)

        sources = week_sources(s, cfg, start, end)  # as at the week's end, not now
        kept_since = retention_cut(s)
        purged_from = kept_since if kept_since is not None and kept_since > start else None

    by_category = {c: sum(per_day[c]) for c in CATEGORIES if sum(per_day.get(c, [0]))}
    return DigestData(
        iso_week=iso_week, start=start, end=end, days=days, flagged_items=len(entry_day),
        items_per_day=items_per_day, flags_by_category=by_category,
        flags_per_day={c: list(per_day[c]) for c in by_category}, decisions_by_verdict=dict(verdicts),
        precision={c: precision[c] for c in CATEGORIES if c in precision}, backlog=queue.waiting,
        below_threshold=queue.below_threshold, oldest_open=queue.oldest_open,
        source_problems=sources.problems, coverage=sources.coverage, top_cases=top, commendations=commend,
        items_collected=items, model=_model(store, cfg), runs_kept_since=purged_from)
