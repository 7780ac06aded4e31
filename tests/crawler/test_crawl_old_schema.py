"""`scrapy crawl` against a database that needs `canhgac init` (an older migration) says so on one line and exits
non-zero, having fetched and written nothing. It used to end in asyncio's "Task exception was never retrieved"
traceback, with the right message at its bottom. Real parts: a SQLite file (and PostgreSQL when configured)
downgraded with Alembic, the demo site on 127.0.0.1, a real `python -m scrapy crawl` process.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic import command
from sqlalchemy import func, select

from crawler.demo_site.server import DemoSite, demo_sources_toml
from crawler.runner import PROJECT_DIR
from crawler.runner import crawl_env as subprocess_env
from review.database import _alembic_config, current_revision, make_engine, upgrade
from review.models import Item, SourceRun
from tests.crawler.conftest import FAST_CRAWLER

BEFORE = "0007_items_day_only_dates"


def test_a_crawl_of_a_database_that_needs_init_fails_on_one_line(db_url: str, site: DemoSite, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    command.downgrade(_alembic_config(engine), BEFORE)
    config = tmp_path / "canhgac.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n' + FAST_CRAWLER + demo_sources_toml(site.base_url),
                      encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "rss", "-a", "source=so-vhttdl-rss",
                           "-s", "CANHGAC_SCORE_ENABLED=0", "-s", "CANHGAC_WORKERS=0"],
                          cwd=PROJECT_DIR, env=subprocess_env(str(config)), capture_output=True, timeout=300)
    said = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode != 0, said
    assert "Traceback" not in said and "never retrieved" not in said, said
    errors = [line for line in said.splitlines() if "ERROR" in line]
    assert len(errors) == 1 and f"đang ở phiên bản {BEFORE}" in errors[0] and "canhgac init" in errors[0], said
    assert site.requests == []
    assert current_revision(engine) == BEFORE
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(SourceRun)) == 0
        assert conn.scalar(select(func.count()).select_from(Item)) == 0
    engine.dispose()
