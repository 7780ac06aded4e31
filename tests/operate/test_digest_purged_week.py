"""The digest of a week whose runs `[review] retention_days` has purged (`canhgac digest --week` for an old week,
or a short retention): a missing run is a purged one as much as a missed crawl, so no source is called "not crawled
at all that week" (silent) — it used to be every source `review.source_first_seen` knew — and section 5 says the
runs before the purge's cutoff are no longer kept instead of "all sources worked normally"."""

from __future__ import annotations

from datetime import timedelta

from review.digest import collect_digest
from review.digest_render import render_html, render_text
from review.housekeeping import purge_retention
from review.store import Store
from tests.operate.seed import add_run
from tests.operate.test_digest_mail import MONDAY, WEEK, config


def test_a_purged_week_does_not_call_every_source_silent(store: Store, db_url: str) -> None:
    cfg = config(2525, db_url)
    store.sync_sources(cfg.sources, now=MONDAY - timedelta(days=30))
    for day in range(40):  # every source crawled fine every day, during the week and after it
        add_run(store, "bao-tinh", MONDAY + timedelta(days=day), ok=True, items_new=1)
        add_run(store, "cho-rao", MONDAY + timedelta(days=day), ok=True, items_new=1)
    report = purge_retention(store, 14, now=MONDAY + timedelta(days=30))  # retention 14 days, run 30 days later
    assert report.runs > 0

    data = collect_digest(store, cfg, WEEK)
    assert [(p.name, p.problem) for p in data.source_problems] == [], data.source_problems
    assert data.runs_kept_since == MONDAY + timedelta(days=16)
    tz = cfg.digest.timezone
    section = render_text(data, tz).split("5. ")[1].split("6. ")[0]
    assert "các lượt thu thập trước 02/12/2026 10:00 đã được xóa theo thời hạn lưu trữ" in section, section
    assert "bình thường" not in section, section  # not known: their runs are gone
    html = render_html(data, tz, "cid:chart").split("5. ")[1].split("6. ")[0]
    assert "Các lượt thu thập trước 02/12/2026 10:00 đã được xóa" in html and "bình thường" not in html, html


def test_a_week_after_the_cutoff_is_told_as_before(store: Store, db_url: str) -> None:
    """A purge whose cutoff is before the week changes nothing: a source with no run that week is silent."""
    cfg = config(2525, db_url)
    store.sync_sources(cfg.sources, now=MONDAY - timedelta(days=30))
    add_run(store, "bao-tinh", MONDAY - timedelta(days=20), ok=True)  # purged below
    for day in range(7):
        add_run(store, "bao-tinh", MONDAY + timedelta(days=day), ok=True)
    assert purge_retention(store, 14, now=MONDAY + timedelta(days=1)).runs == 1

    data = collect_digest(store, cfg, WEEK)
    assert data.runs_kept_since is None
    assert [(p.name, p.problem) for p in data.source_problems] == [("cho-rao", "silent")], data.source_problems
    assert "đã được xóa" not in render_text(data, cfg.digest.timezone)
