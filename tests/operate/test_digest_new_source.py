""""Nguồn có vấn đề" for a week before a source existed: a source added after the week (its first run started
after the week ended) is not reported as "không có lượt thu thập nào trong tuần"; the head of the office would
chase a failure that never happened. A source that never ran at all is still reported."""

from __future__ import annotations

from datetime import timedelta

from review.config import parse_config
from review.digest import collect_digest
from review.digest_render import render_text
from review.store import Store
from tests.operate.seed import add_run
from tests.operate.test_digest_mail import MONDAY, WEEK


def _config(db_url: str):  # type: ignore[no-untyped-def]
    blocks = "".join(f'[[sources]]\nname = "{name}"\nkind = "rss"\nurls = ["https://{name}.example.vn/rss"]\n'
                     for name in ("bao-tinh", "cong-moi", "chua-chay"))
    return parse_config(f'[database]\nurl = "{db_url}"\n{blocks}', "test.toml")


def test_a_source_added_after_the_week_is_not_silent(store: Store, db_url: str) -> None:
    cfg = _config(db_url)
    store.sync_sources([cfg.sources[0], cfg.sources[2]], now=MONDAY - timedelta(days=3))  # before the week
    store.sync_sources(cfg.sources, now=MONDAY + timedelta(days=8))  # cong-moi: configured after it
    add_run(store, "bao-tinh", MONDAY, ok=True, items_new=3)
    # added on the Tuesday after the week: runs fine since
    add_run(store, "cong-moi", MONDAY + timedelta(days=8), ok=True, items_new=2)
    # chua-chay: configured, never run (the daemon is not running it): a problem

    data = collect_digest(store, cfg, WEEK)
    problems = {p.name: p.problem for p in data.source_problems}
    assert problems == {"chua-chay": "silent"}
    section = render_text(data, cfg.digest.timezone).split("5. Nguồn có vấn đề")[1].split("6. ")[0]
    assert "cong-moi" not in section and "chua-chay" in section
