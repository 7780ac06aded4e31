"""Claims: atomic across OS processes, exclusive, expiring; decisions respect them."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from review.errors import ConflictError
from review.models import AuditLog, ReviewEntry
from review.store import Store
from review.types import utcnow
from tests.review.factory import bulk_entries, flagged

CLI = Callable[..., tuple[int, str, str]]
#: few enough that a worker starved by SQLite's unfair lock for the whole race still gets its turn within the
#: 30 s busy timeout on a slow machine (1000 claims took 5.5 s here at load 5); enough for a real race
ENTRIES = 300


def _claim_all(url: str, name: str, go: multiprocessing.synchronize.Barrier,
               first: multiprocessing.synchronize.Barrier, out: multiprocessing.Queue) -> None:
    store = Store.open(url)
    got: list[int] = []
    # Both workers (and the test) meet here once their stores are open, so neither can
    # drain the queue while the other is still importing: the race is a real one.
    go.wait(timeout=120)
    # The first claims race for the same top entry. SQLite's lock is not fair (a waiting
    # writer sleeps and retries while the other takes the lock again and again: CI saw one
    # worker take all 1000), so the workers meet once more after their first claim: each
    # wins one of the contested first claims, then they race for the rest.
    if (claim := store.claim_next(name, 30)) is not None:
        got.append(claim.entry_id)
    first.wait(timeout=120)
    while (claim := store.claim_next(name, 30)) is not None:
        got.append(claim.entry_id)
    store.close()
    out.put((name, got))


def test_two_processes_racing_claim_next_never_claim_one_twice(store: Store, db_url: str) -> None:
    bulk_entries(store, ENTRIES)
    ctx = multiprocessing.get_context("spawn")
    go, first, out = ctx.Barrier(3), ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_claim_all, args=(db_url, name, go, first, out)) for name in ("lan", "minh")]
    for p in procs:
        p.start()
    go.wait(timeout=120)
    results = dict(out.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    lan, minh = results["lan"], results["minh"]
    print(f"\n[{store.dialect}] lan claimed {len(lan)}, minh claimed {len(minh)}")
    assert not set(lan) & set(minh)
    assert len(lan) == len(set(lan)) and len(minh) == len(set(minh))
    assert sorted(lan + minh) == list(range(1, ENTRIES + 1))
    assert lan and minh, "both processes should have won some claims"
    assert lan[0] != minh[0], "the contested first claims went to different entries"
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "claim")) == ENTRIES
        holders = dict(s.execute(select(ReviewEntry.id, ReviewEntry.claimant)).all())
    assert all(holders[i] == "lan" for i in lan) and all(holders[i] == "minh" for i in minh)
    assert store.verify_audit().ok


def test_claim_is_exclusive_until_it_expires(store: Store) -> None:
    entry = flagged(store, "Vay tiền nhanh không cần thế chấp")
    store.claim(entry, "lan", 30)
    with pytest.raises(ConflictError, match="đang do lan xử lý"):
        store.claim(entry, "minh", 30)
    assert store.claim_next("minh", 30) is None
    with store.session() as s:
        s.execute(update(ReviewEntry).values(claim_expires_at=utcnow() - timedelta(seconds=1)))
    claim = store.claim_next("minh", 30)
    assert claim is not None and claim.entry_id == entry
    with pytest.raises(ConflictError, match="đang do minh xử lý"):
        store.decide(entry, "lan", "violation")


def test_claim_next_takes_highest_priority_and_filters_by_category(store: Store) -> None:
    low = flagged(store, "Quảng cáo thuốc chữa bách bệnh", "illegal_ad", 0.6)
    high = flagged(store, "Nhắn tin trúng thưởng xe máy", "scam", 0.95)
    claim = store.claim_next("lan", 30)
    assert claim is not None and claim.entry_id == high
    claim = store.claim_next("minh", 30)
    assert claim is not None and claim.entry_id == low
    assert store.claim_next("minh", 30) is None
    store.release(low, "minh")
    from review.filters import EntryFilter

    assert store.claim_next("minh", 30, EntryFilter(category="scam")) is None
    claim = store.claim_next("minh", 30, EntryFilter(category="illegal_ad"))
    assert claim is not None and claim.entry_id == low


def test_cli_claim_and_decide_with_stale_version_is_refused(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Tin giả về dịch bệnh", "misinformation")
    code, out, _ = cli("--as", "lan", "claim", "--next")
    assert code == 0 and f"#{entry}" in out and "phiên bản 2" in out
    code, _, err = cli("--as", "minh", "decide", str(entry), "--verdict", "dismiss")
    assert code == 1 and "đang do lan xử lý" in err
    # lan's own claim is no change to what lan saw; a release (anyone could act meanwhile) and a new claim are
    # (tests/review/test_moderator_walkthrough.py)
    assert store.release(entry, "lan") and store.claim(entry, "lan", 30).version == 4
    code, _, err = cli("--as", "lan", "decide", str(entry), "--verdict", "violation", "--version", "2")
    assert code == 1 and "đã bị thay đổi (phiên bản 2, hiện tại 4)" in err
    with store.session() as s:
        row = s.get(ReviewEntry, entry)
        assert row is not None and row.status == "claimed" and row.verdict is None
    code, out, _ = cli("--as", "lan", "decide", str(entry), "--verdict", "violation", "--version", "4")
    assert code == 0 and "vi phạm" in out
    code, _, err = cli("--as", "minh", "decide", str(entry), "--verdict", "dismiss")
    assert code == 1 and "đã được lan quyết định" in err


def test_unknown_moderator_is_refused(store: Store, cli: CLI) -> None:
    flagged(store, "Tin giả")
    code, _, err = cli("--as", "hacker", "claim", "--next")
    assert code == 2 and "không phải cán bộ duyệt" in err


def test_release_command_gives_the_claim_back_audited(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Chuyển khoản ngay nhận quà", "scam", 0.9)
    code, _, _ = cli("--as", "lan", "claim", str(entry))
    assert code == 0
    code, _, err = cli("--as", "minh", "release", str(entry))
    assert code == 1 and "không do minh giữ" in err
    code, out, _ = cli("--as", "lan", "release", str(entry))
    assert code == 0 and f"lan đã trả mục #{entry} về hàng chờ" in out
    with store.session() as s:
        row = s.get_one(ReviewEntry, entry)
        assert row.status == "open" and row.claimant is None
        audit = s.execute(select(AuditLog.actor, AuditLog.action).where(AuditLog.entry_id == entry)
                          .order_by(AuditLog.id)).all()
    assert [tuple(a) for a in audit] == [("lan", "claim"), ("lan", "release")]
    code, _, err = cli("--as", "lan", "release", str(entry))  # no longer held
    assert code == 1
    code, _, err = cli("--as", "lan", "release", "999")
    assert code == 2 and "không có mục #999" in err
    code, _, err = cli("--as", "khach", "release", str(entry))
    assert code == 2
