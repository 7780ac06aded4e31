"""A source first configured after a week ended (`review.source_first_seen`) did not exist during it: the digest
of that week (`canhgac digest --week`, a delivery retried later, the Monday send before the new source's first
crawl) leaves it out even before it has run — it used to list it as not crawled at all that week ("silent"),
since the record was read only for a source with runs."""

from __future__ import annotations

from datetime import timedelta

from review.config import parse_config
from review.digest import collect_digest
from review.store import Store
from tests.operate.seed import add_run
from tests.operate.test_digest_mail import MONDAY, WEEK


def test_a_source_configured_after_the_week_is_not_silent_in_it_before_its_first_run(store: Store,
                                                                                     db_url: str) -> None:
    blocks = "".join(f'[[sources]]\nname = "{name}"\nkind = "rss"\nurls = ["https://{name}.example.vn/rss"]\n'
                     for name in ("bao-tinh", "cong-moi", "cong-cu"))
    cfg = parse_config(f'[database]\nurl = "{db_url}"\n{blocks}', "test.toml")
    store.sync_sources([cfg.sources[0], cfg.sources[2]], now=MONDAY - timedelta(days=3))
    store.sync_sources(cfg.sources, now=MONDAY + timedelta(days=7, hours=1))  # added on the Monday after the week
    for day in range(7):
        add_run(store, "bao-tinh", MONDAY + timedelta(days=day), ok=True, items_new=3)

    data = collect_digest(store, cfg, WEEK)  # cong-moi has not run yet (a cron source, its first slot is later)
    # cong-cu, configured all week and never run, still needs a look
    assert [(p.name, p.problem) for p in data.source_problems] == [("cong-cu", "silent")], data.source_problems
