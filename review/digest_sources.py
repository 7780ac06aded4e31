""""Nguồn có vấn đề", section 5 of the weekly digest: the configured sources that needed a look during one week,
as it was at the week's end — a digest built later (`canhgac digest --week` for a past week, a delivery retried
days after) must not call a source failing because it fails now.

The failure streak at the week's end is counted from the runs (`source_runs`) as `SourcesMixin.finish_run` keeps
`consecutive_failures`: the failed and killed runs that ended after the last success and before the week's end; a
stopped run does not count, and neither does a run `close_stale_runs` closed as killed (its crawl was found gone,
after a reboot: the streak is left alone then), told by its message. The last success is the later of the last
successful run and the source's own `last_success_at`, both before the week's end.

Runs purged by `[review] retention_days` (`review.housekeeping.purge_retention`; its latest cutoff:
`review.yearly_retention.retention_cut`) are not there to count: for a week that began before that cutoff, no
source is called silent (a missing run is a purged one as much as a missed crawl) and the digest says the runs are
no longer kept (`DigestData.runs_kept_since`); the failures still stored are reported.

A source with no run in the week is "silent", unless it did not exist then: it was first configured after the week
ended (`review.source_first_seen`, run or not), or — a source older than that record — its first run came after
the week. A source that never ran at all and has no such record is silent.

Nor is a source silent that was first configured on the week's last day (Sunday from 00:00 in the digest's time
zone, `NEW_SOURCE_GRACE` before the week's end) and has not run yet: it is new, its first run not come yet
(`SourceCoverage.not_run_yet`). Its schedule does not tell when that run comes: the daemon gives a new source its
first run within a minute of loading the configuration, whatever the schedule (`crawler.schedule.sync_jobs`), but
the row may come first from another command (`canhgac status`, `init`, `report`) before the daemon reloads or
restarts, and the crawl slots may be busy with long crawls. A source configured for a day or more that never ran
is a real problem (a stopped daemon, a broken schedule); one added on the last day is not known to be one yet, and
the next week's digest says so if it still does not run.

What the week's monitoring covered (`SourceCoverage`) is told apart from its problems: a source added after the
week was not watched in it, and when no configured source was (the first digest after `canhgac init`, of the week
before it), an empty section 5 means nothing was watched, not that every source worked. A source first configured
during the week was watched only from then on. With no source configured at all (an office taking only citizen
reports) nothing is missing: the week's figures are its reports'.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from review.config import Config
from review.models import Source, SourceRun
from review.source_first_seen import first_seen
from review.sources import KILLED_VI as STALE_RUN_MESSAGE
from review.yearly_retention import retention_cut

FAILED_RUN = ("failed", "killed")  # runs that went wrong (`SourcesMixin.finish_run`; `close_stale_runs`: killed)
#: A source first configured this close to the week's end (its last day, local) and not run yet is new, not silent.
NEW_SOURCE_GRACE = timedelta(days=1)


@dataclass(frozen=True)
class SourceProblem:
    """A configured source that needs a look. Not a problem: successful runs that found no new items (an
    official feed whose articles another source stored first, a quiet week): only errors are.

    "failing": the failure streak at the week's end reached `[review] failure_alert`; "errors": some runs of the
    week failed or reported errors (`error_runs` of `runs`); "silent": not one run during the week (unless added on
    its last day and not run yet: `SourceCoverage.not_run_yet`)."""

    name: str
    problem: str  # "failing" | "errors" | "silent"
    consecutive_failures: int  # at the week's end
    last_error: str
    runs: int = 0  # runs started during the week
    error_runs: int = 0  # of which failed, were killed or reported errors
    last_success: datetime | None = None  # its last successful crawl before the week's end (None: never)


@dataclass(frozen=True)
class SourceCoverage:
    """Which configured (enabled) sources the week's monitoring covered, as known at its end."""

    watched: int  # configured during the week, from its start or since added (run or not)
    added_later: int  # added after the week's end, or not recorded at all yet (no `sources` row): not watched
    # of `watched`, those first configured during the week and when (`review.source_first_seen`), by time then name
    added_during: tuple[tuple[str, datetime], ...]
    # of `added_during`, those added on the week's last day that had not run by its end: new, not silent
    not_run_yet: tuple[str, ...] = ()

    @property
    def configured(self) -> int:
        """The configured (enabled) sources now: none, and the digest holds only citizen reports."""
        return self.watched + self.added_later

    @property
    def unwatched(self) -> bool:
        """Sources are configured but none was watched in the week: its zeros mean nothing was looked at."""
        return self.configured > 0 and not self.watched


