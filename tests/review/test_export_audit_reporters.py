"""`canhgac export audit` leaves the office: a citizen's name and contact written as the reporter of a report
are masked in the exported rows unless the officer asks for them (`--include-reporters`); the database keeps
them, its hash chain still verifies, and the officer is told how many rows were masked.

Real database file (SQLite), and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from review.citizen import file_report
from review.export import REPORTER_MASK, read_export
from review.store import Store
from tests.review.test_text_reports import BODY, pasted

CLI = Callable[..., tuple[int, str, str]]
CONTACT = "Bà Nguyễn Thị D, 0912345678, d.nguyen@mail.vn"


def _reported_twice(store: Store) -> None:
    file_report(store, pasted(BODY, reporter="Ông Trần Văn C"), actor="lan")
    file_report(store, pasted(BODY, reporter=CONTACT, note="con gái bà nhận được"), actor="lan")


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_exported_audit_masks_the_reporter_and_says_so(store: Store, cli: CLI, tmp_path: Path, fmt: str) -> None:
    _reported_twice(store)
    path = tmp_path / f"audit.{fmt}"
    code, _, err = cli("export", "audit", "--output", str(path))
    assert code == 0, err
    content = path.read_bytes()
    assert b"0912345678" not in content and b"d.nguyen" not in content
    rows = [r for r in read_export(path) if "reporter" in str(r["details"])]
    assert rows and all(REPORTER_MASK in str(r["details"]) for r in rows)
    assert "con gái bà nhận được" in str(rows[-1]["details"])  # the officer's note is not the citizen's contact
    assert f"đã ẩn tên/liên hệ người phản ánh ở {len(rows)} dòng" in err
    assert store.verify_audit().ok  # the database's own rows are untouched


def test_include_reporters_keeps_them_for_the_office(store: Store, cli: CLI, tmp_path: Path) -> None:
    _reported_twice(store)
    path = tmp_path / "audit.jsonl"
    code, _, err = cli("export", "audit", "--include-reporters", "--output", str(path))
    assert code == 0 and "đã ẩn" not in err
    assert "0912345678" in path.read_text(encoding="utf-8")


def test_include_reporters_is_only_for_the_audit_export(store: Store, cli: CLI) -> None:
    code, out, err = cli("export", "decisions", "--include-reporters")
    assert code == 2 and not out and "chỉ dùng với `export audit`" in err
