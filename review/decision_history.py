"""Why a moderator's write was refused, read from the entry's history: who changed it since the version the moderator
saw, who undid the decision they meant to undo. `review.decisions` refuses; this says what happened, so the message
tells the moderator what to do next instead of only "no"."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from review.cli.table import hhmm_in
from review.models import CLAIMED, AuditLog, Decision, Item, ReviewEntry
from review.vi import category_vi, verdict_vi

if TYPE_CHECKING:
    from review.config import ClassifierConfig
    from review.store import Store

#: How many states of the decisions (one per decision made or undone since the undone one) `learnt_by_model` tries
#: against a card before giving up: a retrain reads them at one moment, usually a few changes ago.
STATES_TRIED = 200


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


def learnt_by_model(s: Session, decision_id: int, card: Mapping[str, Any]) -> list[str] | None:
    """The labels the model of `card` learnt from the decision `decision_id` (`[]`: learnt as clean, a dismissal),
    or None when it did not learn from it. A retrain from decisions records on its card the SHA-256 of the
    decisions it trained on (`review.learning.decisions_info`), not which ones: the standing decisions are rebuilt
    as they were after each decision made or undone since this one was made (the latest first), as the retrain
    read them (`decision_examples`: the latest verdict of each text, the held-back texts left out), until one
    state's hash is the card's. The model learnt from this decision when it stood then, its text was not held
    back, and no later decision on the same text (another entry) taught the text instead. None when no state
    matches: a model trained on other decisions (another database, texts changed since) is not claimed to have."""
    from review.decisions import bank_text
    from review.learning import _digest, decision_label, held_out

    info = next((d for d in card.get("data") or [] if isinstance(d, dict) and d.get("source") == "decisions"), None)
    if info is None or not info.get("sha256"):
        return None
    rows = s.execute(select(Decision.id, Decision.verdict, Decision.category, Decision.created_at, Decision.undone_at,
                            Item).join(ReviewEntry, ReviewEntry.id == Decision.entry_id)
                     .join(Item, Item.id == ReviewEntry.item_id).order_by(Decision.id)).all()
    texts = {r.id: bank_text(r.Item) for r in rows}
    mine = next((r for r in rows if r.id == decision_id), None)
    if mine is None or not texts[mine.id] or held_out(texts[mine.id]):
        return None
    end = mine.undone_at or datetime.max.replace(tzinfo=mine.created_at.tzinfo)
    moments = sorted({t for r in rows for t in (r.created_at, r.undone_at) if t is not None and mine.created_at <= t < end},
                     reverse=True)
    for t in moments[:STATES_TRIED]:
        standing: dict[str, tuple[int, list[str]]] = {}
        for r in rows:
            if r.created_at <= t and (r.undone_at is None or r.undone_at > t) and texts[r.id]:
                standing[texts[r.id]] = (r.id, decision_label(r.verdict, r.category))
        trained = [(text, label) for text, (_, label) in standing.items() if not held_out(text)]
        if len(trained) != info.get("rows") or _digest([t for t, _ in trained], [lab for _, lab in trained]) != info["sha256"]:
            continue
        found = standing.get(texts[mine.id])
        return found[1] if found is not None and found[0] == decision_id else None
    return None


def learnt_note(cfg: ClassifierConfig, store: Store, decision_id: int) -> str | None:
    """What `undo` adds when the model in use (`review.model_in_use`) learnt from the decision just undone
    (`learnt_by_model`): the bank forgets it at once, the model only at the next retrain. None otherwise, and when
    the model's card cannot be read (an undo never fails for it)."""
    from classifier.model_files import card_path
    from review.model_in_use import model_in_use

    path = model_in_use(cfg, store).path
    if path is None:  # the bundled model: trained on the seed data only
        return None
    try:
        card = json.loads(card_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(card, dict):
        return None
    with store.session() as s:
        labels = learnt_by_model(s, decision_id, card)
    if labels is None:
        return None
    taught = f"«{', '.join(category_vi(c) for c in labels)}»" if labels else "không vi phạm"
    return (f"Lưu ý: mô hình đang dùng ({card.get('version') or path}) đã học quyết định này, coi nội dung này là "
            f"{taught}, và vẫn chấm điểm như vậy cho đến lần huấn luyện lại tiếp theo (`canhgac train "
            "--from-decisions --activate`); kho mẫu đã biết thì đã bỏ quyết định này ngay.")
