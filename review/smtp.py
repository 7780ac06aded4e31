"""Handing one message to the SMTP server, and saying in Vietnamese why an attempt failed.

`smtp_send` connects (plain, STARTTLS or SSL as configured), logs in, sends and quits; it tells its caller
just before the DATA command (`handing_over`), because from then on the server may accept the message and
only its reply says whether it did. A clear refusal (a 4xx/5xx reply to DATA or to the message,
`refused_by_server`) is a failed attempt like any other (`describe_error`); any other failure from there
until the server's positive reply is read leaves the delivery uncertain (`describe_uncertain`, starting
with `UNCERTAIN`). What a delivery does with each outcome is review.mailer's.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from typing import TYPE_CHECKING

from review.config import SmtpConfig
from review.errors import UsageError

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

UNCERTAIN = "chưa rõ đã gửi được hay chưa"  # how the error of an uncertain delivery begins


class _SMTP(smtplib.SMTP):
    """`data` tells `handing_over` first: from the DATA command on, the server may accept the message."""

    handing_over: Callable[[], None] | None = None

    def data(self, msg: ReadableBuffer | str) -> tuple[int, bytes]:
        if self.handing_over is not None:
            self.handing_over()
        return super().data(msg)


class _SMTPSSL(_SMTP, smtplib.SMTP_SSL):
    pass


def smtp_send(smtp: SmtpConfig, msg: EmailMessage, tls_context: ssl.SSLContext | None = None,
              handing_over: Callable[[], None] | None = None) -> None:
    """Hand one message to the configured server; raises on any refusal.

    `tls_context` defaults to the system's CAs with hostname checking; a site with a private CA (or a
    test with a self-signed certificate) passes its own. `handing_over` is called just before the DATA
    command: until then the server cannot have the message.
    """
    if not smtp.host:
        raise UsageError("chưa cấu hình máy chủ thư: khai báo [smtp] host trong tệp cấu hình")
    context = tls_context or ssl.create_default_context()
    server: _SMTP | _SMTPSSL
    if smtp.security == "ssl":
        server = _SMTPSSL(smtp.host, smtp.port, timeout=smtp.timeout_s, context=context)
    else:
        server = _SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s)
    server.handing_over = handing_over
    try:
        if smtp.security == "starttls":
            server.starttls(context=context)
        if smtp.user:
            server.login(smtp.user, smtp.password)
        refused = server.send_message(msg)
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)
    except BaseException:
        server.close()
        raise
    # the server has accepted the message: a bad or missing reply to QUIT must not make it a failed attempt
    # (it would be sent again)
    try:
        server.quit()
    except (smtplib.SMTPException, OSError):
        server.close()


def describe_error(exc: BaseException, smtp: SmtpConfig) -> str:
    """A failed attempt in Vietnamese for the officers, the technical detail kept in parentheses."""
    server = f"{smtp.host}:{smtp.port}"
    detail = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        what = f"máy chủ thư {server} từ chối đăng nhập (kiểm tra [smtp] user và mật khẩu)"
    elif isinstance(exc, smtplib.SMTPRecipientsRefused):
        what = f"máy chủ thư {server} từ chối địa chỉ người nhận"
    elif isinstance(exc, smtplib.SMTPSenderRefused):
        what = f"máy chủ thư {server} từ chối địa chỉ người gửi ([smtp] sender)"
    elif isinstance(exc, ssl.SSLError):
        what = f"không thiết lập được kết nối mã hoá (TLS) với máy chủ thư {server}"
    elif isinstance(exc, TimeoutError):
        what = f"máy chủ thư {server} không trả lời trong {smtp.timeout_s} giây"
    elif isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError):
        what = f"không kết nối được máy chủ thư {server}"
    elif isinstance(exc, smtplib.SMTPException):
        what = f"máy chủ thư {server} báo lỗi"
    elif isinstance(exc, OSError):
        what = f"không kết nối được máy chủ thư {server}"
    else:
        what = "lỗi khi lập hoặc gửi bản tin"
    return f"{what} ({detail})"


def refused_by_server(exc: BaseException) -> bool:
    """A clear 4xx/5xx reply of the server to the DATA command or to the message: it was not accepted. Any other
    failure after DATA (no reply, the connection lost, a garbled reply) says nothing about whether it was."""
    return isinstance(exc, smtplib.SMTPDataError) and 400 <= exc.smtp_code < 600


def describe_uncertain(exc: BaseException, smtp: SmtpConfig) -> str:
    """Why a delivery may or may not have reached the server, for `digest --log` (its first 80 characters) and
    the officer's `digest --send`: starts with `UNCERTAIN`."""
    server = f"{smtp.host}:{smtp.port}"
    detail = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        what = f"máy chủ thư {server} không trả lời trong {smtp.timeout_s} giây khi đang nhận thư"
    elif isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError):
        what = f"máy chủ thư {server} ngắt kết nối khi đang nhận thư, chưa xác nhận đã nhận"
    elif isinstance(exc, Exception):
        what = f"lỗi khi máy chủ thư {server} đang nhận thư, chưa xác nhận đã nhận"
    else:
        what = "bị ngắt khi thư đang được gửi tới máy chủ thư"
    return f"{UNCERTAIN}: {what} ({detail})"


def describe_interruption(exc: BaseException) -> str:
    """Why an attempt stopped (Ctrl-C, a stop signal) before its message reached the server, for `digest --log`
    (which shows the first 80 characters)."""
    return f"bị ngắt trước khi thư tới máy chủ thư: chưa được gửi, lần gửi sau sẽ gửi lại ({type(exc).__name__})"
