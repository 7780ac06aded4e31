""""Nguồn có vấn đề", section 5 of the weekly digest: the configured sources that needed a look during one week,
as it was at the week's end — a digest built later (`canhgac digest --week` for a past week, a delivery retried
days after) must not call a source failing because it fails now.

The source's row holds its health now (failure streak, last success, last error); the week's end is reached from
its runs (`source_runs`): the streak then is the one now less the failures since, unless it succeeded since, when
it is counted from the runs that ended before the week's end. Runs purged by `[review] retention_days` are not
there to count: a digest of a week that old counts what is left.

A source with no run in the week is "silent", unless it was added since: its first run came after the week and it
was not configured before the week ended (`review.source_first_seen`; a source older than that record goes by its
runs alone). A source that never ran at all is silent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from review.config import Config
from review.models import Source, SourceRun
from review.source_first_seen import first_seen

FAILED_RUN = ("failed", "killed")  # what `SourcesMixin.finish_run` counts in the failure streak


@dataclass(frozen=True)
class SourceProblem:
    """A configured source that needs a look. Not a problem: successful runs that found no new items (an
    official feed whose articles another source stored first, a quiet week): only errors are.

    "failing": the failure streak at the week's end reached `[review] failure_alert`; "errors": some runs of the
    week failed or reported errors (`error_runs` of `runs`); "silent": not one run during the week."""

    name: str
    problem: str  # "failing" | "errors" | "silent"
    consecutive_failures: int  # at the week's end
    last_error: str
    runs: int = 0  # runs started during the week
    error_runs: int = 0  # of which failed, were killed or reported errors
    last_success: datetime | None = None  # its last successful crawl before the week's end (None: never)


@dataclass(frozen=True)
class _AtEnd:
    streak: int
    last_success: datetime | None
    last_failure_message: str | None


def _at_end(s: Session, src: Source, end: datetime) -> _AtEnd:
    """The source's failure streak, last success and last failure's message as they were at `end`."""
    ended_before = (SourceRun.source_id == src.id, SourceRun.finished_at.is_not(None), SourceRun.finished_at < end)
    last_ok = s.scalar(select(func.max(SourceRun.finished_at)).where(*ended_before, SourceRun.status == "ok"))
    known = src.last_success_at if src.last_success_at is not None and src.last_success_at < end else None
    last_success = max((t for t in (last_ok, known) if t is not None), default=None)
    after: dict[str, int] = {status: n for status, n in s.execute(select(SourceRun.status, func.count()).where(
        SourceRun.source_id == src.id, or_(SourceRun.finished_at.is_(None), SourceRun.finished_at >= end))
        .group_by(SourceRun.status))}
    failures = select(SourceRun.message).where(*ended_before, SourceRun.status.in_(FAILED_RUN))
    if last_success is not None:
        failures = failures.where(SourceRun.finished_at > last_success)
    if not after.get("ok"):  # no success since: the streak now still holds the one then
        streak = max((src.consecutive_failures or 0) - sum(after.get(status, 0) for status in FAILED_RUN), 0)
    else:
        streak = s.scalar(select(func.count()).select_from(failures.subquery())) or 0
    message = s.scalar(failures.order_by(SourceRun.finished_at.desc(), SourceRun.id.desc()).limit(1))
    return _AtEnd(streak, last_success, message)


def source_problems(s: Session, cfg: Config, start: datetime, end: datetime) -> list[SourceProblem]:
    """The configured (enabled) sources that needed a look during [start, end), by name."""
    problems: list[SourceProblem] = []
    configured = [src.name for src in cfg.sources if src.enabled]
    seen = first_seen(s)
    for src in s.scalars(select(Source).where(Source.name.in_(configured)).order_by(Source.name)):
        week_runs = s.execute(select(SourceRun.status, SourceRun.errors, SourceRun.message)
                              .where(SourceRun.source_id == src.id, SourceRun.started_at >= start,
                                     SourceRun.started_at < end).order_by(SourceRun.started_at, SourceRun.id)
                              ).all()
        bad = [(status, message) for status, errors, message in week_runs
               if status in FAILED_RUN or (errors or 0) > 0]
        then = _at_end(s, src, end)
        current_error = src.last_error if src.last_error_at is None or src.last_error_at < end else None
        last_error = (next((m for _, m in reversed(bad) if m), None) or then.last_failure_message
                      or current_error or "")
        if then.streak >= cfg.review.failure_alert:
            problem = "failing"
        elif bad:
            problem = "errors"
        elif not week_runs:
            if _added_after(s, src, seen.get(src.name), end):
                continue  # it did not exist then: nothing was missed
            problem = "silent"
        else:  # successful runs, new items or not: items already stored by another source are no fault
            continue
        problems.append(SourceProblem(src.name, problem, then.streak, last_error, len(week_runs), len(bad),
                                      then.last_success))
    return problems


def _added_after(s: Session, src: Source, configured_at: datetime | None, end: datetime) -> bool:
    """The source was added after `end`: its first run started after `end`, and it was not configured before `end`
    (`review.source_first_seen`: a source configured all week whose first run came later — the daemon was
    stopped — missed the week). A source that never ran at all is not taken for added: it needs a look."""
    if configured_at is not None and configured_at < end:
        return False
    ran_before = s.scalar(select(SourceRun.id).where(SourceRun.source_id == src.id, SourceRun.started_at < end)
                          .limit(1)) is not None
    ran_since = s.scalar(select(SourceRun.id).where(SourceRun.source_id == src.id).limit(1)) is not None
    return ran_since and not ran_before
