"""What `canhgac export decisions` and `export items` hand another agency.

* `export decisions` lists the decisions that stand: an undone one used to be listed beside them, told apart only
  by its `undone_at` cell, so a reader counted a violation the office had taken back. `--include-undone` adds
  them, with an `undone` column (true/false) and the undo's time, moderator and reason.
* `export items` has the link a citizen reported (`reported_url`): before, only `show --json` and `export audit`
  had it, so an exported report of a short link could not be traced to what the citizen sent.

Real SQLite file (and PostgreSQL when configured)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.items import REPORT, CollectedItem
from review.citizen import file_report
from review.export import read_export
from review.store import Store
from tests.review.factory import flagged
from tests.review.test_text_reports import BODY, _prepared, pasted

CLI = Callable[..., tuple[int, str, str]]
SHORT = "https://bit.ly/qua-tri-an"
PAGE = "https://tin-nhanh.vn/xa-hoi/nhan-qua-tri-an.html"


def _decided_and_undone(store: Store) -> tuple[int, int]:
    kept = flagged(store, "Chuyển khoản trước để nhận quà tri ân", "scam", 0.9)
    taken_back = flagged(store, "Quảng cáo thuốc chữa bách bệnh", "illegal_ad", 0.8)
    store.decide(kept, "lan", "violation")
    store.decide(taken_back, "lan", "violation")
    store.undo(taken_back, "minh", "nhầm: bài của báo chính thống")
    store.decide(taken_back, "minh", "dismiss")
    return kept, taken_back


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_only_standing_decisions_by_default(store: Store, cli: CLI, tmp_path: Path, fmt: str) -> None:
    kept, taken_back = _decided_and_undone(store)
    path = tmp_path / f"d.{fmt}"
    code, _, err = cli("export", "decisions", "-o", str(path))
    assert code == 0, err
    rows = read_export(path)
    assert sorted((int(r["entry_id"]), r["verdict"]) for r in rows) == sorted(
        [(kept, "violation"), (taken_back, "dismiss")]), rows
    assert "undone_at" not in rows[0] and "undone" not in rows[0]


def test_include_undone_adds_them_with_a_clear_column(store: Store, cli: CLI, tmp_path: Path) -> None:
    kept, taken_back = _decided_and_undone(store)
    path = tmp_path / "d.jsonl"
    code, _, err = cli("export", "decisions", "--include-undone", "-o", str(path))
    assert code == 0, err
    rows = {(r["entry_id"], r["verdict"]): r for r in read_export(path)}
    assert set(rows) == {(kept, "violation"), (taken_back, "violation"), (taken_back, "dismiss")}
    undone = rows[(taken_back, "violation")]
    assert undone["undone"] is True and undone["undone_by"] == "minh" and undone["undo_reason"].startswith("nhầm")
    assert rows[(taken_back, "dismiss")]["undone"] is False and rows[(kept, "violation")]["undone_at"] is None


def test_include_undone_is_only_for_decisions(store: Store, cli: CLI) -> None:
    code, out, err = cli("export", "items", "--include-undone")
    assert code == 2 and not out and "export decisions" in err, err


def _short_link_report(store: Store) -> int:
    report = _prepared(CollectedItem(url=PAGE, kind=REPORT, title="Nhận quà tri ân", text=BODY,
                                     extra={"note": "nhận qua Zalo", "reporter": "Trần Thị B", "reported": True,
                                            "reported_url": SHORT}))
    return file_report(store, report, actor="lan").entry_id


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_exported_items_have_the_reported_link(store: Store, cli: CLI, tmp_path: Path, fmt: str) -> None:
    entry = _short_link_report(store)
    crawled = flagged(store, "Chuyển khoản trước để nhận quà tri ân", "scam", 0.9)
    text_entry = file_report(store, pasted("Tin nhắn trúng thưởng khác hẳn, yêu cầu chuyển phí nhận quà " * 3),
                             actor="lan").entry_id
    path = tmp_path / f"items.{fmt}"
    code, _, err = cli("export", "items", "-o", str(path))
    assert code == 0, err
    rows = {int(r["entry_id"]): r for r in read_export(path)}
    assert rows[entry]["reported_url"] == SHORT and rows[entry]["url"] == PAGE, rows[entry]
    assert rows[crawled]["reported_url"] in ("", None)  # crawled, not reported
    assert rows[text_entry]["reported_url"] in ("", None)  # pasted as text: no link (not its report:text/ key)


def test_a_report_that_joined_an_entry_adds_its_link(store: Store, cli: CLI, tmp_path: Path) -> None:
    entry = _short_link_report(store)
    again = _prepared(CollectedItem(url=PAGE, kind=REPORT, title="Nhận quà tri ân", text=BODY,
                                    extra={"note": "cũng nhận được", "reporter": "Lê Văn C", "reported": True,
                                           "reported_url": "https://tinyurl.com/qua-tri-an"}))
    assert file_report(store, again, actor="lan").entry_id == entry
    path = tmp_path / "items.jsonl"
    assert cli("export", "items", "-o", str(path))[0] == 0
    (row,) = [r for r in read_export(path) if r["entry_id"] == entry]
    assert row["reported_url"].split("\n") == [SHORT, "https://tinyurl.com/qua-tri-an"], row
