"""The command printed to send a kept report again files it as the same officer, however the name was given:
`--as`, or the CANHGAC_MODERATOR environment variable (set in the officer's profile, or only for that one command,
which a copy of the printed command no longer has). The real CLI, a real SQLite file whose `items` table refuses
inserts (a trigger), a real home folder."""

from __future__ import annotations

import shlex
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from crawler.cli import main
from review.models import AuditLog, Item
from review.store import Store

NO_MODEL = '\n[classifier]\nmodel = "no-model-here.skops"\n'
TEXT = "Nhận quà tri ân khách hàng qua Zalo: kết bạn Zalo 0987654321, chuyển 300 nghìn phí nhận quà."


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CANHGAC_CONFIG", raising=False)
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


def _resend_command(err: str) -> list[str]:
    return shlex.split(err.split("gửi lại bằng: ", 1)[1].strip())


def test_the_resend_command_names_the_officer_given_in_the_environment(cfg: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CANHGAC_MODERATOR", "Chị Lan")
    _refuse_items(cfg.parent / "canhgac.db", True)
    with pytest.raises(DBAPIError):
        main(["--config", str(cfg), "report", "--text", TEXT, "--reporter", "Ông Tư"])
    command = _resend_command(capsys.readouterr().err)
    assert command[:5] == ["canhgac", "--config", str(cfg), "--as", "Chị Lan"], command
    _refuse_items(cfg.parent / "canhgac.db", False)

    # sent again from a terminal without the variable, and joining the report filed meanwhile by someone else
    # (scored with the bundled model, so that it is in the queue): the audit row names Chị Lan, who entered it
    monkeypatch.delenv("CANHGAC_MODERATOR")
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(NO_MODEL, ""), encoding="utf-8")
    assert main(["--config", str(cfg), "--as", "Anh Minh", "report", "--text", TEXT]) == 0
    assert main(command[1:]) == 0, capsys.readouterr().err
    with Store.open(f"sqlite:///{cfg.parent / 'canhgac.db'}").session() as s:
        assert s.scalars(select(AuditLog.actor).where(AuditLog.action == "report")).all() == ["Chị Lan"]
        assert len(s.scalars(select(Item.id)).all()) == 1


def test_the_as_flag_wins_over_the_environment(cfg: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CANHGAC_MODERATOR", "Chị Lan")
    _refuse_items(cfg.parent / "canhgac.db", True)
    with pytest.raises(DBAPIError):
        main(["--config", str(cfg), "--as", "Anh Minh", "report", "--text", TEXT])
    command = _resend_command(capsys.readouterr().err)
    assert command[:5] == ["canhgac", "--config", str(cfg), "--as", "Anh Minh"], command
    assert "Chị Lan" not in command


def test_no_name_given_adds_none(cfg: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("CANHGAC_MODERATOR", raising=False)
    _refuse_items(cfg.parent / "canhgac.db", True)
    with pytest.raises(DBAPIError):
        main(["--config", str(cfg), "report", "--text", TEXT])
    command = _resend_command(capsys.readouterr().err)
    assert "--as" not in command and command[:4] == ["canhgac", "--config", str(cfg), "report"], command
