"""`canhgac rescore`: the entries already waiting are scored again with the bank moderators fed since they were
queued. Real store (SQLite), the bundled model and rules, the CLI as a moderator runs it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from review.errors import ConflictError
from review.models import AuditLog, ReviewEntry, ReviewFlag, Score
from review.rescore import RESCORE, is_below_threshold
from review.store import Store
from tests.review.factory import add_item

Cli = Callable[..., tuple[int, str, str]]

SCAM_TITLE = "Chúc mừng bạn đã trúng thưởng xe SH từ chương trình tri ân khách hàng"
SCAM = ("Bạn là khách hàng may mắn nhận xe SH 2026. Để nhận giải, vui lòng nộp phí trước bạ và vận chuyển "
        "3.500.000 đồng vào tài khoản bên dưới trong 24 giờ.\nQuá thời hạn, phần thưởng sẽ bị hủy.")
SCAM_REPOST = ("Bạn là kh may mắn nhận xe SH 2026. Đ.ể n.h.ậ.n giải, vui lòng n.ộ.p p.h.í trước bạ và vận chuyển "
               "3.500.000đ vào tk bên dưới trong 24h.\nQuá thời hạn phần thưởng sẽ bị hủy nha!!")
LEMON_TITLE = "Uống nước chanh nóng mỗi sáng chữa khỏi ung thư, bác sĩ không bao giờ nói cho bạn biết"
LEMON = ("Một giáo sư nổi tiếng đã chứng minh nước chanh nóng tiêu diệt tế bào ung thư tốt hơn hóa trị.\n"
         "Bệnh viện giấu thông tin này để bán thuốc đắt tiền, hãy chia sẻ để cứu người thân của bạn.")


@pytest.fixture(scope="module")
def scorer() -> Any:
    from classifier.scorer import Scorer

    return Scorer.load()


def _queued(store: Store, scorer: Any, title: str, text: str) -> int:
    """A page scored as the crawler scores it (the bank as it is now) and queued."""
    item_id = add_item(store, text, title=title)
    entry_id = store.record_score(item_id, scorer.score(text, title=title, bank=store.load_bank()))
    assert entry_id is not None
    return entry_id


def _state(store: Store, entry_id: int) -> tuple[Any, ...]:
    with store.session() as s:
        e = s.get(ReviewEntry, entry_id)
        assert e is not None
        flags = sorted(s.scalars(select(ReviewFlag.category).where(ReviewFlag.entry_id == entry_id)))
        return e.status, e.version, e.priority, e.top_category, e.top_score, e.score_id, flags


def _current_score(store: Store, entry_id: int) -> Score:
    with store.session() as s:
        score = s.scalar(select(Score).join(ReviewEntry, ReviewEntry.score_id == Score.id)
                         .where(ReviewEntry.id == entry_id))
        assert score is not None
        return score


def _count(store: Store, model: Any, *where: Any) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_a_copy_queued_before_the_scam_was_confirmed_rises_with_the_bank_match(
        store: Store, scorer: Any, cli: Cli) -> None:
    original = _queued(store, scorer, SCAM_TITLE, SCAM)
    copy = _queued(store, scorer, "Chuc mung ban trung thuong xe SH", SCAM_REPOST)
    before = _state(store, copy)
    store.decide(original, "lan", "violation")

    code, out, err = cli("rescore", "--apply", "--as", "lan")

    assert code == 0, err
    after = _state(store, copy)
    assert after[4] > before[4] and after[3] == "scam" and "scam" in after[6], (before, after)
    bank = [e for e in _current_score(store, copy).evidence if e["kind"] == "bank"]
    assert bank and bank[0]["category"] == "scam", _current_score(store, copy).evidence
    assert "đã ghi kết quả" in out and "tăng: 1" in out, out
    code, shown, _ = cli("show", str(copy))
    assert code == 0 and "bank:" in shown, shown


def test_an_earlier_copy_of_a_dismissed_false_positive_falls_below_and_stays_queued_last(
        store: Store, scorer: Any, cli: Cli) -> None:
    dismissed = _queued(store, scorer, LEMON_TITLE, LEMON)
    copy = _queued(store, scorer, "Nước chanh nóng chữa khỏi ung thư", LEMON)
    other = _queued(store, scorer, SCAM_TITLE, SCAM)  # flagged, untouched by the dismissal
    assert "misinformation" in _state(store, copy)[6]
    store.decide(dismissed, "lan", "dismiss")
    held = store.claim(copy, "minh", 30).version  # a claimed entry is undecided: re-scored too

    code, out, err = cli("rescore", "--apply", "--as", "lan")

    assert code == 0, err
    status, version, priority, _, _, _, flags = _state(store, copy)
    assert status == "claimed" and flags == [], (status, flags)  # not deleted, not decided: marked
    assert version > held  # minh decided on what it said before: refused, re-read first
    with pytest.raises(ConflictError):
        store.decide(copy, "minh", "violation", category="misinformation", version=held)
    store.release(copy, "minh")
    assert is_below_threshold(priority, flags, False)
    assert _current_score(store, copy).flags == []
    assert any(e["kind"] == "bank_negative" for e in _current_score(store, copy).evidence)
    assert f"#{copy} " in out and "Không còn vượt ngưỡng nhóm nào: 1 mục" in out, out
    code, listed, _ = cli("queue", "--json")
    ids = [row["id"] for row in json.loads(listed)]
    assert ids.index(other) < ids.index(copy) == len(ids) - 1, ids  # sorted last


def test_a_dry_run_reports_and_changes_nothing(store: Store, scorer: Any, cli: Cli) -> None:
    dismissed = _queued(store, scorer, LEMON_TITLE, LEMON)
    copy = _queued(store, scorer, "Nước chanh nóng chữa khỏi ung thư", LEMON)
    store.decide(dismissed, "lan", "dismiss")
    before = (_state(store, copy), _count(store, Score), _count(store, AuditLog))

    code, out, err = cli("rescore")  # no moderator name needed to look

    assert code == 0, err
    assert "chạy thử" in out and f"#{copy} " in out and "--apply" in out, out
    assert (_state(store, copy), _count(store, Score), _count(store, AuditLog)) == before


def test_decided_entries_are_untouched_an_audit_row_per_written_batch_and_a_second_run_changes_nothing(
        store: Store, scorer: Any, cli: Cli) -> None:
    original = _queued(store, scorer, SCAM_TITLE, SCAM)
    copy = _queued(store, scorer, "Chuc mung ban trung thuong xe SH", SCAM_REPOST)
    store.decide(original, "lan", "violation")
    decided_before = _state(store, original)

    assert cli("rescore", "--apply", "--as", "lan")[0] == 0
    assert _state(store, original) == decided_before
    first = (_state(store, copy), _count(store, Score))
    code, out, err = cli("rescore", "--apply", "--as", "minh")

    assert code == 0, err
    assert (_state(store, copy), _count(store, Score)) == first, out  # no new score row, no version bump
    assert "Có thay đổi: 0 mục" in out, out
    with store.session() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.action == RESCORE).order_by(AuditLog.id)).all()
    # the first run wrote one batch (its row, in the batch's transaction); the second wrote nothing and says so
    assert [r.actor for r in rows] == ["lan", "minh"]
    assert rows[0].details["run"] != rows[1].details["run"]
    assert rows[0].details["model"] == scorer.version and rows[0].details["rose"] == 1
    assert rows[1].details["rose"] == 0 and rows[1].details["unchanged"] == rows[1].details["scored"] == 1
    assert store.verify_audit().ok


def test_apply_needs_a_moderator_and_writes_nothing_otherwise(store: Store, scorer: Any, cli: Cli) -> None:
    copy = _queued(store, scorer, "Nước chanh nóng chữa khỏi ung thư", LEMON)
    before = (_state(store, copy), _count(store, Score), _count(store, AuditLog))

    code, _, err = cli("rescore", "--apply", "--as", "khach")

    assert code == 2 and "không phải cán bộ duyệt" in err, err
    assert (_state(store, copy), _count(store, Score), _count(store, AuditLog)) == before


def test_source_narrows_what_is_rescored_and_an_unknown_source_is_refused(
        store: Store, scorer: Any, cli: Cli) -> None:
    dismissed = _queued(store, scorer, LEMON_TITLE, LEMON)
    item_a = add_item(store, LEMON, title="Nước chanh nóng chữa khỏi ung thư", source="fb-a")
    item_b = add_item(store, LEMON, title="Chanh nóng chữa ung thư", source="fb-b")
    a = store.record_score(item_a, scorer.score(LEMON, title="Nước chanh nóng chữa khỏi ung thư"))
    b = store.record_score(item_b, scorer.score(LEMON, title="Chanh nóng chữa ung thư"))
    assert a is not None and b is not None
    store.decide(dismissed, "lan", "dismiss")
    untouched = _state(store, b)

    code, out, err = cli("rescore", "--source", "fb-a", "--since", "1d", "--apply", "--as", "lan")

    assert code == 0, err
    assert _state(store, a)[6] == [] and _state(store, b) == untouched, out
    code, _, err = cli("rescore", "--source", "fb-x")
    assert code == 2 and "Không có nguồn 'fb-x'" in err, err


def test_an_entry_decided_while_its_batch_is_scored_is_skipped_not_overwritten(store: Store, scorer: Any) -> None:
    from review.rescore import rescore_queue

    dismissed = _queued(store, scorer, LEMON_TITLE, LEMON)
    copy = _queued(store, scorer, "Nước chanh nóng chữa khỏi ung thư", LEMON)
    store.decide(dismissed, "lan", "dismiss")

    class DecidedMeanwhile:
        """The bundled scorer; a moderator decides the copy while the batch is being scored."""

        version = scorer.version

        def score_many(self, *args: Any, **kwargs: Any) -> Any:
            store.decide(copy, "minh", "violation", category="misinformation")
            return scorer.score_many(*args, **kwargs)

    report = rescore_queue(store, DecidedMeanwhile(), bank=store.load_bank(), apply=True, actor="lan")
    decided = _state(store, copy)

    assert report.skipped == 1 and report.below == 0, report
    assert decided[0] == "decided" and decided[6] == ["misinformation"], decided  # flags as the moderator saw them
