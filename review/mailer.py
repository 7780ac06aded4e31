"""Sending the weekly summary: the MIME message, SMTP, and the exactly-once bookkeeping.

The message is `multipart/alternative` (plain text, then `multipart/related` HTML with the chart as an
inline PNG referenced by `cid:`). Delivery goes recipient by recipient through `DigestLogMixin`: claim
the row (one conditional UPDATE), send, mark sent immediately after the server accepted it; a failure
is recorded with an exponential backoff and retried by `deliver_due` (the daemon runs it every few
minutes and at start). A manual `canhgac digest --send` (`deliver_week(manual=True)`) retries a failed
delivery at once instead of waiting for its backoff.

The error recorded for a failed attempt (`describe_error`) is Vietnamese, with the server's or the
system's own words in parentheses: officers read it in `canhgac digest` and `digest --log`. The
module's log lines are for the daemon's log (English, like the rest of it); a NullHandler keeps them off
the terminal of a CLI command, which prints its own Vietnamese lines instead.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from review.config import Config, SmtpConfig
from review.digest import DigestData, collect_digest
from review.digest_render import render_html, render_text, subject
from review.errors import UsageError
from review.store import Store
from review.types import utcnow

log = logging.getLogger("canhgac.digest")
log.addHandler(logging.NullHandler())  # no "last resort" stderr output in the CLI; the daemon's root handler logs


@dataclass(frozen=True)
class DeliveryReport:
    iso_week: str
    sent: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()  # (recipient, error)
    skipped: tuple[str, ...] = ()  # already sent, sending elsewhere, or waiting for backoff


def build_message(data: DigestData, cfg: Config, recipient: str, chart_png: bytes | None = None) -> EmailMessage:
    if chart_png is None:
        from review.digest_chart import flags_chart_png  # matplotlib: imported only when a chart is drawn

        chart_png = flags_chart_png(data)
    chart = chart_png
    domain = cfg.smtp.sender.rsplit("@", 1)[-1] or "localhost"
    cid = make_msgid("chart", domain=domain)
    msg = EmailMessage()
    msg["Subject"] = subject(data)
    msg["From"] = cfg.smtp.sender
    msg["To"] = recipient
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid("digest", domain=domain)
    msg["X-Canhgac-Week"] = data.iso_week
    msg.set_content(render_text(data, cfg.digest.timezone, cfg.digest.base_url))
    msg.add_alternative(render_html(data, cfg.digest.timezone, f"cid:{cid[1:-1]}", cfg.digest.base_url),
                        subtype="html")
    html_part = msg.get_payload()[1]  # type: ignore[index]
    assert isinstance(html_part, EmailMessage)
    html_part.add_related(chart, maintype="image", subtype="png", cid=cid, filename="bieu-do-tuan.png",
                          disposition="inline")
    return msg


def smtp_send(smtp: SmtpConfig, msg: EmailMessage, tls_context: ssl.SSLContext | None = None) -> None:
    """Hand one message to the configured server; raises on any refusal.

    `tls_context` defaults to the system's CAs with hostname checking; a site with a private CA (or a
    test with a self-signed certificate) passes its own.
    """
    if not smtp.host:
        raise UsageError("chưa cấu hình máy chủ thư: khai báo [smtp] host trong tệp cấu hình")
    context = tls_context or ssl.create_default_context()
    server: smtplib.SMTP
    if smtp.security == "ssl":
        server = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout_s, context=context)
    else:
        server = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s)
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


def deliver_week(store: Store, cfg: Config, iso_week: str, *, now: datetime | None = None,
                 retry_uncertain: bool = False, manual: bool = False,
                 tls_context: ssl.SSLContext | None = None) -> DeliveryReport:
    """Send `iso_week`'s summary to every configured recipient who has not had it; never twice.

    `manual` (a person running `canhgac digest --send`): a failed delivery is retried now, not when its
    backoff ends; the daemon's weekly run leaves it False."""
    now = now or utcnow()
    store.plan_digest(iso_week, cfg.digest.recipients, now)
    return _deliver(store, cfg, iso_week, [d.recipient for d in store.digest_deliveries(iso_week)
                                           if d.recipient in cfg.digest.recipients],
                    now, retry_uncertain, tls_context, manual=manual)


def deliver_due(store: Store, cfg: Config, *, now: datetime | None = None,
                tls_context: ssl.SSLContext | None = None) -> list[DeliveryReport]:
    """Retry every failed or pending delivery whose backoff has passed, week by week."""
    now = now or utcnow()
    weeks: dict[str, list[str]] = {}
    for d in store.due_digest_deliveries(now):
        weeks.setdefault(d.iso_week, []).append(d.recipient)
    return [_deliver(store, cfg, week, recipients, now, False, tls_context) for week, recipients in weeks.items()]


def _deliver(store: Store, cfg: Config, iso_week: str, recipients: list[str], now: datetime,
             retry_uncertain: bool, tls_context: ssl.SSLContext | None, *, manual: bool = False) -> DeliveryReport:
    rows = {d.recipient: d for d in store.digest_deliveries(iso_week)}
    data: DigestData | None = None
    chart = b""
    sent: list[str] = []
    failed: list[tuple[str, str]] = []
    skipped: list[str] = []
    for recipient in recipients:
        row = rows[recipient]
        if not store.claim_digest(row.id, now, uncertain=retry_uncertain and row.status == "sending",
                                  manual=manual):
            skipped.append(recipient)
            continue
        try:
            if data is None:
                from review.digest_chart import flags_chart_png

                data = collect_digest(store, cfg, iso_week)
                chart = flags_chart_png(data)
            smtp_send(cfg.smtp, build_message(data, cfg, recipient, chart), tls_context)
        except Exception as exc:  # noqa: BLE001 - any failure of this attempt is recorded and retried
            error = describe_error(exc, cfg.smtp)
            after = store.mark_digest_failed(row.id, error, now)
            log.warning("digest %s to %s failed (attempt %d, next %s): %s", iso_week, recipient, after.attempts,
                        after.next_attempt_at.isoformat() if after.next_attempt_at else "never", error)
            failed.append((recipient, error))
            continue
        store.mark_digest_sent(row.id)
        log.info("digest %s sent to %s", iso_week, recipient)
        sent.append(recipient)
    return DeliveryReport(iso_week, tuple(sent), tuple(failed), tuple(skipped))

