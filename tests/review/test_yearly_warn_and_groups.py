"""The year-end workbook and the verdict `warn`: its own "đã cảnh báo" column beside "vi phạm", the harm
categories under a "Vi phạm Bộ Quy tắc ứng xử" subtotal apart from tôn vinh, and an undecided entry on the row of
the category it was first flagged for, which neither a crawl's re-score nor `canhgac rescore` changes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from review.models import ReviewEntry
from review.rescore import rescore_queue
from review.store import Store
from review.types import utcnow
from review.yearly import summarize, write_summary
from review.yearly_rows import HARM_GROUP_VI, HARM_LABELS
from tests.review.factory import flagged
from tests.review.fixed_scorer import FixedScorer, Result, queue

POSITIVE_VI = "Nội dung tích cực đáng tôn vinh"


def _sheets(store: Store, tmp_path: Path) -> dict[str, list[tuple[list[Any], bool]]]:
    return {name: [(r, bold) for r, bold, _, _ in rows] for name, rows in _styled(store, tmp_path).items()}


def _styled(store: Store, tmp_path: Path) -> dict[str, list[tuple[list[Any], bool, int, int]]]:
    """Each sheet's rows: values, bold, the label's indent and the row's outline level."""
    now = utcnow()
    path = tmp_path / "nam.xlsx"
    write_summary(summarize(store, now - timedelta(days=1), now + timedelta(days=1)), path)
    wb = load_workbook(path)
    out = {ws.title: [([c.value for c in row], bool(row[0].font.b), int(row[0].alignment.indent or 0),
                       int(ws.row_dimensions[row[0].row].outline_level or 0)) for row in ws.iter_rows()] for ws in wb}
    wb.close()
    return out


def _decided_year(store: Store) -> None:
    store.decide(flagged(store, "Trúng thưởng xe SH chuyển phí", "scam", 0.9), "lan", "violation")
    store.decide(flagged(store, "Tuyển cộng tác viên online việc nhẹ lương cao", "scam", 0.9), "lan", "warn",
                 note="đã nhắn chủ trang")
    store.decide(flagged(store, "Tin đồn nước máy nhiễm độc", "misinformation", 0.9), "lan", "escalate",
                 note="chuyển Công an phường")
    store.decide(flagged(store, "Anh xe ôm trả lại 50 triệu", "positive", 0.8), "lan", "commend")
    flagged(store, "Lời lẽ thô tục trong nhóm", "offensive", 0.9)  # undecided


def test_warnings_have_their_own_column_beside_violations(store: Store, tmp_path: Path) -> None:
    _decided_year(store)
    sheets = _sheets(store, tmp_path)
    for name in ("Tổng hợp", "Theo nguồn", "Theo tháng", "Xử lý trong kỳ"):
        head = sheets[name][0][0]
        assert head[head.index("vi phạm") + 1] == "đã cảnh báo", (name, head)
        total = sheets[name][-1][0]
        assert total[head.index("đã cảnh báo")] == 1 and total[head.index("vi phạm")] == 1, (name, total)
    notable = sheets["Vụ việc nổi bật"]
    assert sorted(r[3] for r, _ in notable[1:]) == ["chuyển cơ quan chức năng", "vi phạm", "đã cảnh báo"]
    notes = {r[0]: r[1] for r, _ in sheets["Ghi chú"][1:]}
    assert notes["Trong đó: vi phạm đã xác nhận (vi phạm, đã cảnh báo, chuyển cơ quan chức năng)"] == 3
    assert "đã cảnh báo: 1" in notes["Trong đó theo kết luận"]
    assert "Kết luận «đã cảnh báo»" in notes


