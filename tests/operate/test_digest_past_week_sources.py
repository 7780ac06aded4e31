""""Nguồn có vấn đề" in the digest of a week already past is what was true at that week's end.

A source that works all week and starts failing the week after used to be listed as "lỗi liên tiếp" in the earlier
week's digest (`canhgac digest --week` for a past week read the source's failure streak as it is now). And a
source configured before the week that did not run at all during it (the daemon stopped all week), whose first run
came after the week, used to be taken for a source added since and left out: the week nobody crawled it looked
clean. When a source was first configured is recorded when its row is created (`review.source_first_seen`).
Real SQLite file (and PostgreSQL when configured)."""

from __future__ import annotations

from datetime import timedelta

from review.config import parse_config
from review.digest import collect_digest
from review.digest_render import render_text
from review.source_first_seen import first_seen
from review.store import Store
from tests.operate.seed import add_run
from tests.operate.test_digest_mail import MONDAY, WEEK, config


def _section(text: str) -> str:
    return text.split("5. Nguồn có vấn đề")[1].split("6. ")[0]


def test_a_source_failing_only_after_the_week_is_not_failing_in_that_week(store: Store, db_url: str) -> None:
    cfg = config(2525, db_url)  # failure_alert = 3
    store.sync_sources(cfg.sources)
    for day in range(7):  # W47: every crawl fine
        add_run(store, "bao-tinh", MONDAY + timedelta(days=day), ok=True, items_new=1)
        add_run(store, "cho-rao", MONDAY + timedelta(days=day), ok=True, items_new=1)
    for day in range(7, 12):  # W48: bao-tinh fails five times in a row, and is failing now
        add_run(store, "bao-tinh", MONDAY + timedelta(days=day), ok=False)
    assert store.source_health()[0].consecutive_failures == 5

    data = collect_digest(store, cfg, WEEK)
    assert data.source_problems == [], data.source_problems
    assert "lỗi liên tiếp" not in _section(render_text(data, cfg.digest.timezone))


def test_the_failure_streak_is_counted_up_to_the_weeks_end(store: Store, db_url: str) -> None:
    cfg = config(2525, db_url)
    store.sync_sources(cfg.sources)
    add_run(store, "bao-tinh", MONDAY - timedelta(days=1), ok=True)  # the Sunday before: its last success
    for day in range(3, 7):  # Thursday .. Sunday of W47: four failures in a row (alert at 3)
        add_run(store, "bao-tinh", MONDAY + timedelta(days=day), ok=False)
    add_run(store, "bao-tinh", MONDAY + timedelta(days=8), ok=True)  # works again in W48
    add_run(store, "bao-tinh", MONDAY + timedelta(days=9), ok=False)  # and fails once since
    for day in range(7):
        add_run(store, "cho-rao", MONDAY + timedelta(days=day), ok=True)

    data = collect_digest(store, cfg, WEEK)
    (problem,) = data.source_problems
    assert (problem.name, problem.problem, problem.consecutive_failures) == ("bao-tinh", "failing", 4)
    assert problem.last_success is not None and problem.last_success < MONDAY
    assert "thành công gần nhất 15/11/2026" in _section(render_text(data, cfg.digest.timezone))


def test_two_failures_in_the_week_are_errors_not_a_streak_reached_later(store: Store, db_url: str) -> None:
    cfg = config(2525, db_url)
    store.sync_sources(cfg.sources)
    add_run(store, "bao-tinh", MONDAY, ok=True)
    add_run(store, "bao-tinh", MONDAY + timedelta(days=5), ok=False)
    add_run(store, "bao-tinh", MONDAY + timedelta(days=6), ok=False)
    add_run(store, "bao-tinh", MONDAY + timedelta(days=7, hours=1), ok=False)  # third in a row: in W48
    for day in range(7):
        add_run(store, "cho-rao", MONDAY + timedelta(days=day), ok=True)

    (problem,) = collect_digest(store, cfg, WEEK).source_problems
    assert (problem.name, problem.problem, problem.error_runs, problem.runs) == ("bao-tinh", "errors", 2, 3)


def _three_sources(db_url: str):  # type: ignore[no-untyped-def]
    blocks = "".join(f'[[sources]]\nname = "{name}"\nkind = "rss"\nurls = ["https://{name}.example.vn/rss"]\n'
                     for name in ("bao-tinh", "cong-cu", "cong-moi"))
    return parse_config(f'[database]\nurl = "{db_url}"\n{blocks}', "test.toml")


def test_a_source_configured_all_week_that_first_ran_after_it_is_silent(store: Store, db_url: str) -> None:
    cfg = _three_sources(db_url)
    old = [s for s in cfg.sources if s.name != "cong-moi"]
    store.sync_sources(old, now=MONDAY - timedelta(days=3))  # configured the Friday before the week
    store.sync_sources(cfg.sources, now=MONDAY + timedelta(days=8))  # cong-moi added on the Tuesday after it
    for day in range(7):
        add_run(store, "bao-tinh", MONDAY + timedelta(days=day), ok=True, items_new=3)
    # cong-cu: not crawled during the week (the daemon skipped it), first crawled on the Monday after
    add_run(store, "cong-cu", MONDAY + timedelta(days=7, hours=2), ok=True, items_new=2)
    add_run(store, "cong-moi", MONDAY + timedelta(days=8, hours=1), ok=True, items_new=2)
    with store.session() as s:
        seen = first_seen(s)
    assert set(seen) == {"bao-tinh", "cong-cu", "cong-moi"}

    data = collect_digest(store, cfg, WEEK)
    assert {p.name: p.problem for p in data.source_problems} == {"cong-cu": "silent"}
    section = _section(render_text(data, cfg.digest.timezone))
    assert "cong-cu" in section and "cong-moi" not in section
