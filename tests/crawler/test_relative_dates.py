"""Relative dates ("2 giờ trước", "cách đây 3 ngày", "hôm qua 14:30", "Hôm nay", "vừa xong", "1 tuần trước") are
counted back from when the page was fetched (its Date header when sane, else our clock), in Vietnam time. A day
without its time (days and weeks ago, "hôm nay") is stored as that day's 00:00 in Vietnam, as a date written
without a time is, and shown as the date alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from crawler.dates import VN_TZ, fetch_time, relative_date
from crawler.extract import extract_article
from review.models import Item
from review.vi import hhmm
from tests.crawler import vn_sites

FETCHED = datetime(2026, 12, 5, 3, 20, 42, tzinfo=UTC)  # 05/12/2026 10:20:42 in Vietnam


def vn(d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(2026, 12, d, h, mi, tzinfo=VN_TZ).astimezone(UTC)


@pytest.mark.parametrize(("value", "expected"), [
    ("2 giờ trước", vn(5, 8, 20)),
    ("cách đây 3 ngày", vn(2)),
    ("Cách đây 45 phút", vn(5, 9, 35)),
    ("hôm qua 14:30", vn(4, 14, 30)),
    ("14h30 hôm qua", vn(4, 14, 30)),
    ("Hôm nay", vn(5)),
    ("hôm nay, 07:05", vn(5, 7, 5)),
    ("vừa xong", vn(5, 10, 20)),
    ("1 tuần trước", datetime(2026, 11, 28, tzinfo=VN_TZ).astimezone(UTC)),
    ("Cập nhật: 5 phút trước", vn(5, 10, 15)),
    ("Đăng lúc 11 tiếng trước", vn(4, 23, 20)),
    ("2 gio truoc", vn(5, 8, 20)),  # typed without diacritics
    ("cach day 3 ngay", vn(2)),
    ("hom qua 14:30", vn(4, 14, 30)),
    (" 2  giờ  trước. ", vn(5, 8, 20)),
    ("2 ngày", None),  # not a date
    ("2 giờ trước khi khai mạc", None),  # a sentence
    ("hôm qua 25:70", None),
    ("02/12/2026", None),  # a written date is `parse_date`'s
])
def test_relative_dates_count_back_from_the_fetch(value: str, expected: datetime | None) -> None:
    assert relative_date(value, FETCHED) == expected


def test_a_relative_day_is_shown_as_the_date_alone() -> None:
    assert hhmm(relative_date("cách đây 3 ngày", FETCHED), day_if_midnight=True) == "02/12/2026"


def test_the_fetch_time_is_the_servers_date_when_sane() -> None:
    assert fetch_time("Sat, 05 Dec 2026 03:10:00 GMT", FETCHED) == datetime(2026, 12, 5, 3, 10, tzinfo=UTC)
    assert fetch_time(b"Sat, 05 Dec 2026 03:10:00 GMT", FETCHED) == datetime(2026, 12, 5, 3, 10, tzinfo=UTC)
    for insane in ("Thu, 01 Jan 1970 00:00:00 GMT", "Mon, 05 Dec 2033 03:10:00 GMT", "hôm nay", "", None):
        assert fetch_time(insane, FETCHED) == FETCHED


def _page(dateline: str, tail: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in vn_sites.STORY.split(". "))
    return (f"<html><head><title>Hội nghị di sản</title></head><body><article><h1>Hội nghị di sản</h1>"
            f"<div class='meta'>{dateline}</div>{body}</article>{tail}</body></html>")


def test_a_pages_relative_dateline_dates_it() -> None:
    ex = extract_article(_page("Cập nhật: 2 giờ trước"), "http://x.vn/a.html", fetched_at=FETCHED)
    assert ex.published_at == vn(5, 8, 20)
    assert "2 giờ trước" not in ex.text


def test_a_comments_relative_time_is_not_the_pages() -> None:
    comments = "<div class='comments'><b>Minh</b><span>3 giờ trước</span><p>Bài viết rất hay, cảm ơn.</p></div>"
    ex = extract_article(_page("", comments), "http://x.vn/a.html", fetched_at=FETCHED)
    assert ex.published_at is None


def test_a_feeds_date_wins_over_the_pages_relative_one() -> None:
    ex = extract_article(_page("3 ngày trước"), "http://x.vn/a.html", date_known=True, fetched_at=FETCHED)
    assert ex.published_at is None  # the caller keeps the feed's


def test_relative_dates_crawled_against_the_servers_clock(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """Served over 127.0.0.1 with a Date header 10 minutes behind ours (a sane server clock): the relative dates are
    counted back from it."""
    site, b = crawl_env.site, crawl_env.site.base_url
    sent = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    local = sent.astimezone(VN_TZ).replace(second=0)
    midnight = local.replace(hour=0, minute=0)
    pages = {
        "/rel/a.html": ("2 giờ trước", local - timedelta(hours=2)),
        "/rel/b.html": ("Cách đây 3 ngày", midnight - timedelta(days=3)),
        "/rel/c.html": ("Hôm qua 14:30", (midnight - timedelta(days=1)).replace(hour=14, minute=30)),
        "/rel/d.html": ("vua xong", local),
        "/rel/e.html": ("1 tuần trước", midnight - timedelta(weeks=1)),
    }
    topics = ["lễ hội đền Cuông", "giải chạy vì hòa bình", "ngày sách và văn hóa đọc", "hội thi văn nghệ",
              "tuần lễ du lịch biển"]
    for (path, (line, _)), topic in zip(pages.items(), topics, strict=True):
        site.set_handler(path, vn_sites.served_at(_page(line).replace("Hội nghị di sản", f"Tin về {topic}"), sent))
    links = "".join(f'<div class="item"><a href="{p}">Tin {p}</a></div>' for p in pages)
    site.set("/rel/", f"<html><body>{links}</body></html>")
    crawl_env.configure(f'\n[[sources]]\nname = "tuong-doi"\nkind = "html"\nurls = ["{b}/rel/"]\n'
                        'selectors = { link = "div.item a::attr(href)" }\n', demo=False)
    out = crawl_env.run("tuong-doi")
    assert out.ok and out.items_new == len(pages), out
    with crawl_env.store.session() as s:
        stored = {i.url.removeprefix(b): i.published_at for i in s.scalars(select(Item))}
    got = {p: d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d for p, d in stored.items()}
    assert got == {p: want.astimezone(UTC) for p, (_, want) in pages.items()}
