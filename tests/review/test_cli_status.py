"""`canhgac status`: times in Vietnam time like every other screen, ISO 8601 with offset (or null) in
--json, and a source's failure reason in full, fix hint included."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.cli import main
from review.cli.admin import STATUS_UNREADABLE
from review.models import Source
from review.store import Store

CLI = Callable[..., tuple[int, str, str]]
LAST_RUN = datetime(2026, 12, 2, 20, 34, tzinfo=UTC)  # 03/12/2026 03:34 in Vietnam
REASON = "host 127.0.0.1 is private (set [crawler] allow_private_hosts to crawl it)"


def _sources(store: Store) -> None:
    with store.session() as s:
        s.add(Source(name="bao-tinh", kind="rss", last_run_at=LAST_RUN, last_error=REASON, last_error_at=LAST_RUN,
                     consecutive_failures=1, next_run_at=datetime(2026, 12, 2, 21, 4, tzinfo=UTC)))
        s.add(Source(name="trang-moi", kind="html"))  # never ran, nothing scheduled


def test_status_shows_vietnam_time_and_full_reasons(store: Store, cli: CLI, cfg: Path) -> None:
    _sources(store)
    with cfg.open("a", encoding="utf-8") as fh:  # a removed source's error is not listed: bao-tinh is configured
        fh.write('\n[[sources]]\nname = "bao-tinh"\nkind = "rss"\nurls = ["https://baotinh.vn/rss"]\n')
    code, out, _ = cli("status")
    assert code == 0
    assert "03/12/2026 03:34" in out and "03/12/2026 04:04" in out, out  # dd/mm/yyyy, as the weekly digest writes
    assert "02/12/2026 20:34" not in out and "02/12/2026 21:04" not in out
    assert "giờ Việt Nam" in out
    assert f"bao-tinh (03/12/2026 03:34): {REASON}" in out, out  # when, and the fix hint at the end survives


def test_status_json_times_are_iso_with_offset_or_null(store: Store, cli: CLI) -> None:
    _sources(store)
    code, out, _ = cli("status", "--json")
    assert code == 0
    status = json.loads(out)
    by_name = {s["name"]: s for s in status["sources"]}
    ran = by_name["bao-tinh"]
    assert datetime.fromisoformat(ran["last_run"]) == LAST_RUN and ran["last_run"].endswith("+00:00")
    assert datetime.fromisoformat(ran["next_run"]).utcoffset() is not None
    assert ran["last_error"] == REASON
    assert by_name["trang-moi"]["last_run"] is None and by_name["trang-moi"]["next_run"] is None
    assert status["oldest_open"] is None and status["last_digest"] is None
    assert status["daemon"] is None and status["daemon_since"] is None


def test_a_run_stopped_on_request_is_not_a_failure_and_results_read_in_vietnamese(store: Store, cli: CLI) -> None:
    """Ctrl-C on `canhgac crawl` or the daemon stopping ends a run "stopped": the source's failure streak and
    last error stay as they were, and the status table says what each last run did in Vietnamese."""
    _sources(store)
    stopped = store.start_run("bao-tinh")
    store.finish_run(stopped, ok=False, items_new=2, message="đã dừng theo yêu cầu (Ctrl-C)", stopped=True)
    ok = store.start_run("trang-moi")
    store.finish_run(ok, ok=True, items_new=3)
    with store.session() as s:
        src = s.query(Source).filter_by(name="bao-tinh").one()
        assert src.consecutive_failures == 1 and src.last_error == REASON and src.items_total == 2
    code, out, _ = cli("status")
    assert code == 0
    assert "đã dừng theo yêu cầu" in out and "thành công" in out, out
    code, out, _ = cli("status", "--json")
    assert {s["name"]: s["result"] for s in json.loads(out)["sources"]} == {"bao-tinh": "stopped", "trang-moi": "ok"}


def test_status_that_cannot_read_the_database_exits_3_not_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """1 means a CẢNH BÁO (something needs attention); a database status cannot read checked nothing: 3, with the
    reason on stderr in Vietnamese and no traceback. Real files: one that is no SQLite database, one never created."""
    garbage = tmp_path / "hong.db"
    garbage.write_bytes(b"day khong phai co so du lieu " * 200)
    for db, said in ((garbage, "file is not a database"), (tmp_path / "chua-co.db", "chưa có cơ sở dữ liệu")):
        cfg = tmp_path / "canhgac.toml"
        cfg.write_text(f'[database]\nurl = "sqlite:///{db}"\n', encoding="utf-8")
        for argv in (["status"], ["status", "--json"]):
            code = main(["--config", str(cfg), *argv])
            out, err = capsys.readouterr()
            assert code == STATUS_UNREADABLE == 3, err
            assert "không đọc được cơ sở dữ liệu" in err and said in err and "Traceback" not in err, err
            assert out == ""


def test_status_help_names_exit_code_3(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "3 khi không đọc được cơ sở dữ liệu" in text, text


def test_a_wrong_configuration_stays_exit_2(tmp_path: Path) -> None:
    cfg = tmp_path / "canhgac.toml"
    cfg.write_text('[database]\nurl = "mysql://x"\n', encoding="utf-8")
    assert main(["--config", str(cfg), "status"]) == 2
