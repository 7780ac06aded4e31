"""Which review entries a command is about: one filter type for `queue`, `claim --next` and `bulk`.

`parse_where` reads bulk's `--where` expression: space- or comma-separated terms such as
`category=offensive source=fb-groups score<0.7 since=2025-01-01 report=no status=open`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, exists, select, union_all
from sqlalchemy.orm import aliased

from classifier.categories import CATEGORIES
from review.citizen import CRAWL_JOIN
from review.errors import UsageError
from review.models import ENTRY_STATUSES, AuditLog, ReviewEntry, ReviewFlag
from review.vi import VN_TZ

SelectT = TypeVar("SelectT", bound=Select)  # type: ignore[type-arg]
_TERM = re.compile(r"^([a-z_]+)\s*(<=|>=|=|<|>)\s*(.+)$")
_REL = re.compile(r"^(\d+)\s*([hdw])$")


@dataclass(frozen=True)
class EntryFilter:
    category: str | None = None  # flagged for this category (any of its flags, not only the top one)
    status: str | None = None
    source: str | None = None
    since: datetime | None = None  # entered the queue at or after
    until: datetime | None = None  # entered the queue before
    min_score: float | None = None  # top score
    max_score: float | None = None
    is_report: bool | None = None

    def with_(self, **changes: Any) -> EntryFilter:
        return replace(self, **changes)

    def describe(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, datetime) else v)
                for k, v in self.__dict__.items() if v is not None}


def apply_filter(q: SelectT, f: EntryFilter) -> SelectT:
    e = ReviewEntry
    if f.status is not None:
        q = q.where(e.status == f.status)
    if f.category is not None:
        q = q.where(exists().where(ReviewFlag.entry_id == e.id, ReviewFlag.category == f.category))
    if f.source is not None:
        # its own source, or a report's entry a page of that source joined: one IN over the union of two indexed
        # selects, never an audit lookup per entry (the EXISTS this replaced). PostgreSQL drives the query from the
        # union; SQLite, given the caller's `status = ?` terms, may still walk those statuses and test each entry
        # against the list. `queue` itself reads through review.listing._ids_query, which avoids that walk.
        own, joined = aliased(ReviewEntry), aliased(ReviewEntry)
        own_ids = select(own.id).where(own.source_name == f.source)
        if f.status is not None:  # then the (status, source_name, priority) index answers it alone
            own_ids = own_ids.where(own.status == f.status)
        joined_ids = select(joined.id).where(joined.is_report.is_(True), joined.id.in_(joined_report_ids(f.source)))
        q = q.where(e.id.in_(union_all(own_ids, joined_ids)))
    if f.since is not None:
        q = q.where(e.created_at >= f.since)
    if f.until is not None:
        q = q.where(e.created_at < f.until)
    if f.min_score is not None:
        q = q.where(e.top_score >= f.min_score)
    if f.max_score is not None:
        q = q.where(e.top_score <= f.max_score)
    if f.is_report is not None:
        q = q.where(e.is_report.is_(f.is_report))
    return q


def joined_report_ids(source: str) -> Select[Any]:
    """Ids of the entries that a crawled page of `source` joined (audit `crawl_join` rows: a citizen report's
    entry, whose content the page had; it opened no entry of its own, review.citizen.record_joins). Read through
    `ix_audit_log_action_entry`: such rows are few, however long the log. May name an entry more than once."""
    return select(AuditLog.entry_id).where(AuditLog.action == CRAWL_JOIN,
                                           AuditLog.details["source"].as_string() == source)


def entry_ids_query(f: EntryFilter) -> Select[Any]:
    return apply_filter(select(ReviewEntry.id), f)


def parse_when(value: str, *, now: datetime | None = None) -> datetime:
    """`2025-03-01`, `2025-03-01T08:00`, or relative `36h`, `7d`, `2w` (that long ago), as a UTC instant.
    A date or time without a zone is Vietnam time, where the office works: `2026-11-22` is local midnight."""
    value = value.strip()
    m = _REL.match(value)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        delta = {"h": timedelta(hours=n), "d": timedelta(days=n), "w": timedelta(weeks=n)}[unit]
        return (now or datetime.now(UTC)) - delta
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"ngày không hợp lệ {value!r}: dùng YYYY-MM-DD, YYYY-MM-DDTHH:MM hoặc 7d/36h/2w") from None
    return (parsed.replace(tzinfo=VN_TZ) if parsed.tzinfo is None else parsed).astimezone(UTC)


def check_category(category: str | None) -> str | None:
    if category is not None and category not in CATEGORIES:
        raise UsageError(f"không có nhóm {category!r} (các nhóm: {', '.join(CATEGORIES)})")
    return category


def check_status(status: str | None) -> str | None:
    if status is not None and status not in ENTRY_STATUSES:
        raise UsageError(f"trạng thái {status!r} không hợp lệ (dùng: {', '.join(ENTRY_STATUSES)})")
    return status


def parse_where(expr: str) -> EntryFilter:
    """Parse bulk's `--where` terms into a filter; unknown keys or operators are a usage error."""
    f = EntryFilter()
    terms = [t for t in re.split(r"[,\s]+(?=[a-z_]+\s*(?:<=|>=|=|<|>))", expr.strip()) if t.strip()]
    if not terms:
        raise UsageError("--where cần ít nhất một điều kiện, ví dụ: category=offensive score<0.7")
    for term in terms:
        m = _TERM.match(term.strip().rstrip(","))
        if not m:
            raise UsageError(f"điều kiện không hiểu được: {term!r} (dạng khoá=giá trị, ví dụ source=fb)")
        key, op, value = m.group(1), m.group(2), m.group(3).strip()
        if key == "score" and op in ("<", "<="):
            f = f.with_(max_score=_float(value, term))
        elif key == "score" and op in (">", ">="):
            f = f.with_(min_score=_float(value, term))
        elif op != "=":
            raise UsageError(f"toán tử {op!r} chỉ dùng được với score: {term!r}")
        elif key == "category":
            f = f.with_(category=check_category(value))
        elif key == "status":
            f = f.with_(status=check_status(value))
        elif key == "source":
            f = f.with_(source=value)
        elif key == "since":
            f = f.with_(since=parse_when(value))
        elif key == "until":
            f = f.with_(until=parse_when(value))
        elif key == "report":
            if value not in ("yes", "no"):
                raise UsageError(f"report=yes hoặc report=no, không phải {value!r}")
            f = f.with_(is_report=value == "yes")
        else:
            raise UsageError(f"khoá không hỗ trợ {key!r} (dùng: category, status, source, since, until, score, report)")
    return f


def _float(value: str, term: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise UsageError(f"cần một số: {term!r}") from None
