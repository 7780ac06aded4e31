"""Why a moderator's write was refused, read from the entry's history: who changed it since the version the moderator
saw, who undid the decision they meant to undo. `review.decisions` refuses; this says what happened, so the message
tells the moderator what to do next instead of only "no"."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from review.cli.table import hhmm_in
from review.models import CLAIMED, AuditLog, Decision, Item, ReviewEntry
from review.vi import category_vi, verdict_vi

if TYPE_CHECKING:
    from review.config import ClassifierConfig
    from review.store import Store


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


@dataclass(frozen=True)
class Learnt:
    """What a model learnt from one decision: `labels` (`[]`: clean, a dismissal). `certain` False: it may have,
    no more (a card without the record of its read: `learnt_by_model`)."""

    labels: list[str]
    certain: bool = True


def learnt_by_model(s: Session, decision_id: int, card: Mapping[str, Any],
                    activated_at: datetime | None = None) -> Learnt | None:
    """What the model of `card` learnt from the decision `decision_id`, or None when it did not learn from it or
    nothing need be said. A retrain from decisions records on its card the highest Decision.id it read and when
    (`review.learning.decisions_info`: `as_of_decision_id`, `read_at`). The model learnt this decision when its id
    is not above that, it stood at the read (made before it, not undone before it), its text was not held back
    (`held_out`, the rule the retrain splits by), and no later decision on the same text (another entry) that also
    stood at the read taught the text instead. Nothing is said either when another decision still standing
    teaches the same text the same label (the next retrain learns the same).

    A card from a retrain older than those fields still lists its decisions (`source` "decisions", how many it
    trained on), but not which. With `activated_at`, when that model was activated (the retrain read the decisions
    before), a decision made before it, not held back, may have been learnt: `certain` False (it may have been made
    during the retrain, after the read, or a later decision on the same text taught it instead). Without it (a
    model set by `[classifier] model`) nothing tells when the decisions were read: None. A fixed number of
    queries, no search."""
    from review.decisions import bank_text
    from review.learning import decision_label, held_out

    info = next((d for d in card.get("data") or [] if isinstance(d, dict) and d.get("source") == "decisions"), None)
    if info is None:
        return None
    read = _read_of(info)
    if read is None and (activated_at is None or not info.get("rows")):
        return None  # nothing tells when the decisions were read, or none was trained on
    row = s.execute(select(Decision, Item).join(ReviewEntry, ReviewEntry.id == Decision.entry_id)
                    .join(Item, Item.id == ReviewEntry.item_id).where(Decision.id == decision_id)).first()
    if row is None:
        return None
    mine, item = row
    if read is not None:
        as_of, read_at = read
        if mine.id > as_of or mine.created_at > read_at or (mine.undone_at is not None and mine.undone_at < read_at):
            return None
    elif activated_at is not None and mine.created_at >= activated_at:
        return None  # made after the activation, so after the read
    text = bank_text(item)
    if not text or held_out(text):
        return None
    label = decision_label(mine.verdict, mine.category)
    title, body = item.title.strip(), item.text.strip()
    others = s.execute(select(Decision.id, Decision.verdict, Decision.category, Decision.created_at,
                              Decision.undone_at, Item.title, Item.text)
                       .join(ReviewEntry, ReviewEntry.id == Decision.entry_id).join(Item, Item.id == ReviewEntry.item_id)
                       .where(Decision.id != mine.id, Item.title.contains(title, autoescape=True),
                              Item.text.contains(body, autoescape=True))).all()
    for o in others:
        if "\n".join(p for p in (o.title.strip(), o.text.strip()) if p) != text:
            continue
        if o.undone_at is None and decision_label(o.verdict, o.category) == label:
            return None  # still taught the same by another decision
        if read is None:
            continue  # no read time to tell whether a later decision on the text was read instead: "may" holds
        as_of, read_at = read
        stood = o.created_at <= read_at and (o.undone_at is None or o.undone_at >= read_at)
        if mine.id < o.id <= as_of and stood:
            return None  # the retrain learnt that later decision on the text, not this one
    return Learnt(label, certain=read is not None)


def _read_of(info: Mapping[str, Any]) -> tuple[int, datetime] | None:
    """The card's record of the retrain's read (`as_of_decision_id`, `read_at`), None when it has none (a retrain
    older than these fields) or they cannot be read."""
    if not isinstance(info.get("as_of_decision_id"), int) or not info.get("read_at"):
        return None
    try:
        read_at = datetime.fromisoformat(str(info["read_at"]))
    except ValueError:
        return None
    return int(info["as_of_decision_id"]), read_at if read_at.tzinfo is not None else read_at.replace(tzinfo=UTC)


def learnt_note(cfg: ClassifierConfig, store: Store, decision_id: int) -> str | None:
    """What `undo` (and `u` in `review`) adds when the model in use (`review.model_in_use`) learnt from the
    decision just undone (`learnt_by_model`): the bank forgets it at once, the model only at the next retrain; "có
    thể" (may have) when its card does not record the retrain's read and only the activation time tells. None
    otherwise, and when the model's card cannot be read (an undo never fails for it)."""
    from classifier.model_files import card_path
    from review.model_in_use import model_in_use

    found = model_in_use(cfg, store)
    path = found.path
    if path is None:  # the bundled model: trained on the seed data only
        return None
    try:
        card = json.loads(card_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(card, dict):
        return None
    version = str(card.get("version") or Path(path).stem)
    # the activation time is this card's only if the card is the one activated (not a file put there since)
    activated_at = found.activated_at if found.activated_version == version else None
    with store.session() as s:
        learnt = learnt_by_model(s, decision_id, card, activated_at)
    if learnt is None:
        return None
    taught = f"«{', '.join(category_vi(c) for c in learnt.labels)}»" if learnt.labels else "không vi phạm"
    until = ("cho đến lần huấn luyện lại tiếp theo (`canhgac train --from-decisions --activate`); kho mẫu đã biết "
             "thì đã bỏ quyết định này ngay.")
    if learnt.certain:
        return (f"Lưu ý: mô hình đang dùng ({card.get('version') or path}) đã học quyết định này, coi nội dung này là "
                f"{taught}, và vẫn chấm điểm như vậy {until}")
    return (f"Lưu ý: mô hình đang dùng ({card.get('version') or path}) có thể đã học quyết định này: thẻ mô hình không "
            f"ghi những quyết định nào đã được đọc khi huấn luyện lại, nhưng quyết định này có từ trước khi mô hình "
            f"được kích hoạt (lúc {hhmm_in(activated_at, store.zone)}). Nếu đã học, mô hình coi nội dung này là "
            f"{taught} và vẫn chấm điểm như vậy {until}")
