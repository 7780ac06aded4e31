"""Sending the weekly summary: the MIME message and the exactly-once bookkeeping (SMTP itself: review.smtp).

The message is `multipart/alternative` (plain text, then `multipart/related` HTML with the chart as an
inline PNG referenced by `cid:`). Delivery goes recipient by recipient through `DigestLogMixin`: claim
the row (one conditional UPDATE), send, mark sent immediately after the server accepted it; a failure
is recorded with an exponential backoff and retried by `deliver_due` (the daemon runs it every few
minutes and at start). A manual `canhgac digest --send` (`deliver_week(manual=True)`) retries a failed
delivery at once instead of waiting for its backoff.

The error recorded for a failed attempt (`review.smtp.describe_error`) is Vietnamese, with the server's
or the system's own words in parentheses: officers read it in `canhgac digest` and `digest --log`. The
module's log lines are for the daemon's log (English, like the rest of it); a NullHandler keeps them off
the terminal of a CLI command, which prints its own Vietnamese lines instead.

Once the DATA command is sent the server may accept the message, and only its reply says whether it did.
A clear refusal (a 4xx/5xx reply to DATA or to the message) is a failed attempt like any other. Any other
failure from there until the server's positive reply is read (no reply within the timeout, the connection
closed or reset, a garbled reply) leaves the delivery uncertain: the row stays `sending`, with why in
`last_error` (`review.smtp.describe_uncertain`, starting with `UNCERTAIN`), and is never retried automatically; a
digest sent twice is worse than one a person re-sends with `canhgac digest --send --retry-uncertain`.

An attempt stopped by Ctrl-C or a signal (KeyboardInterrupt, SystemExit) is stopped, never swallowed. Until
the DATA command is sent the server cannot have the message: the row is released (`release_digest`) and the
next ordinary send sends it. From DATA on it is uncertain, as above.
"""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from zoneinfo import ZoneInfo

from review.config import Config, SmtpConfig, recipient_address
from review.digest import DigestData, collect_digest
from review.digest_render import render_html, render_text, subject
from review.smtp import (
    UNCERTAIN,
    describe_error,
    describe_interruption,
    describe_uncertain,
    refused_by_server,
    smtp_send,
)
from review.store import Store
from review.types import utcnow

__all__ = ["UNCERTAIN", "DeliveryReport", "build_message", "deliver_due", "deliver_week", "describe_error",
           "describe_interruption", "describe_uncertain", "refused_by_server", "smtp_send"]

log = logging.getLogger("canhgac.digest")
log.addHandler(logging.NullHandler())  # no "last resort" stderr output in the CLI; the daemon's root handler logs


@dataclass(frozen=True)
class DeliveryReport:
    iso_week: str
    sent: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()  # (recipient, error)
    skipped: tuple[str, ...] = ()  # already sent, sending elsewhere, or waiting for backoff
    uncertain: tuple[tuple[str, str], ...] = ()  # (recipient, why): the server may have it; left `sending`


def build_message(data: DigestData, cfg: Config, recipient: str, chart_png: bytes | None = None) -> EmailMessage:
    if chart_png is None:
        from review.digest_chart import flags_chart_png  # matplotlib: imported only when a chart is drawn

        chart_png = flags_chart_png(data)
    chart = chart_png
    sender_name, sender = recipient_address(cfg.smtp.sender)  # "Sở VHTTDL <canhgac@...>" may name the office
    domain = sender.rsplit("@", 1)[-1] or "localhost"
    cid = make_msgid("chart", domain=domain)
    msg = EmailMessage()
    msg["Subject"] = subject(data)
    msg["From"] = Address(display_name=sender_name, addr_spec=sender)
    name, addr = recipient_address(recipient)
    msg["To"] = Address(display_name=name, addr_spec=addr)  # quoted as needed: "Trần, Văn B" stays one person
    # the office's time with its offset (+0700), as every time in the digest; formatdate() wrote -0000, "zone unknown"
    msg["Date"] = format_datetime(utcnow().astimezone(ZoneInfo(cfg.digest.timezone)))
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


@dataclass
class _Attempt:
    handed_over: bool = False  # the DATA command was sent: the server may have the message

    def hand_over(self) -> None:
        self.handed_over = True


def deliver_week(store: Store, cfg: Config, iso_week: str, *, now: datetime | None = None,
                 retry_uncertain: bool = False, manual: bool = False,
                 tls_context: ssl.SSLContext | None = None) -> DeliveryReport:
    """Send `iso_week`'s summary to every configured recipient who has not had it; never twice.

    `manual` (a person running `canhgac digest --send`): a failed delivery is retried now, not when its
    backoff ends; the daemon's weekly run leaves it False. The SMTP password missing from the environment is a
    ConfigError before anything is recorded (`Config.require_smtp_password`)."""
    cfg.require_smtp_password()
    now = now or utcnow()
    # one row per ADDRESS: writing a recipient's name in the config later ("Lan <lan@so.gov.vn>") or changing its
    # case must not mail a week they already had
    configured = _configured(cfg)
    planned = {_key(d.recipient) for d in store.digest_deliveries(iso_week)}
    store.plan_digest(iso_week, [addr for key, addr in configured.items() if key not in planned], now)
    return _deliver(store, cfg, iso_week, [d.recipient for d in store.digest_deliveries(iso_week)
                                           if _key(d.recipient) in configured],
                    now, retry_uncertain, tls_context, manual=manual)