def test_the_harm_categories_are_grouped_under_a_subtotal_apart_from_commendations(store: Store,
                                                                                   tmp_path: Path) -> None:
    _decided_year(store)
    sheets = _sheets(store, tmp_path)
    for name in ("Tổng hợp", "Xử lý trong kỳ"):
        (head, _), *rows, (total, _) = sheets[name]
        labels = [r[0] for r, _ in rows]
        group = labels.index(HARM_GROUP_VI)
        assert labels[group + 1:group + 9] == list(HARM_LABELS), labels  # every harm category, in order
        assert HARM_LABELS[:2] == ("Tin giả, tin sai sự thật", "Lừa đảo, chiếm đoạt tài sản")
        assert labels[group + 9] == POSITIVE_VI and POSITIVE_VI not in labels[group + 1:group + 9], labels
        subtotal, bold = rows[group]
        assert bold, name
        harms = [r for r, _ in rows[group + 1:group + 9]]
        assert subtotal[1:] == [sum(r[i] for r in harms) for i in range(1, len(head))], name
        others = [r for r, _ in rows if r[0] != HARM_GROUP_VI]
        assert total[1:] == [sum(r[i] for r in others) for i in range(1, len(head))], name  # counted once
        positive = next(r for r in others if r[0] == POSITIVE_VI)
        assert total[head.index("tôn vinh")] == positive[head.index("tôn vinh")] == 1
        assert subtotal[head.index("tôn vinh")] == 0
    summary_head = sheets["Tổng hợp"][0][0]
    subtotal = next(r for r, _ in sheets["Tổng hợp"] if r[0] == HARM_GROUP_VI)
    # scam ×2, misinformation, offensive (undecided): the commended entry is not a violation
    assert subtotal[summary_head.index("Tổng số gắn cờ")] == 4
    assert subtotal[summary_head.index("Chưa quyết định")] == 1


def test_an_undecided_entry_stays_on_the_row_it_was_first_flagged_for(store: Store) -> None:
    entry = queue(store, "bài A", Result({"misinformation": 0.9, "scam": 0.7}, ["misinformation", "scam"], "v1"))
    now = utcnow()

    def rows() -> dict[tuple[str, str], int]:
        return dict(summarize(store, now - timedelta(days=1), now + timedelta(days=1)).by_category)

    assert rows() == {("misinformation", ""): 1}
    # a crawl scores the same page again (another model): scam is its top flag now, as the queue shows it
    with store.session() as s:
        item_id = s.get(ReviewEntry, entry).item_id  # type: ignore[union-attr]
    store.record_score(item_id, Result({"misinformation": 0.75, "scam": 0.95}, ["misinformation", "scam"],  # type: ignore[arg-type]
                                       "v2"))
    with store.session() as s:
        assert s.get(ReviewEntry, entry).top_category == "scam"  # type: ignore[union-attr]
    assert rows() == {("misinformation", ""): 1}
    # and `canhgac rescore`: flagged hate only now
    rescore_queue(store, FixedScorer({"bài A": Result({"hate": 0.9}, ["hate"])}), apply=True, actor="lan")
    assert rows() == {("misinformation", ""): 1}
    # a decision fixes the row: the category it confirmed
    store.decide(entry, "lan", "warn", category="hate")
    assert rows() == {("hate", "warn"): 1}


def test_the_harm_rows_are_indented_and_outlined_under_their_subtotal(store: Store, tmp_path: Path) -> None:
    """A whole column summed in Excel would count the harm entries twice with the subtotal: the subtotal is bold,
    the rows it sums indented and grouped under it (an outline level, collapsible to the subtotal), and Ghi chú
    says the subtotal is not a category and is left out of "Tổng cộng"."""
    _decided_year(store)
    sheets = _styled(store, tmp_path)
    for name in ("Tổng hợp", "Xử lý trong kỳ"):
        rows = sheets[name][1:]
        styled = {r[0]: (bold, indent, level) for r, bold, indent, level in rows}
        assert styled[HARM_GROUP_VI] == (True, 0, 0), name
        assert all(styled[label] == (False, 1, 1) for label in HARM_LABELS), (name, styled)
        others = [r[0] for r, *_ in rows if r[0] not in HARM_LABELS and r[0] != HARM_GROUP_VI]
        assert POSITIVE_VI in others and all(styled[label][1:] == (0, 0) for label in others), (name, styled)
    assert all(indent == level == 0 for _, _, indent, level in sheets["Theo nguồn"] + sheets["Theo tháng"])
    notes = {r[0]: r[1] for r, *_ in sheets["Ghi chú"][1:]}
    totals = notes["Dòng tổng cộng"]
    assert "một nhóm; một nguồn" not in totals and "Mỗi mục chỉ được đếm ở một dòng" not in totals, totals
    assert f"Riêng dòng «{HARM_GROUP_VI}»" in totals and "không cộng dòng này" in totals, totals
    assert "bỏ dòng này ra" in totals, totals  # a whole column summed by hand
    assert "thụt lề" in notes[f"Nhóm «{HARM_GROUP_VI}»"], notes
