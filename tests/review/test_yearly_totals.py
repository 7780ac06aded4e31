"""The officer's superior reads the yearly workbook's per-category sheets down to a "Tổng cộng" row. Each entry
counts on one row only (its confirmed category, else its top flag), so the total is the number of distinct
entries: one flagged for two categories is counted once, not once per flag."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import func, select

from review.citizen import NEW, file_report
from review.models import ReviewEntry, ReviewFlag
from review.store import Store
from review.types import utcnow
from review.yearly import summarize, write_summary
from review.yearly_rows import HARM_GROUP_VI
from tests.review.factory import FakeEvidence, FakeResult, add_item, flagged
from tests.review.test_text_reports import QUESTION, pasted

TOTAL_VI = "Tổng cộng"


def _two_flags(store: Store) -> int:
    """An entry flagged for both scam and misinformation (two ReviewFlag rows)."""
    item_id = add_item(store, "Tin đồn phát tiền hỗ trợ, chuyển phí trước để nhận")
    result = FakeResult({"scam": 0.9, "misinformation": 0.8}, ("scam", "misinformation"), label="scam",
                        evidence=(FakeEvidence("scam", "ngram", "Tin", 0, 3, 1.2),))
    entry_id = store.record_score(item_id, result)
    assert entry_id is not None
    return entry_id


def _sheets(store: Store, tmp_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    now = utcnow()
    path = tmp_path / "tong-ket.xlsx"
    write_summary(summarize(store, now - timedelta(days=1), now + timedelta(days=1)), path)
    wb = load_workbook(path, read_only=True)
    out = {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb}
    wb.close()
    return out


def test_the_total_rows_count_each_entry_once(store: Store, tmp_path: Path) -> None:
    both = _two_flags(store)
    scam = flagged(store, "Trúng thưởng xe SH, chuyển phí nhận quà", "scam")
    flagged(store, "Thuốc giảm cân thần tốc", "illegal_ad")
    store.decide(both, "lan", "violation", category="misinformation")
    store.decide(scam, "lan", "dismiss")
    opened = file_report(store, pasted(QUESTION), actor="lan")  # a citizen report opens an entry of its own
    assert opened.outcome == NEW
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(ReviewFlag).where(ReviewFlag.entry_id == both)) == 2
        flagged_entries = s.scalar(select(func.count(func.distinct(ReviewFlag.entry_id))))
        entries = s.scalar(select(func.count()).select_from(ReviewEntry))
    assert (flagged_entries, entries) in ((3, 4), (4, 4))  # the report's own entry: flagged or not by the model
    sheets = _sheets(store, tmp_path)
    notes = {r[0]: r[1] for r in sheets["Ghi chú"][1:]}

    head, *rows, total = sheets["Tổng hợp"]
    rows = [r for r in rows if r[0] != HARM_GROUP_VI]  # the subtotal of the harm rows below it
    col = {name: i for i, name in enumerate(head)}
    assert total[0] == TOTAL_VI and TOTAL_VI not in [r[0] for r in rows]
    assert total[col["Tổng số gắn cờ"]] == flagged_entries == notes["Tổng số mục gắn cờ"]
    assert total[col["Phản ánh không gắn cờ"]] == entries - flagged_entries
    assert (total[col["vi phạm"]], total[col["bỏ qua"]], total[col["Chưa quyết định"]]) == (1, 1, 2)
    assert total[col["Mục có người dân phản ánh"]] == 1
    assert total[col["Phản ánh của người dân nhận được"]] == notes["Tổng số phản ánh của người dân nhận được"] == 1
    assert list(total[1:]) == [sum(r[i] for r in rows) for i in range(1, len(head))]  # the rows do not overlap

    head, *rows, total = sheets["Xử lý trong kỳ"]
    rows = [r for r in rows if r[0] != HARM_GROUP_VI]
    assert total[0] == TOTAL_VI and TOTAL_VI not in [r[0] for r in rows]
    assert total[1:] == (1, 0, 1, 0, 0, 2, 0)  # two entries decided, the doubly flagged one once
    assert total[head.index("Tổng số đã xử lý")] == notes["Số mục đã xử lý (có quyết định) trong kỳ"]
    assert list(total[1:]) == [sum(r[i] for r in rows) for i in range(1, len(head))]
    assert "Tổng cộng" in notes["Dòng tổng cộng"]
