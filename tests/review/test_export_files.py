"""`canhgac export -o FILE` never leaves a half-written file, nor destroys what was there, nor the database.

Ctrl-C arrives at a fixed point of the export: a real SIGINT sent by the process to itself when the database is
asked for the second batch of rows (after the first batch was written), through SQLAlchemy's cursor event.
Real database file (SQLite), and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, event

from review.export import BATCH, read_export
from review.export_headers import columns_read
from review.store import Store
from tests.review.factory import bulk_entries, flagged

CLI = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parents[2]
PREVIOUS = "bản xuất tuần trước\n"


def _ctrl_c_at_second_batch(conn: object, cursor: object, statement: str, *rest: object) -> None:
    if "items.canonical_url" in statement and "review_entries.id >" in statement:
        _ctrl_c_at_second_batch.seen += 1  # type: ignore[attr-defined]
        if _ctrl_c_at_second_batch.seen == 2:  # type: ignore[attr-defined]
            os.kill(os.getpid(), signal.SIGINT)


@pytest.fixture
def ctrl_c_mid_export() -> Iterator[None]:
    _ctrl_c_at_second_batch.seen = 0  # type: ignore[attr-defined]
    event.listen(Engine, "before_cursor_execute", _ctrl_c_at_second_batch)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", _ctrl_c_at_second_batch)


@pytest.mark.parametrize("name", ["items.csv", "items.jsonl", "items.xlsx"])
def test_ctrl_c_mid_export_keeps_the_previous_file(store: Store, cli: CLI, tmp_path: Path, name: str,
                                                   ctrl_c_mid_export: None) -> None:
    bulk_entries(store, BATCH + 50)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    path = out_dir / name
    path.write_text(PREVIOUS, encoding="utf-8")
    code, _, err = cli("export", "items", "-o", str(path))
    assert code == 130, err
    assert _ctrl_c_at_second_batch.seen == 2  # type: ignore[attr-defined]
    assert path.read_text(encoding="utf-8") == PREVIOUS  # not truncated, not replaced by a part of the export
    assert sorted(p.name for p in out_dir.iterdir()) == [name]  # nothing half-written left beside it


@pytest.mark.parametrize("name", ["items.csv", "items.xlsx"])
def test_a_complete_export_replaces_the_previous_file(store: Store, cli: CLI, tmp_path: Path, name: str) -> None:
    bulk_entries(store, BATCH + 50)
    path = tmp_path / name
    path.write_text(PREVIOUS, encoding="utf-8")
    path.chmod(0o640)
    code, _, err = cli("export", "items", "-o", str(path))
    assert code == 0, err
    assert len(read_export(path)) == BATCH + 50
    assert path.stat().st_mode & 0o777 == 0o640  # the file keeps its permissions
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_export_through_a_symlink_writes_its_target(store: Store, cli: CLI, tmp_path: Path) -> None:
    flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    target = tmp_path / "that.csv"
    target.write_text(PREVIOUS, encoding="utf-8")
    link = tmp_path / "latest.csv"
    link.symlink_to(target.name)
    code, _, err = cli("export", "items", "-o", str(link))
    assert code == 0, err
    assert link.is_symlink() and len(read_export(target)) == 1


def test_ctrl_c_mid_xlsx_export_prints_one_line(store: Store, cfg: Path, tmp_path: Path) -> None:
    """openpyxl's half-written sheet, collected at interpreter exit, printed lxml tracebacks under the message."""
    bulk_entries(store, BATCH + 50)
    script = ("import os, signal, sys\n"
              "from sqlalchemy import Engine, event\n"
              "from tests.review.test_export_files import _ctrl_c_at_second_batch as hook\n"
              "from crawler.cli import main\n"
              "hook.seen = 0\n"
              "event.listen(Engine, 'before_cursor_execute', hook)\n"
              "sys.exit(main(sys.argv[1:]))\n")
    proc = subprocess.run([sys.executable, "-c", script, "--config", str(cfg), "export", "items", "-o",
                           str(tmp_path / "items.xlsx")], cwd=str(ROOT), capture_output=True, text=True, timeout=300,
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.default_int_handler))
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr.strip() == "canhgac: đã dừng (Ctrl-C)"
    assert not (tmp_path / "items.xlsx").exists()


@pytest.mark.parametrize("args", [("export", "items", "--format", "csv", "-o", "{db}"),
                                  ("export", "decisions", "--format", "jsonl", "-o", "{db}"),
                                  ("export", "audit", "--format", "xlsx", "-o", "{db}")])
def test_export_over_the_database_is_refused(store: Store, cli: CLI, db_url: str, args: tuple[str, ...]) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("a PostgreSQL database is no file an export could overwrite")
    entry = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    db = db_url.removeprefix("sqlite:///")
    code, _, err = cli(*(a.format(db=db) for a in args))
    assert code == 2, err
    assert "cơ sở dữ liệu" in err and "Traceback" not in err
    code, out, err = cli("show", str(entry))  # the database is still whole
    assert code == 0 and "khoản ngay để nhận quà" in out, err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_to_a_full_disk_through_stdout_is_one_line(store: Store, cfg: Path, fmt: str) -> None:
    """`canhgac export items > /mnt/full/items.csv`: told like a full disk behind -o, not a traceback."""
    flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9)
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "crawler.cli", "--config", str(cfg), "export", "items",
                               "--format", fmt], cwd=str(ROOT), stdout=full, stderr=subprocess.PIPE, text=True,
                              timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == "canhgac: không ghi được kết quả xuất ra đầu ra chuẩn: hết dung lượng đĩa"


def test_xlsx_export_holds_control_characters_and_texts_longer_than_excel_takes(store: Store, cli: CLI,
                                                                                 tmp_path: Path) -> None:
    """Crawled text keeps C0 controls (ESC, VT: `crawler.extract.clean_text` leaves them), which XML cannot carry:
    openpyxl refused the cell and the export died with a traceback. A text over Excel's 32767 characters made Excel
    call the file damaged."""
    from openpyxl import load_workbook

    from review.export import XLSX_CELL_MAX, XLSX_CUT_MARK

    flagged(store, "Chuyển khoản \x1b[31mngay\x1b[0m để nhận\x0bquà", "scam", 0.95, title="Tin\x01 nóng")
    long_text = "Lừa đảo " + "chuyển tiền 😀 " * 4000  # 56,000 UTF-16 units
    flagged(store, long_text, "scam", 0.9)
    path = tmp_path / "items.xlsx"
    code, _, err = cli("export", "items", "-o", str(path))
    assert code == 0, err
    assert "Đã xuất 2 dòng" in err and "1 ô dài hơn 32767 ký tự" in err
    wb = load_workbook(path, read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    header = columns_read([str(h) for h in rows[0]])  # Vietnamese headers ("Nội dung")
    texts = sorted(str(r[header.index("text")]) for r in rows[1:])
    assert texts[0] == "Chuyển khoản \ufffd[31mngay\ufffd[0m để nhận\ufffdquà"
    assert texts[1].endswith(XLSX_CUT_MARK) and long_text.startswith(texts[1].removesuffix(XLSX_CUT_MARK))
    assert len(texts[1].encode("utf-16-le")) // 2 <= XLSX_CELL_MAX
    assert "Tin\ufffd nóng" in [r[header.index("title")] for r in rows[1:]]
    code, _, err = cli("export", "items", "-o", str(tmp_path / "items.csv"))  # CSV keeps every character
    assert code == 0, err
    assert sorted(r["text"] for r in read_export(tmp_path / "items.csv"))[1] == long_text
