"""Atomic claims: two moderators never hold the same entry; a claim lapses after `claim_minutes`.

A claim is a conditional UPDATE (`... WHERE id = :candidate AND <still claimable>`) whose row count
says whether we won; losing a race just means trying the next candidate. On SQLite the transaction
starts with BEGIN IMMEDIATE, so nobody writes between reading a candidate and updating it; on
PostgreSQL the candidate is read `FOR UPDATE SKIP LOCKED`, so concurrent claimers pick different rows
instead of queueing behind one another. Every claim bumps `version` and is audited.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from review.audit import append_audit
from review.cli.table import hhmm_in
from review.errors import ConflictError, NotFound
from review.filters import EntryFilter, SelectT, apply_filter
from review.models import CLAIMED, DECIDED, OPEN, ReviewEntry
from review.types import utcnow
from review.vi import verdict_vi

if TYPE_CHECKING:
    from review.store import StoreBase

    _Base = StoreBase
else:
    _Base = object


@dataclass(frozen=True)
class Claim:
    entry_id: int
    moderator: str
    version: int
    expires_at: datetime


def claimable(now: datetime, moderator: str | None = None) -> Any:
    """Open, or claimed with a lapsed claim (or claimed by `moderator` itself)."""
    cond = [ReviewEntry.status == OPEN,
            and_(ReviewEntry.status == CLAIMED, ReviewEntry.claim_expires_at < now)]
    if moderator is not None:
        cond.append(and_(ReviewEntry.status == CLAIMED, ReviewEntry.claimant == moderator))
    return or_(*cond)


def lock_for_update(s: Session, q: SelectT, *, skip_locked: bool = False) -> SelectT:
    """Row lock on PostgreSQL; SQLite's BEGIN IMMEDIATE already excludes other writers."""
    if s.get_bind().dialect.name == "postgresql":
        return q.with_for_update(skip_locked=skip_locked)
    return q


def held_message(entry: ReviewEntry, zone: str | None = None) -> str:
    """Why `entry` cannot be taken: who holds it until when, in `zone` (`[digest] timezone`, as `show`, `claim` and
    `queue` print it; None: Vietnam time)."""
    until = hhmm_in(entry.claim_expires_at, zone)
    return f"mục #{entry.id} đang do {entry.claimant} xử lý (giữ đến {until}); hãy chọn mục khác"


class ClaimsMixin(_Base):
    def claim(self, entry_id: int, moderator: str, minutes: int) -> Claim:
        """Claim one entry (or extend my own claim); refused if decided or held by someone else."""
        now = utcnow()
        with self.session() as s:
            entry = s.scalar(lock_for_update(s, select(ReviewEntry).where(ReviewEntry.id == entry_id)))
            if entry is None:
                raise NotFound(f"không có mục #{entry_id} trong hàng chờ")
            if entry.status == DECIDED:
                raise ConflictError(f"mục #{entry_id} đã được quyết định ({verdict_vi(entry.verdict)}); "
                                    f"dùng `canhgac undo {entry_id} --reason \"…\"` nếu cần xem lại")
            if (entry.status == CLAIMED and entry.claimant != moderator and entry.claim_expires_at is not None
                    and entry.claim_expires_at >= now):
                raise ConflictError(held_message(entry, self.zone))
            return self._take(s, entry.id, entry.version, moderator, now, minutes)

    def claim_next(self, moderator: str, minutes: int, flt: EntryFilter | None = None,
                   exclude: Collection[int] = ()) -> Claim | None:
        """Claim the highest-priority claimable entry matching `flt`; None when there is none."""
        flt = (flt or EntryFilter()).with_(status=None)
        for _attempt in range(100):
            now = utcnow()
            with self.session() as s:
                best: tuple[float, int, int] | None = None
                for cond in (ReviewEntry.status == OPEN,
                             and_(ReviewEntry.status == CLAIMED, ReviewEntry.claim_expires_at < now)):
                    q = apply_filter(select(ReviewEntry.priority, ReviewEntry.id, ReviewEntry.version), flt,
                                     undecided=True)
                    q = q.where(cond)
                    if exclude:
                        q = q.where(ReviewEntry.id.not_in(list(exclude)))
                    q = q.order_by(ReviewEntry.priority.desc(), ReviewEntry.id).limit(1)
                    row = s.execute(lock_for_update(s, q, skip_locked=True)).first()
                    if row is not None and (best is None or (row[0], -row[1]) > (best[0], -best[1])):
                        best = (row[0], row[1], row[2])
                if best is None:
                    return None
                try:
                    return self._take(s, best[1], best[2], moderator, now, minutes)
                except ConflictError:
                    continue  # someone else won this one between our read and update: try the next
        raise ConflictError("không nhận được mục nào sau nhiều lần thử (quá nhiều người cùng nhận); thử lại")

    def release(self, entry_id: int, moderator: str) -> bool:
        """Give my claim back (skip); returns False when I did not hold it."""
        with self.session() as s:
            res = s.execute(update(ReviewEntry)
                            .where(ReviewEntry.id == entry_id, ReviewEntry.status == CLAIMED,
                                   ReviewEntry.claimant == moderator)
                            .values(status=OPEN, claimant=None, claim_expires_at=None,
                                    version=ReviewEntry.version + 1, updated_at=utcnow()))
            if res.rowcount != 1:  # type: ignore[attr-defined]
                return False
            append_audit(s, moderator, "release", entry_id, {})
            return True

    def _take(self, s: Session, entry_id: int, version: int, moderator: str, now: datetime,
              minutes: int) -> Claim:
        expires = now + timedelta(minutes=minutes)
        res = s.execute(update(ReviewEntry)
                        .where(ReviewEntry.id == entry_id, ReviewEntry.version == version,
                               claimable(now, moderator))
                        .values(status=CLAIMED, claimant=moderator, claim_expires_at=expires,
                                version=ReviewEntry.version + 1, updated_at=now))
        if res.rowcount != 1:  # type: ignore[attr-defined]
            raise ConflictError(f"mục #{entry_id} vừa bị người khác nhận hoặc thay đổi; hãy thử lại")
        append_audit(s, moderator, "claim", entry_id, {"expires_at": expires.isoformat(), "version": version + 1})
        return Claim(entry_id, moderator, version + 1, expires)
