"""Moderators' verdicts: decide, undo, bulk. The tool flags; only these methods record a verdict.

Deciding needs the entry claimed by me, or claimable (then the claim is implicit). A `version` given
by the caller (what the moderator saw) must still be current, otherwise the write is refused, like an
HTTP 409: somebody changed the entry in between. Undo never deletes: the decision is marked undone
(who, when, why) and the entry goes back to the queue. Each verdict feeds the known-item bank:
violations (warned or not), escalations and commendations as confirmed texts, dismissals as the negative bank.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from classifier.categories import CATEGORIES, POSITIVE
from review.audit import append_audit
from review.claims import claimable, held_message, lock_for_update
from review.decision_history import last_change, nothing_to_undo, own_claims_only, superseded
from review.errors import ConflictError, NotFound, UsageError
from review.filters import EntryFilter, apply_filter
from review.models import (
    CLAIMED,
    CONFIRMING_VERDICTS,
    DECIDED,
    HARM_VERDICTS,
    OPEN,
    VERDICTS,
    BankEntry,
    Decision,
    Item,
    ReviewEntry,
)
from review.types import utcnow
from review.vi import category_vi, verdict_vi

if TYPE_CHECKING:
    from review.store import StoreBase

    _Base = StoreBase
else:
    _Base = object

BULK_MAX = 1000


@dataclass(frozen=True)
class Decided:
    entry_id: int
    decision_id: int
    verdict: str
    category: str | None
    version: int


@dataclass(frozen=True)
class BulkResult:
    entry_ids: list[int]
    applied: bool
    code: str  # names exactly this selection and verdict; a dry run's code confirms the real run


def selection_code(entry_ids: list[int], verdict: str, category: str | None) -> str:
    """A short code for "this verdict on exactly these entries" (order-free)."""
    key = f"{verdict}|{category or ''}|" + ",".join(str(i) for i in sorted(entry_ids))
    return hashlib.sha256(key.encode()).hexdigest()[:8]


def typed_text(text: str | None) -> str | None:
    """A note or reason as recorded: composed (NFC, whatever the keyboard sent: Unikey's "Unicode tổ hợp" is NFD),
    without surrounding spaces; None when nothing is left."""
    if text is None:
        return None
    return unicodedata.normalize("NFC", text).strip() or None


def check_verdict(verdict: str, category: str | None, note: str | None) -> None:
    if verdict not in VERDICTS:
        raise UsageError(f"kết luận {verdict!r} không hợp lệ (dùng: {', '.join(VERDICTS)})")
    if category is not None and category not in CATEGORIES:
        raise UsageError(f"không có nhóm {category!r} (các nhóm: {', '.join(CATEGORIES)})")
    if verdict == "escalate" and not (note and note.strip()):
        raise UsageError("chuyển cơ quan chức năng cần ghi chú (--note): chuyển cho ai, vì sao")
    if category is not None:
        check_verdict_category(verdict, category)


#: Verdicts that confirm a harm (`warn` is a violation too): never in the positive (commendation) category.
_HARM_VERDICTS = HARM_VERDICTS


def check_verdict_category(verdict: str, category: str, entry_id: int | None = None) -> None:
    """`commend` only in the positive category; `violation`/`warn`/`escalate` never in it (stats, the digest and the
    yearly report count a commended scam or a positive violation as nonsense). `entry_id`: the category was
    not given but taken from that entry's top flag."""
    if verdict == "commend" and category != POSITIVE:
        raise UsageError(f"kết luận «{verdict_vi(verdict)}» chỉ dùng với nhóm {POSITIVE} ({category_vi(POSITIVE)}), "
                         f"không dùng với {category} ({category_vi(category)}); nội dung vi phạm thì dùng --verdict "
                         "violation")
    if verdict in _HARM_VERDICTS and category == POSITIVE:
        if entry_id is not None:
            raise UsageError(f"mục #{entry_id} được gắn nhóm {POSITIVE} ({category_vi(POSITIVE)}): kết luận "
                             f"«{verdict_vi(verdict)}» cần --category NHÓM_VI_PHẠM (một trong: {', '.join(_harms())}); "
                             "nội dung đáng tôn vinh thì dùng --verdict commend")
        raise UsageError(f"kết luận «{verdict_vi(verdict)}» không dùng với nhóm {POSITIVE} ({category_vi(POSITIVE)}): "
                         f"chọn nhóm vi phạm (một trong: {', '.join(_harms())}), hoặc dùng --verdict commend")


def bulk_category(verdict: str, category: str | None, selected: str | None) -> str | None:
    """The category a bulk verdict is recorded under, when the same for every entry: the one named (--category),
    else, but for `commend` (always `positive`), the category the entries were selected on (--where
    category=C: every entry selected has that flag); None: each entry's own (`_record_decision`)."""
    if category is not None:
        return category
    return None if verdict == "commend" else selected


def recorded_category(verdict: str, category: str | None, selected: str | None, top_category: str) -> str:
    """The category `bulk` records for an entry whose top category is `top_category` (shown by its dry run)."""
    return bulk_category(verdict, category, selected) or (POSITIVE if verdict == "commend" else top_category)


def _harms() -> list[str]:
    return [c for c in CATEGORIES if c != POSITIVE]


def bank_text(item: Item) -> str:
    return "\n".join(p for p in (item.title.strip(), item.text.strip()) if p)


class DecisionsMixin(_Base):
    def decide(self, entry_id: int, moderator: str, verdict: str, *, category: str | None = None,
               note: str | None = None, version: int | None = None) -> Decided:
        """Record a verdict; ConflictError when decided, held by someone else, or `version` is stale."""
        note = typed_text(note)
        check_verdict(verdict, category, note)
        with self.session() as s:
            entry = s.scalar(lock_for_update(s, select(ReviewEntry).where(ReviewEntry.id == entry_id)))
            if entry is None:
                raise NotFound(f"không có mục #{entry_id} trong hàng chờ")
            if version is not None and not 1 <= version <= entry.version:  # a typo, not a change made since
                raise UsageError(f"mục #{entry_id} không có phiên bản {version} (hiện tại {entry.version}); "
                                 f"xem phiên bản bằng `canhgac show {entry_id}`")
            if version is not None and version != entry.version and not own_claims_only(s, entry_id, moderator,
                                                                                         version, entry.version):
                last = last_change(s, entry_id, moderator, entry.version, self.zone)
                raise ConflictError(f"mục #{entry_id} đã bị thay đổi (phiên bản {version}, hiện tại {entry.version})"
                                    f"{last}; xem lại bằng `canhgac show {entry_id}` rồi quyết định lại")
            if entry.status == DECIDED:
                raise ConflictError(f"mục #{entry_id} đã được {entry.claimant or 'người khác'} quyết định "
                                    f"({verdict_vi(entry.verdict)}); dùng `canhgac undo {entry_id} --reason \"…\"` "
                                    "nếu cần sửa")
            now = utcnow()
            if entry.status == CLAIMED and entry.claimant != moderator and entry.claim_expires_at is not None \
                    and entry.claim_expires_at >= now:
                raise ConflictError(held_message(entry, self.zone))
            return self._record_decision(s, entry, moderator, verdict, category, note, bulk=False)

    def _record_decision(self, s: Session, entry: ReviewEntry, moderator: str, verdict: str,
                         category: str | None, note: str | None, *, bulk: bool) -> Decided:
        now = utcnow()
        if category is None:
            category = POSITIVE if verdict == "commend" else entry.top_category
            check_verdict_category(verdict, category, entry.id)
        res = s.execute(update(ReviewEntry)
                        .where(ReviewEntry.id == entry.id, ReviewEntry.version == entry.version,
                               claimable(now, moderator))
                        .values(status=DECIDED, verdict=verdict, verdict_category=category, claimant=moderator,
                                claim_expires_at=None, decided_at=now, updated_at=now,
                                version=ReviewEntry.version + 1)
                        .execution_options(synchronize_session=False))
        if res.rowcount != 1:  # type: ignore[attr-defined]
            raise ConflictError(f"mục #{entry.id} vừa bị người khác thay đổi; hãy xem lại")
        decision = Decision(entry_id=entry.id, moderator=moderator, verdict=verdict, category=category,
                            note=note, created_at=now, bulk=bulk)
        s.add(decision)
        s.flush()
        item = s.get(Item, entry.item_id)
        if item is not None and bank_text(item):
            polarity = "confirmed" if verdict in CONFIRMING_VERDICTS else "dismissed"
            s.add(BankEntry(polarity=polarity, category=category, text=bank_text(item), item_id=item.id,
                            decision_id=decision.id, active=True, created_at=now))
        details: dict[str, Any] = {"decision_id": decision.id, "verdict": verdict, "category": category,
                                   "version": entry.version + 1}
        if note:
            details["note"] = note
        if bulk:
            details["bulk"] = True
        append_audit(s, moderator, "decide", entry.id, details)
        return Decided(entry.id, decision.id, verdict, category, entry.version + 1)

    def undo(self, entry_id: int, moderator: str, reason: str, *, decision_id: int | None = None) -> Decision:
        """Reverse the entry's last decision, keeping it (marked undone) in the history; reopens the entry.
        `decision_id`: only if that is still the entry's last decision (the interactive loop's "undo my previous
        one" must not undo a colleague's newer decision on the same entry); ConflictError otherwise."""
        reason = typed_text(reason) or ""
        if not reason:
            raise UsageError("hoàn tác cần lý do (--reason)")
        with self.session() as s:
            if self.dialect == "postgresql":  # waits for a retrain's read of the decisions (SHARE): the undo's time
                # below then falls after that read's, as `review.decision_history.learnt_by_model` assumes
                s.execute(sql_text(f"LOCK TABLE {Decision.__tablename__} IN ROW EXCLUSIVE MODE"))
            entry = s.scalar(lock_for_update(s, select(ReviewEntry).where(ReviewEntry.id == entry_id)))
            if entry is None:
                raise NotFound(f"không có mục #{entry_id} trong hàng chờ")
            last = s.scalar(select(Decision).where(Decision.entry_id == entry_id, Decision.undone_at.is_(None))
                            .order_by(Decision.id.desc()).limit(1))
            if decision_id is not None and (entry.status != DECIDED or last is None or last.id != decision_id):
                raise ConflictError(superseded(s, entry_id, decision_id, last if entry.status == DECIDED else None))
            if entry.status != DECIDED or last is None:
                raise ConflictError(nothing_to_undo(s, entry, self.zone))
            now = utcnow()
            last.undone_at, last.undone_by, last.undo_reason = now, moderator, reason
            s.execute(update(BankEntry).where(BankEntry.decision_id == last.id).values(active=False))
            s.execute(update(ReviewEntry).where(ReviewEntry.id == entry_id)
                      .values(status=OPEN, verdict=None, verdict_category=None, claimant=None,
                              claim_expires_at=None, decided_at=None, updated_at=now,
                              version=ReviewEntry.version + 1)
                      .execution_options(synchronize_session=False))
            append_audit(s, moderator, "undo", entry_id,
                         {"decision_id": last.id, "verdict": last.verdict, "category": last.category,
                          "reason": reason, "version": entry.version + 1})
            s.flush()
            return last

    def bulk_candidates(self, flt: EntryFilter, moderator: str, limit: int) -> list[int]:
        """Ids a bulk verdict would touch: matching, undecided, not held by someone else; priority order."""
        now = utcnow()
        with self.session() as s:
            q = apply_filter(select(ReviewEntry.id), flt, undecided=True).where(claimable(now, moderator))
            q = q.order_by(ReviewEntry.priority.desc(), ReviewEntry.id).limit(limit)
            return list(s.scalars(q))

    def bulk(self, flt: EntryFilter, moderator: str, verdict: str, *, limit: int, apply: bool,
             category: str | None = None, note: str | None = None, confirm: str | None = None) -> BulkResult:
        """One verdict for many entries, in one transaction; a dry run (apply=False) changes nothing.

        Each decision is recorded under `category` when given, else under the category the filter selects on
        (`flt.category`: every entry selected is flagged for it, maybe not as its top flag), else under the
        entry's top category (`recorded_category`). `confirm` is the code a dry run printed: the real run then
        acts only if it would touch exactly the entries that dry run listed, with the same verdict and category,
        otherwise it changes nothing and raises ConflictError.
        """
        if category is None and flt.category == POSITIVE and verdict in _HARM_VERDICTS:
            raise UsageError(f"các mục chọn theo nhóm {POSITIVE} ({category_vi(POSITIVE)}): kết luận "
                             f"«{verdict_vi(verdict)}» cần --category NHÓM_VI_PHẠM (một trong: {', '.join(_harms())}); "
                             "không thay đổi gì")
        category = bulk_category(verdict, category, flt.category)
        note = typed_text(note)
        check_verdict(verdict, category, note)
        if not 1 <= limit <= BULK_MAX:
            raise UsageError(f"--limit phải trong khoảng 1..{BULK_MAX}")
        if not apply:
            ids = self.bulk_candidates(flt, moderator, limit)
            if category is None and verdict in _HARM_VERDICTS:
                with self.session() as s:
                    _refuse_positive(verdict, list(s.scalars(select(ReviewEntry.id).where(
                        ReviewEntry.id.in_(ids), ReviewEntry.top_category == POSITIVE).order_by(ReviewEntry.id))))
            return BulkResult(ids, applied=False, code=selection_code(ids, verdict, category))
        now = utcnow()
        with self.session() as s:
            q = apply_filter(select(ReviewEntry), flt, undecided=True).where(claimable(now, moderator))
            q = q.order_by(ReviewEntry.priority.desc(), ReviewEntry.id).limit(limit)
            entries = list(s.scalars(lock_for_update(s, q, skip_locked=True)))
            ids = [e.id for e in entries]
            code = selection_code(ids, verdict, category)
            if confirm is not None and confirm.strip().lower() != code:
                raise ConflictError(f"danh sách đã khác lần chạy thử (mã {confirm.strip()} ≠ {code}, nay {len(ids)} "
                                    "mục): không thay đổi gì; chạy thử lại rồi xác nhận mã mới")
            summary: Mapping[str, Any] = {"verdict": verdict, "category": category, "filter": flt.describe(),
                                          "count": len(ids), "entry_ids": ids, "note": note,
                                          "confirmed_code": confirm is not None}
            if not ids:  # emptied since the dry run (or none): nothing to record, no count-0 "bulk" audit row
                return BulkResult(ids, applied=False, code=code)
            if category is None and verdict in _HARM_VERDICTS:  # before anything is written
                _refuse_positive(verdict, [e.id for e in entries if e.top_category == POSITIVE])
            append_audit(s, moderator, "bulk", None, summary)
            for entry in entries:
                self._record_decision(s, entry, moderator, verdict, category, note, bulk=True)
            return BulkResult(ids, applied=True, code=code)


def _refuse_positive(verdict: str, positive_ids: list[int]) -> None:
    """A bulk `violation`/`warn`/`escalate` without --category would record it in the positive category for these."""
    if positive_ids:
        shown = ", ".join(f"#{i}" for i in positive_ids[:20]) + (" ..." if len(positive_ids) > 20 else "")
        raise UsageError(f"{len(positive_ids)} mục được gắn nhóm {POSITIVE} ({category_vi(POSITIVE)}): {shown}; "
                         f"kết luận «{verdict_vi(verdict)}» cho các mục này cần --category NHÓM_VI_PHẠM (một trong: "
                         f"{', '.join(_harms())}); không thay đổi gì")