def _key(recipient: str) -> str:
    return recipient_address(recipient)[1].casefold()


def _configured(cfg: Config) -> dict[str, str]:
    """Each configured recipient's address, keyed by the address case-folded."""
    return {_key(r): recipient_address(r)[1] for r in cfg.digest.recipients}


def _as_configured(cfg: Config, recipient: str) -> str:
    """The config's entry for a stored recipient (with the name to show in the To line, if the config gives one)."""
    return next((r for r in cfg.digest.recipients if _key(r) == _key(recipient)), recipient)


def deliver_due(store: Store, cfg: Config, *, now: datetime | None = None,
                tls_context: ssl.SSLContext | None = None) -> list[DeliveryReport]:
    """Retry every failed or pending delivery whose backoff has passed, week by week."""
    cfg.require_smtp_password()
    now = now or utcnow()
    # a recipient taken off [digest] recipients (someone who left the office) is not written to any more, even for
    # a week that was failing for them
    configured = _configured(cfg)
    weeks: dict[str, list[str]] = {}
    for d in store.due_digest_deliveries(now):
        if _key(d.recipient) in configured:
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
    uncertain: list[tuple[str, str]] = []
    for recipient in recipients:
        row = rows[recipient]
        if not store.claim_digest(row.id, now, uncertain=retry_uncertain and row.status == "sending",
                                  manual=manual):
            skipped.append(recipient)
            continue
        attempt = _Attempt()
        try:
            if data is None:
                from review.digest_chart import flags_chart_png

                data = collect_digest(store, cfg, iso_week)
                chart = flags_chart_png(data)
            smtp_send(cfg.smtp, build_message(data, cfg, _as_configured(cfg, recipient), chart), tls_context, attempt.hand_over)
        except Exception as exc:  # noqa: BLE001 - any failure of this attempt is recorded: retried, or uncertain
            if attempt.handed_over and not refused_by_server(exc):
                why = describe_uncertain(exc, cfg.smtp)
                store.mark_digest_uncertain(row.id, why)
                log.warning("digest %s to %s: no answer after the message was sent, it may have been delivered: "
                            "left as sending, not retried (`canhgac digest --send --retry-uncertain` to send it "
                            "again): %s", iso_week, recipient, why)
                uncertain.append((recipient, why))
                continue
            error = describe_error(exc, cfg.smtp)
            after = store.mark_digest_failed(row.id, error, now)
            log.warning("digest %s to %s failed (attempt %d, next %s): %s", iso_week, recipient, after.attempts,
                        after.next_attempt_at.isoformat() if after.next_attempt_at else "never", error)
            failed.append((recipient, error))
            continue
        except BaseException as exc:  # Ctrl-C, SystemExit from a signal handler: stop, with the row right
            if not attempt.handed_over:
                _release(store, row.id, exc, now)
            else:
                log.warning("digest %s to %s interrupted after the server may have accepted it: left as sending "
                            "(`canhgac digest --send --retry-uncertain` to send it again)", iso_week, recipient)
                _note_uncertain(store, row.id, exc, cfg.smtp)
            raise
        store.mark_digest_sent(row.id)
        log.info("digest %s sent to %s", iso_week, recipient)
        sent.append(recipient)
    return DeliveryReport(iso_week, tuple(sent), tuple(failed), tuple(skipped), tuple(uncertain))


def _release(store: Store, delivery_id: int, exc: BaseException, now: datetime) -> None:
    """Put a delivery interrupted before DATA back for the next ordinary send; the interruption goes on."""
    try:
        store.release_digest(delivery_id, describe_interruption(exc), now)
    except Exception:  # noqa: BLE001 - the row stays `sending` (a person decides); the interruption matters more
        log.exception("could not release interrupted digest delivery %d", delivery_id)


def _note_uncertain(store: Store, delivery_id: int, exc: BaseException, smtp: SmtpConfig) -> None:
    """Say in the row why a delivery interrupted after DATA is uncertain; the interruption goes on."""
    try:
        store.mark_digest_uncertain(delivery_id, describe_uncertain(exc, smtp))
    except Exception:  # noqa: BLE001 - the row stays `sending` without the note; the interruption matters more
        log.exception("could not note interrupted digest delivery %d as uncertain", delivery_id)
