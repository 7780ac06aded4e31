"""The reporting office (`[review] office`) named in the year-end workbook: a row "Cơ quan báo cáo" in Ghi chú and
the printed page header of every sheet; without the key the workbook is as before (the area, `locality`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from review.config import ConfigError, parse_config
from review.store import Store

CLI = Callable[..., tuple[int, str, str]]
OFFICE = "Phòng Văn hóa – Thông tin phường Bến Thành"


def _workbook(path: Path) -> tuple[dict[str, object], list[str]]:
    wb = load_workbook(path)
    notes = {str(r[0]): r[1] for r in wb["Ghi chú"].iter_rows(min_row=2, values_only=True)}
    headers = [ws.oddHeader.center.text or "" for ws in wb]
    wb.close()
    return notes, headers


def test_the_office_is_read_from_the_review_table() -> None:
    cfg = parse_config(f'[review]\nlocality = "Tỉnh Nghệ An"\noffice = "{OFFICE}"\n', "canhgac.toml")
    assert cfg.review.office == OFFICE
    assert parse_config('[review]\nlocality = "Tỉnh Nghệ An"\n', "canhgac.toml").review.office == ""


def test_an_office_that_is_not_text_is_refused_with_file_key_and_line() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config('[review]\nlocality = "Tỉnh Nghệ An"\noffice = 7\n', "canhgac.toml")
    assert (info.value.file, info.value.key, info.value.line) == ("canhgac.toml", "review.office", 3)
    assert "canhgac.toml:3" in str(info.value) and "nhận được int 7" in info.value.reason  # a type error, not a typo


def test_the_summary_names_the_office_in_ghi_chu_and_on_every_printed_page(store: Store, cli: CLI, cfg: Path,
                                                                             tmp_path: Path) -> None:
    cfg.write_text(cfg.read_text(encoding="utf-8") + f'office = "{OFFICE}"\n', encoding="utf-8")
    path = tmp_path / "2025.xlsx"
    code, _, err = cli("export", "summary", "--year", "2025", "-o", str(path))
    assert code == 0, err
    notes, headers = _workbook(path)
    assert notes["Cơ quan báo cáo"] == OFFICE
    assert notes["Địa bàn"] == "Hà Nội"  # the area stays in Ghi chú
    assert len(headers) >= 5
    for header in headers:
        assert header.endswith(f" – {OFFICE}"), header


def test_without_an_office_the_summary_prints_the_area_as_before(store: Store, cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "2025.xlsx"
    code, _, err = cli("export", "summary", "--year", "2025", "-o", str(path))
    assert code == 0, err
    notes, headers = _workbook(path)
    assert "Cơ quan báo cáo" not in notes
    assert notes["Địa bàn"] == "Hà Nội"
    for header in headers:
        assert header.endswith(" – Hà Nội"), header
