"""Ctrl-C while an export reads its rows from SQLite: the one line "canhgac: đã dừng (Ctrl-C)", no SQLAlchemy
"Error closing cursor" traceback above it (an interrupted fetch makes SQLAlchemy drop the connection, then close the
cursor on it). The interrupt is raised deterministically inside sqlite3's own fetch (its row factory, on the Nth row
of the export's query), in a real `canhgac` process with a real SQLite file, so stderr is the terminal's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from review.store import Store
from tests.review.factory import bulk_entries, config_file

ROOT = Path(__file__).resolve().parents[2]

RUN = """
import sys
from sqlalchemy import Engine, event

seen = [0]

def rows(cursor, row):  # called by sqlite3 for each row it fetches
    if cursor.description and any(c[0] == "title" for c in cursor.description):
        seen[0] += 1
        if seen[0] == int(sys.argv[1]):
            raise KeyboardInterrupt
    return row

@event.listens_for(Engine, "connect")
def _rows(conn, _record):
    conn.row_factory = rows

from crawler.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.fixture(scope="module")
def sqlite_cfg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("ctrlc")
    url = f"sqlite:///{d / 'c.db'}"
    s = Store.open(url, create=True)
    bulk_entries(s, 2500)
    s.close()
    return config_file(d, url)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("nth", [5, 2100])  # in the first batch of rows, in the second
def test_ctrl_c_while_rows_are_read_says_one_line(sqlite_cfg: Path, fmt: str, nth: int) -> None:
    target = sqlite_cfg.parent / f"items-{nth}.{fmt}"
    target.write_bytes(b"OLD")
    proc = subprocess.run([sys.executable, "-c", RUN, str(nth), "--config", str(sqlite_cfg), "export", "items",
                           "-o", str(target)], cwd=str(ROOT), capture_output=True, text=True, check=False)
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr == "canhgac: đã dừng (Ctrl-C)\n"
    assert target.read_bytes() == b"OLD"
