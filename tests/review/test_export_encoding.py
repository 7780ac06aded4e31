"""CSV exports start with a UTF-8 byte order mark, so Excel on Windows shows Vietnamese correctly; JSONL
and XLSX are unchanged; every export still re-imports to the same text."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from review.export import read_export
from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]
BOM = b"\xef\xbb\xbf"


@pytest.fixture
def decided(store: Store) -> None:
    entry = flagged(store, "Chuyển khoản ngay để nhận quà Tết", "scam", 0.9, source="fb",
                    title="Lừa đảo nhận quà")
    store.decide(entry, "lan", "violation", note="đã xác minh: lừa đảo")


@pytest.mark.parametrize("kind", ["decisions", "items", "audit"])
def test_csv_file_starts_with_bom(decided: None, cli: CLI, tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.csv"
    code, _, _ = cli("export", kind, "--output", str(path))
    assert code == 0
    data = path.read_bytes()
    assert data.startswith(BOM) and not data.startswith(BOM * 2)
    assert data[len(BOM):].decode("utf-8").split(",")[0] in ("decision_id", "entry_id", "id")
    rows = read_export(path)
    assert len(rows) == 1 and all(not k.startswith("\ufeff") for k in rows[0])
    if kind == "decisions":
        assert rows[0]["note"] == "đã xác minh: lừa đảo"


def test_csv_to_stdout_starts_with_bom(decided: None, cli: CLI) -> None:
    code, out, _ = cli("export", "decisions")
    assert code == 0 and out.startswith("\ufeffdecision_id,") and "đã xác minh: lừa đảo" in out


def test_jsonl_and_xlsx_have_no_bom(decided: None, cli: CLI, tmp_path: Path) -> None:
    jsonl, xlsx = tmp_path / "d.jsonl", tmp_path / "d.xlsx"
    assert cli("export", "decisions", "--format", "jsonl", "--output", str(jsonl))[0] == 0
    assert cli("export", "decisions", "--format", "xlsx", "--output", str(xlsx))[0] == 0
    assert jsonl.read_bytes().startswith(b'{"decision_id"')
    assert xlsx.read_bytes()[:2] == b"PK" and zipfile.is_zipfile(xlsx)
    assert read_export(jsonl)[0]["note"] == read_export(xlsx)[0]["note"] == "đã xác minh: lừa đảo"
