"""`canhgac status` on a digest delivery left uncertain tells the officer how to re-send it, in the words of
`canhgac digest`.

Before the fix the hint was "gửi lại ngay: canhgac digest --week TUẦN --send", but `--send` alone never re-sends
an uncertain delivery (only `--send --retry-uncertain` does), the week is known so TUẦN need not be a blank, and
the warning said "chưa rõ" twice ("chưa rõ đã tới người nhận chưa (chưa rõ đã gửi được hay chưa: ...)").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.cli import main
from review.config import load_config
from review.digest import last_complete_week
from review.smtp import UNCERTAIN
from review.store import Store
from review.types import utcnow
from tests.operate.smtp import free_port, mail_toml


def test_status_names_the_week_and_retry_uncertain_for_an_uncertain_digest(  # type: ignore[no-untyped-def]
        store: Store, db_url: str, write_config, capsys: pytest.CaptureFixture[str]) -> None:
    path: Path = write_config(mail_toml(free_port(), db_url, '["lanhdao@so.example.vn"]'))
    cfg = load_config(path)
    week = last_complete_week(cfg.digest.timezone)
    store.plan_digest(week, ["lanhdao@so.example.vn"], utcnow())
    (row,) = store.digest_deliveries(week)
    assert store.claim_digest(row.id, manual=True)
    store.mark_digest_uncertain(row.id, f"{UNCERTAIN}: máy chủ thư ngắt kết nối khi đang nhận thư")
    assert store.digest_deliveries(week)[0].uncertain

    main(["--config", str(path), "status"])
    out = capsys.readouterr().out
    (warning,) = [line for line in out.splitlines() if line.startswith("CẢNH BÁO: bản tin tuần")]
    assert "lanhdao@so.example.vn" in warning and "ngắt kết nối" in warning, out
    assert warning.count("chưa rõ") == 1, out
    assert f"canhgac digest --week {week} --send --retry-uncertain" in out, out
    assert "TUẦN" not in out and f"--week {week} --send\n" not in out, out
