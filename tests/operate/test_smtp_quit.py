"""A message the server accepted is sent, whatever the server then answers to QUIT (or if it hangs up): the
attempt must not be recorded as failed, or the digest would be sent again. A raw SMTP server on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
from email.message import EmailMessage

import pytest

from review.config import SmtpConfig
from review.mailer import smtp_send


class RudeServer:
    """Speaks just enough SMTP to accept one message, then answers QUIT badly (or drops the connection)."""

    def __init__(self, on_quit: bytes | None) -> None:
        self.on_quit, self.accepted = on_quit, 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        with conn, conn.makefile("rb") as rfile:
            conn.sendall(b"220 rude.example ESMTP\r\n")
            in_data = False
            for line in rfile:
                if in_data:
                    if line == b".\r\n":
                        in_data = False
                        self.accepted += 1
                        conn.sendall(b"250 queued\r\n")
                    continue
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    conn.sendall(b"250 rude.example\r\n")
                elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                    conn.sendall(b"250 ok\r\n")
                elif verb == b"DATA":
                    in_data = True
                    conn.sendall(b"354 go ahead\r\n")
                elif verb == b"QUIT":
                    if self.on_quit is not None:
                        conn.sendall(self.on_quit)
                    return

    def close(self) -> None:
        self.sock.close()


@pytest.mark.parametrize("on_quit", [b"421 shutting down, try later\r\n", None], ids=["bad-reply", "hang-up"])
def test_an_accepted_message_is_sent_whatever_quit_says(on_quit: bytes | None) -> None:
    server = RudeServer(on_quit)
    try:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = "canhgac@so.example.vn", "lanhdao@so.example.vn", "Bản tin tuần"
        msg.set_content("Nội dung bản tin")
        smtp_send(SmtpConfig(host="127.0.0.1", port=server.port, security="none", timeout_s=30), msg)  # no raise
        server.thread.join(timeout=60)
        assert server.accepted == 1
    finally:
        server.close()
