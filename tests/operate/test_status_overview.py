"""`canhgac status` as the officer on duty reads it: since when a failing source last worked (never, or a date),
and what the review backlog is made of, by category; the same in `--json`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.cli import main
from review.config import load_config
from review.housekeeping import acquire_lease
from review.store import Store
from tests.operate.seed import add_flagged

CONFIG = """[database]
url = "{url}"
[review]
failure_alert = 2
[[sources]]
name = "bao-tinh"
kind = "rss"
urls = ["https://bao-tinh.example.vn/rss"]
[[sources]]
name = "cong-xa"
kind = "rss"
urls = ["https://cong-xa.example.vn/rss"]
[[sources]]
name = "cho-rao"
kind = "rss"
urls = ["https://cho-rao.example.vn/rss"]
"""


def _finish(store: Store, name: str, ok: bool) -> None:
    """A run the way a crawl records it: the source's health (last success, failure streak) follows."""
    run = store.start_run(name)
    store.finish_run(run, ok=ok, items_new=1 if ok else 0, pages=1, errors=0 if ok else 1,
                     message=None if ok else "HTTP 503")


def test_status_shows_last_success_and_backlog_by_category(store: Store, db_url: str, write_config,  # type: ignore[no-untyped-def]
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    path: Path = write_config(CONFIG.format(url=db_url))
    store.sync_sources(load_config(path).sources)
    _finish(store, "bao-tinh", True)
    _finish(store, "cho-rao", True)  # worked once, then broke
    _finish(store, "cho-rao", False)
    _finish(store, "cho-rao", False)
    _finish(store, "cong-xa", False)  # never worked
    _finish(store, "cong-xa", False)
    old = datetime.now(UTC) - timedelta(days=3)
    for n in range(3):
        add_flagged(store, title=f"Lừa đảo {n}", category="scam", at=old + timedelta(hours=n))
    add_flagged(store, title="Tin đồn", category="misinformation", at=old)
    add_flagged(store, title="Đã xử lý", category="hate", at=old, verdict="violation", decided_at=old)

    code = main(["--config", str(path), "status"])
    out = capsys.readouterr().out
    assert code == 1  # two sources failing
    header = next(line for line in out.splitlines() if line.startswith("nguồn"))
    assert "thành công gần nhất" in header
    rows = {line.split()[0]: line for line in out.splitlines() if line.split() and line.split()[0] in
            ("bao-tinh", "cong-xa", "cho-rao")}
    assert "chưa lần nào" in rows["cong-xa"]
    assert "chưa lần nào" not in rows["cho-rao"] and "chưa lần nào" not in rows["bao-tinh"]
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Hàng chờ duyệt"))
    assert "4 mục" in lines[at]
    backlog = lines[at + 1]
    assert "Lừa đảo, chiếm đoạt tài sản: 3" in backlog and "Tin giả, tin sai sự thật: 1" in backlog
    assert "Kích động" not in backlog  # decided: not in the backlog

    code = main(["--config", str(path), "status", "--json"])
    status = json.loads(capsys.readouterr().out)
    by_name = {s["name"]: s for s in status["sources"]}
    assert by_name["cong-xa"]["last_success"] is None and by_name["cho-rao"]["last_success"] is not None
    assert status["backlog_by_category"] == {"scam": 3, "misinformation": 1}


def test_a_run_due_but_waiting_for_a_crawl_slot_is_not_shown_as_a_past_time(  # type: ignore[no-untyped-def]
        store: Store, db_url: str, write_config, capsys: pytest.CaptureFixture[str]) -> None:
    """The daemon runs two crawls at a time; a source whose time came while both ran waits for a slot, and its
    "lần chạy tới" used to read as a time already past (the daemon writes the next one once the crawl ran)."""
    path: Path = write_config(CONFIG.format(url=db_url))
    store.sync_sources(load_config(path).sources)
    store.set_next_run("bao-tinh", datetime.now(UTC) - timedelta(minutes=3))
    store.set_next_run("cong-xa", datetime.now(UTC) + timedelta(minutes=30))
    main(["--config", str(path), "status"])  # no daemon: the time as it is (nothing will run it)
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line.split()}
    assert "đang chờ lượt" not in rows["bao-tinh"]
    acquire_lease(store, "may-chu:4242")  # a daemon runs
    main(["--config", str(path), "status"])
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line.split()}
    assert "đang chờ lượt từ" in rows["bao-tinh"] and "đang chờ lượt" not in rows["cong-xa"]
