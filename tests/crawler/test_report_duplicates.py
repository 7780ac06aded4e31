"""A citizen report of content already in the queue joins that entry instead of opening a second one;
of content already decided it is recorded and the reporter told the verdict; of a page changed since,
it opens a new entry. Real crawls of the demo site into a real database (SQLite, and PostgreSQL when
CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crawler.cli import main
from review.models import AuditLog, Item, ReviewEntry
from review.priority import REPORT_BONUS
from review.store import Store

PAGE = "/dien-dan/bai/dau-tu-tien-ao-lai-30.html"
MODERATORS = '\n[review]\nmoderators = ["lan", "minh"]\n'


def _crawled_entry(crawl_env) -> tuple[str, ReviewEntry]:  # type: ignore[no-untyped-def]
    """Crawl the forum (scored), return (config path, the open entry of PAGE)."""
    cfg = str(crawl_env.configure(MODERATORS))
    out = crawl_env.run("dien-dan-pho-phuong", score=True)
    assert out.ok and out.items_new > 0, out
    with crawl_env.store.session() as s:
        entry = s.scalars(select(ReviewEntry).join(Item, Item.id == ReviewEntry.item_id)
                          .where(Item.canonical_url.endswith(PAGE))).one()
    assert entry.status == "open" and not entry.is_report
    return cfg, entry


def _counts(store: Store) -> tuple[int, int]:
    with store.session() as s:
        return (s.scalar(select(func.count()).select_from(Item)) or 0,
                s.scalar(select(func.count()).select_from(ReviewEntry)) or 0)


def _report_audit(store: Store, entry_id: int) -> list[AuditLog]:
    with store.session() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.action == "report", AuditLog.entry_id == entry_id)
                              .order_by(AuditLog.id)))


def _report(cfg: str, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    code = main(["--config", cfg, "--as", "lan", "report", *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_report_of_a_queued_page_joins_its_entry(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg, entry = _crawled_entry(crawl_env)
    before = _counts(crawl_env.store)
    url = crawl_env.site.base_url + PAGE
    out = _report(cfg, capsys, url, "--note", "bị lừa mất 20 triệu", "--reporter", "Nguyễn Văn A, 0912345678")
    assert f"gộp vào mục #{entry.id}" in out and "không tạo mục mới" in out, out
    assert _counts(crawl_env.store) == before  # no second item, no second entry
    with crawl_env.store.session() as s:
        joined = s.get(ReviewEntry, entry.id)
        assert joined is not None
        assert joined.is_report and joined.status == "open" and joined.version == entry.version + 1
        assert joined.priority == pytest.approx(entry.priority + REPORT_BONUS)
    [row] = _report_audit(crawl_env.store, entry.id)
    assert row.actor == "lan" and row.details["outcome"] == "joined" and row.details["priority_raised"] is True
    assert row.details["note"] == "bị lừa mất 20 triệu" and row.details["reporter"] == "Nguyễn Văn A, 0912345678"
    assert row.details["url"].endswith(PAGE) and row.details["received_at"]

    # a second citizen: same entry again, recorded, the report bonus not added twice
    out = _report(cfg, capsys, url, "--reporter", "Trần Thị B")
    assert f"gộp vào mục #{entry.id}" in out, out
    assert _counts(crawl_env.store) == before
    with crawl_env.store.session() as s:
        again = s.get(ReviewEntry, entry.id)
        assert again is not None and again.priority == pytest.approx(entry.priority + REPORT_BONUS)
    rows = _report_audit(crawl_env.store, entry.id)
    assert [r.details["reporter"] for r in rows] == ["Nguyễn Văn A, 0912345678", "Trần Thị B"]
    assert rows[1].details["priority_raised"] is False

    # the very same report sent twice is recorded once
    _report(cfg, capsys, url, "--reporter", "Trần Thị B")
    assert len(_report_audit(crawl_env.store, entry.id)) == 2 and _counts(crawl_env.store) == before

    # pasted text of the same post, without its URL: the same entry
    with crawl_env.store.session() as s:
        body = s.scalars(select(Item.text).where(Item.id == entry.item_id)).one()
    out = _report(cfg, capsys, "--text", body, "--note", "chép lại từ Zalo")
    assert f"gộp vào mục #{entry.id}" in out, out
    assert _counts(crawl_env.store) == before
    assert crawl_env.store.verify_audit().ok
    assert main(["--config", cfg, "queue", "--json"]) == 0
    queued = json.loads(capsys.readouterr().out)
    titles = [r["title"] for r in queued]
    assert len(titles) == len(set(titles))  # each page once in the queue
    assert [r["is_report"] for r in queued if r["id"] == entry.id] == [True]


def test_report_of_a_claimed_entry_joins_it_too(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg, entry = _crawled_entry(crawl_env)
    crawl_env.store.claim(entry.id, "minh", 30)
    before = _counts(crawl_env.store)
    out = _report(cfg, capsys, crawl_env.site.base_url + PAGE)
    assert f"gộp vào mục #{entry.id}" in out and "đang có người xử lý" in out, out
    assert _counts(crawl_env.store) == before
    with crawl_env.store.session() as s:
        joined = s.get(ReviewEntry, entry.id)
        assert joined is not None and joined.is_report and joined.status == "claimed" and joined.claimant == "minh"


def test_report_of_a_decided_unchanged_page_is_recorded_not_requeued(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg, entry = _crawled_entry(crawl_env)
    crawl_env.store.decide(entry.id, "minh", "violation", category="scam")
    before = _counts(crawl_env.store)
    out = _report(cfg, capsys, crawl_env.site.base_url + PAGE, "--note", "vẫn còn trên mạng")
    assert re.search(rf"đã được xử lý: mục #{entry.id}, kết luận «vi phạm, nhóm [^»]+»", out), out
    assert _counts(crawl_env.store) == before
    with crawl_env.store.session() as s:
        decided = s.get(ReviewEntry, entry.id)
        assert decided is not None and decided.status == "decided" and decided.verdict == "violation"
    [row] = _report_audit(crawl_env.store, entry.id)
    assert row.details["outcome"] == "already_decided" and row.details["verdict"] == "violation"
    assert row.details["note"] == "vẫn còn trên mạng"


def test_report_of_a_decided_page_that_changed_opens_a_new_entry(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg, entry = _crawled_entry(crawl_env)
    crawl_env.store.decide(entry.id, "minh", "dismiss")
    html = (Path(__file__).resolve().parents[2] / "crawler" / "demo_site" / PAGE.lstrip("/")).read_text("utf-8")
    changed = html.replace("lãi cố định 30% mỗi tháng", "lãi cố định 50% mỗi tháng, chuyển khoản trước để giữ suất")
    assert changed != html
    crawl_env.site.set(PAGE, changed)
    items, entries = _counts(crawl_env.store)
    out = _report(cfg, capsys, crawl_env.site.base_url + PAGE)
    m = re.search(r"Phản ánh đã lưu — mục #(\d+)", out)
    assert m, out
    assert int(m.group(1)) != entry.id
    assert _counts(crawl_env.store) == (items + 1, entries + 1)
    assert _report_audit(crawl_env.store, entry.id) == []
