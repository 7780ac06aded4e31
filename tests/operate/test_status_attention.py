"""`canhgac status` for a monitoring script: exit 0 only when all is fine, 1 whenever it prints a warning ("CẢNH
BÁO": a source failing `[review] failure_alert` times in a row, a weekly digest that did not reach a recipient, the
model file not found), in `--json` too, where `warnings` names each. It used to exit 0 with an undelivered digest
on screen, so a check on the exit code never alerted. Dates are written dd/mm/yyyy like the digest's, in the
time zone of `[digest] timezone`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.cli import main
from review.config import load_config
from review.digest import last_complete_week
from review.models import Source
from review.store import Store
from review.types import utcnow
from tests.operate.smtp import free_port, mail_toml

SOURCE = """[[sources]]
name = "bao-tinh"
kind = "rss"
urls = ["https://bao-tinh.example.vn/rss"]
"""


def _status(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["--config", str(path), "status", *extra])
    return code, capsys.readouterr().out


def test_all_fine_is_0_an_undelivered_digest_is_1(store: Store, db_url: str, write_config,  # type: ignore[no-untyped-def]
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path: Path = write_config(mail_toml(free_port(), db_url, '["lanhdao@so.example.vn"]') + SOURCE)
    store.sync_sources(load_config(path).sources)
    code, out = _status(path, capsys)
    assert code == 0 and "CẢNH BÁO" not in out, out
    code, out = _status(path, capsys, "--json")
    assert code == 0 and json.loads(out)["warnings"] == []

    week = last_complete_week(load_config(path).digest.timezone)
    store.plan_digest(week, ["lanhdao@so.example.vn"], utcnow())
    (row,) = store.digest_deliveries(week)
    assert store.claim_digest(row.id, manual=True)
    store.mark_digest_failed(row.id, "máy chủ thư từ chối địa chỉ người nhận")

    code, out = _status(path, capsys)
    assert code == 1 and "CẢNH BÁO: bản tin tuần" in out, out
    code, out = _status(path, capsys, "--json")
    assert code == 1 and json.loads(out)["warnings"] == ["digest_undelivered"]


def test_a_missing_model_file_is_a_warning(store: Store, db_url: str, write_config,  # type: ignore[no-untyped-def]
                                           capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path: Path = write_config(f'[database]\nurl = "{db_url}"\n[classifier]\nmodel = "{tmp_path / "khong-co.joblib"}"\n'
                              + SOURCE)
    code, out = _status(path, capsys)
    assert code == 1 and "CẢNH BÁO" in out and "KHÔNG TÌM THẤY tệp mô hình" in out, out
    code, out = _status(path, capsys, "--json")
    assert code == 1 and json.loads(out)["warnings"] == ["model_missing"]


def test_a_failing_source_is_still_1_and_named_in_warnings(store: Store, db_url: str, write_config,  # type: ignore[no-untyped-def]
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    path: Path = write_config(f'[database]\nurl = "{db_url}"\n[review]\nfailure_alert = 2\n' + SOURCE)
    store.sync_sources(load_config(path).sources)
    for _ in range(2):
        store.finish_run(store.start_run("bao-tinh"), ok=False, items_new=0, message="HTTP 503")
    code, out = _status(path, capsys, "--json")
    assert code == 1 and json.loads(out)["warnings"] == ["source_failing"] and json.loads(out)["failing"] == ["bao-tinh"]


def test_the_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "0" in help_text and "mọi thứ bình thường" in help_text and "CẢNH BÁO" in help_text, help_text


def test_status_dates_are_dd_mm_yyyy_in_the_configured_time_zone(store: Store, db_url: str, write_config,  # type: ignore[no-untyped-def]
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path: Path = write_config(f'[database]\nurl = "{db_url}"\n[digest]\ntimezone = "Asia/Tokyo"\n' + SOURCE)
    store.sync_sources(load_config(path).sources)
    with store.session() as s:
        src = s.query(Source).filter_by(name="bao-tinh").one()
        src.last_run_at = src.last_success_at = datetime(2026, 12, 2, 20, 34, tzinfo=UTC)  # 03/12 05:34 in Tokyo
    code, out = _status(path, capsys)
    assert code == 0, out
    assert "03/12/2026 05:34" in out, out
    assert "2026-12-03" not in out and "2026-12-02" not in out and "03/12/2026 03:34" not in out, out
    assert "Asia/Tokyo" in out and "giờ Việt Nam" not in out, out
