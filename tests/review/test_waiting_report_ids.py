"""A citizen report filed while no model could be loaded waits; `canhgac report` names it by its item id, "mã tin N"
(it has no entry yet). When a later crawl queues it, the officer is told the entries as every command names them,
"mục #E" (what `show` takes), each with the "mã tin" they were given: they used to read "#E" alone, which matched
neither what `report` had said nor how entries are named elsewhere.

The reports go through `canhgac report` and `crawler.report.queue_waiting_reports` (what `canhgac crawl` and the
daemon run after a crawl) with the bundled model; real database file (SQLite), and PostgreSQL when configured."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from crawler.report import SHOWN_REPORT_IDS, WaitingReports, queue_waiting_reports
from review.config import load_config
from review.models import ReviewEntry
from review.store import Store
from tests.review.factory import add_item
from tests.review.test_text_reports import BODY, crawled

CLI = Callable[..., tuple[int, str, str]]
NO_MODEL = '\n[classifier]\nmodel = "models/khong-co.skops"\n'
SCAM = "Chúc mừng bạn đã trúng thưởng xe SH! Chuyển khoản phí 2 triệu đồng vào số tài khoản sau để nhận giải ngay"


def _reported(cli: CLI, text: str) -> int:
    """File a report while the model cannot load; the "mã tin" `report` gives it."""
    code, out, err = cli("--as", "lan", "report", "--text", text)
    assert code == 0, err
    assert "CHƯA vào hàng chờ" in out, out
    found = re.search(r"\(mã tin (\d+)\)", out)
    assert found is not None, out
    return int(found.group(1))


def test_queued_waiting_reports_are_named_as_entries_with_their_report_ids(store: Store, cfg: Path, cli: CLI) -> None:
    with cfg.open("a", encoding="utf-8") as fh:
        fh.write(NO_MODEL)
    alone = _reported(cli, SCAM)
    joining = _reported(cli, BODY)

    # still no model: the reports that wait are named by the id `report` gave them
    done = queue_waiting_reports(load_config(str(cfg)), store)
    [line] = done.said_vi()
    assert f"Còn 2 phản ánh của người dân chưa vào hàng chờ vì chưa chấm điểm được (mã tin {alone}, {joining})" in line, line
    assert "khong-co.skops" in line, line

    # meanwhile the text of the second one is crawled and queued on its own entry
    [page] = store.add_scored_items([crawled(BODY)])
    with store.session() as s:
        page_entry = s.scalar(select(ReviewEntry.id).where(ReviewEntry.item_id == page.item_id))
    assert page_entry is not None
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(NO_MODEL, ""), encoding="utf-8")
    done = queue_waiting_reports(load_config(str(cfg)), store)
    assert done.queued_reports == [alone] and done.joined_reports == [joining], done
    [entry] = done.queued
    [joined] = done.joined
    assert joined == page_entry
    queued_line, joined_line = done.said_vi()
    assert queued_line.endswith(f"đưa vào hàng chờ duyệt: mục #{entry} (mã tin {alone})"), queued_line
    assert joined_line.endswith(f"đã gộp: mã tin {joining} vào mục #{joined}"), joined_line
    for said in (queued_line, joined_line):
        assert not re.search(r"(?<!mục )#\d", said), said  # no bare "#N": an entry is "mục #N"

    # the number said is the one `show` takes, and it is the report that was filed
    code, out, _ = cli("show", str(entry))
    assert code == 0 and "NGƯỜI DÂN PHẢN ÁNH" in out and "xe SH!" in out, out
    assert queue_waiting_reports(load_config(str(cfg)), store).said_vi() == []  # once


def test_a_waiting_report_whose_content_was_decided_meanwhile_is_not_said_to_be_merged(store: Store, cfg: Path,
                                                                                       cli: CLI) -> None:
    """Its content crawled, queued and dismissed while it waited: not "đã gộp" into an entry "đã có trong hàng chờ"
    (nothing is left to review there), but what `report` says of such content: handled, with its verdict."""
    with cfg.open("a", encoding="utf-8") as fh:
        fh.write(NO_MODEL)
    waiting = _reported(cli, BODY)
    [page] = store.add_scored_items([crawled(BODY)])
    with store.session() as s:
        entry = s.scalar(select(ReviewEntry.id).where(ReviewEntry.item_id == page.item_id))
    assert entry is not None
    store.decide(entry, "lan", "dismiss")
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(NO_MODEL, ""), encoding="utf-8")
    done = queue_waiting_reports(load_config(str(cfg)), store)
    assert done.queued == [] and done.joined == [] and [d[:2] for d in done.decided] == [(waiting, entry)], done
    [line] = done.said_vi()
    assert "đã được xử lý" in line and f"mã tin {waiting}: mục #{entry}, kết luận «bỏ qua»" in line, line
    assert "gộp" not in line and "hàng chờ" not in line, line
    assert queue_waiting_reports(load_config(str(cfg)), store).said_vi() == []  # once


def test_a_long_list_of_waiting_reports_is_cut() -> None:
    ids = list(range(1, SHOWN_REPORT_IDS + 4))
    [line] = WaitingReports(still_waiting=len(ids), waiting_reports=ids).said_vi()
    shown = ", ".join(str(i) for i in ids[:SHOWN_REPORT_IDS])
    assert f"(mã tin {shown} và 3 phản ánh khác)" in line, line


def test_crawl_names_the_entry_and_the_report_id(store: Store, cfg: Path, cli: CLI, tmp_path: Path) -> None:
    """What `canhgac crawl` prints after its sources ran (`crawler.commands` prints `WaitingReports.said_vi`). The
    one source is on a private address, refused at once: a failed crawl takes up the waiting reports too."""
    with cfg.open("a", encoding="utf-8") as fh:
        fh.write('\n[[sources]]\nname = "nguon-noi-bo"\nkind = "rss"\nurls = ["http://127.0.0.1:9/rss.xml"]\n'
                 + NO_MODEL)
    add_item(store, "Bài đã thu thập, không bị gắn cờ")  # item ids run ahead of entry ids, as they do in use
    alone = _reported(cli, SCAM)
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(NO_MODEL, ""), encoding="utf-8")
    code, out, err = cli("crawl", "--log-dir", str(tmp_path / "logs"))  # kept: the source fails
    assert code == 1, err  # the source failed
    with store.session() as s:
        entry = s.scalar(select(ReviewEntry.id).where(ReviewEntry.item_id == alone))
    assert entry is not None and entry != alone
    assert f"đưa vào hàng chờ duyệt: mục #{entry} (mã tin {alone})\n" in out, out
