"""A feed or sitemap date without a time does not hide the time the article page writes, and a placeholder
date before 1900 (.NET's "no date" with a zone) is no date.

A listed day alone ("Fri, 04 Dec 2026", 00:00:00 Vietnam time) used to win over the page's "04/12/2026 - 08:15"
and to switch off trafilatura's date search; the page's date now wins when it is on the listed day in Vietnam.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from crawler.extract import parse_date
from review.models import Item

VN_DAY = datetime(2026, 12, 3, 17, tzinfo=UTC)  # 04/12/2026 00:00 in Vietnam
VN_0815 = datetime(2026, 12, 4, 1, 15, tzinfo=UTC)  # 04/12/2026 08:15 in Vietnam
VN_2230 = datetime(2026, 12, 4, 15, 30, tzinfo=UTC)  # 04/12/2026 22:30 in Vietnam
VN_0930 = datetime(2026, 12, 4, 2, 30, tzinfo=UTC)  # 04/12/2026 09:30 in Vietnam

_TOPICS = ["lễ hội hoa Đà Lạt", "giải chạy vì hòa bình", "ngày sách và văn hóa đọc", "hội thi hát dân ca",
           "triển lãm ảnh di sản", "liên hoan phim tài liệu", "hội chợ làng nghề"]


def _page(n: int, byline: str, head: str = "") -> str:
    topic = _TOPICS[n]
    body = "".join(f"<p>Đoạn văn thứ {i} kể về {topic}, với nhiều hoạt động văn hoá và nghệ thuật đặc sắc dành "
                   "cho người dân và du khách trong tỉnh.</p>" for i in range(6))
    return (f"<html><head><title>Tin về {topic}</title>{head}</head><body><article><h1>Tin về {topic}</h1>"
            f"{byline}{body}</article></body></html>")


def test_a_day_only_feed_date_keeps_the_pages_time(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """RSS pubDates and Atom dates served over 127.0.0.1 with their pages, crawled and stored."""
    site, b = crawl_env.site, crawl_env.site.base_url
    pages = {  # path: (feed date, <head>, byline), expected stored date
        # the feed's day, the page's time of that day (its byline, its metadata)
        "/f1/gio-dong.html": (("Fri, 04 Dec 2026", "", "<p class='ngay'>Thứ sáu, 04/12/2026 - 08:15</p>"), VN_0815),
        "/f1/gio-meta.html": (("04 Dec 2026", "<meta property='article:published_time' "
                                              "content='2026-12-04T22:30:00+07:00'>", ""), VN_2230),
        # the page's date is another day: the feed's day stands
        "/f1/ngay-khac.html": (("Fri, 04 Dec 2026", "", "<p class='ngay'>Thứ năm, 03/12/2026 - 21:00</p>"), VN_DAY),
        # the page writes no date: the feed's day
        "/f1/khong-ngay.html": (("Fri, 04 Dec 2026", "", ""), VN_DAY),
        # the feed writes a time: it wins over the page's, as before
        "/f1/feed-gio.html": (("Fri, 04 Dec 2026 09:30:00 +0700", "",
                               "<p class='ngay'>Thứ sáu, 04/12/2026 - 08:15</p>"), VN_0930),
    }
    for n, (path, ((_, head, byline), _)) in enumerate(pages.items()):
        site.set(path, _page(n, byline, head))
    items = "".join(f"<item><title>Tin {p}</title><link>{b}{p}</link><pubDate>{d}</pubDate></item>"
                    for p, ((d, _, _), _) in pages.items())
    site.set("/f1/rss.xml", '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin</title>'
             f"{items}</channel></rss>", "application/rss+xml")
    crawl_env.configure(f'\n[[sources]]\nname = "f1-ngay"\nkind = "rss"\nurls = ["{b}/f1/rss.xml"]\n', demo=False)
    out = crawl_env.run("f1-ngay")
    assert out.ok and out.items_new == len(pages), out
    with crawl_env.store.session() as s:
        stored = {i.url.removeprefix(b): i.published_at for i in s.scalars(select(Item))}
    assert stored == {path: expected for path, (_, expected) in pages.items()}, stored


def test_a_sitemap_day_keeps_the_pages_time(crawl_env) -> None:  # type: ignore[no-untyped-def]
    site, b = crawl_env.site, crawl_env.site.base_url
    site.set("/f1/sm/bai.html", _page(5, "<p class='ngay'>Thứ sáu, 04/12/2026 - 08:15</p>"))
    site.set("/f1/sm/sitemap.xml", '<?xml version="1.0" encoding="UTF-8"?>'
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f"<url><loc>{b}/f1/sm/bai.html</loc><lastmod>2026-12-04</lastmod></url></urlset>", "application/xml")
    crawl_env.configure(f'\n[[sources]]\nname = "f1-sm"\nkind = "sitemap"\nurls = ["{b}/f1/sm/sitemap.xml"]\n',
                        demo=False)
    out = crawl_env.run("f1-sm")
    assert out.ok and out.items_new == 1, out
    with crawl_env.store.session() as s:
        assert [i.published_at for i in s.scalars(select(Item))] == [VN_0815]


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00+00:00", "0001-01-01 00:00:00Z",
                                   "1753-01-01T00:00:00Z", "1899-12-31T10:00:00+00:00", "01/01/1800",
                                   "Mon, 01 Jan 1800 00:00:00 GMT", "1 January 1800"])
def test_a_date_before_1900_is_none(value: str) -> None:
    """.NET's DateTime.MinValue with a zone, SQL Server's 1753 minimum, other placeholder years: no date."""
    assert parse_date(value) is None


@pytest.mark.parametrize(("value", "expected"), [
    ("1900-01-02T12:00:00Z", datetime(1900, 1, 2, 12, tzinfo=UTC)),
    ("2026-12-04T08:15:00+07:00", VN_0815),
])
def test_dates_from_1900_are_kept(value: str, expected: datetime) -> None:
    assert parse_date(value) == expected


def test_a_feed_entry_dated_0001_with_a_zone_is_stored_without_a_date(crawl_env) -> None:  # type: ignore[no-untyped-def]
    site, b = crawl_env.site, crawl_env.site.base_url
    site.set("/f1/net/mot.html", _page(6, ""))
    site.set("/f1/net/atom.xml", '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
             f'<title>Tin</title><entry><id>{b}/f1/net/mot.html</id><link href="{b}/f1/net/mot.html"/>'
             "<title>Tin một</title><updated>0001-01-01T00:00:00Z</updated></entry></feed>", "application/atom+xml")
    crawl_env.configure(f'\n[[sources]]\nname = "f1-net"\nkind = "rss"\nurls = ["{b}/f1/net/atom.xml"]\n', demo=False)
    out = crawl_env.run("f1-net")
    assert out.ok and out.items_new == 1 and out.errors == 0, out
    with crawl_env.store.session() as s:
        assert [i.published_at for i in s.scalars(select(Item))] == [None]
