"""The year-end report says what was handled in the year (the decisions made in it, whenever the entry was
flagged; undone decisions not counted) and lists the content commended, with who published it; `--year` with
a --since/--until outside that year is refused instead of writing another period under the year's name."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import update

from review.citizen import file_report
from review.models import Item, ReviewEntry
from review.store import Store
from review.types import utcnow
from review.yearly import summarize, write_summary
from review.yearly_period import year_window
from review.yearly_rows import HARM_GROUP_VI
from tests.operate.seed import add_flagged
from tests.review.test_text_reports import QUESTION, pasted

CLI = Callable[..., tuple[int, str, str]]
SCAM, POSITIVE = "Lừa đảo, chiếm đoạt tài sản", "Nội dung tích cực đáng tôn vinh"


def _sheets(store: Store, tmp_path: Path, since: datetime, until: datetime) -> dict[str, list[tuple[Any, ...]]]:
    path = tmp_path / f"{since:%Y%m%d}.xlsx"
    write_summary(summarize(store, since, until), path)
    wb = load_workbook(path, read_only=True)
    out = {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb}
    wb.close()
    return out


def _handled(sheets: dict[str, list[tuple[Any, ...]]]) -> list[tuple[Any, ...]]:
    """The category rows of the handled sheet with anything in them (every category has a row), after checking
    that the last row is their total."""
    *rows, total = sheets["Xử lý trong kỳ"][1:]
    rows = [r for r in rows if r[0] != HARM_GROUP_VI]  # the subtotal of the harm rows below it
    assert total == ("Tổng cộng", *(sum(r[i] for r in rows) for i in range(1, len(total))))
    return [r for r in rows if any(r[1:])]


def test_flagged_on_new_years_eve_decided_in_january_is_handled_in_the_new_year(store: Store,
                                                                                tmp_path: Path) -> None:
    # 23:59 on 31/12/2025 Vietnam time; decided at 09:00 on 02/01/2026
    add_flagged(store, title="Tuyển cộng tác viên online", category="scam", at=datetime(2025, 12, 31, 16, 59, tzinfo=UTC),
                verdict="violation", decided_at=datetime(2026, 1, 2, 2, tzinfo=UTC))
    # decided at 00:00 on 01/01/2026 Vietnam time: the new year
    add_flagged(store, title="Trúng thưởng xe SH", category="scam", at=datetime(2025, 12, 30, tzinfo=UTC),
                verdict="escalate", decided_at=datetime(2025, 12, 31, 17, tzinfo=UTC))
    add_flagged(store, title="Quảng cáo thuốc", category="illegal_ad", at=datetime(2025, 6, 1, tzinfo=UTC),
                verdict="dismiss", decided_at=datetime(2025, 6, 2, tzinfo=UTC))
    new = _sheets(store, tmp_path, *year_window(2026))
    head = new["Xử lý trong kỳ"][0]
    assert head == ("Nhóm nội dung", "vi phạm", "đã cảnh báo", "bỏ qua", "chuyển cơ quan chức năng", "tôn vinh",
                    "Tổng số đã xử lý",
                    "Trong đó: mục vào hàng chờ trước kỳ báo cáo")
    assert _handled(new) == [(SCAM, 1, 0, 0, 1, 0, 2, 2)]
    notes = {r[0]: r[1] for r in new["Ghi chú"][1:]}
    assert notes["Số mục đã xử lý (có quyết định) trong kỳ"] == 2
    assert notes["Trong đó: mục vào hàng chờ trước kỳ báo cáo"] == 2
    assert notes["Tổng số mục gắn cờ"] == 0  # flagged in 2025: counted there, handled here
    old = _sheets(store, tmp_path, *year_window(2025))
    assert _handled(old) == [("Quảng cáo sai phạm", 0, 0, 1, 0, 0, 1, 0)]


def test_undone_decisions_are_not_handled(store: Store, tmp_path: Path) -> None:
    now = utcnow()
    ids = [add_flagged(store, title=f"Quảng cáo cá độ {i}", category="illegal_ad", at=now - timedelta(days=3))
           for i in range(3)]
    store.decide(ids[0], "lan", "violation")
    store.undo(ids[0], "minh", "nhầm")
    store.decide(ids[1], "lan", "dismiss")
    store.undo(ids[1], "lan", "xem lại")
    store.decide(ids[1], "minh", "escalate", note="chuyển Công an phường")
    sheets = _sheets(store, tmp_path, now - timedelta(days=30), utcnow() + timedelta(seconds=1))  # after the writes
    assert _handled(sheets) == [("Quảng cáo sai phạm", 0, 0, 0, 1, 0, 1, 0)]


def test_commended_content_is_listed_with_its_author(store: Store, tmp_path: Path) -> None:
    now = utcnow()
    good = add_flagged(store, title="Gương người tốt việc tốt: trả lại ví cho người đánh rơi", category="positive",
                       at=now - timedelta(days=2), url="https://phuong.example.vn/nguoi-tot")
    other = add_flagged(store, title="Bài viết tích cực khác", category="positive", at=now - timedelta(days=2))
    with store.session() as s:
        item_id = s.scalar(ReviewEntry.__table__.select().with_only_columns(ReviewEntry.item_id)
                           .where(ReviewEntry.id == good))
        s.execute(update(Item).where(Item.id == item_id).values(author="Nguyễn Thị Hoa"))
    store.decide(good, "lan", "commend")
    store.decide(other, "lan", "dismiss")
    sheets = _sheets(store, tmp_path, now - timedelta(days=30), utcnow() + timedelta(seconds=1))  # after the writes
    head, *rows = sheets["Nội dung được tôn vinh"]
    assert head == ("Mã", "Ngày tôn vinh", "Nhóm", "Nguồn", "Người đăng", "Dòng đầu", "Đường dẫn",
                    "Người dân phản ánh")
    assert [(r[0], r[2], r[3], r[4], r[5], r[6]) for r in rows] == [
        (good, POSITIVE, "bao-tinh", "Nguyễn Thị Hoa", "Gương người tốt việc tốt: trả lại ví cho người đánh rơi",
         "https://phuong.example.vn/nguoi-tot")]


def test_year_with_a_since_outside_it_is_refused(cli: CLI, tmp_path: Path) -> None:
    for args in (("--year", "2026", "--since", "2025-06-01"), ("--year", "2026", "--until", "2027-03-01"),
                 ("--year", "2025", "--since", "2024-12-31", "--until", "2025-12-01")):
        out_file = tmp_path / "bao-cao.xlsx"
        code, out, err = cli("export", "summary", *args, "-o", str(out_file))
        assert code == 2, (args, out, err)
        assert f"năm {args[1]}" in err and "nằm ngoài" in err and "Traceback" not in err, err
        assert not out_file.exists()
    code, _, err = cli("export", "summary", "--year", "2026", "--since", "2026-06-01", "-o", str(out_file))
    assert code == 0, err


def test_a_pasted_report_has_no_address_in_the_workbook(store: Store, tmp_path: Path) -> None:
    good = file_report(store, pasted("Cảm ơn chị Hoa ở tổ 5 đã nhặt được ví trả lại người đánh rơi"), actor="lan")
    bad = file_report(store, pasted(QUESTION, reporter="Lê Thị D"), actor="lan")
    assert good.entry_id is not None and bad.entry_id is not None
    store.decide(good.entry_id, "lan", "commend", category="positive")
    store.decide(bad.entry_id, "lan", "violation", category="scam")
    now = utcnow()
    sheets = _sheets(store, tmp_path, now - timedelta(days=1), now + timedelta(seconds=1))
    [commended] = sheets["Nội dung được tôn vinh"][1:]
    for day in (commended[1], sheets["Vụ việc nổi bật"][1][1]):  # Vietnamese order, as the period is written
        assert re.fullmatch(r"\d\d/\d\d/20\d\d", day), day
    assert commended[0] == good.entry_id and commended[3] == "(phản ánh của người dân)" and commended[6] is None
    head, notable = sheets["Vụ việc nổi bật"]
    assert notable[0] == bad.entry_id
    assert notable[head.index("Đường dẫn")] is None  # not "report:text/…", which no browser opens


def test_the_message_names_the_period_written(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "nam-cong-tac.xlsx"
    code, _, err = cli("export", "summary", "--since", "15/12/2025", "--until", "15/12/2026", "-o", str(path))
    assert code == 0, err
    assert "kỳ 15/12/2025 – 14/12/2026" in err and "(0 mục gắn cờ" in err
