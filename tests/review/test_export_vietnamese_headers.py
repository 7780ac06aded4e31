"""Ward officers open exports in Excel: XLSX gets Vietnamese column headers and times in `[digest] timezone`
(dd/mm/yyyy HH:MM date cells) by default; CSV gets them with `--headers vi` (times as yyyy-mm-dd HH:MM, which
Excel reads as a date whatever its regional settings); the machine format (English headers,
ISO 8601 UTC) stays the default of CSV and JSONL, which other tools read, and `--headers en` gives it in XLSX.

Real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set), real files read back with openpyxl."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from review.export import read_export
from review.models import Decision
from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]
DECIDED = datetime(2026, 12, 2, 20, 34, 56, tzinfo=UTC)  # 03/12/2026 03:34 in Vietnam, 05:34 in Tokyo
NOTE = "Đã xác minh: lừa đảo chuyển khoản"


@pytest.fixture
def decided(store: Store) -> int:
    entry = flagged(store, "Chuyển khoản ngay để nhận quà Tết", "scam", 0.9, source="bao-tinh", title="Nhận quà")
    store.decide(entry, "lan", "violation", note=NOTE)
    with store.session() as s:
        s.execute(update(Decision).values(created_at=DECIDED))
    return entry


def _sheet(path: Path) -> tuple[list[str], list[tuple[object, ...]], list[object]]:
    """Headers, value rows, and the first data row's cells (for their number format)."""
    wb = load_workbook(path)  # not read-only: cells keep their number format
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    cells = list(ws.iter_rows(min_row=2, max_row=2))[0]
    wb.close()
    return [str(h) for h in rows[0]], rows[1:], list(cells)


def test_xlsx_is_for_officers_by_default(decided: int, cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "quyet-dinh.xlsx"
    code, _, err = cli("export", "decisions", "-o", str(path))
    assert code == 0, err
    headers, rows, cells = _sheet(path)
    assert headers[:3] == ["Mã quyết định", "Mã mục", "Mã tin"]
    assert "Ghi chú của cán bộ" in headers and "Cán bộ duyệt" in headers and "note" not in headers
    at = headers.index("Thời điểm quyết định (giờ Việt Nam (UTC+7))")
    assert rows[0][at] == datetime(2026, 12, 3, 3, 34)  # a date cell Excel sorts as a date, Vietnam time
    assert cells[at].number_format == "dd/mm/yyyy hh:mm"
    assert rows[0][headers.index("Ghi chú của cán bộ")] == NOTE
    back = read_export(path)  # the headers map back to the column names
    assert back[0]["note"] == NOTE and back[0]["entry_id"] == decided and back[0]["verdict"] == "violation"


def test_times_follow_the_digest_timezone(decided: int, cli: CLI, cfg: Path, tmp_path: Path) -> None:
    cfg.write_text(cfg.read_text(encoding="utf-8") + '\n[digest]\ntimezone = "Asia/Tokyo"\n', encoding="utf-8")
    path = tmp_path / "d.xlsx"
    assert cli("export", "decisions", "-o", str(path))[0] == 0
    headers, rows, _ = _sheet(path)
    assert rows[0][headers.index("Thời điểm quyết định (múi giờ Asia/Tokyo)")] == datetime(2026, 12, 3, 5, 34)
    csv_path = tmp_path / "d.csv"
    assert cli("export", "decisions", "--headers", "vi", "-o", str(csv_path))[0] == 0
    assert "2026-12-03 05:34" in csv_path.read_text(encoding="utf-8-sig")


def test_csv_with_vietnamese_headers_opens_in_excel(decided: int, cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    code, _, err = cli("export", "decisions", "--headers", "vi", "-o", str(path))
    assert code == 0, err
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + "Mã quyết định,Mã mục,".encode())  # BOM: Excel reads UTF-8
    text = data.decode("utf-8-sig")
    # ISO 8601 to the minute, local: every Excel reads it as a date (dd/mm is 12 March in an en-US Excel)
    assert "2026-12-03 03:34" in text and "03/12/2026" not in text and "2026-12-02T20:34" not in text
    assert "Thời điểm quyết định (giờ Việt Nam (UTC+7))" in text
    row = read_export(path)[0]
    assert row["decided_at"] == "2026-12-03 03:34" and row["note"] == NOTE


@pytest.mark.parametrize("argv", [[], ["--format", "jsonl"], ["--format", "xlsx", "--headers", "en"]])
def test_the_machine_format_is_unchanged(decided: int, cli: CLI, tmp_path: Path, argv: list[str]) -> None:
    """CSV and JSONL by default, XLSX with --headers en: English column names, ISO 8601 UTC, exact to the second."""
    suffix = "jsonl" if "jsonl" in argv else "xlsx" if "xlsx" in argv else "csv"
    path = tmp_path / f"d.{suffix}"
    code, _, err = cli("export", "decisions", *argv, "-o", str(path))
    assert code == 0, err
    row = read_export(path)[0]
    assert list(row)[:3] == ["decision_id", "entry_id", "item_id"]
    assert datetime.fromisoformat(row["decided_at"]) == DECIDED


def test_the_items_and_audit_exports_are_translated_whole(decided: int, cli: CLI, tmp_path: Path) -> None:
    for kind, first in (("items", "Mã mục"), ("audit", "Số thứ tự nhật ký")):
        path = tmp_path / f"{kind}.xlsx"
        assert cli("export", kind, "-o", str(path))[0] == 0
        headers, rows, _ = _sheet(path)
        assert headers[0] == first and all(h.isascii() is False for h in headers), headers
        assert len(set(headers)) == len(headers)
        assert all(unicodedata.is_normalized("NFC", h) for h in headers)  # precomposed: Excel's search finds them
        en = tmp_path / f"{kind}-en.xlsx"
        assert cli("export", kind, "--headers", "en", "-o", str(en))[0] == 0
        # every column maps back; items also say who made the standing decision and why (officers' shape only)
        extra = ["moderator", "note"] if kind == "items" else []
        assert list(read_export(path)[0]) == [*read_export(en)[0], *extra]


def test_jsonl_with_vietnamese_headers_is_refused(decided: int, cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    code, _, err = cli("export", "decisions", "--headers", "vi", "-o", str(path))
    assert code == 2 and "jsonl" in err and "máy đọc" in err, err
    assert not path.exists()
