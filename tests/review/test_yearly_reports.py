"""The yearly workbook counts citizen reports as received: the reports that opened an entry and the ones
that joined an existing entry (undecided or already decided), as `canhgac show` lists an entry's reporters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from review.citizen import ALREADY_DECIDED, JOINED, NEW, file_report
from review.models import ReviewEntry, Source
from review.store import Store
from review.types import utcnow
from review.vi import VN_TZ
from review.yearly import summarize
from review.yearly_period import period_text, year_window
from tests.review.test_text_reports import BODY, OTHER_BODY, OTHER_PAGE, QUESTION, SOURCE, crawled, pasted

CLI = Callable[..., tuple[int, str, str]]


def _entry_of(store: Store, item_id: int) -> int:
    with store.session() as s:
        entry_id = s.scalar(select(ReviewEntry.id).where(ReviewEntry.item_id == item_id))
    assert entry_id is not None
    return entry_id


@pytest.fixture
def reported(store: Store) -> dict[str, object]:
    """A: crawled, decided, then reported; B: crawled, reported while open; C: opened by a report; D: crawled,
    never reported. Three reports in all: one opened an entry, two joined one."""
    with store.session() as s:
        s.add(Source(name=SOURCE, kind="rss"))
    [a] = store.add_scored_items([crawled(BODY)])
    [b] = store.add_scored_items([crawled(OTHER_BODY, url=OTHER_PAGE, title="Cảnh báo lừa đảo ngân hàng")])
    [d] = store.add_scored_items([crawled("Một bài viết khác hẳn về quảng cáo thuốc giảm cân thần tốc",
                                          url="https://tin-nhanh.vn/giam-can.html", title="Thuốc giảm cân")])
    ids = {"a": _entry_of(store, a.item_id), "b": _entry_of(store, b.item_id), "d": _entry_of(store, d.item_id)}
    store.decide(ids["a"], "lan", "violation")
    store.decide(ids["d"], "lan", "violation")
    between = utcnow()
    late = file_report(store, pasted(BODY), actor="lan")
    assert late.outcome == ALREADY_DECIDED and late.entry_id == ids["a"]
    joined = file_report(store, pasted(OTHER_BODY, reporter="Nguyễn Văn C"), actor="lan")
    assert joined.outcome == JOINED and joined.entry_id == ids["b"]
    opened = file_report(store, pasted(QUESTION, reporter="Lê Thị D"), actor="lan")
    assert opened.outcome == NEW and opened.entry_id is not None
    ids["c"] = opened.entry_id
    return {"ids": ids, "between": between}


def test_reports_received_are_counted_opened_and_joined(store: Store, reported: dict[str, object]) -> None:
    summary = summarize(store, *year_window(datetime.now(VN_TZ).year))
    assert summary.total == 4
    assert (summary.reports, summary.reports_opened, summary.reports_joined) == (3, 1, 2)
    assert summary.reports_by_category == {"scam": 3}
    assert summary.reports_by_verdict == {"violation": 1, "": 2}  # A decided; B and C open
    assert summary.reported_by_category == {"scam": 3}  # A, B, C; not D
    # The decided entry reported afterwards is marked in the notable cases; the one nobody reported is not.
    marks = {row[0]: row[6] for row in summary.notable}
    ids = reported["ids"]
    assert isinstance(ids, dict)
    assert marks == {ids["a"]: "có — dán nội dung", ids["d"]: ""}  # as `show` tells it: a text pasted


def test_a_period_ending_before_a_report_does_not_describe_it(store: Store, reported: dict[str, object]) -> None:
    """A was decided, then a citizen pasted it after `between`: a report for a period ending at `between` received
    no report about A, and its notable cases do not describe the later one."""
    until = reported["between"]
    ids = reported["ids"]
    assert isinstance(until, datetime) and isinstance(ids, dict)
    summary = summarize(store, datetime(until.astimezone(VN_TZ).year, 1, 1, tzinfo=VN_TZ), until)
    assert summary.reports == 0
    assert {row[0]: row[6] for row in summary.notable}[ids["a"]] == ""


def test_a_report_joining_an_entry_flagged_before_the_period_counts(store: Store,
                                                                    reported: dict[str, object]) -> None:
    since = reported["between"]
    assert isinstance(since, datetime)
    summary = summarize(store, since, utcnow() + timedelta(seconds=1))
    assert summary.total == 1  # only C was flagged in the period
    assert (summary.reports, summary.reports_opened, summary.reports_joined) == (3, 1, 2)
    before = summarize(store, since - timedelta(days=1), since)
    assert before.reports == 0 and before.total == 3


def test_workbook_shows_reports_and_an_inclusive_period(store: Store, cli: CLI, reported: dict[str, object],
                                                        tmp_path: Path) -> None:
    year = datetime.now(VN_TZ).year
    path = tmp_path / "tong-ket.xlsx"
    code, _, err = cli("export", "summary", "--year", str(year), "--output", str(path))
    assert code == 0, err
    wb = load_workbook(path, read_only=True)
    head, *rows = list(wb["Tổng hợp"].iter_rows(values_only=True))
    assert head[-2:] == ("Mục có người dân phản ánh", "Phản ánh của người dân nhận được")
    [scam] = [r for r in rows if r[0] == "Lừa đảo, chiếm đoạt tài sản"]
    assert scam[1] == 4 and scam[-2:] == (3, 3)
    head, *months, total = list(wb["Theo tháng"].iter_rows(values_only=True))
    assert head[-1] == "Phản ánh của người dân nhận được" and sum(m[-1] for m in months) == 3 == total[-1]
    head, *notable = list(wb["Vụ việc nổi bật"].iter_rows(values_only=True))
    column = head.index("Người dân phản ánh")
    assert sorted(r[column] or "" for r in notable) == ["", "có — dán nội dung"]
    notes = {r[0]: r[1] for r in wb["Ghi chú"].iter_rows(min_row=2, values_only=True)}
    assert notes["Kỳ báo cáo"] == f"01/01/{year} – 31/12/{year}"
    assert notes["Tổng số phản ánh của người dân nhận được"] == 3
    assert notes["Trong đó: phản ánh tạo mục mới"] == 1 and notes["Trong đó: phản ánh bổ sung vào mục đã có"] == 2
    assert "vi phạm: 1" in notes["Phản ánh theo kết luận hiện tại của mục"]
    assert notes["Phản ánh theo kết luận hiện tại của mục"].endswith("chưa quyết định: 2")
    wb.close()


def test_period_wording_is_inclusive() -> None:
    assert period_text(*year_window(2026)) == "01/01/2026 – 31/12/2026"
