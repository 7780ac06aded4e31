"""Why a moderator's write was refused, read from the entry's history: who changed it since the version the moderator
saw, who undid the decision they meant to undo. `review.decisions` refuses; this says what happened, so the message
tells the moderator what to do next instead of only "no"."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from review.cli.table import hhmm_in
from review.models import CLAIMED, AuditLog, Decision, ReviewEntry
from review.vi import verdict_vi


def superseded(s: Session, entry_id: int, decision_id: int, current: Decision | None) -> str:
    """Why the decision `decision_id` is no longer the one to undo: someone undid it, maybe decided again."""
    mine = s.get(Decision, decision_id)
    by = f" đã được {mine.undone_by} hoàn tác" if mine is not None and mine.undone_by else " không còn là quyết định hiện tại"
    now = (f"; quyết định hiện tại là «{verdict_vi(current.verdict)}» của {current.moderator}" if current is not None
           else "; mục đang chờ duyệt lại")
    return (f"quyết định trước của bạn trên mục #{entry_id}{by}{now}: không hoàn tác gì; xem `canhgac show {entry_id}`, "
            f"dùng `canhgac undo {entry_id} --reason \"…\"` nếu vẫn cần")


def own_claims_only(s: Session, entry_id: int, moderator: str, seen: int, current: int) -> bool:
    """Whether every version of the entry after `seen` up to `current` came from `moderator`'s own claims (taking it,
    renewing it): what the moderator saw is unchanged, so `decide --version` with the number `show` printed before
    `claim` is not stale. Each version is written by one change only (every writer bumps it under the entry's lock),
    and a claim's audit row records the version it made; any other change (a release, a re-score, a report joining,
    a colleague's claim) leaves a version no own claim accounts for."""
    if current - seen > 100:  # a long history since: not worth reading, treat as changed
        return False
    rows = s.execute(select(AuditLog.details).where(AuditLog.entry_id == entry_id, AuditLog.action == "claim",
                                                    AuditLog.actor == moderator)
                     .order_by(AuditLog.id.desc()).limit(current - seen)).scalars()
    made = {d.get("version") for d in rows if isinstance(d, dict)}
    return all(v in made for v in range(seen + 1, current + 1))


#: What the audit log's actions on an entry did, as the stale-version message names the latest one.
_CHANGES_VI = {"claim": "nhận mục", "release": "trả mục về hàng chờ", "decide": "quyết định", "undo": "hoàn tác quyết định",
               "report": "thêm phản ánh của người dân"}


def last_change(s: Session, entry_id: int, moderator: str, current: int, zone: str | None) -> str:
    """"; lần thay đổi gần nhất: minh hoàn tác quyết định lúc 14:27": the latest change to the entry other than the
    moderator's own claims, when the audit log has it on record with the version it made and only own claims came
    after (a re-score, a report joining or a release leaves no version there: nothing named rather than the wrong
    one); "" otherwise."""
    rows = s.scalars(select(AuditLog).where(AuditLog.entry_id == entry_id).order_by(AuditLog.id.desc()).limit(20))
    expected = current
    for row in rows:
        made = row.details.get("version") if isinstance(row.details, dict) else None
        if made != expected:
            return ""
        if not (row.action == "claim" and row.actor == moderator):
            if row.action not in _CHANGES_VI:
                return ""
            return f"; lần thay đổi gần nhất: {row.actor} {_CHANGES_VI[row.action]} lúc {hhmm_in(row.at, zone)}"
        expected -= 1
    return ""


def nothing_to_undo(s: Session, entry: ReviewEntry, zone: str | None) -> str:
    """Why `undo` finds no decision to reverse. When the entry's last decision was undone already (a colleague undid
    the same mistake a moment before), say by whom, when and why, and what the entry is now, not that it never had
    one."""
    undone = s.scalar(select(Decision).where(Decision.entry_id == entry.id, Decision.undone_at.is_not(None))
                      .order_by(Decision.undone_at.desc(), Decision.id.desc()).limit(1))
    if undone is None:
        return f"mục #{entry.id} chưa có quyết định nào để hoàn tác"
    if entry.status == CLAIMED:
        now = f"mục đang do {entry.claimant} xử lý (giữ đến {hhmm_in(entry.claim_expires_at, zone)})"
    else:
        now = "mục đang chờ duyệt lại"
    return (f"mục #{entry.id} không còn quyết định nào để hoàn tác: quyết định «{verdict_vi(undone.verdict)}» của "
            f"{undone.moderator} đã được {undone.undone_by} hoàn tác lúc {hhmm_in(undone.undone_at, zone)} "
            f"(lý do: {undone.undo_reason}); {now}. Không thay đổi gì; xem `canhgac show {entry.id}`")
