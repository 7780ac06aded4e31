""""Another daemon is running" gives its start in Vietnam time, as `canhgac status` does, whatever the
server's own time zone."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from review.errors import DaemonLockedError
from review.housekeeping import acquire_lease
from review.store import Store

STARTED = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội


@pytest.mark.parametrize("server_tz", ["UTC", "Europe/Berlin"])
def test_daemon_locked_message_is_in_vietnam_time(store: Store, monkeypatch: pytest.MonkeyPatch,
                                                 server_tz: str) -> None:
    monkeypatch.setenv("TZ", server_tz)
    time.tzset()
    try:
        acquire_lease(store, "may-chu-1:100", now=STARTED)
        with pytest.raises(DaemonLockedError) as err:
            acquire_lease(store, "may-chu-2:200", now=STARTED + timedelta(seconds=30))
    finally:
        monkeypatch.undo()
        time.tzset()
    message = str(err.value)
    assert message.endswith("đang chạy trên cơ sở dữ liệu này từ 23/11/2026 08:00"), message
    assert "UTC" not in message and "CET" not in message
