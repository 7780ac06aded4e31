"""`export items`' `reported_url` holds the links citizens reported for the entry as `canhgac show` lists them,
also for a crawled page decided before a citizen reported it (a scam many people forward: audit row `report`,
outcome already_decided, `is_report` never set). The export used to look only at entries with `is_report` and left
that cell empty."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from crawler.items import REPORT, CollectedItem
from review.citizen import ALREADY_DECIDED, file_report
from review.export import read_export
from review.models import ReviewEntry
from review.store import Store
from tests.review.test_text_reports import BODY, PAGE, _prepared, crawled

CLI = Callable[..., tuple[int, str, str]]
SHORT = "https://bit.ly/qua-tri-an"


def test_a_report_of_decided_content_is_in_reported_url_as_show_lists_it(store: Store, cli: CLI,
                                                                           tmp_path: Path) -> None:
    [res] = store.add_scored_items([crawled(BODY)])
    with store.session() as s:
        entry = s.scalar(select(ReviewEntry.id).where(ReviewEntry.item_id == res.item_id))
    assert entry is not None
    store.decide(entry, "lan", "violation")
    report = _prepared(CollectedItem(url=PAGE, kind=REPORT, title="Nhận quà tri ân", text=BODY,
                                     extra={"note": "nhận qua Zalo", "reporter": "Trần Thị B", "reported": True,
                                            "reported_url": SHORT}))
    filed = file_report(store, report, actor="lan")
    assert (filed.outcome, filed.entry_id) == (ALREADY_DECIDED, entry)

    code, shown, err = cli("show", str(entry))
    assert code == 0 and SHORT in shown, shown  # show names the citizen's link
    path = tmp_path / "items.jsonl"
    assert cli("export", "items", "-o", str(path))[0] == 0
    (row,) = [r for r in read_export(path) if r["entry_id"] == entry]
    assert row["reported_url"] == SHORT, row
