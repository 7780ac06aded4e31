""""Nguồn có vấn đề" in the weekly digest lists sources whose runs went wrong, not sources whose successful
runs found nothing new (an official feed whose articles another source stored first)."""

from __future__ import annotations

from datetime import timedelta

from review.config import parse_config
from review.digest import collect_digest
from review.digest_render import render_html, render_text
from review.models import Source, SourceRun
from review.store import Store
from tests.operate.seed import add_run
from tests.operate.test_digest_mail import MONDAY, WEEK

SOURCES = ("bao-tinh", "cong-thong-tin", "cho-rao", "dien-dan", "trang-moi", "trang-cham")


def _config(db_url: str):  # type: ignore[no-untyped-def]
    blocks = "".join(f'[[sources]]\nname = "{name}"\nkind = "rss"\nurls = ["https://{name}.example.vn/rss"]\n'
                     + ("official = true\n" if name == "cong-thong-tin" else "") for name in SOURCES)
    return parse_config(f'[database]\nurl = "{db_url}"\n{blocks}', "test.toml")


def test_only_sources_with_errors_are_problems(store: Store, db_url: str) -> None:
    cfg = _config(db_url)
    store.sync_sources(cfg.sources, now=MONDAY - timedelta(days=3))  # configured before the week
    add_run(store, "bao-tinh", MONDAY, ok=True, items_new=5)
    # the official portal: every run fine, 0 new items (the provincial paper stored the same articles first)
    for day in range(7):
        add_run(store, "cong-thong-tin", MONDAY + timedelta(days=day), ok=True, items_new=0)
    for hour in range(3):  # failing in a row
        add_run(store, "cho-rao", MONDAY + timedelta(hours=hour), ok=False)
    add_run(store, "dien-dan", MONDAY, ok=False)  # one failed run, then fine again
    add_run(store, "dien-dan", MONDAY + timedelta(days=1), ok=True, items_new=0)
    with store.session() as s:  # the streak ended with the successful run
        s.query(Source).filter_by(name="dien-dan").one().consecutive_failures = 0
        trang_moi = s.query(Source).filter_by(name="trang-moi").one()
        s.add(SourceRun(source_id=trang_moi.id, started_at=MONDAY, finished_at=MONDAY, status="ok", items_new=0,
                        errors=2, message="2 lỗi trong lượt chạy, lỗi cuối: https://trang-moi.example.vn/x: HTTP 500"))
    # trang-cham: no run at all during the week

    data = collect_digest(store, cfg, WEEK)
    problems = {p.name: p for p in data.source_problems}
    assert set(problems) == {"cho-rao", "dien-dan", "trang-moi", "trang-cham"}
    assert problems["cho-rao"].problem == "failing"
    assert (problems["dien-dan"].problem, problems["dien-dan"].error_runs, problems["dien-dan"].runs) == ("errors", 1, 2)
    assert problems["trang-moi"].problem == "errors" and "HTTP 500" in problems["trang-moi"].last_error
    assert problems["trang-cham"].problem == "silent"

    text = render_text(data, cfg.digest.timezone)
    section = text.split("5. Nguồn có vấn đề")[1].split("6. ")[0]
    assert "cong-thong-tin" not in section and "bao-tinh" not in section
    assert "dien-dan: có lượt thu thập bị lỗi (1/2 lượt trong tuần" in section
    assert "trang-cham: không có lượt thu thập nào trong tuần" in section
    html = render_html(data, cfg.digest.timezone, "cid:chart")
    problems_html = html.split("5. Nguồn có vấn đề")[1].split("6. ")[0]
    assert "cong-thong-tin" not in problems_html and "1/2 lượt trong tuần" in problems_html
