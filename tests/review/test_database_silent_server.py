"""A PostgreSQL `[database] url` leading to a server that accepts the connection but never answers (a hung server,
a firewall holding the connection) stops the command with the Vietnamese "no server answers" message.

Before the fix no connect timeout was set: every command (status, init, the daemon) waited for ever. canhgac now
gives psycopg `connect_timeout` = 10 s unless `[database] url` sets one (`?connect_timeout=N`), which is kept.
The silent server is a socket on 127.0.0.1 that accepts and reads nothing; no PostgreSQL is needed.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from crawler.cli import main
from review.database import DEFAULT_CONNECT_TIMEOUT_S, make_engine

pytest.importorskip("psycopg")


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port whose server accepts connections and never answers; it hangs up after 60 s whatever happens, so a
    client without a timeout fails (with another message) instead of hanging the test run."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    done = threading.Event()
    accepted: list[socket.socket] = []

    def _serve() -> None:
        listener.settimeout(0.2)
        while not done.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=_serve, daemon=True)
    thread.start()
    hang_up = threading.Timer(60, done.set)
    hang_up.start()
    yield listener.getsockname()[1]
    done.set()
    hang_up.cancel()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


@pytest.mark.parametrize("command", [["status"], ["init"]])
def test_a_server_that_never_answers_is_said_so(tmp_path, silent_server: int,  # type: ignore[no-untyped-def]
                                                capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    url = f"postgresql+psycopg://canhgac@127.0.0.1:{silent_server}/canhgac?connect_timeout=2"
    cfg = tmp_path / "canhgac.toml"
    cfg.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    assert main(["--config", str(cfg), *command]) == (3 if command == ["status"] else 1)  # status: cannot read
    err = capsys.readouterr().err
    assert "không kết nối được cơ sở dữ liệu ([database] url = postgresql+psycopg://canhgac@127.0.0.1:" in err, err
    assert "không có máy chủ PostgreSQL nào trả lời" in err and "Traceback" not in err, err


def _connect_params(url: str) -> dict[str, Any]:
    """What the engine of `url` hands psycopg when it connects (to a closed port: nothing answers)."""
    engine = make_engine(url)
    seen: dict[str, Any] = {}

    @event.listens_for(engine, "do_connect")
    def _record(_dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
        seen.update(cparams)

    with pytest.raises(Exception):  # noqa: B017, PT011 - nothing listens: refused, whatever the driver's class
        engine.connect().close()
    engine.dispose()
    return seen


def _closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port: int = probe.getsockname()[1]
    probe.close()
    return port


@pytest.mark.parametrize(("query", "timeout"), [("", DEFAULT_CONNECT_TIMEOUT_S), ("?connect_timeout=3", "3"),
                                                ("?sslmode=disable&connect_timeout=0", "0")])
def test_the_connect_timeout_of_the_url_is_kept(query: str, timeout: object) -> None:
    params = _connect_params(f"postgresql+psycopg://canhgac@127.0.0.1:{_closed_port()}/canhgac{query}")
    assert params["connect_timeout"] == timeout, params

