"""The machine format of an export is a contract other tools read (`docs/review.md`): English column names, ISO
8601 UTC times, codes. Giving officers a Vietnamese shape must not change one byte of it. The files under
`fixtures/export_machine/` were written from `export_sample` by canhgac before the officers' shape learned item
kinds, audit actions and details; every CSV and JSONL export of the sample must still be those bytes, and XLSX
with `--headers en` must hold the same values.

Real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from review.export import read_export
from review.store import Store
from tests.review.export_sample import fill_sample

CLI = Callable[..., tuple[int, str, str]]
GOLDEN = Path(__file__).parent / "fixtures" / "export_machine"
#: golden file stem -> the export's arguments
CASES = {"decisions": ["decisions"], "decisions-undone": ["decisions", "--include-undone"], "items": ["items"],
         "audit": ["audit"], "audit-reporters": ["audit", "--include-reporters"]}


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize("case", list(CASES))
def test_machine_format_is_byte_identical(store: Store, cli: CLI, tmp_path: Path, case: str, fmt: str) -> None:
    fill_sample(store)
    path = tmp_path / f"{case}.{fmt}"
    code, _, err = cli("export", *CASES[case], "-o", str(path))
    assert code == 0, err
    assert path.read_bytes() == (GOLDEN / f"{case}.{fmt}").read_bytes()


@pytest.mark.parametrize("case", list(CASES))
def test_xlsx_in_english_holds_the_machine_values(store: Store, cli: CLI, tmp_path: Path, case: str) -> None:
    fill_sample(store)
    path = tmp_path / f"{case}.xlsx"
    code, _, err = cli("export", *CASES[case], "--headers", "en", "-o", str(path))
    assert code == 0, err
    assert read_export(path) == read_export(GOLDEN / f"{case}.jsonl")
