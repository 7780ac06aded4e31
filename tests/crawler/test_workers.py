"""The prepare stage's worker processes (`CANHGAC_WORKERS`): a crawl stores and scores the same in worker
processes as in the crawl process, and a crawl whose workers fail goes on in the crawl process."""

from __future__ import annotations

import asyncio
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import select

from crawler.context import CrawlContext
from crawler.items import CollectedItem
from crawler.pipelines.prepare import PrepareStage
from crawler.runner import run_source
from review.config import parse_config
from review.models import Item, Score
from review.store import Store
from tests.crawler.conftest import CRAWL_LIMIT_S

PAGE = ("<html><head><title>Cảnh báo lừa đảo</title></head><body><article><h1>Cảnh báo lừa đảo tuyển dụng</h1>"
        "<p>Công an tỉnh cảnh báo thủ đoạn tuyển cộng tác viên bán hàng online, yêu cầu chuyển khoản đặt cọc.</p>"
        "</article></body></html>")


def _stored(db_url: str) -> list[tuple[Any, ...]]:
    store = Store.open(db_url)
    with store.session() as s:
        rows = s.execute(select(Item.canonical_url, Item.title, Item.text, Item.published_at, Item.language,
                                Score.label, Score.flags, Score.scores)
                         .join(Score, Score.item_id == Item.id).order_by(Item.canonical_url)).all()
    store.close()
    return [tuple(r) for r in rows]


def test_workers_and_the_crawl_process_store_and_score_the_same(crawl_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cfg = crawl_env.configure()
    out = run_source(str(cfg), "so-vhttdl-rss", CRAWL_LIMIT_S, log_path=tmp_path / "workers.log",
                     settings={"CANHGAC_WORKERS": "1"})
    assert out.ok and out.items_new == 12, out.message
    assert "1 worker processes ready (scoring on)" in (tmp_path / "workers.log").read_text(encoding="utf-8")

    here_db = f"sqlite:///{tmp_path / 'here.db'}"
    Store.open(here_db, create=True).close()
    here = tmp_path / "here.toml"
    here.write_text(cfg.read_text(encoding="utf-8").replace(crawl_env.store.engine.url.render_as_string(
        hide_password=False), here_db), encoding="utf-8")
    out = run_source(str(here), "so-vhttdl-rss", CRAWL_LIMIT_S, log_path=tmp_path / "here.log",
                     settings={"CANHGAC_WORKERS": "0"})
    assert out.ok and out.items_new == 12, out.message
    by_workers, in_process = _stored(crawl_env.store.engine.url.render_as_string(hide_password=False)), _stored(here_db)
    assert len(by_workers) == 12 and by_workers == in_process
    assert all(row[3] is not None for row in by_workers)  # every entry's feed date became its published date


def test_a_failed_pool_leaves_the_work_to_the_crawl_process(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'c.db'}"
    store = Store.open(db_url, create=True)
    ctx = CrawlContext(config=parse_config(f'[database]\nurl = "{db_url}"\n'), store=store)
    stage = PrepareStage(ctx, scoring=False, workers=0, size=4, delay=0.01)
    broken = ProcessPoolExecutor(1)
    broken.shutdown()  # submitting now raises, as with a worker that died (BrokenProcessPool)
    stage.pool = broken
    items = [CollectedItem(url="http://x.vn/a", html=PAGE), CollectedItem(url="http://x.vn/b", html="<html></html>")]
    done = asyncio.run(stage.run(items))
    assert stage.pool is None
    assert isinstance(done[0], CollectedItem) and done[0].title == "Cảnh báo lừa đảo tuyển dụng"
    assert done[0].minhash is not None and done[0].content_hash and done[0].html is None
    assert "empty page" in str(done[1]) and ctx.errors == ["http://x.vn/b: trang trống (không lấy được tiêu đề hay nội dung)"]
    store.close()