@dataclass(frozen=True)
class WeekSources:
    """Section 5 of one week's digest: its source problems and what it covered."""

    problems: list[SourceProblem]
    coverage: SourceCoverage


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
    failures = select(SourceRun.message).where(*ended_before, SourceRun.status.in_(FAILED_RUN))
    if last_success is not None:
        failures = failures.where(SourceRun.finished_at > last_success)
    counted = failures.where(or_(SourceRun.status != "killed", SourceRun.message.is_(None),
                                 SourceRun.message != STALE_RUN_MESSAGE))  # not added to the streak either
    streak = s.scalar(select(func.count()).select_from(counted.subquery())) or 0
    message = s.scalar(failures.order_by(SourceRun.finished_at.desc(), SourceRun.id.desc()).limit(1))
    return _AtEnd(streak, last_success, message)


def week_sources(s: Session, cfg: Config, start: datetime, end: datetime) -> WeekSources:
    """The configured (enabled) sources that needed a look during [start, end), by name, and which sources the
    week covered. None is silent when runs of the week were purged (the latest retention cutoff after `start`); a
    source older than the first-configured record then counts as watched (its first runs may be gone)."""
    problems: list[SourceProblem] = []
    kept_since = retention_cut(s)
    purged = kept_since is not None and kept_since > start
    configured = [src.name for src in cfg.sources if src.enabled]
    seen = first_seen(s)
    watched = 0
    during: list[tuple[str, datetime]] = []
    not_run_yet: list[str] = []
    for src in s.scalars(select(Source).where(Source.name.in_(configured)).order_by(Source.name)):
        configured_at = seen.get(src.name)
        week_runs = s.execute(select(SourceRun.status, SourceRun.errors, SourceRun.message)
                              .where(SourceRun.source_id == src.id, SourceRun.started_at >= start,
                                     SourceRun.started_at < end).order_by(SourceRun.started_at, SourceRun.id)
                              ).all()
        bad = [(status, message) for status, errors, message in week_runs
               if status in FAILED_RUN or (errors or 0) > 0]
        then = _at_end(s, src, end)
        if not week_runs and then.streak < cfg.review.failure_alert \
                and (configured_at is not None or not purged) and _added_after(s, src, configured_at, end):
            continue  # it did not exist then: nothing was missed, nothing watched
        watched += 1
        if configured_at is not None and start < configured_at < end:
            during.append((src.name, configured_at))
        current_error = src.last_error if src.last_error_at is None or src.last_error_at < end else None
        last_error = (next((m for _, m in reversed(bad) if m), None) or then.last_failure_message
                      or current_error or "")
        if then.streak >= cfg.review.failure_alert:
            problem = "failing"
        elif bad:
            problem = "errors"
        elif not week_runs:
            if purged:
                continue  # its runs may have been purged: not known to have been missed
            if configured_at is not None and configured_at >= end - NEW_SOURCE_GRACE:
                not_run_yet.append(src.name)  # `end` is local: minus a day is Sunday 00:00 on the local clock
                continue  # added on the last day, its first run not come yet: nothing missed
            problem = "silent"
        else:  # successful runs, new items or not: items already stored by another source are no fault
            continue
        problems.append(SourceProblem(src.name, problem, then.streak, last_error, len(week_runs), len(bad),
                                      then.last_success))
    # a configured source with no row yet (the configuration changed, nothing loaded it since) was not watched
    coverage = SourceCoverage(watched, len(set(configured)) - watched,
                              tuple(sorted(during, key=lambda d: (d[1], d[0]))), tuple(not_run_yet))
    return WeekSources(problems, coverage)


def _added_after(s: Session, src: Source, configured_at: datetime | None, end: datetime) -> bool:
    """The source was added after `end`. Its first configuration is recorded (`review.source_first_seen`): that
    tells, run or not (a source configured all week whose first run came later — the daemon was stopped — missed
    the week; one configured since and not run yet did not). No record (a source older than that record): its
    first run started after `end`; a source that never ran at all is not taken for added then: it needs a look."""
    if configured_at is not None:
        return configured_at >= end
    ran_before = s.scalar(select(SourceRun.id).where(SourceRun.source_id == src.id, SourceRun.started_at < end)
                          .limit(1)) is not None
    ran_since = s.scalar(select(SourceRun.id).where(SourceRun.source_id == src.id).limit(1)) is not None
    return ran_since and not ran_before
