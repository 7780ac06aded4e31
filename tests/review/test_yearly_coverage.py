"""The year-end report starts with the regular review itself (Decision 423: "rà soát thường xuyên thông tin và
quảng cáo trên mạng"): how many pages and advertisements were collected in the period, from how many
sources (a source crawled with nothing new was still reviewed) — not only the flagged ones. Citizen reports are counted apart, as received."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook

from review.models import Item, Source
from review.store import Store
from review.yearly import summarize, write_summary
from review.yearly_coverage import Coverage
from review.yearly_period import year_window
from tests.operate.seed import add_run

NEW_YEARS_EVE = datetime(2025, 12, 31, 16, 59, tzinfo=UTC)  # 23:59 on 31/12/2025, Vietnam time
NEW_YEAR = datetime(2025, 12, 31, 17, tzinfo=UTC)  # 00:00 on 01/01/2026, Vietnam time


def _items(store: Store) -> None:
    with store.session() as s:
        news, ads = Source(name="bao-tinh", kind="rss"), Source(name="rao-vat", kind="ads")
        s.add_all([news, ads])
        s.flush()
        rows = [(news, "article", NEW_YEAR, "https://bao.vn/a"), (news, "article", NEW_YEAR, "https://bao.vn/b"),
                (news, "article", NEW_YEARS_EVE, "https://bao.vn/c"), (ads, "ad", NEW_YEAR, "https://rv.vn/1"),
                (ads, "ad", datetime(2026, 7, 1, tzinfo=UTC), "https://rv.vn/2"),
                (None, "report", NEW_YEAR, "report:text/abc")]
        for n, (src, kind, at, url) in enumerate(rows):
            s.add(Item(source_id=src.id if src else None, url=url, canonical_url=url, kind=kind, title=f"bài {n}",
                       text=f"bài {n}", fetched_at=at, content_hash=f"h{n}"))
        # an edited page: its second revision is the same page reviewed again, not another page
        s.add(Item(source_id=news.id, url="https://bao.vn/a", canonical_url="https://bao.vn/a", kind="article",
                   title="bài 0 (sửa)", text="bài 0 (sửa)", fetched_at=datetime(2026, 2, 1, tzinfo=UTC),
                   content_hash="h0b", revision=2))


def test_the_report_says_how_much_was_reviewed(store: Store, tmp_path: Path) -> None:
    _items(store)
    with store.session() as s:
        s.add(Source(name="so-vhttdl-sitemap", kind="sitemap"))
    # crawled in 2026, nothing new (its pages were stored through another source): still reviewed
    add_run(store, "so-vhttdl-sitemap", datetime(2026, 3, 1, tzinfo=UTC), ok=True)
    add_run(store, "rao-vat", datetime(2026, 3, 1, tzinfo=UTC), ok=True)
    summary = summarize(store, *year_window(2026))
    path = tmp_path / "2026.xlsx"
    write_summary(summary, path)
    wb = load_workbook(path, read_only=True)
    notes = {r[0]: r[1] for r in wb["Ghi chú"].iter_rows(min_row=2, values_only=True)}
    wb.close()
    assert notes["Số tin, bài đã thu thập để rà soát trong kỳ"] == 4  # a, b, ad 1, ad 2: not c, not the report
    assert notes["Trong đó: tin quảng cáo"] == 2
    assert notes["Số nguồn đã rà soát"] == 3
    old = summarize(store, *year_window(2025))
    assert old.coverage == Coverage(pages=1, ads=0, sources=1)


def test_a_source_whose_every_crawl_failed_was_not_reviewed(store: Store) -> None:
    with store.session() as s:
        s.add_all([Source(name="trang-hong", kind="html"), Source(name="lan-dau-hong", kind="html"),
                   Source(name="bao-huyen", kind="rss")])
    # failed all year (HTTP 503 every time): nothing of it was looked at
    for day in (1, 2, 3):
        add_run(store, "trang-hong", datetime(2026, 3, day, tzinfo=UTC), ok=False)
    # failed once, then crawled: reviewed
    add_run(store, "lan-dau-hong", datetime(2026, 4, 1, tzinfo=UTC), ok=False)
    add_run(store, "lan-dau-hong", datetime(2026, 4, 2, tzinfo=UTC), ok=True)
    # crawled in 2025 only; failed in 2026
    add_run(store, "bao-huyen", datetime(2025, 6, 1, tzinfo=UTC), ok=True)
    add_run(store, "bao-huyen", datetime(2026, 6, 1, tzinfo=UTC), ok=False)
    assert summarize(store, *year_window(2026)).coverage.sources == 1
    assert summarize(store, *year_window(2025)).coverage.sources == 1
