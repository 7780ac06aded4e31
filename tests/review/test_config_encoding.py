"""A config file saved by Windows Notepad: UTF-8 with a BOM is read (line numbers unchanged); UTF-16 is refused
with a message telling the officer to save it as UTF-8."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.cli import main
from review.config import check_model_card, load_config
from review.errors import ConfigError

BODY = '[database]\nurl = "sqlite:///x.db"\n\n[review]\nmoderators = ["lan", "Nguyễn Văn Hùng"]\n'


def test_utf8_bom_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BODY.encode("utf-8"))
    assert load_config(str(path)).review.moderators == ("lan", "Nguyễn Văn Hùng")
    assert main(["--config", str(path), "config", "check"]) == 0, capsys.readouterr().err
    assert "Nguyễn Văn Hùng" in capsys.readouterr().out


def test_utf8_bom_before_a_header_keeps_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + b'[review]\nmoderatorz = ["lan"]\n')
    with pytest.raises(ConfigError) as info:
        load_config(str(path))
    assert (info.value.key, info.value.line) == ("review.moderatorz", 2)


def test_later_errors_keep_their_line_numbers_after_a_bom(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BODY.encode("utf-8") + b'\n[digest]\nhour = 25\n')
    assert main(["--config", str(path), "config", "check"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:8" in err and "digest.hour" in err
    path.write_bytes(b"\xef\xbb\xbf" + BODY.encode("utf-8") + b'[digest\n')
    assert main(["--config", str(path), "config", "check"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:6" in err and "TOML" in err


def test_bom_config_with_a_model_is_checked_against_its_card(tmp_path: Path) -> None:
    """The model card check re-reads the file for line numbers: it must also take the BOM."""
    model = tmp_path / "m.skops"
    model.write_bytes(b"x")
    (tmp_path / "m.card.json").write_text('{"categories": ["scma"]}', encoding="utf-8")
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + f'[classifier]\nmodel = "{model}"\n'.encode())
    with pytest.raises(ConfigError) as info:
        check_model_card(load_config(str(path)))
    assert (info.value.key, info.value.line) == ("classifier.model", 2) and "scma" in info.value.reason


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_refused_with_a_clear_message(tmp_path: Path, encoding: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "unicode.toml"
    path.write_bytes(BODY.encode(encoding))
    assert main(["--config", str(path), "config", "check"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err and str(path) in err
    assert "UTF-16" in err and "hãy lưu lại tệp với bảng mã UTF-8" in err


def test_utf16_without_a_bom_and_only_ascii_is_refused_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ascii16.toml"
    path.write_bytes('[review]\nmoderators = ["lan"]\n'.encode("utf-16-le"))  # valid UTF-8 bytes, NULs between
    assert main(["--config", str(path), "config", "check"]) == 2
    err = capsys.readouterr().err
    assert "UTF-16" in err and "hãy lưu lại tệp với bảng mã UTF-8" in err


def test_a_legacy_windows_encoding_is_told_to_save_as_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ansi.toml"
    path.write_bytes('[review]\nlocality = "Hà Nam"\n'.encode("cp1258"))
    assert main(["--config", str(path), "config", "check"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(path) in err
    assert "không phải văn bản UTF-8" in err and "hãy lưu lại tệp với bảng mã UTF-8" in err
