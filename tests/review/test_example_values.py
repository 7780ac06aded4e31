"""canhgac.example.toml copied and not (fully) edited: it loads (tests and the demo rely on it), but `config check`
(a warning line, exit 0 like its other warnings) and `status` (a CẢNH BÁO line, exit 1) name each key still holding
the example's value, with file and line: the example's addresses, its source URLs, and its office (Nghệ An's Sở),
which a ward's year-end report would otherwise name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.cli import main
from review.config import EXAMPLE_LOCALITY, EXAMPLE_OFFICE, EXAMPLE_VALUES, parse_config
from review.store import Store

EXAMPLE = (Path(__file__).resolve().parents[2] / "canhgac.example.toml").read_text(encoding="utf-8")
WARNED_KEYS = ["crawler.contact", "sources[0].urls", "sources[1].urls", "sources[2].urls", "review.locality",
               "review.office", "smtp.sender", "digest.recipients"]


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if needle in line.split("#")[0])


def test_the_values_looked_for_are_the_examples() -> None:
    for _, _, value in EXAMPLE_VALUES:
        assert f'"{value}"' in EXAMPLE, value
    assert f'office = "{EXAMPLE_OFFICE}"' in EXAMPLE and f'locality = "{EXAMPLE_LOCALITY}"' in EXAMPLE


def test_config_check_names_every_key_still_the_examples(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "canhgac.toml"
    path.write_text(EXAMPLE, encoding="utf-8")
    assert main(["--config", str(path), "config", "check"]) == 0  # a warning, like config check's others
    out = capsys.readouterr().out
    warned = [line for line in out.splitlines() if "vẫn là giá trị của tệp mẫu" in line]
    assert [line.split("khoá '")[1].split("'")[0] for line in warned] == WARNED_KEYS, out
    office = next(line for line in warned if "'review.office'" in line)
    assert office.startswith(f"  cảnh báo: {path}:{_line(EXAMPLE, 'office =')}, khoá 'review.office'"), office
    assert EXAMPLE_OFFICE in office


def test_status_warns_and_exits_1(tmp_path: Path, db_url: str, store: Store,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "canhgac.toml"
    path.write_text(EXAMPLE.replace('url = "sqlite:///canhgac.db"', f'url = "{db_url}"'), encoding="utf-8")
    assert main(["--config", str(path), "status"]) == 1
    out = capsys.readouterr().out
    assert sum(line.startswith("CẢNH BÁO: ") and "vẫn là giá trị của tệp mẫu" in line
               for line in out.splitlines()) == len(WARNED_KEYS), out
    assert main(["--config", str(path), "status", "--json"]) == 1
    status = json.loads(capsys.readouterr().out)
    assert status["warnings"] == ["example_values"] and len(status["example_values"]) == len(WARNED_KEYS)


def test_a_ward_that_kept_only_the_office(capsys: pytest.CaptureFixture[str]) -> None:
    """Everything its own but the office: the year-end report would name Nghệ An's Sở. A named recipient on the
    example's address is the example's too."""
    cfg = parse_config(f'[review]\nlocality = "Phường Hoàn Kiếm, Hà Nội"\noffice = "{EXAMPLE_OFFICE}"\n'
                       '[digest]\nrecipients = ["Lãnh đạo Sở <LanhDao@sovhtt.example.gov.vn>"]\n', "c.toml")
    assert [line.split(",")[0] for line in cfg.example_values] == ["c.toml:3", "c.toml:5"], cfg.example_values


def test_an_office_in_nghe_an_with_its_own_addresses_is_not_warned() -> None:
    """The example's office and locality are a real office's too: alone (no example address or URL left), they
    are taken as meant; the locality alone is any Nghệ An office's."""
    both = f'[review]\nlocality = "{EXAMPLE_LOCALITY}"\noffice = "{EXAMPLE_OFFICE}"\n'
    assert parse_config(both, "c.toml").example_values == ()
    assert parse_config(f'[review]\nlocality = "{EXAMPLE_LOCALITY}"\n', "c.toml").example_values == ()
    left = parse_config(both + '[smtp]\nsender = "canhgac@sovhtt.example.gov.vn"\n', "c.toml").example_values
    assert len(left) == 3, left  # an example address left: the office and locality are the example's as well
