"""A digest whose message went to the server but got no answer may have been delivered: it is never sent again
unasked, and the officer is told so in Vietnamese; a clear refusal of the message is retried as before.

Once the DATA command is sent, a server that stalls past the client's timeout, or hangs up, before replying to the
end of the message may already have accepted it: an automatic retry could give the officials the digest twice. Such
a row stays `sending` (uncertain) until a person decides (`canhgac digest --send --retry-uncertain`). A 4xx/5xx
reply to the message says it was not accepted: failed, with the usual backoff, retried automatically.
Real database, real SMTP server (aiosmtpd) on 127.0.0.1, the real `canhgac digest` command.
"""

from __future__ import annotations

import asyncio
import re
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.cli import main
from review.mailer import deliver_due, deliver_week
from review.store import Store
from tests.operate.smtp import Inbox, free_port, start_smtp
from tests.operate.test_digest_interrupt import _Interrupting
from tests.operate.test_digest_mail import MONDAY, WEEK, _toml, config

RECIPIENT = "vanhoa@so.example.vn"
LATER = MONDAY + timedelta(days=30)  # every backoff is over


class _Unanswering(Inbox):
    """Receives the whole message, then gives no reply: `stall` keeps the connection open until the test lets it
    go (the client times out first), `hang_up` closes it. `answer`: an ordinary server again."""

    def __init__(self, how: str) -> None:
        super().__init__()
        self.how = how
        self.released = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        answer = await super().handle_DATA(server, session, envelope)  # kept: the server has the message
        if self.how == "stall":
            await asyncio.get_running_loop().run_in_executor(None, self.released.wait)
        elif self.how == "hang_up":
            server.transport.close()
        return answer


class _Refusing(Inbox):
    """Refuses the message with this reply, then (`reply` emptied) accepts it."""

    def __init__(self, reply: str) -> None:
        super().__init__()
        self.reply = reply

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        if self.reply:
            return self.reply
        return await super().handle_DATA(server, session, envelope)


def _config_file(tmp_path: Path, port: int, db_url: str, timeout_s: int = 30) -> Path:
    """The client's timeout is 1 s where the test waits for it to run out (a stalled server); where the server is
    expected to answer, a long one, so that a loaded machine (CI) does not turn a slow greeting into a failure."""
    cfg = tmp_path / "c.toml"
    text, n = re.subn(r"(?m)^timeout_s = \d+$", f"timeout_s = {timeout_s}", _toml(port, db_url))
    assert n == 1, text  # [mail] timeout_s, set here
    cfg.write_text(text, "utf-8")
    return cfg


def _run(cfg: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--config", str(cfg), "digest", "--week", WEEK, *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("how", ["stall", "hang_up"])
def test_no_answer_to_the_message_leaves_it_uncertain(store: Store, db_url: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str], how: str) -> None:
    inbox, port = _Unanswering(how), free_port()
    cfg = _config_file(tmp_path, port, db_url, timeout_s=1 if how == "stall" else 30)
    server = start_smtp(port, inbox)
    try:
        code, out, err = _run(cfg, capsys, "--send")
        inbox.released.set()
        _config_file(tmp_path, port, db_url, timeout_s=30)  # from here on the server answers
        assert code == 1 and len(inbox.messages) == 1
        row = store.digest_deliveries(WEEK)[0]
        assert row.status == "sending" and row.next_attempt_at is None  # not "failed": no automatic resend
        assert row.last_error is not None and row.last_error.startswith("chưa rõ đã gửi được hay chưa")
        # the officer is told it may or may not have arrived, that it is not resent by itself, and how to resend
        assert "Đã gửi" not in out and "không thành công" not in err, (out, err)
        assert "có thể người nhận đã nhận được, cũng có thể chưa" in err and "không tự gửi lại" in err, err
        assert f"canhgac digest --week {WEEK} --send --retry-uncertain" in err, err
        assert "Tiến trình nền sẽ tự gửi lại" not in err

        inbox.how = "answer"
        assert deliver_due(store, config(port, db_url), now=LATER) == []  # the daemon: never
        code, out, _ = _run(cfg, capsys, "--send")  # an ordinary send: skipped, saying why
        assert code == 0 and f"Bỏ qua {RECIPIENT}: chưa rõ đã gửi được hay chưa" in out, out
        assert "--retry-uncertain" in out
        assert len(inbox.messages) == 1

        code, out, _ = _run(cfg, capsys, "--log")
        [line] = [ln for ln in out.splitlines() if ln.startswith(WEEK)]
        assert code == 0 and "chưa rõ đã tới người nhận" in line and "--retry-uncertain" in out, out

        code, out, _ = _run(cfg, capsys, "--send", "--retry-uncertain")  # a person decided: sent again
        assert code == 0 and f"Đã gửi bản tin tuần {WEEK} tới {RECIPIENT}" in out, out
    finally:
        inbox.released.set()
        server.stop()
    assert len(inbox.messages) == 2
    row = store.digest_deliveries(WEEK)[0]
    assert row.status == "sent" and row.attempts == 2


def test_the_daemon_leaves_an_unanswered_message_uncertain(store: Store, db_url: str) -> None:
    inbox, port = _Unanswering("hang_up"), free_port()
    cfg = config(port, db_url)
    server = start_smtp(port, inbox)
    try:
        report = deliver_week(store, cfg, WEEK, now=MONDAY + timedelta(days=7))  # the daemon's weekly run
        assert not report.sent and not report.failed
        assert [r for r, _ in report.uncertain] == [RECIPIENT]
        inbox.how = "answer"
        assert deliver_due(store, cfg, now=LATER) == []
        assert deliver_week(store, cfg, WEEK, now=LATER).skipped == (RECIPIENT,)
    finally:
        server.stop()
    assert len(inbox.messages) == 1


@pytest.mark.parametrize("reply", ["451 4.3.0 Busy, try again later", "554 5.6.0 Message refused"])
def test_a_refused_message_is_retried(store: Store, db_url: str, reply: str) -> None:
    inbox, port = _Refusing(reply), free_port()
    cfg = config(port, db_url)
    t0 = MONDAY + timedelta(days=7)
    server = start_smtp(port, inbox)
    try:
        report = deliver_week(store, cfg, WEEK, now=t0)
        assert [r for r, _ in report.failed] == [RECIPIENT] and not report.uncertain
        row = store.digest_deliveries(WEEK)[0]
        assert row.status == "failed" and row.next_attempt_at is not None and reply[:3] in (row.last_error or "")
        inbox.reply = ""
        [retry] = deliver_due(store, cfg, now=row.next_attempt_at)  # the daemon's retry job, after the backoff
    finally:
        server.stop()
    assert retry.sent == (RECIPIENT,) and len(inbox.messages) == 1


def test_interrupted_after_data_is_explained_in_the_log(store: Store, db_url: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    inbox, port = _Interrupting("DATA"), free_port()
    cfg = _config_file(tmp_path, port, db_url)
    server = start_smtp(port, inbox)
    try:
        assert _run(cfg, capsys, "--send")[0] == 130
    finally:
        server.stop()
    row = store.digest_deliveries(WEEK)[0]
    assert row.status == "sending" and (row.last_error or "").startswith("chưa rõ đã gửi được hay chưa")
    code, out, _ = _run(cfg, capsys, "--log")
    assert code == 0 and "chưa rõ đã tới người nhận" in out, out
