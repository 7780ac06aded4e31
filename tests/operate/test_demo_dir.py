"""`canhgac demo --dir DIR` never overwrites what it did not write: the office's own canhgac.toml (sources,
moderators, SMTP, recipients) and a database it did not create stay as they were; a folder of an earlier demo
run is reused. The real demo: its site on 127.0.0.1, real crawls in subprocesses, real SQLite files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.cli import main
from crawler.opscli import _demo_config
from review.models import Source
from review.store import Store

OFFICE_CONFIG = """# Sở VHTTDL Nghệ An: cấu hình chạy thật
[database]
url = "sqlite:///{db}"

[review]
moderators = ["lan", "minh"]
locality = "Nghệ An"

[smtp]
host = "mail.sovhttdl.example.gov.vn"
port = 587
username = "canhgac"
password = "mat-khau-that"
sender = "canhgac@sovhttdl.example.gov.vn"

[digest]
recipients = ["lanhdao@sovhttdl.example.gov.vn"]

[[sources]]
name = "bao-nghe-an"
kind = "rss"
urls = ["https://baonghean.vn/rss/thoi-su.rss"]
official = true
"""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _office_database(path: Path) -> None:
    """A real database with the office's own source in it."""
    store = Store.open(f"sqlite:///{path}", create=True)
    try:
        with store.session() as s:
            s.add(Source(name="bao-nghe-an", kind="rss"))
    finally:
        store.close()


def test_demo_refuses_a_folder_holding_the_office_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "canhgac.toml"
    config.write_text(OFFICE_CONFIG.format(db=(tmp_path / "canhgac.db").as_posix()), encoding="utf-8")
    _office_database(tmp_path / "canhgac.db")
    before = {p.name: _digest(p) for p in tmp_path.iterdir()}
    code = main(["demo", "--dir", str(tmp_path), "--top", "1"])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert "canhgac.toml" in err and "không ghi đè" in err and "Traceback" not in err, err
    assert {p.name: _digest(p) for p in tmp_path.iterdir()} == before  # nothing written, nothing removed
    assert "mat-khau-that" in config.read_text("utf-8")


def test_demo_refuses_a_demo_database_it_cannot_tell_it_wrote(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """No demo config beside it: a canhgac-demo.db may be anyone's, so it is not deleted."""
    _office_database(tmp_path / "canhgac-demo.db")
    before = _digest(tmp_path / "canhgac-demo.db")
    code = main(["demo", "--dir", str(tmp_path), "--top", "1"])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert "canhgac-demo.db" in err and "Traceback" not in err, err
    assert _digest(tmp_path / "canhgac-demo.db") == before
    assert not (tmp_path / "canhgac.toml").exists()


@pytest.mark.slow
def test_demo_reruns_in_its_own_folder_beside_an_office_database(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A folder an earlier demo wrote (its marked config, its database) is the demo's to rewrite; the office's
    canhgac.db beside it is neither written nor read into."""
    (tmp_path / "canhgac.toml").write_text(_demo_config("http://127.0.0.1:9", tmp_path), encoding="utf-8")
    _office_database(tmp_path / "canhgac-demo.db")  # the earlier demo's database: replaced by a fresh one
    _office_database(tmp_path / "canhgac.db")
    office_db = _digest(tmp_path / "canhgac.db")
    code = main(["demo", "--dir", str(tmp_path), "--top", "1"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "5/5 nguồn thu thập thành công" in out
    assert _digest(tmp_path / "canhgac.db") == office_db
    config = (tmp_path / "canhgac.toml").read_text("utf-8")
    assert config.startswith("# Written by `canhgac demo`") and "http://127.0.0.1:9" not in config
    store = Store.open(f"sqlite:///{tmp_path / 'canhgac-demo.db'}")
    try:
        with store.session() as s:
            names = set(s.scalars(select(Source.name)))
    finally:
        store.close()
    assert "bao-nghe-an" not in names and "rao-vat-xu-nghe" in names
