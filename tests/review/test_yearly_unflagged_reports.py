"""The yearly workbook counts as "gắn cờ" only entries the model flagged (over a category threshold).

A citizen report opens an entry even when it passes no threshold ("thử": misinformation 0.15, no flag). Such an
entry is no flag: it is counted apart ("Phản ánh không gắn cờ"), on the row "Phản ánh chưa xác định nhóm" while
undecided, and under the category a moderator's decision gave it once decided. Made through the real CLI
(`canhgac report --text` scored by the bundled model, `decide`, `export summary`) on a real database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from review.models import ReviewEntry, ReviewFlag
from review.store import Store
from review.vi import VN_TZ
from review.yearly_rows import HARM_GROUP_VI
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]
MISINFORMATION_VI = "Tin giả, tin sai sự thật"
UNASSIGNED_VI = "Phản ánh chưa xác định nhóm"


def _report(cli: CLI, store: Store, text: str) -> int:
    code, out, err = cli("--as", "lan", "report", "--text", text)
    assert code == 0, err
    with store.session() as s:
        entry = s.scalars(select(ReviewEntry).order_by(ReviewEntry.id.desc()).limit(1)).one()
        assert entry.is_report and entry.top_category == "misinformation"
        assert s.scalars(select(ReviewFlag).where(ReviewFlag.entry_id == entry.id)).all() == []  # under every threshold
        return entry.id


def _rows(wb: Any, sheet: str) -> tuple[tuple[Any, ...], dict[Any, tuple[Any, ...]]]:
    head, *rows = list(wb[sheet].iter_rows(values_only=True))
    return head, {r[0]: r for r in rows if r[0] != HARM_GROUP_VI}  # not the subtotal of the harm rows


def test_unflagged_reports_are_not_counted_as_flags(store: Store, cli: CLI, tmp_path: Path) -> None:
    flagged(store, "Tin đồn nước máy nhiễm độc toàn thành phố", "misinformation", 0.9)
    _report(cli, store, "thử")
    decided = _report(cli, store, "Nghe nói mai mất điện cả tuần, không biết có thật không")
    code, _, err = cli("--as", "minh", "decide", str(decided), "--verdict", "violation", "--category", "misinformation")
    assert code == 0, err

    path = tmp_path / "tong-ket.xlsx"
    code, _, err = cli("export", "summary", "--year", str(datetime.now(VN_TZ).year), "--output", str(path))
    assert code == 0, err
    assert "(1 mục gắn cờ" in err
    wb = load_workbook(path, read_only=True)
    head, rows = _rows(wb, "Tổng hợp")
    col = {name: i for i, name in enumerate(head)}
    fake = rows[MISINFORMATION_VI]
    assert fake[col["Tổng số gắn cờ"]] == 1  # the crawled flag only, not the two reports
    assert fake[col["Phản ánh không gắn cờ"]] == 1  # the report a moderator decided as misinformation
    assert (fake[col["vi phạm"]], fake[col["Chưa quyết định"]]) == (1, 1)
    waiting = rows[UNASSIGNED_VI]  # "thử": no flag, no decision yet
    assert waiting[col["Tổng số gắn cờ"]] == 0 and waiting[col["Phản ánh không gắn cờ"]] == 1
    assert waiting[col["Chưa quyết định"]] == 1 and waiting[col["Phản ánh của người dân nhận được"]] == 1
    total = rows.pop("Tổng cộng")
    assert sum(r[col["Tổng số gắn cờ"]] for r in rows.values()) == 1 == total[col["Tổng số gắn cờ"]]
    assert total[col["Phản ánh không gắn cờ"]] == 2 and total[col["Phản ánh của người dân nhận được"]] == 2
    for sheet in ("Theo nguồn", "Theo tháng"):
        head, rows = _rows(wb, sheet)
        total = rows.pop("Tổng cộng")
        assert total[head.index("Tổng số gắn cờ")] == 1 and total[head.index("Phản ánh không gắn cờ")] == 2, sheet
        assert sum(r[head.index("Tổng số gắn cờ")] for r in rows.values()) == 1, sheet
        assert sum(r[head.index("Phản ánh không gắn cờ")] for r in rows.values()) == 2, sheet
    notes = {r[0]: r[1] for r in wb["Ghi chú"].iter_rows(min_row=2, values_only=True)}
    assert notes["Tổng số mục gắn cờ"] == 1
    assert notes["Số mục từ phản ánh không gắn cờ (dưới mọi ngưỡng)"] == 2
    assert notes["Số mục gắn cờ có người dân phản ánh"] == 0
    assert notes["Tổng số phản ánh của người dân nhận được"] == 2
    # the reports' entries here were never flagged: the note must not say reports count under flagged entries only
    assert "dù mục đó được gắn cờ hay không" in notes["Cách đếm phản ánh"]
    assert f"«{UNASSIGNED_VI}»" in notes["Cách đếm phản ánh"]
    wb.close()
