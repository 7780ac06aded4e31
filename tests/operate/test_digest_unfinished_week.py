"""`canhgac digest --send` refuses a week that has not ended in Vietnam time.

Each week goes to each recipient once: a Friday send of the week under way would be recorded as sent and
Monday's automatic digest of the whole week skipped forever. A preview (which records nothing) stays
allowed and says the week is not over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.cli import main
from crawler.jobs import weekly_digest
from review import digest
from review.store import Store
from tests.operate.seed import add_flagged
from tests.operate.smtp import Inbox, free_port, start_smtp
from tests.operate.test_digest_mail import _toml, config

W49 = "2026-W49"  # Mon 30 Nov 2026 .. Sun 6 Dec 2026, Vietnam time
FRIDAY = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)  # Fri 4 Dec 10:00 in Hà Nội
SUNDAY_LATE = datetime(2026, 12, 6, 16, 59, tzinfo=UTC)  # Sun 6 Dec 23:59 in Hà Nội
MONDAY_MIDNIGHT = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)  # Mon 7 Dec 00:00 in Hà Nội: W49 is over
MONDAY_MORNING = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # Mon 7 Dec 08:00 in Hà Nội: the daemon's digest


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Set "now" for the digest's week arithmetic (`review.digest.utcnow`)."""

    def set_now(when: datetime) -> None:
        monkeypatch.setattr(digest, "utcnow", lambda: when)

    return set_now


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    server = start_smtp(port, inbox)
    try:
        yield inbox, port
    finally:
        server.stop()


def _run(cfg: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--config", str(cfg), "digest", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_friday_send_of_the_week_under_way_is_refused_and_monday_sends_the_whole_week(
        store: Store, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        clock: Callable[[datetime], None], smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    cfg = tmp_path / "c.toml"
    cfg.write_text(_toml(port, db_url), "utf-8")
    add_flagged(store, title="Lừa đảo trúng thưởng thứ Hai", category="scam", at=datetime(2026, 11, 30, 3, tzinfo=UTC))

    clock(FRIDAY)
    code, out, err = _run(cfg, capsys, "--week", W49, "--send")
    assert code == 2, (out, err)
    assert f"tuần {W49} chưa kết thúc" in err and "06/12/2026" in err
    assert f"canhgac digest --week {W49}" in err and "không có --send" in err  # how to preview instead
    assert inbox.messages == [] and store.digest_deliveries(W49) == []

    clock(SUNDAY_LATE)  # one minute before the week ends: still refused
    assert _run(cfg, capsys, "--week", W49, "--send")[0] == 2
    assert inbox.messages == [] and store.digest_deliveries(W49) == []

    # Monday: the daemon's weekly digest covers the whole of W49 and is sent, not skipped.
    add_flagged(store, title="Tin đồn chủ nhật", category="misinformation", at=datetime(2026, 12, 6, 9, tzinfo=UTC))
    clock(MONDAY_MORNING)
    weekly_digest(config(port, db_url), store)
    assert len(inbox.messages) == 1
    [row] = store.digest_deliveries(W49)
    assert row.status == "sent"


def test_send_is_allowed_from_monday_midnight(store: Store, db_url: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              clock: Callable[[datetime], None], smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    cfg = tmp_path / "c.toml"
    cfg.write_text(_toml(port, db_url), "utf-8")
    clock(MONDAY_MIDNIGHT)
    code, out, err = _run(cfg, capsys, "--week", W49, "--send")
    assert code == 0, (out, err)
    assert f"Đã gửi bản tin tuần {W49}" in out and len(inbox.messages) == 1


def test_future_week_send_is_refused(store: Store, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     clock: Callable[[datetime], None], smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    cfg = tmp_path / "c.toml"
    cfg.write_text(_toml(port, db_url), "utf-8")
    clock(FRIDAY)
    code, out, err = _run(cfg, capsys, "--week", "2027-W10", "--send")
    assert code == 2, (out, err)
    assert "tuần 2027-W10 chưa bắt đầu" in err
    assert inbox.messages == [] and store.digest_deliveries("2027-W10") == []
    # --preview with --send: nothing is written either
    preview = tmp_path / "p.html"
    assert _run(cfg, capsys, "--week", "2027-W10", "--send", "--preview", str(preview))[0] == 2
    assert not preview.exists()


def test_preview_of_the_week_under_way_says_the_data_is_partial_and_records_nothing(
        store: Store, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        clock: Callable[[datetime], None], smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    cfg = tmp_path / "c.toml"
    cfg.write_text(_toml(port, db_url), "utf-8")
    clock(FRIDAY)
    code, out, err = _run(cfg, capsys, "--week", W49)
    assert code == 0, (out, err)
    assert f"tuần {W49} chưa kết thúc" in out and "chưa đầy đủ" in out and "04/12/2026 10:00" in out
    preview = tmp_path / "p.html"
    code, out, err = _run(cfg, capsys, "--week", W49, "--preview", str(preview))
    assert code == 0 and preview.exists()
    assert f"tuần {W49} chưa kết thúc" in out and "chưa đầy đủ" in out
    assert inbox.messages == [] and store.digest_deliveries(W49) == []
    # a finished week's preview carries no such note
    clock(MONDAY_MORNING)
    code, out, _ = _run(cfg, capsys, "--week", W49)
    assert code == 0 and "chưa kết thúc" not in out and "chưa đầy đủ" not in out
