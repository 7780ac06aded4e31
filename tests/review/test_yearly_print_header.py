"""The printed page header of the year-end workbook (report, period, area): the period once, the area whole
when it fits, and a header Excel opens when it does not (at most 255 characters with its "&C" code, "&"
doubled and no pair of them cut in two)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from review.store import Store
from review.yearly import summarize, write_summary
from review.yearly_period import year_window

CLI = Callable[..., tuple[int, str, str]]
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _headers(path: Path) -> list[str]:
    wb = load_workbook(path)
    out = [ws.oddHeader.center.text or "" for ws in wb]
    wb.close()
    return out


def _stored_headers(path: Path) -> list[str]:
    """The header of each sheet as the file stores it, which is what Excel checks: "&C" and the text."""
    out = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)):
            odd = ElementTree.fromstring(z.read(name)).find(f"{_MAIN}headerFooter/{_MAIN}oddHeader")
            assert odd is not None and odd.text is not None, name
            out.append(odd.text)
    return out


def test_a_narrowed_year_prints_its_period_once(store: Store, cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "2025.xlsx"
    code, _, err = cli("export", "summary", "--year", "2025", "--until", "2025-11-30", "-o", str(path))
    assert code == 0, err
    for header in _headers(path):  # was "năm 2025 (kỳ 01/01/2025 – 30/11/2025) (kỳ 01/01/2025 – 30/11/2025)"
        assert header.count("01/01/2025") == 1, header


def test_an_area_name_that_fits_is_printed_whole(store: Store, tmp_path: Path) -> None:
    area = "Trung tâm Văn hóa, Thông tin và Thể thao phường Bến Thành, Thành phố Hồ Chí Minh"
    summary = summarize(store, *year_window(2025), year=2025, locality=area)
    write_summary(summary, tmp_path / "2025.xlsx")
    for header in _headers(tmp_path / "2025.xlsx"):  # 139 characters: it was cut at 255 // 2 = 127
        assert header.endswith(area), header


@pytest.mark.parametrize("area", ["&" * 300, "x" + "&" * 300])  # the limit falls after, then inside, a "&&"
def test_an_area_of_ampersands_fills_the_header_to_excels_limit(store: Store, tmp_path: Path, area: str) -> None:
    summary = summarize(store, *year_window(2025), year=2025, locality=area)
    write_summary(summary, tmp_path / "2025.xlsx")
    for stored in _stored_headers(tmp_path / "2025.xlsx"):
        assert stored.startswith("&CBáo cáo tổng kết năm 2025"), stored
        assert len(stored) in (254, 255), len(stored)  # up to the limit, not half of it
        assert len(stored.rstrip("&")) < len(stored) and (len(stored) - len(stored.rstrip("&"))) % 2 == 0, stored
