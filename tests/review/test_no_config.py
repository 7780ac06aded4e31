"""Run from a folder without canhgac.toml (and no --config, no CANHGAC_CONFIG): every command reading the
configuration says on stderr, in one line, that the built-in defaults are in use, where it looked and how to point
at the office's file; the commands that would write into a new default database (`init`, `report`, `crawl`) refuse
(exit 2) instead of starting a stray one the office's queue never sees. A config file, even an empty one, says the
defaults are meant."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.cli import main


@pytest.fixture
def nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with no config file; HOME apart, where a refused pasted report is kept."""
    work = tmp_path / "thu-muc-khac"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("CANHGAC_CONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return work


def _one_warning(err: str, work: Path) -> None:
    lines = [line for line in err.splitlines() if "không tìm thấy tệp cấu hình" in line]
    assert len(lines) == 1, err
    assert str(work / "canhgac.toml") in lines[0] and "--config" in lines[0] and "CANHGAC_CONFIG" in lines[0], err
    assert "mặc định" in lines[0], err


@pytest.mark.parametrize("argv", [["init"], ["crawl"], ["run"], ["--as", "lan", "report", "--text", "Tin nhắn trúng thưởng, "
                                                                   "bấm vào liên kết để nhận quà"]])
def test_writing_commands_refuse_a_new_default_database(nowhere: Path, capsys: pytest.CaptureFixture[str],
                                                        argv: list[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    _one_warning(err, nowhere)
    assert f"`canhgac {argv[-3] if argv[0] == '--as' else argv[0]}` từ chối" in err, err
    assert "để trống cũng được" in err, err  # how to say the defaults are meant
    assert not (nowhere / "canhgac.db").exists()
    if "report" in argv:  # the text is kept; the command to send it again names the office's config file
        assert "gửi lại bằng: canhgac --config PATH --as lan report --text-file" in err, err


def test_status_and_config_check_warn(nowhere: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "check"]) == 1  # nothing was checked: not "hợp lệ"
    out, err = capsys.readouterr()
    assert "hợp lệ" not in out and "Chưa kiểm tra gì" in out, out
    _one_warning(err, nowhere)
    assert main(["status"]) == 3  # no database: nothing could be checked, as before
    _one_warning(capsys.readouterr().err, nowhere)
    assert not (nowhere / "canhgac.db").exists()


def test_an_existing_default_database_is_used_with_the_warning(nowhere: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """An empty canhgac.toml says the defaults are meant: `init` creates ./canhgac.db, silently. Without the file,
    that database (now existing) is upgraded and read, each command saying the defaults are in use; `status` warns."""
    (nowhere / "canhgac.toml").write_text("", encoding="utf-8")
    assert main(["init"]) == 0
    assert "không tìm thấy tệp cấu hình" not in capsys.readouterr().err
    assert main(["config", "check"]) == 0
    (nowhere / "canhgac.toml").unlink()

    assert main(["init"]) == 0
    _one_warning(capsys.readouterr().err, nowhere)
    assert main(["status"]) == 1  # the monitoring check alerts: the database it reads may not be the office's
    out, err = capsys.readouterr()
    _one_warning(err, nowhere)
    assert "CẢNH BÁO: không tìm thấy tệp cấu hình" in out, out
    assert main(["status", "--json"]) == 1
    assert '"config_missing"' in capsys.readouterr().out


def test_help_says_nothing(nowhere: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--help"]) == 0
    assert "không tìm thấy tệp cấu hình" not in capsys.readouterr().err
