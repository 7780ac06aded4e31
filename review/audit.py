"""The append-only, hash-chained audit log.

Every claim, decision, undo, bulk action and configuration-driven threshold change appends one row in
the same transaction as the change itself, so an action and its audit row commit or roll back
together. Each row's hash covers the previous row's hash and the canonical JSON of its own content:

    hash = sha256(prev_hash + json({"at", "actor", "action", "entry_id", "details"}, sorted keys))

Editing, deleting or reordering a row breaks the chain from that row on; `verify_audit` finds it. (A
truncated tail is indistinguishable from "nothing happened since": `canhgac audit verify` prints the
head hash so it can be written down elsewhere and compared later.) Appends are serialized across
processes: SQLite's BEGIN IMMEDIATE already holds the write lock; on PostgreSQL a transaction-scoped
advisory lock is taken before reading the previous hash. No code path updates or deletes audit rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from review.models import AuditLog, Setting
from review.types import utcnow

if TYPE_CHECKING:
    from review.store import StoreBase

    _Base = StoreBase
else:
    _Base = object

GENESIS = "0" * 64
_PG_AUDIT_LOCK = 0x63616E68  # "canh": the advisory lock key serializing audit appends on PostgreSQL


def canonical(at: datetime, actor: str, action: str, entry_id: int | None, details: Mapping[str, Any]) -> str:
    return json.dumps({"at": at.isoformat(timespec="microseconds"), "actor": actor, "action": action,
                       "entry_id": entry_id, "details": details},
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chain_hash(prev_hash: str, at: datetime, actor: str, action: str, entry_id: int | None,
               details: Mapping[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(at, actor, action, entry_id, details)).encode()).hexdigest()


@dataclass(frozen=True)
class AuditReport:
    rows: int
    ok: bool
    head: str  # hash of the last row (GENESIS when empty)
    bad_id: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class ThresholdChange:
    category: str
    old: float | None
    new: float | None


def append_audit(s: Session, actor: str, action: str, entry_id: int | None = None,
                 details: Mapping[str, Any] | None = None) -> AuditLog:
    """Append one row inside the caller's transaction (serialized against other writers)."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
    prev = s.scalar(select(AuditLog.hash).order_by(AuditLog.id.desc()).limit(1)) or GENESIS
    at = utcnow()
    payload = dict(details or {})
    row = AuditLog(at=at, actor=actor, action=action, entry_id=entry_id, details=payload, prev_hash=prev,
                   hash=chain_hash(prev, at, actor, action, entry_id, payload))
    s.add(row)
    s.flush()
    return row


class AuditMixin(_Base):
    def verify_audit(self, batch: int = 5000) -> AuditReport:
        """Walk the whole chain; the first row whose link or hash does not match is reported."""
        prev, count = GENESIS, 0
        for row in self.iter_audit(batch=batch):
            count += 1
            if row.prev_hash != prev:
                return AuditReport(count, False, prev, row.id,
                                   "liên kết với dòng trước bị đứt (dòng bị xoá, chèn hoặc sửa)")
            expected = chain_hash(prev, row.at, row.actor, row.action, row.entry_id, row.details or {})
            if row.hash != expected:
                return AuditReport(count, False, prev, row.id, "nội dung dòng không khớp mã băm (dòng bị sửa)")
            prev = row.hash
        return AuditReport(count, True, prev)

    def iter_audit(self, *, since: datetime | None = None, until: datetime | None = None,
                   batch: int = 5000) -> Iterator[AuditLog]:
        """Audit rows in id order, read in batches (keyset pagination, constant memory)."""
        last = 0
        while True:
            with self.session() as s:
                q = select(AuditLog).where(AuditLog.id > last)
                if since is not None:
                    q = q.where(AuditLog.at >= since)
                if until is not None:
                    q = q.where(AuditLog.at < until)
                rows = s.scalars(q.order_by(AuditLog.id).limit(batch)).all()
            if not rows:
                return
            yield from rows
            last = rows[-1].id

    def audit(self, actor: str, action: str, entry_id: int | None = None,
              details: Mapping[str, Any] | None = None) -> int:
        """Append a standalone audit row (for actions that change nothing else); returns its id."""
        with self.session() as s:
            return append_audit(s, actor, action, entry_id, details).id

    def sync_thresholds(self, actor: str, thresholds: Mapping[str, float]) -> list[ThresholdChange]:
        """Record the thresholds now in force; each category whose threshold differs from the last
        recorded one is audited as `threshold_change`. Returns the changes (empty when none)."""
        new = {str(k): float(v) for k, v in thresholds.items()}
        with self.session() as s:
            if s.get_bind().dialect.name == "postgresql":
                s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
            row = s.get(Setting, "thresholds")
            old: dict[str, float] = dict(row.value) if row is not None else {}
            changes = [ThresholdChange(c, old.get(c), new.get(c))
                       for c in sorted(set(old) | set(new)) if old.get(c) != new.get(c)]
            if not changes:
                return []
            for ch in changes:
                append_audit(s, actor, "threshold_change", None,
                             {"category": ch.category, "old": ch.old, "new": ch.new})
            if row is None:
                s.add(Setting(key="thresholds", value=new, updated_at=utcnow()))
            else:
                row.value, row.updated_at = new, utcnow()
            return changes
