"""A citizen report that had to wait (no model could be loaded: stored unscored, queued by a later crawl) counts in
the yearly workbook when it was received, not when it was queued: a report made on 31 December belongs to that
year's report even if the model came back on 2 January.

The report goes through the real filing path (`review.citizen.file_report`, as `canhgac report` stores it while
scoring is off and as `crawler.report.queue_waiting_reports` files it later) on a real database; only the clock of
our own modules is set, so the rows carry the dates of the story.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

import review.audit
import review.citizen
import review.scoring
from review.citizen import CRAWL_ACTOR, JOINED, NEW, file_report
from review.models import Source
from review.store import Store
from review.yearly import summarize
from review.yearly_period import year_window
from tests.review.test_text_reports import BODY, OTHER_BODY, QUESTION, SOURCE, crawled, pasted

CLI = Callable[..., tuple[int, str, str]]
RECEIVED = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 23:30 on 31/12/2026 in Hà Nội
CRAWLED = datetime(2027, 1, 1, 2, 0, tzinfo=UTC)
QUEUED = datetime(2027, 1, 2, 1, 0, tzinfo=UTC)  # the model is back: the next crawl files what waited


class Clock:
    def __init__(self) -> None:
        self.now = RECEIVED

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def waited(store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    """Two reports received on 31/12/2026 while scoring was off: one opens its own entry when queued on
    02/01/2027, the other joins the entry its text got from a crawl on 01/01/2027. A third report, received on
    02/01/2027 with scoring on, opens an entry at once."""
    clock = Clock()
    for module in (review.scoring, review.citizen, review.audit):
        monkeypatch.setattr(module, "utcnow", clock)
    with store.session() as s:
        s.add(Source(name=SOURCE, kind="rss"))
    waiting = [file_report(store, replace(pasted(text), score=None), actor="lan") for text in (QUESTION, BODY)]
    assert [(w.outcome, w.entry_id, w.scored) for w in waiting] == [(NEW, None, False)] * 2
    clock.now = CRAWLED
    store.add_scored_items([crawled(BODY)])
    clock.now = QUEUED
    opened = file_report(store, pasted(QUESTION), actor=CRAWL_ACTOR)
    joined = file_report(store, pasted(BODY), actor=CRAWL_ACTOR)
    assert (opened.outcome, opened.item_id) == (NEW, waiting[0].item_id) and joined.outcome == JOINED
    store.mark_report_filed(waiting[1].item_id, joined.entry_id)
    assert file_report(store, pasted(OTHER_BODY, reporter="Lê Văn E"), actor="lan").outcome == NEW
    return store


def test_a_waiting_report_counts_in_the_year_it_was_received(waited: Store) -> None:
    old = summarize(waited, *year_window(2026))
    assert (old.reports, old.reports_opened, old.reports_joined) == (2, 1, 1)
    assert old.reports_by_month == {"2026-12": 2} and old.reports_by_category == {"scam": 2}
    assert old.total == 0  # the entries were flagged in 2027: the reports still belong to 2026
    new = summarize(waited, *year_window(2027))
    assert (new.reports, new.reports_opened, new.reports_joined) == (1, 1, 0)
    assert new.reports_by_month == {"2027-01": 1}
    assert new.total == 3


def test_the_workbook_of_the_year_received_shows_them(waited: Store, cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "tong-ket-2026.xlsx"
    code, _, err = cli("export", "summary", "--year", "2026", "--output", str(path))
    assert code == 0, err
    wb = load_workbook(path, read_only=True)
    notes = {r[0]: r[1] for r in wb["Ghi chú"].iter_rows(min_row=2, values_only=True)}
    assert notes["Tổng số phản ánh của người dân nhận được"] == 2
    months = {r[0]: r[-1] for r in wb["Theo tháng"].iter_rows(min_row=2, values_only=True) if r[-1]}
    assert months == {"12/2026": 2, "Tổng cộng": 2}  # Vietnamese order, as the period is written
    wb.close()
