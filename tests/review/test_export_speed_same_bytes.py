"""`write_xlsx` writes the sheet's rows itself (openpyxl writes the rest of the package): openpyxl's write-only
sheet, one cell object per value, made the officers' XLSX 5–10x slower than CSV. The workbook must hold exactly
what openpyxl wrote: the reference here is openpyxl's own write-only sheet fed the same rows, as `write_xlsx` fed
it before. Compared are the sheet's XML byte for byte, every other part of the package but the one stamped with
the time of writing, and each cell as openpyxl reads it (value, type, number format). One difference on purpose:
a text spelled like an Excel error value ("#N/A") is a text cell, not openpyxl's error cell.

Also: a text holding a character XML 1.0 cannot carry beyond the C0 controls (U+FFFE, U+FFFF, a lone surrogate)
made the whole XLSX export fail; it becomes U+FFFD like the controls.

Real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES

from review.export import XLSX_CELL_MAX, Export, build_export, write_xlsx
from review.export_headers import XLSX_TIME_FORMAT, for_officers
from review.store import Store
from tests.review.export_sample import fill_sample
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]
#: stamped with the time of writing (docProps/core.xml: created, modified)
STAMPED = {"docProps/core.xml"}


def reference_xlsx(columns: tuple[str, ...], rows: list[tuple[Any, ...]], path: Path) -> None:
    """The rows through openpyxl's write-only sheet: a time as a date cell shown `XLSX_TIME_FORMAT`, a text
    starting with "=" or spelled like an Excel error value as a string cell (openpyxl would make it a formula, an
    error)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("sheet")
    ws.append(list(columns))
    for row in rows:
        cells: list[Any] = []
        for value in row:
            if isinstance(value, datetime) or (isinstance(value, str) and (value.startswith("=")
                                                                           or value in ERROR_CODES)):
                cell = WriteOnlyCell(ws, value)
                if isinstance(value, datetime):
                    cell.number_format = XLSX_TIME_FORMAT
                else:
                    cell.data_type = "s"
                value = cell
            cells.append(value)
        ws.append(cells)
    wb.save(path)


def ours(columns: tuple[str, ...], rows: list[tuple[Any, ...]], path: Path, kind: str = "sheet") -> int:
    return write_xlsx(Export(kind, columns, iter(rows)), path).rows


def assert_same_workbook(got: Path, want: Path) -> None:
    with zipfile.ZipFile(got) as g, zipfile.ZipFile(want) as w:
        assert [i.filename for i in g.infolist()] == [i.filename for i in w.infolist()]
        assert [i.compress_type for i in g.infolist()] == [i.compress_type for i in w.infolist()]
        for name in g.namelist():
            if name not in STAMPED:
                assert g.read(name) == w.read(name), name
    a, b = load_workbook(got), load_workbook(want)
    assert [ws.title for ws in a.worksheets] == [ws.title for ws in b.worksheets]
    rows_a, rows_b = list(a.worksheets[0].iter_rows()), list(b.worksheets[0].iter_rows())
    assert len(rows_a) == len(rows_b)
    for ra, rb in zip(rows_a, rows_b, strict=True):
        assert [(c.value, c.data_type, c.number_format) for c in ra] == \
               [(c.value, c.data_type, c.number_format) for c in rb]


EDGES: list[tuple[Any, ...]] = [
    ("", " trước", "sau ", "dòng\r\nhai\tba", "a&b<c>d\"e'", "😀 Hà Nội ệ", "#N/A", "=", "=SUM(A1)", "-2+3"),
    (float("nan"), float("inf"), True, False, 0, -3, 1.5, 1e20, 0.1 + 0.2, Decimal("0.30")),
    (None, datetime(2026, 1, 2, 3, 4), None, datetime(1999, 12, 31, 23, 59), "x" * 40000, "😀" * 20000,
     "\u00a0nbsp\u00a0", "\u2003", "]]>", None),
    (None,) * 10,
]


def test_edge_values_are_written_as_openpyxl_writes_them(tmp_path: Path) -> None:
    columns = tuple(f"Cột {n}" for n in range(10))
    rows = [tuple(v[:20] if isinstance(v, str) else v for v in r) for r in EDGES]  # none cut
    reference_xlsx(columns, rows, tmp_path / "want.xlsx")
    assert ours(columns, rows, tmp_path / "got.xlsx") == len(rows)
    assert_same_workbook(tmp_path / "got.xlsx", tmp_path / "want.xlsx")


