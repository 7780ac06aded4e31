"""Which weekly digests went to whom: exactly once per ISO week and recipient.

A row per (ISO week, recipient) moves pending -> sending -> sent, or -> failed with a backoff and back
to sending on the next due attempt. The move to `sending` is one conditional UPDATE, so two daemons, a
daemon and a manual `canhgac digest --send`, or a re-run can never both send: the loser's UPDATE
matches no row. A row left in `sending` (the process died between the SMTP server accepting the
message and the row being marked) is never retried automatically: a duplicate e-mail to officials is
worse than a missing one, and `canhgac digest --send --retry-uncertain` exists for a person to decide.
An attempt interrupted before the message could reach the server (Ctrl-C or a stop signal while the
digest is built, or before the DATA command) is not such a row: `release_digest` puts it back to failed,
due at once, for the next ordinary send.

A row the server may have accepted without saying so (no reply to the message, the connection lost before
it) is left in `sending` the same way, its `last_error` saying why (`mark_digest_uncertain`):
`DigestDelivery.uncertain`.

The backoff paces the daemon's automatic retries only. A person running `canhgac digest --send` wants
the digest now: `claim_digest(..., manual=True)` takes a pending or failed row whatever its next attempt
time, even after MAX_ATTEMPTS. It is the same conditional UPDATE from pending/failed, so a row already
sent, or being sent by another process, is still never taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import case, or_, select, update
from sqlalchemy.exc import IntegrityError

from review.models import DigestSent
from review.types import utcnow

if TYPE_CHECKING:
    from review.store import StoreBase

    _Base = StoreBase
else:
    _Base = object

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
BACKOFF_BASE_S = 60
BACKOFF_MAX_S = 6 * 3600
MAX_ATTEMPTS = 10


@dataclass(frozen=True)
class DigestDelivery:
    id: int
    iso_week: str
    recipient: str
    status: str
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    next_attempt_at: datetime | None

    @property
    def uncertain(self) -> bool:
        """Left in `sending` by an attempt that may or may not have delivered it (`mark_digest_uncertain`); a row
        being sent has no error (`claim_digest` clears it)."""
        return self.status == SENDING and self.last_error is not None


def backoff(attempts: int) -> timedelta:
    """Wait before attempt `attempts + 1`: 1 min, 2, 4, ... capped at 6 h."""
    return timedelta(seconds=min(BACKOFF_BASE_S * 2 ** max(attempts - 1, 0), BACKOFF_MAX_S))


def _row(r: DigestSent) -> DigestDelivery:
    return DigestDelivery(r.id, r.iso_week, r.recipient, r.status, r.attempts, r.last_error, r.sent_at,
                          r.next_attempt_at)


class DigestLogMixin(_Base):
    def plan_digest(self, iso_week: str, recipients: tuple[str, ...] | list[str],
                    now: datetime | None = None) -> None:
        """Make sure a row exists for each recipient of `iso_week` (existing rows are left alone)."""
        now = now or utcnow()
        for recipient in recipients:
            with self.session() as s:
                exists = s.scalar(select(DigestSent.id).where(DigestSent.iso_week == iso_week,
                                                              DigestSent.recipient == recipient))
            if exists is not None:
                continue
            try:
                with self.session() as s:
                    s.add(DigestSent(iso_week=iso_week, recipient=recipient, status=PENDING, attempts=0,
                                     created_at=now, next_attempt_at=now))
            except IntegrityError:
                pass  # another process planned it at the same moment: the unique constraint decided

    def claim_digest(self, delivery_id: int, now: datetime | None = None, *, uncertain: bool = False,
                     manual: bool = False) -> bool:
        """Atomically take a due delivery for sending; False if it is not due or someone else took it.

        `manual`: a person asked to send now: a pending or failed row is taken without waiting for its
        backoff (a sent row, or one another process is sending, is not)."""
        now = now or utcnow()
        stmt = update(DigestSent).where(DigestSent.id == delivery_id)
        if uncertain:  # a person decided: a row stuck in `sending` may be sent again
            stmt = stmt.where(or_(DigestSent.status == SENDING, DigestSent.status.in_((PENDING, FAILED))))
        elif manual:
            stmt = stmt.where(DigestSent.status.in_((PENDING, FAILED)))
        else:
            stmt = stmt.where(DigestSent.status.in_((PENDING, FAILED)), DigestSent.next_attempt_at <= now)
        with self.session() as s:
            result = s.execute(stmt.values(status=SENDING, attempts=DigestSent.attempts + 1,
                                           next_attempt_at=None, last_error=None)
                               .execution_options(synchronize_session=False))
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def mark_digest_sent(self, delivery_id: int, now: datetime | None = None) -> None:
        with self.session() as s:
            s.execute(update(DigestSent).where(DigestSent.id == delivery_id, DigestSent.status == SENDING)
                      .values(status=SENT, sent_at=now or utcnow(), next_attempt_at=None)
                      .execution_options(synchronize_session=False))

    def release_digest(self, delivery_id: int, reason: str, now: datetime | None = None) -> bool:
        """An attempt stopped before its message could reach the server (Ctrl-C, the daemon stopped while the
        digest was being built or before the DATA command): the row goes back to failed, due at once and the
        attempt not counted, so the next ordinary send (the daemon's retry, `digest --send`) sends it. Left in
        `sending` it would wait for `--retry-uncertain`, although nobody can have received it. False if the
        row was not ours in `sending`."""
        with self.session() as s:
            result = s.execute(update(DigestSent).where(DigestSent.id == delivery_id, DigestSent.status == SENDING)
                               .values(status=FAILED, last_error=reason[:2000], next_attempt_at=now or utcnow(),
                                       attempts=case((DigestSent.attempts > 0, DigestSent.attempts - 1), else_=0))
                               .execution_options(synchronize_session=False))
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def mark_digest_uncertain(self, delivery_id: int, why: str) -> None:
        """The message may have reached the server, but it did not say it accepted it: the row stays `sending`
        (never retried automatically), with why for the officer."""
        with self.session() as s:
            s.execute(update(DigestSent).where(DigestSent.id == delivery_id, DigestSent.status == SENDING)
                      .values(last_error=why[:2000], next_attempt_at=None)
                      .execution_options(synchronize_session=False))

    def mark_digest_failed(self, delivery_id: int, error: str, now: datetime | None = None) -> DigestDelivery:
        """Record a failed attempt and when to try again (never, after MAX_ATTEMPTS)."""
        now = now or utcnow()
        with self.session() as s:
            row = s.get_one(DigestSent, delivery_id)
            row.status, row.last_error = FAILED, error[:2000]
            row.next_attempt_at = now + backoff(row.attempts) if row.attempts < MAX_ATTEMPTS else None
            return _row(row)

    def digest_deliveries(self, iso_week: str | None = None) -> list[DigestDelivery]:
        with self.session() as s:
            q = select(DigestSent).order_by(DigestSent.iso_week, DigestSent.recipient)
            if iso_week is not None:
                q = q.where(DigestSent.iso_week == iso_week)
            return [_row(r) for r in s.scalars(q)]

    def due_digest_deliveries(self, now: datetime | None = None) -> list[DigestDelivery]:
        """Pending or failed deliveries whose next attempt is due, of any week."""
        now = now or utcnow()
        with self.session() as s:
            q = (select(DigestSent).where(DigestSent.status.in_((PENDING, FAILED)),
                                          DigestSent.next_attempt_at <= now)
                 .order_by(DigestSent.iso_week, DigestSent.recipient))
            return [_row(r) for r in s.scalars(q)]
