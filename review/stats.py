"""How well the flags work and how the backlog looks, per category: what `canhgac stats` prints.

Precision of a category's flags = confirmed ÷ (confirmed + dismissed) over entries flagged for it,
where "confirmed" is a `violation`, `warn` (a violation, the poster warned) or `escalate` verdict (for the
positive category: `commend`). Entries decided under another category still count as confirmed: the flag led to a
real case. The warnings among the confirmed are also counted apart (`CategoryStats.warned`): what the office did,
as the year-end report asks (Decision 423/QĐ-BVHTTDL: detect, warn about and handle).

Citizen reports received (`citizen_reports`) are counted as `canhgac show` lists an entry's reporters
(`review.listing._reports_of`): a report that opened an entry (its item is a report) plus every report
that joined an existing entry, undecided or already decided (audit rows `report`). A report sent again
word for word is recorded once, so it is counted once. Each counts when it was received, also one that waited
for a model to be scored and was filed later.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from classifier.categories import CATEGORIES, POSITIVE
from review.below_threshold import below_threshold_clause
from review.citizen import REPORT_KIND
from review.models import DECIDED, HARM_VERDICTS, OPEN, AuditLog, Item, ReviewEntry, ReviewFlag

if TYPE_CHECKING:
    from review.store import StoreBase

    _Base = StoreBase
else:
    _Base = object


@dataclass(frozen=True)
class CategoryStats:
    category: str
    flagged: int
    decided: int
    confirmed: int
    dismissed: int
    median_to_decision: timedelta | None
    backlog: int
    oldest_open: datetime | None
    warned: int = 0  # of `confirmed`: the `warn` verdicts (a violation, and a warning issued)

    @property
    def precision(self) -> float | None:
        judged = self.confirmed + self.dismissed
        return self.confirmed / judged if judged else None


def confirmed_dismissed(category: str, verdicts: Iterable[object]) -> tuple[int, int]:
    """(confirmed, dismissed) among the current verdicts of entries flagged for `category`.

    The one definition of a confirmed flag, shared by `canhgac stats` and the weekly digest.
    """
    good = ("commend",) if category == POSITIVE else HARM_VERDICTS
    confirmed = dismissed = 0
    for verdict in verdicts:
        confirmed += verdict in good
        dismissed += verdict == "dismiss"
    return confirmed, dismissed


@dataclass(frozen=True)
class Backlog:
    """The queue now, as `canhgac status` and the weekly digest show it. An entry a re-score left below every
    threshold ("dưới ngưỡng sau chấm lại", `review.rescore`) is counted apart: ranked after every flagged entry,
    it is not work waiting in the same sense, and it is never the oldest entry waiting."""

    waiting: int  # undecided (open or claimed), those below threshold left out
    below_threshold: int  # undecided entries below every threshold after a re-score
    oldest_open: datetime | None  # the oldest open entry, those below threshold left out


def backlog_now(s: Session) -> Backlog:
    e, below = ReviewEntry, below_threshold_clause()
    waiting = s.scalar(select(func.count()).select_from(e).where(e.status != DECIDED, ~below)) or 0
    n_below = s.scalar(select(func.count()).select_from(e).where(e.status != DECIDED, below)) or 0
    oldest = s.scalar(select(func.min(e.created_at)).where(e.status == OPEN, ~below))
    return Backlog(waiting, n_below, oldest)


@dataclass(frozen=True)
class CitizenReport:
    """One citizen report received: the entry it opened or joined, and when it arrived."""

    entry_id: int
    at: datetime
    opened: bool  # True: the report opened the entry; False: it joined an existing one


def citizen_reports(s: Session, since: datetime, until: datetime) -> list[CitizenReport]:
    """Citizen reports received in [since, until), oldest first (see the module doc).

    Received is when the report reached canhgac: its item's `fetched_at`, not when it opened or joined an
    entry. The two differ for a report that waited (stored unscored while no model could be loaded, filed by
    a later crawl, `crawler.report.queue_waiting_reports`): its entry's `created_at`, or the time of the audit
    row of its joining another entry, is the day it was filed. A report received on 31 December and filed on
    2 January belongs to the year it was received."""
    opened = s.execute(select(ReviewEntry.id, Item.fetched_at).join(Item, Item.id == ReviewEntry.item_id)
                       .where(Item.kind == REPORT_KIND, Item.fetched_at >= since, Item.fetched_at < until))
    # a report joins when it is filed, never before it was received: the audit rows from `since` on, any later
    joined = [(eid, at, (details or {}).get("report_hash")) for eid, at, details in s.execute(
        select(AuditLog.entry_id, AuditLog.at, AuditLog.details)
        .where(AuditLog.action == "report", AuditLog.entry_id.is_not(None), AuditLog.at >= since))]
    stored = _reports_stored_at(s, {h for _, _, h in joined if isinstance(h, str)})
    out = [CitizenReport(eid, at, True) for eid, at in opened]
    for eid, at, report_hash in joined:
        # the report's own item exists only for one that waited: stored when received, joined when filed
        received = min(at, stored.get(report_hash, at)) if isinstance(report_hash, str) else at
        if eid is not None and since <= received < until:
            out.append(CitizenReport(eid, received, False))
    return sorted(out, key=lambda r: (r.at, r.entry_id))


def _reports_stored_at(s: Session, report_hashes: set[str]) -> dict[str, datetime]:
    """When the stored citizen reports with these content hashes were received (a joining report is stored only
    when it waited for the model)."""
    hashes = sorted(report_hashes)
    out: dict[str, datetime] = {}
    for start in range(0, len(hashes), 500):
        out.update({h: at for h, at in s.execute(
            select(Item.content_hash, func.min(Item.fetched_at))
            .where(Item.kind == REPORT_KIND, Item.content_hash.in_(hashes[start:start + 500]))
            .group_by(Item.content_hash)) if at is not None})
    return out


def reported_entry_ids(s: Session, entry_ids: Iterable[int]) -> set[int]:
    """Those of `entry_ids` that any citizen reported, at any time (opened by a report, or joined by one)."""
    ids = list(dict.fromkeys(entry_ids))
    out: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        out.update(s.scalars(select(ReviewEntry.id).join(Item, Item.id == ReviewEntry.item_id)
                             .where(ReviewEntry.id.in_(chunk),
                                    (Item.kind == REPORT_KIND) | ReviewEntry.is_report.is_(True))))
        out.update(eid for eid in s.scalars(select(AuditLog.entry_id)
                                            .where(AuditLog.action == "report", AuditLog.entry_id.in_(chunk)))
                   if eid is not None)
    return out


class StatsMixin(_Base):
    def below_threshold_waiting(self) -> int:
        """Undecided entries below every threshold after a re-score: the per-category rows of `stats` count
        flags, which such an entry no longer has, so they are counted apart (`Backlog`)."""
        with self.session() as s:
            return backlog_now(s).below_threshold

    def stats(self, since: datetime | None = None) -> list[CategoryStats]:
        """Per category (only those with entries), flags since `since` (all time when None)."""
        q = (select(ReviewFlag.category, ReviewEntry.status, ReviewEntry.verdict, ReviewEntry.created_at,
                    ReviewEntry.decided_at)
             .join(ReviewEntry, ReviewEntry.id == ReviewFlag.entry_id))
        if since is not None:
            q = q.where(ReviewEntry.created_at >= since)
        acc: dict[str, dict[str, list[object]]] = {}
        with self.session() as s:
            for cat, status, verdict, created, decided_at in s.execute(q.execution_options(yield_per=10000)):
                a = acc.setdefault(cat, {"n": [], "dur": [], "v": [], "open": []})
                a["n"].append(1)
                if status == DECIDED:
                    a["v"].append(verdict)
                    if decided_at is not None:
                        a["dur"].append((decided_at - created).total_seconds())
                else:
                    a["open"].append(created)
        out = []
        for cat in sorted(acc, key=lambda c: CATEGORIES.index(c) if c in CATEGORIES else len(CATEGORIES)):
            a = acc[cat]
            confirmed, dismissed = confirmed_dismissed(cat, a["v"])
            durations = [float(d) for d in a["dur"]]  # type: ignore[arg-type]
            opened = [o for o in a["open"] if isinstance(o, datetime)]
            out.append(CategoryStats(
                category=cat, flagged=len(a["n"]), decided=len(a["v"]),
                confirmed=confirmed, dismissed=dismissed, warned=0 if cat == POSITIVE else a["v"].count("warn"),
                median_to_decision=timedelta(seconds=statistics.median(durations)) if durations else None,
                backlog=len(opened), oldest_open=min(opened) if opened else None))
        return out
