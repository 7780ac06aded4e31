"""`canhgac digest --log` shows why a delivery failed: the whole first line of the error, never cut at 80
characters in the middle of a Vietnamese word (the end of a reason is often how to fix it); on a terminal it is
wrapped at spaces, never cut."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.cli import main
from review.cli.digest import error_lines
from review.store import Store
from tests.operate.test_digest_mail import MONDAY, WEEK, _toml

RECIPIENT = "vanhoa@so.example.vn"
REASON = ("máy chủ thư từ chối địa chỉ người nhận (550 5.1.1 <vanhoa@so.example.vn>: Recipient address rejected: "
          "User unknown in virtual mailbox table); hãy kiểm tra lại địa chỉ trong [digest] recipients")


def _failed(store: Store, db_url: str, tmp_path: Path, error: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(_toml(2525, db_url, (RECIPIENT,)), "utf-8")
    store.plan_digest(WEEK, [RECIPIENT], MONDAY)
    (row,) = store.digest_deliveries(WEEK)
    store.claim_digest(row.id, MONDAY)
    store.mark_digest_failed(row.id, error, MONDAY)
    return path


def test_the_whole_first_line_of_the_error_is_shown(store: Store, db_url: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = _failed(store, db_url, tmp_path, REASON + "\n(chi tiết kỹ thuật thêm ở dòng sau)")
    capsys.readouterr()
    assert main(["--config", str(path), "digest", "--log"]) == 0
    out = capsys.readouterr().out
    assert REASON in out, out
    assert "…" not in out and "chi tiết kỹ thuật" not in out, out


def test_on_a_terminal_the_error_wraps_at_spaces() -> None:
    lines = error_lines(f"{WEEK} {RECIPIENT}", REASON, width=60)
    assert len(lines) > 2 and all(len(line) <= 60 for line in lines), lines
    words = " ".join(line.strip() for line in lines).split()
    assert " ".join(words).endswith(" ".join(REASON.split())), lines  # every word whole, none cut or lost
    assert all(not line.endswith("…") for line in lines)


def test_without_a_terminal_nothing_wraps() -> None:
    (line,) = error_lines(f"{WEEK} {RECIPIENT}", REASON, width=None)
    assert line.endswith(REASON)