def test_long_texts_are_cut_as_before(tmp_path: Path) -> None:
    from review.export import xlsx_cell

    columns = tuple(f"c{n}" for n in range(10))
    cut_rows = [tuple(xlsx_cell(v) for v in r) for r in EDGES]  # what the writer cut before openpyxl saw it
    reference_xlsx(columns, cut_rows, tmp_path / "want.xlsx")
    written = write_xlsx(Export("sheet", columns, iter(EDGES)), tmp_path / "got.xlsx")
    assert written.cut == 2
    assert_same_workbook(tmp_path / "got.xlsx", tmp_path / "want.xlsx")
    cells = [c.value for c in next(load_workbook(tmp_path / "got.xlsx").worksheets[0].iter_rows(min_row=4))]
    assert all(len(v) + sum(ord(ch) > 0xFFFF for ch in v) <= XLSX_CELL_MAX for v in cells if isinstance(v, str))


def test_a_header_only_workbook(tmp_path: Path) -> None:
    reference_xlsx(("id", "at"), [], tmp_path / "want.xlsx")
    assert ours(("id", "at"), [], tmp_path / "got.xlsx") == 0
    assert_same_workbook(tmp_path / "got.xlsx", tmp_path / "want.xlsx")


def _kinds() -> Iterator[tuple[str, dict[str, bool]]]:
    yield "items", {}
    yield "decisions", {"include_undone": True}
    yield "decisions", {}
    yield "audit", {"include_reporters": True}
    yield "audit", {}


@pytest.mark.parametrize("headers", ["vi", "en"])
@pytest.mark.parametrize(("kind", "flags"), list(_kinds()))
def test_every_export_of_the_sample_is_the_workbook_openpyxl_wrote(store: Store, tmp_path: Path, headers: str,
                                                                    kind: str, flags: dict[str, bool]) -> None:
    fill_sample(store)

    def export() -> Export:
        e = build_export(store, kind, None, None, **flags)
        return for_officers(e, "Asia/Ho_Chi_Minh", "giờ Việt Nam (UTC+7)") if headers == "vi" else e

    want = export()
    rows = list(want.rows)
    assert rows
    reference = tmp_path / "want.xlsx"
    reference_xlsx(want.columns, rows, reference)
    got = tmp_path / "got.xlsx"
    assert write_xlsx(export(), got).rows == len(rows)
    _retitle(reference, kind)
    assert_same_workbook(got, reference)


def _retitle(path: Path, title: str) -> None:
    """The reference's sheet named as the export names it (the only difference `reference_xlsx` makes)."""
    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            if info.filename in ("xl/workbook.xml", "docProps/app.xml"):
                data = data.replace(b">sheet<", f">{title}<".encode())
                data = data.replace(b'name="sheet"', f'name="{title}"'.encode())
            z.writestr(info, data)


@pytest.mark.parametrize("bad", ["\uffff", "\ufffe"])
def test_a_character_xml_cannot_hold_does_not_fail_the_export(store: Store, cli: CLI, tmp_path: Path,
                                                              bad: str) -> None:
    flagged(store, "Nội dung tin", "scam", 0.9, title=f"Tiêu đề{bad}lạ")
    path = tmp_path / "items.xlsx"
    code, _, err = cli("export", "items", "-o", str(path))
    assert code == 0, err
    rows = list(load_workbook(path).worksheets[0].iter_rows(values_only=True))
    assert "Tiêu đề\ufffdlạ" in rows[1]


def test_a_lone_surrogate_becomes_the_replacement_character() -> None:
    from review.export import xlsx_cell

    assert xlsx_cell("a\ud800b\udfffc\x01") == "a\ufffdb\ufffdc\ufffd"
    assert xlsx_cell("😀 ệ") == "😀 ệ"


@pytest.mark.parametrize("note", ["#N/A", "#REF!", "#DIV/0!"])
def test_a_text_spelled_like_an_excel_error_stays_a_text(store: Store, cli: CLI, tmp_path: Path, note: str) -> None:
    """openpyxl types a text that is exactly an Excel error value ("#N/A": what officers write for "not
    applicable") as that error: Excel shows it as a failed formula and counts it as one. Every text is a
    string-typed cell (the one difference from openpyxl's own writing)."""
    entry = flagged(store, "Nội dung tin", "scam", 0.9, title=note)
    code, _, err = cli("--as", "lan", "decide", str(entry), "--verdict", "dismiss", "--note", note)
    assert code == 0, err
    path = tmp_path / "items.xlsx"
    code, _, err = cli("export", "items", "-o", str(path))
    assert code == 0, err
    [row] = list(load_workbook(path).worksheets[0].iter_rows(min_row=2))
    cells = [c for c in row if c.value == note]
    assert len(cells) == 2 and {c.data_type for c in cells} == {"s"}, [(c.value, c.data_type) for c in row]
