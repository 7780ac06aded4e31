"""Vietnamese date strings keep their time of day; without a zone they are Vietnam time (UTC+7)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from crawler.extract import extract_article, parse_date
from review.config import Selectors
from review.models import Item

VN_0815 = datetime(2026, 12, 2, 1, 15, tzinfo=UTC)  # 02/12/2026 08:15 in Vietnam
DAY = datetime(2026, 12, 1, 17, tzinfo=UTC)  # a date without a time: that day in Vietnam, 00:00 UTC+7


@pytest.mark.parametrize(("value", "expected"), [
    ("Thứ Hai, 02/12/2026 - 08:15", VN_0815),
    ("Thứ hai, 02/12/2026 08:15", VN_0815),
    ("08:15 02/12/2026", VN_0815),
    ("08:15 - 02/12/2026", VN_0815),
    ("02/12/2026 08:15", VN_0815),
    ("02/12/2026 - 8h15", VN_0815),
    ("02/12/2026 08:15:30", datetime(2026, 12, 2, 1, 15, 30, tzinfo=UTC)),
    ("02/12/2026 08:15 GMT+7", VN_0815),
    ("02/12/2026 08:15 (GMT+7)", VN_0815),
    ("02/12/2026 08:15 GMT+07:00", VN_0815),
    ("02/12/2026 08:15 UTC+7", VN_0815),
    ("02/12/2026 08:15 +07:00", VN_0815),
    ("02/12/2026 08:15 GMT", datetime(2026, 12, 2, 8, 15, tzinfo=UTC)),
    ("02/12/2026 08:15 GMT+9", datetime(2026, 12, 1, 23, 15, tzinfo=UTC)),
    ("02/12/2026 08:15 PM", datetime(2026, 12, 2, 13, 15, tzinfo=UTC)),
    ("Thứ Hai, 02/12/2026 - 00:30", datetime(2026, 12, 1, 17, 30, tzinfo=UTC)),
    ("2026-12-02T08:15:00+07:00", VN_0815),
    ("2026-12-02T08:15:00Z", datetime(2026, 12, 2, 8, 15, tzinfo=UTC)),
    ("2026-12-02T08:15:00-05:00", datetime(2026, 12, 2, 13, 15, tzinfo=UTC)),
    ("2026-12-02 08:15:00", VN_0815),  # ISO without a zone: Vietnam time too
    ("Wed, 02 Dec 2026 08:15:00 +0700", VN_0815),
    ("Wed, 02 Dec 2026 08:15:00 GMT", datetime(2026, 12, 2, 8, 15, tzinfo=UTC)),
    ("Wed, 02 Dec 2026 08:15:00 -0000", datetime(2026, 12, 2, 8, 15, tzinfo=UTC)),
    ("Thứ hai, ngày 2/12/2026", DAY),
    ("02/12/2026", DAY),
    ("2026-12-02", DAY),
    ("2 tháng 12 năm 2026", DAY),
    ("2 giờ trước", None),
    ("Hôm qua", None),
    ("31/02/2026 08:15", None),
    ("", None),
    (None, None),
])
def test_parse_date(value: str | None, expected: datetime | None) -> None:
    assert parse_date(value) == expected


_BODY = "<p>" + "Hội chợ thương mại tỉnh khai mạc sáng nay với 200 gian hàng, thu hút hàng nghìn lượt khách. " * 4 + "</p>"


def _article(date_html: str, head: str = "") -> str:
    return (f"<html><head><title>Hội chợ</title>{head}</head><body><article><h1>Hội chợ</h1>{date_html}{_BODY}"
            "</article></body></html>")


def test_a_date_selector_keeps_the_time() -> None:
    html = _article("<span class='ngay'>Thứ Hai, 02/12/2026 - 08:15</span>")
    assert extract_article(html, "http://x.vn/a", Selectors(date="span.ngay")).published_at == VN_0815


@pytest.mark.parametrize("date_html", ["<span class='date'>Thứ Hai, 02/12/2026 - 08:15</span>",
                                       "<div class='time'>08:15 02/12/2026</div>",
                                       "<p class='meta'>Cập nhật: 02/12/2026 08:15 GMT+7</p>"])
def test_a_page_date_found_without_selector_keeps_the_time(date_html: str) -> None:
    assert extract_article(_article(date_html), "http://x.vn/a").published_at == VN_0815


def test_a_page_dated_in_its_metadata_keeps_the_time() -> None:
    head = "<meta property='article:published_time' content='2026-12-02T08:15:00+07:00'>"
    assert extract_article(_article("", head), "http://x.vn/a").published_at == VN_0815


def test_a_page_with_a_day_only_keeps_the_day() -> None:
    assert extract_article(_article("<span class='date'>Thứ hai, ngày 2/12/2026</span>"),
                           "http://x.vn/a").published_at == DAY


def test_a_feed_with_vietnamese_dates_is_stored_in_vietnam_time(crawl_env) -> None:  # type: ignore[no-untyped-def]
    site, b = crawl_env.site, crawl_env.site.base_url
    entries = [("/tin/mot.html", "Thứ Hai, 02/12/2026 - 08:15"), ("/tin/hai.html", "08:15 02/12/2026"),
               ("/tin/ba.html", "02/12/2026 08:15 GMT+7"), ("/tin/bon.html", "Thứ hai, ngày 2/12/2026"),
               ("/tin/nam.html", "2 giờ trước")]
    topics = ["lễ hội đền Cuông", "giải chạy vì hòa bình", "ngày sách và văn hóa đọc", "bảo tồn dân ca Ví, Giặm",
              "phát triển du lịch cộng đồng"]
    for (path, _), topic in zip(entries, topics, strict=True):
        site.set(path, f"<html><head><title>Tin về {topic}</title></head><body><article><h1>Tin về {topic}</h1>"
                       f"<p>{f'Bài viết về {topic} của phóng viên tỉnh. ' * 6}</p></article></body></html>")
    site.set("/tin/rss.xml", '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin</title>'
             + "".join(f"<item><title>Tin {p}</title><link>{b}{p}</link><pubDate>{d}</pubDate></item>"
                       for p, d in entries) + "</channel></rss>", "application/rss+xml")
    crawl_env.configure(f'\n[[sources]]\nname = "ngay-gio"\nkind = "rss"\nurls = ["{b}/tin/rss.xml"]\n', demo=False)
    out = crawl_env.run("ngay-gio")
    assert out.ok and out.items_new == 5, out
    with crawl_env.store.session() as s:
        dates = {i.url.removeprefix(b): i.published_at for i in s.scalars(select(Item))}
    assert dates == {"/tin/mot.html": VN_0815, "/tin/hai.html": VN_0815, "/tin/ba.html": VN_0815,
                     "/tin/bon.html": DAY, "/tin/nam.html": None}, dates
