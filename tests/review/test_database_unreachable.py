"""A PostgreSQL `[database] url` that does not lead to a database says which key to fix and why, in Vietnamese.

Before the fix `canhgac init` (and every other command) printed libpq's English only: "không kết nối được cơ sở
dữ liệu: connection failed: connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "x" does not
exist", naming neither `[database] url` nor what to do. Uses the real PostgreSQL on 127.0.0.1:5432 (trust auth),
skipped when none answers; nothing is created.
"""

from __future__ import annotations

import socket
import uuid

import pytest

from crawler.cli import main

psycopg = pytest.importorskip("psycopg")


def _postgres_answers() -> bool:
    try:
        psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def _closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port: int = probe.getsockname()[1]
    probe.close()
    return port


@pytest.mark.parametrize(("url", "said"), [
    ("postgresql+psycopg://postgres:mk-pg@127.0.0.1:5432/canhgac_khong_co_{tag}", "chưa có cơ sở dữ liệu"),
    ("postgresql+psycopg://canhgac_khong_co_{tag}@127.0.0.1:5432/postgres", "chưa có người dùng"),
    ("postgresql+psycopg://postgres@127.0.0.1:{port}/canhgac", "không có máy chủ PostgreSQL nào trả lời"),
])
@pytest.mark.parametrize("command", [["init"], ["status"]])
def test_a_database_url_leading_nowhere_names_the_key(tmp_path, capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
                                                      url: str, said: str, command: list[str]) -> None:
    if not _postgres_answers():
        pytest.skip("needs PostgreSQL on 127.0.0.1:5432")
    url = url.format(tag=uuid.uuid4().hex[:8], port=_closed_port())
    cfg = tmp_path / "canhgac.toml"
    cfg.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    assert main(["--config", str(cfg), *command]) == (3 if command == ["status"] else 1)  # status: cannot read
    err = capsys.readouterr().err
    assert "không kết nối được cơ sở dữ liệu ([database] url = postgresql+psycopg://" in err, err
    assert said in err, err
    assert "mk-pg" not in err and "Traceback" not in err, err
