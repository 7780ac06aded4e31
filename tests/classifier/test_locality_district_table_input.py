"""`python -m classifier.locality_district_table` given a file that is not vietnam-provinces 0.6.0's nested divisions
(a list of numbers, a province whose districts are no list, a district with no name) says so and writes nothing,
instead of stopping on a traceback; given a wheel, the data date in the table's header is the wheel's own
(`__data_version__`), not a date assumed for it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from classifier.locality_district_table import main


@pytest.mark.parametrize(
    "data",
    [
        [1, 2],
        [{"name": "Tỉnh Kon Tum", "districts": "Huyện Sa Thầy"}],
        [{"name": "Tỉnh Kon Tum", "districts": [{"code": 610}]}],
        [{"districts": [{"name": "Huyện Sa Thầy"}]}],
    ],
)
def test_malformed_divisions_are_refused_clearly(data: object, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "nested-divisions.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "districts.tsv"
    assert main([str(source), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("locality_district_table: ") and "nested divisions" in err
    assert not out.exists()


def test_header_names_the_wheels_own_data_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wheel = tmp_path / "vietnam_provinces-0.6.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("vietnam_provinces/__init__.py", "__version__ = '0.6.0'\n__data_version__ = '2024-11-30'\n")
        z.writestr("vietnam_provinces/data/nested-divisions.json", json.dumps(
            [{"name": "Tỉnh Kon Tum", "districts": [{"name": "Huyện Sa Thầy"}]}], ensure_ascii=False))
    out = tmp_path / "districts.tsv"
    assert main([str(wheel), "--out", str(out)]) == 0
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert "(data 2024-11-30)" in header, header
    assert main([str(wheel), "--out", str(out), "--data-version", "2025-01-04"]) == 0  # said outright: kept
    assert "(data 2025-01-04)" in out.read_text(encoding="utf-8").splitlines()[0]
