"""An entry a re-score left in the queue below every threshold ("dưới ngưỡng sau chấm lại", `canhgac rescore
--apply`): flagged when it was queued, kept undecided without flags, ranked last. The rest of the product must
tell it from a flagged entry and from a citizen's unflagged report: `queue` and `show` say what it is, `status`
and the weekly digest count it apart from the backlog (never as the oldest waiting entry), `claim --next` hands
out flagged entries first, and the year-end report still counts it once as the flag it was, under the category
it was flagged for. Real store (SQLite), the bundled model and rules, the CLI as a moderator runs it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from review.config import load_config
from review.digest import collect_digest, last_complete_week
from review.models import ReviewEntry, ReviewFlag
from review.rescore import is_below_threshold
from review.store import Store
from review.vi import VN_TZ
from review.yearly_rows import HARM_GROUP_VI
from tests.review.test_rescore import LEMON, LEMON_TITLE, SCAM, SCAM_TITLE, _queued

Cli = Callable[..., tuple[int, str, str]]
BELOW_VI = "dưới ngưỡng sau chấm lại"
MISINFORMATION_VI = "Tin giả, tin sai sự thật"
UNASSIGNED_VI = "Phản ánh chưa xác định nhóm"


@pytest.fixture(scope="module")
def scorer() -> Any:
    from classifier.scorer import Scorer

    return Scorer.load()


@dataclass(frozen=True)
class Queue:
    dismissed: int  # the false positive a moderator dismissed
    below: int  # its earlier copy, below every threshold after the re-score (queued before `flagged`)
    flagged: int  # a scam, flagged and untouched


@pytest.fixture
def queue(store: Store, scorer: Any, cli: Cli) -> Queue:
    dismissed = _queued(store, scorer, LEMON_TITLE, LEMON)
    below = _queued(store, scorer, "Nước chanh nóng chữa khỏi ung thư", LEMON)
    with store.session() as s:  # queued a day before the scam: the oldest entry waiting, were it counted
        entry = s.get(ReviewEntry, below)
        assert entry is not None
        entry.created_at -= timedelta(days=1)
    flagged = _queued(store, scorer, SCAM_TITLE, SCAM)
    store.decide(dismissed, "lan", "dismiss")
    code, _, err = cli("rescore", "--apply", "--as", "lan")
    assert code == 0, err
    with store.session() as s:
        entry = s.get(ReviewEntry, below)
        assert entry is not None and entry.status == "open"
        flags = list(s.scalars(select(ReviewFlag.category).where(ReviewFlag.entry_id == below)))
        assert is_below_threshold(entry.priority, flags, entry.is_report), (entry.priority, flags)
    return Queue(dismissed, below, flagged)


def _created(store: Store, entry_id: int) -> datetime:
    with store.session() as s:
        entry = s.get(ReviewEntry, entry_id)
        assert entry is not None
        return entry.created_at


def test_queue_and_show_say_the_entry_is_below_threshold_after_a_rescore(queue: Queue, cli: Cli) -> None:
    code, out, err = cli("queue")
    assert code == 0, err
    lines = {int(m[1]): line for line in out.splitlines() if (m := re.match(r"(\d+)\s+-?\d", line))}
    assert BELOW_VI in lines[queue.below] and BELOW_VI not in lines[queue.flagged], out

    code, out, err = cli("queue", "--json")
    assert code == 0, err
    rows = {row["id"]: row for row in json.loads(out)}
    assert rows[queue.below]["below_threshold"] is True and rows[queue.flagged]["below_threshold"] is False

    code, out, err = cli("show", str(queue.below))
    assert code == 0, err
    status = next(line for line in out.splitlines() if line.startswith("Trạng thái:"))
    assert BELOW_VI in status, out
    code, out, _ = cli("show", str(queue.flagged))
    assert BELOW_VI not in out, out
    code, out, _ = cli("show", "--json", str(queue.below))
    assert json.loads(out)["below_threshold"] is True


def test_status_counts_below_threshold_entries_apart_from_the_backlog(
        queue: Queue, store: Store, cli: Cli) -> None:
    code, out, err = cli("status", "--json")
    data = json.loads(out)
    assert data["backlog"] == 1 and data["below_threshold"] == 1, data  # the scam waits; the copy is apart
    assert data["oldest_open"] == _created(store, queue.flagged).isoformat(), data  # not the older copy
    assert data["backlog_by_category"] == {"scam": 1}, data

    code, out, err = cli("status")
    line = next(line for line in out.splitlines() if line.startswith("Hàng chờ duyệt:"))
    assert line.startswith("Hàng chờ duyệt: 1 mục") and f"1 mục {BELOW_VI}" in out, out


def test_stats_counts_below_threshold_entries_apart(queue: Queue, store: Store, cli: Cli) -> None:
    backlog = {s.category: (s.backlog, s.oldest_open) for s in store.stats()}
    assert backlog["scam"] == (1, _created(store, queue.flagged))
    assert backlog.get("misinformation", (0, None)) == (0, None), backlog
    assert store.below_threshold_waiting() == 1
    code, out, err = cli("stats")
    assert code == 0, err
    assert f"Ngoài ra 1 mục {BELOW_VI}" in out, out


def test_the_digest_backlog_leaves_out_below_threshold_entries(
        queue: Queue, store: Store, cli: Cli, cfg: Path) -> None:
    config = load_config(str(cfg))
    data = collect_digest(store, config, last_complete_week(config.digest.timezone))
    assert (data.backlog, data.below_threshold) == (1, 1)
    assert data.oldest_open == _created(store, queue.flagged)

    code, out, err = cli("digest")
    assert code == 0, err
    backlog = next(line for line in out.splitlines() if line.startswith("4. Hàng chờ duyệt"))
    assert ": 1 mục;" in backlog and f"1 mục {BELOW_VI}" in out, out


def test_claim_next_hands_out_flagged_entries_before_below_threshold_ones(queue: Queue, cli: Cli) -> None:
    code, out, err = cli("--as", "minh", "claim", "--next")
    assert code == 0, err
    assert f"#{queue.flagged}" in out and f"#{queue.below}" not in out, out


def _rows(wb: Any, sheet: str) -> tuple[tuple[Any, ...], dict[Any, tuple[Any, ...]]]:
    head, *rows = list(wb[sheet].iter_rows(values_only=True))
    return head, {r[0]: r for r in rows if r[0] != HARM_GROUP_VI}  # not the subtotal of the harm rows


def _summary(cli: Cli, tmp_path: Path) -> Any:
    path = tmp_path / "tong-ket.xlsx"
    # a period around today (not this calendar year: on 1 January the entry queued a day earlier is last year's)
    today = datetime.now(VN_TZ).date()
    code, _, err = cli("export", "summary", "--since", str(today - timedelta(days=2)),
                       "--until", str(today + timedelta(days=1)), "--output", str(path))
    assert code == 0, err
    return load_workbook(path, read_only=True)


@pytest.mark.parametrize("decided", [False, True], ids=["waiting", "dismissed"])
def test_the_year_end_report_counts_it_once_as_the_flag_it_was(
        queue: Queue, store: Store, cli: Cli, tmp_path: Path, decided: bool) -> None:
    if decided:
        store.decide(queue.below, "minh", "dismiss")
    wb = _summary(cli, tmp_path)
    head, rows = _rows(wb, "Tổng hợp")
    col = {name: i for i, name in enumerate(head)}
    fake = rows[MISINFORMATION_VI]
    # the dismissed false positive and its copy: both were flagged for misinformation when queued
    assert fake[col["Tổng số gắn cờ"]] == 2 and fake[col["Phản ánh không gắn cờ"]] == 0, fake
    assert (fake[col["bỏ qua"]], fake[col["Chưa quyết định"]]) == ((2, 0) if decided else (1, 1)), fake
    assert UNASSIGNED_VI not in rows or rows[UNASSIGNED_VI][col["Phản ánh không gắn cờ"]] == 0, rows
    for sheet in ("Tổng hợp", "Theo nguồn", "Theo tháng"):
        head, rows = _rows(wb, sheet)
        total = rows.pop("Tổng cộng")
        assert total[head.index("Tổng số gắn cờ")] == 3 and total[head.index("Phản ánh không gắn cờ")] == 0, sheet
        assert sum(r[head.index("Tổng số gắn cờ")] for r in rows.values()) == 3, sheet
    notes = {r[0]: r[1] for r in wb["Ghi chú"].iter_rows(min_row=2, values_only=True)}
    assert notes["Tổng số mục gắn cờ"] == 3
    assert notes["Số mục từ phản ánh không gắn cờ (dưới mọi ngưỡng)"] == 0
    assert notes[f"Trong đó: mục {BELOW_VI} (vẫn tính theo nhóm đã gắn cờ)"] == 1
    if decided:
        head, rows = _rows(wb, "Xử lý trong kỳ")
        assert rows[MISINFORMATION_VI][head.index("bỏ qua")] == 2, rows
