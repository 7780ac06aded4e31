"""`queue`'s "nhóm chính" says what `show` says: a citizen's report that passed no threshold is flagged for
nothing (its highest score is no flag), and a decided entry's category is the one its decision recorded. `bulk`'s
dry run marks a pasted report as `queue` does ("[PA dán]")."""

from __future__ import annotations

from collections.abc import Callable

from review.citizen import file_report
from review.models import Source
from review.store import Store
from tests.review.factory import FakeResult, add_item, flagged
from tests.review.test_text_reports import BODY, SOURCE, pasted

CLI = Callable[..., tuple[int, str, str]]


def _row(out: str, entry_id: int) -> str:
    return next(x for x in out.splitlines() if x.split()[:1] == [str(entry_id)])


def test_an_unflagged_report_names_no_main_category(store: Store, cli: CLI) -> None:
    item = add_item(store, "xem link nay lua dao nhe")
    report = store.record_score(item, FakeResult({"misinformation": 0.15, "scam": 0.02}, (), label="misinformation"),
                                is_report=True)
    _, show, _ = cli("show", str(report))
    assert "chưa vượt ngưỡng" in show.splitlines()[0]
    _, queue, _ = cli("queue")
    line = _row(queue, report)
    assert "chưa vượt ngưỡng" in line and "Tin giả 0.15" in line, line
    assert "Tin giả  " not in line.split("chưa vượt ngưỡng")[0], line  # not named before, as if a flag


def test_a_decided_entry_shows_the_category_its_decision_recorded(store: Store, cli: CLI) -> None:
    e = flagged(store, "Việc nhẹ lương cao tại nhà, nhắn Zalo", "scam", 0.55)
    code, out, _ = cli("bulk", "--verdict", "dismiss", "--category", "illegal_ad", "--where", "category=scam",
                       "--as", "lan")
    assert code == 0, out
    confirm = out.split("--confirm ")[-1].split()[0]
    code, out, _ = cli("bulk", "--verdict", "dismiss", "--category", "illegal_ad", "--where", "category=scam",
                       "--as", "lan", "--yes", "--confirm", confirm)
    assert code == 0, out
    _, queue, _ = cli("queue", "--status", "decided")
    line = _row(queue, e)
    assert "Quảng cáo sai phạm" in line and "Lừa đảo" not in line, line


def test_bulk_dry_run_marks_a_pasted_report_as_queue_does(store: Store, cli: CLI) -> None:
    with store.session() as s:
        s.add(Source(name=SOURCE, kind="rss"))
    filed = file_report(store, pasted(BODY), actor="lan")
    assert filed.entry_id is not None
    _, queue, _ = cli("queue")
    assert "[PA dán]" in _row(queue, filed.entry_id), queue
    code, out, _ = cli("bulk", "--verdict", "dismiss", "--where", "report=yes", "--as", "lan")
    assert code == 0 and "[PA dán]" in _row(out, filed.entry_id), out


def test_the_compact_table_still_fits_80_columns_with_unflagged_and_recategorised_rows() -> None:
    """One long category cell widens every row of the compact table: a report that passed no threshold and a
    decision recorded under another category keep short cells ("— Tin giả 0.15", "Trẻ em* 0.55")."""
    from datetime import UTC, datetime, timedelta

    from review.cli.queue_view import _category_cell, _table
    from review.listing import EntryRow, Reporter

    now = datetime.now(UTC)

    def row(i: int, status: str, flags: dict[str, float], top: str, score: float, vc: str | None = None) -> EntryRow:
        return EntryRow(id=i, priority=50, status=status, top_category=top, top_score=score, flags=flags,
                        source="dien-dan-phuong-7", is_report=True, claimant="lan" if status != "open" else None,
                        claim_expires_at=None, verdict="dismiss" if status == "decided" else None, version=3,
                        created_at=now - timedelta(days=3), title="Nhận quà tri ân khách hàng qua Zalo",
                        verdict_category=vc)

    rows = [row(101, "open", {}, "misinformation", 0.15),
            row(102, "decided", {"privacy": 0.55}, "privacy", 0.55, vc="child_safety"),
            row(103, "open", {"scam": 0.7}, "scam", 0.7)]
    reports = {101: [Reporter(reporter="Chị Hoa", note=None, url=None, at=now, pasted=True)]}
    out = _table(rows, now, 80, None, reports)
    assert max(len(line) for line in out.splitlines()) <= 80, out
    assert _category_cell(rows[0]).startswith("— ") and "* 0.55" in _category_cell(rows[1])
