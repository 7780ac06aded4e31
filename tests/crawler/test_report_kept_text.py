"""A pasted citizen report is never lost: when it cannot be filed, its text is kept in an owner-only file and
the officer is told the file and the command that sends it again; sent again, it is filed word for word. The
real CLI, a real SQLite file whose `items` table refuses inserts (a trigger: the database failing after the
officer pasted a long text) or that another connection holds locked, a real home folder."""

from __future__ import annotations

import shlex
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from crawler.cli import main
from crawler.report_kept import KEPT_DIR, keep_text
from crawler.runner import PROJECT_DIR, crawl_env
from review.models import Item
from review.store import Store

NO_MODEL = '\n[classifier]\nmodel = "no-model-here.skops"\n'
TEXT = ("Nhận quà tri ân khách hàng qua Zalo\n"
        + "Chúc mừng quý khách đã trúng thưởng 50 triệu đồng, kết bạn Zalo 0987654321 để nhận quà. " * 300)


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    db = tmp_path / "canhgac.db"
    Store.open(f"sqlite:///{db}", create=True).close()
    path = tmp_path / "canhgac.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{db}"\n' + NO_MODEL, encoding="utf-8")
    return path


def _refuse_items(db: Path, refuse: bool) -> None:
    con = sqlite3.connect(db)
    try:
        con.execute("CREATE TRIGGER hong BEFORE INSERT ON items BEGIN SELECT RAISE(ABORT, 'ổ đĩa hỏng'); END"
                    if refuse else "DROP TRIGGER hong")
        con.commit()
    finally:
        con.close()


def _texts(cfg: Path) -> list[str]:
    store = Store.open(f"sqlite:///{cfg.parent / 'canhgac.db'}")
    try:
        with store.session() as s:
            return list(s.scalars(select(Item.text)))
    finally:
        store.close()


def _kept(tmp_path: Path) -> Path:
    [kept] = (tmp_path / "home" / KEPT_DIR).iterdir()
    return kept


def test_a_text_the_database_refused_is_kept_and_can_be_sent_again(cfg: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _refuse_items(cfg.parent / "canhgac.db", True)
    with pytest.raises(DBAPIError):  # a bug-like failure: its traceback follows, after the line saying where
        main(["--config", str(cfg), "report", "--text", TEXT, "--reporter", "Ông Tư, 0911 222 333",
              "--note", "gọi lúc 9h\nđã chuyển 500 nghìn"])
    err = capsys.readouterr().err
    kept = _kept(tmp_path)
    assert kept.read_text(encoding="utf-8") == TEXT and stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert "CHƯA được ghi" in err and str(kept) in err, err
    assert _texts(cfg) == []

    _refuse_items(cfg.parent / "canhgac.db", False)
    command = shlex.split(err.split("gửi lại bằng: ", 1)[1].strip())
    assert command[:4] == ["canhgac", "--config", str(cfg), "report"], command
    assert main(command[1:]) == 0, capsys.readouterr().err  # as printed
    assert _texts(cfg) == [TEXT.strip()]  # stored as a crawled text is: surrounding blanks dropped
    with Store.open(f"sqlite:///{cfg.parent / 'canhgac.db'}").session() as s:
        extra = s.scalars(select(Item.extra)).one()
    assert extra["reporter"] == "Ông Tư, 0911 222 333" and extra["note"] == "gọi lúc 9h\nđã chuyển 500 nghìn"


def test_a_usage_error_after_the_text_was_read_keeps_it_and_exits_2(cfg: Path, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(cfg), "report", "javascript:alert(1)", "--text", TEXT]) == 2
    err = capsys.readouterr().err.strip()
    kept = _kept(tmp_path)
    assert len(err.splitlines()) == 1 and "http://" in err and str(kept) in err and "sửa lỗi trên rồi gửi lại" in err, err
    assert kept.read_text(encoding="utf-8") == TEXT and _texts(cfg) == []


@pytest.mark.slow
def test_a_text_pasted_while_another_process_locks_the_database_is_kept(cfg: Path, tmp_path: Path) -> None:
    # the officer pastes a long text on stdin while another writer (a daemon's crawl, a backup) holds the SQLite
    # file past the 30 s busy timeout: the command fails at its first database access, the text must survive
    db = cfg.parent / "canhgac.db"
    locker = sqlite3.connect(db, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        proc = subprocess.run([sys.executable, "-m", "crawler.cli", "--config", str(cfg), "report", "--text", "-",
                               "--reporter", "Chị Lan"], cwd=PROJECT_DIR, env=crawl_env(None),
                              input=TEXT.encode("utf-8"), capture_output=True, timeout=180)
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    err = proc.stderr.decode("utf-8").strip()
    assert proc.returncode == 1 and "database is locked" in err and "Traceback" not in err, err
    kept = _kept(tmp_path)
    assert kept.read_text(encoding="utf-8") == TEXT and stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert len(err.splitlines()) == 1 and str(kept) in err, err
    assert _texts(cfg) == []

    command = shlex.split(err.split("gửi lại bằng: ", 1)[1])
    assert command[:4] == ["canhgac", "--config", str(cfg), "report"] and "Chị Lan" in command, command
    assert main(command[1:]) == 0  # as printed
    assert _texts(cfg) == [TEXT.strip()]


def test_no_test_keeps_a_text_in_the_real_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    # tests/conftest.py gives every test its own home: a kept text lands in the test run's temporary folder
    path = keep_text("Lừa đảo qua Zalo")
    assert path.is_relative_to(tmp_path_factory.getbasetemp()) and path.parent.name == KEPT_DIR, path
    assert Path.home().is_relative_to(tmp_path_factory.getbasetemp()), Path.home()


def test_the_resend_command_names_the_config_and_the_officer(cfg: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    # `canhgac --config so.toml --as lan report ...` failing: sent again as printed (from another folder, which
    # has a canhgac.toml of its own), the report must go into so.toml's database, entered by lan
    monkeypatch.delenv("CANHGAC_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    _refuse_items(cfg.parent / "canhgac.db", True)
    with pytest.raises(DBAPIError):
        main(["--config", cfg.name, "--as", "Chị Lan", "report", "--text", TEXT])
    err = capsys.readouterr().err
    _refuse_items(cfg.parent / "canhgac.db", False)

    elsewhere = tmp_path / "noi-khac"
    elsewhere.mkdir()
    other_db = elsewhere / "canhgac.db"
    Store.open(f"sqlite:///{other_db}", create=True).close()
    (elsewhere / "canhgac.toml").write_text(f'[database]\nurl = "sqlite:///{other_db}"\n' + NO_MODEL, encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    command = shlex.split(err.split("gửi lại bằng: ", 1)[1].strip())
    assert command[:5] == ["canhgac", "--config", str(cfg), "--as", "Chị Lan"], command
    assert main(command[1:]) == 0, capsys.readouterr().err
    assert _texts(cfg) == [TEXT.strip()] and _texts(elsewhere / "canhgac.toml") == []
