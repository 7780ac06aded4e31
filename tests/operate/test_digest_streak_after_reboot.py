"""A past week's failure streak ("lỗi liên tiếp" in section 5) is counted from the runs that ended by the week's
end, as `finish_run` keeps `consecutive_failures`: the failed and killed runs since the last success. A run found
dead by a later crawl (`close_stale_runs`, e.g. after a reboot) is closed as killed but leaves the streak alone, so
it neither shortens the streak of the week before (it used to be subtracted from the streak now) nor lengthens a
week's streak once the source succeeded again (it used to be counted then)."""

from __future__ import annotations

from datetime import timedelta

from review.digest import collect_digest
from review.models import Source, SourceRun
from review.sources import KILLED_VI
from review.store import Store
from tests.operate.seed import add_run
from tests.operate.test_digest_mail import MONDAY, WEEK, config


def _crawled_fine_all_week(store: Store) -> None:
    for day in range(7):
        add_run(store, "cho-rao", MONDAY + timedelta(days=day), ok=True)


def test_a_run_closed_as_killed_after_the_week_does_not_shorten_that_weeks_streak(store: Store, db_url: str) -> None:
    cfg = config(2525, db_url)  # failure_alert = 3
    store.sync_sources(cfg.sources)
    add_run(store, "bao-tinh", MONDAY, ok=True)
    for day in (3, 4, 5):  # Thursday, Friday, Saturday: three failures in a row, the alert reached
        add_run(store, "bao-tinh", MONDAY + timedelta(days=day), ok=False)
    _crawled_fine_all_week(store)
    with store.session() as s:  # Sunday: a crawl started, then the machine rebooted (no lease, no finish)
        src = s.query(Source).filter_by(name="bao-tinh").one()
        s.add(SourceRun(source_id=src.id, started_at=MONDAY + timedelta(days=6, hours=10), status="running"))
    assert store.close_stale_runs("bao-tinh") == 1  # the next crawl finds it dead: killed, streak untouched
    assert store.source_health()[0].consecutive_failures == 3

    (problem,) = collect_digest(store, cfg, WEEK).source_problems
    assert (problem.name, problem.problem, problem.consecutive_failures) == ("bao-tinh", "failing", 3), problem


def test_a_run_found_dead_in_the_week_is_not_in_its_streak_once_the_source_succeeded_again(store: Store,
                                                                                          db_url: str) -> None:
    cfg = config(2525, db_url)  # failure_alert = 3
    store.sync_sources(cfg.sources)
    add_run(store, "bao-tinh", MONDAY, ok=True)
    add_run(store, "bao-tinh", MONDAY + timedelta(days=2), ok=False)
    with store.session() as s:  # Thursday: a crawl the next one found dead (after a reboot), streak untouched
        src = s.query(Source).filter_by(name="bao-tinh").one()
        thursday = MONDAY + timedelta(days=3)
        s.add(SourceRun(source_id=src.id, started_at=thursday, finished_at=thursday, status="killed",
                        message=KILLED_VI))
    add_run(store, "bao-tinh", MONDAY + timedelta(days=4), ok=False)  # two failures in a row, as status said
    _crawled_fine_all_week(store)
    add_run(store, "bao-tinh", MONDAY + timedelta(days=9), ok=True)  # fine again the week after

    (problem,) = collect_digest(store, cfg, WEEK).source_problems
    assert (problem.name, problem.problem, problem.consecutive_failures) == ("bao-tinh", "errors", 2), problem
    assert (problem.runs, problem.error_runs) == (4, 3), problem  # the killed run is still a run that went wrong


def test_a_crawl_killed_from_outside_counts_in_the_streak(store: Store, db_url: str) -> None:
    """A crawl process killed while the runner watched it (kill -9, the OOM killer: `finish_run(killed=True)`)
    is a failure of the source, in the streak now and at the week's end alike."""
    cfg = config(2525, db_url)
    store.sync_sources(cfg.sources)
    add_run(store, "bao-tinh", MONDAY, ok=True)
    add_run(store, "bao-tinh", MONDAY + timedelta(days=2), ok=False)
    add_run(store, "bao-tinh", MONDAY + timedelta(days=3), ok=False)
    with store.session() as s:
        src = s.query(Source).filter_by(name="bao-tinh").one()
        friday = MONDAY + timedelta(days=4)
        s.add(SourceRun(source_id=src.id, started_at=friday, finished_at=friday, status="killed",
                        message="tiến trình thu thập bị dừng đột ngột từ bên ngoài (tín hiệu SIGKILL)"))
        src.consecutive_failures += 1
    _crawled_fine_all_week(store)
    add_run(store, "bao-tinh", MONDAY + timedelta(days=9), ok=True)

    (problem,) = collect_digest(store, cfg, WEEK).source_problems
    assert (problem.name, problem.problem, problem.consecutive_failures) == ("bao-tinh", "failing", 3), problem
