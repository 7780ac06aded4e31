"""Copies of one story (the same scam reposted on three forum threads, or a page edited after it was flagged)
are one entry each in the queue: the yearly workbook counts entries, but says how many distinct stories they
are, and lists a story once among the notable cases (its copies in "Số bản sao")."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select, update

from review.models import Cluster, Item, ReviewEntry
from review.store import Store
from review.types import utcnow
from review.yearly import summarize, write_summary
from tests.operate.seed import add_flagged


def _same_story(store: Store, entry_ids: list[int]) -> None:
    now = utcnow()
    with store.session() as s:
        cluster = Cluster(size=len(entry_ids), sources=1, first_seen_at=now, last_seen_at=now)
        s.add(cluster)
        s.flush()
        items = list(s.scalars(select(ReviewEntry.item_id).where(ReviewEntry.id.in_(entry_ids))))
        s.execute(update(Item).where(Item.id.in_(items)).values(cluster_id=cluster.id))


def test_copies_of_a_story_are_one_story_and_one_notable_case(store: Store, tmp_path: Path) -> None:
    at = utcnow() - timedelta(days=2)
    copies = [add_flagged(store, title=f"KHẨN CẤP: nộp phí 500 nghìn cập nhật căn cước (bài {i})", category="scam",
                          at=at, verdict="violation", score=0.7 + i / 100) for i in range(3)]
    _same_story(store, copies)
    other = add_flagged(store, title="Đầu tư tiền ảo lãi 30%/tháng", category="scam", at=at, verdict="violation")
    summary = summarize(store, at - timedelta(days=1), utcnow() + timedelta(seconds=1))
    assert summary.total == 4  # entries: each copy was flagged and decided on its own
    assert summary.stories == 2
    assert sorted(r[0] for r in summary.notable) == sorted([max(copies), other])  # the highest priority copy
    [story] = [r for r in summary.notable if r[0] == max(copies)]
    assert story[5] == 3  # Số bản sao
    path = tmp_path / "tong-ket.xlsx"
    write_summary(summary, path)
    wb = load_workbook(path, read_only=True)
    notes = {r[0]: r[1] for r in wb["Ghi chú"].iter_rows(min_row=2, values_only=True)}
    wb.close()
    assert notes["Tổng số mục gắn cờ"] == 4
    assert notes["Trong đó: số tin khác nhau (gộp bản sao, bài sửa lại)"] == 2


def test_a_notable_case_says_whom_it_was_passed_to(store: Store, tmp_path: Path) -> None:
    at = utcnow() - timedelta(days=2)
    entry = add_flagged(store, title="Trúng thưởng xe SH, nộp phí nhận giải", category="scam", at=at)
    store.decide(entry, "lan", "violation", note="gỡ bài")
    store.undo(entry, "minh", "cần chuyển cơ quan chức năng")
    store.decide(entry, "minh", "escalate", note="Đã chuyển Công an phường, công văn số 12")
    path = tmp_path / "tong-ket.xlsx"
    write_summary(summarize(store, at - timedelta(days=1), utcnow() + timedelta(seconds=1)), path)
    wb = load_workbook(path, read_only=True)
    head, row = list(wb["Vụ việc nổi bật"].iter_rows(values_only=True))
    wb.close()
    assert head[-1] == "Ghi chú của cán bộ" and row[-1] == "Đã chuyển Công an phường, công văn số 12"
