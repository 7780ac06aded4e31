"""A date written without a time is that calendar day in Vietnam, and moderators see the date alone.

Stored as 00:00 Vietnam time (17:00 UTC the day before), never as 00:00 UTC, which `show` printed as "07:00":
a time the site never wrote.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from crawler.cli import main
from crawler.extract import extract_article, parse_date
from review.models import Item, ReviewEntry
from review.vi import hhmm

VN_DAY = datetime(2026, 12, 3, 17, tzinfo=UTC)  # 04/12/2026 00:00 in Vietnam
VN_0815 = datetime(2026, 12, 4, 1, 15, tzinfo=UTC)  # 04/12/2026 08:15 in Vietnam


@pytest.mark.parametrize("value", [
    "04/12/2026", "Thứ sáu, 4/12/2026", "Thứ sáu, ngày 04/12/2026", "4 tháng 12 năm 2026", "2026-12-04",
    "Fri, 04 Dec 2026", "04 Dec 2026", "Fri, 4 Dec 2026 GMT", "Dec 4, 2026", "4 December 2026",
])
def test_a_day_without_a_time_is_that_day_in_vietnam(value: str) -> None:
    assert parse_date(value) == VN_DAY


@pytest.mark.parametrize(("value", "expected"), [
    ("Fri, 04 Dec 2026 08:15:00 +0700", VN_0815),
    ("Fri, 04 Dec 2026 00:00:00 GMT", datetime(2026, 12, 4, 0, 0, tzinfo=UTC)),
    ("2026-12-04T00:00:00Z", datetime(2026, 12, 4, 0, 0, tzinfo=UTC)),
    ("2026-12-04T08:15:00+07:00", VN_0815),
    ("04/12/2026 08:15", VN_0815),
    ("December 4, 2026 8:15 AM", VN_0815),
    ("Mayor 4 2026", None),  # not a month
])
def test_written_times_and_zones_are_unchanged(value: str, expected: datetime | None) -> None:
    assert parse_date(value) == expected


def test_a_page_dated_by_its_metadata_day_only() -> None:
    body = "<p>" + "Hội chợ thương mại tỉnh khai mạc với 200 gian hàng, thu hút hàng nghìn lượt khách. " * 4 + "</p>"
    html = ("<html><head><title>Hội chợ</title><meta property='article:published_time' content='2026-12-04'>"
            f"</head><body><article><h1>Hội chợ</h1>{body}</article></body></html>")
    assert extract_article(html, "http://x.vn/a").published_at == VN_DAY


def test_a_day_is_shown_as_the_date_alone() -> None:
    assert hhmm(VN_DAY, day_if_midnight=True) == "04/12/2026"
    assert hhmm(datetime(2026, 12, 3, 17, 0, 1, tzinfo=UTC), day_if_midnight=True).endswith("00:00")
    assert hhmm(VN_0815, day_if_midnight=True).endswith("08:15")
    assert hhmm(datetime(2019, 3, 3, 17, tzinfo=UTC)) == "04/03/2019 00:00"  # other times: as before


_SCAMS = [
    "Chúc mừng bạn đã trúng thưởng xe SH! Chuyển khoản phí {n} triệu đồng vào số tài khoản sau để nhận giải ngay. ",
    "Vay tiền online không cần thế chấp, giải ngân trong {n} phút, chỉ cần chuyển phí hồ sơ trước vào tài khoản. ",
    "Tuyển cộng tác viên làm việc tại nhà lương {n} triệu một ngày, nộp tiền cọc để nhận đơn hàng ngay hôm nay. ",
    "Bạn được nhận quà tri ân {n} triệu đồng, bấm vào đường link và nhập mã OTP ngân hàng để nhận quà ngay. ",
]


def _page(title: str, text: str, head: str = "", byline: str = "") -> str:
    return (f"<html><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>{byline}"
            f"<p>{text * 4}</p></article></body></html>")


def test_day_only_dates_crawled_stored_and_shown(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    """Feed pubDates and page dates without a time, served over 127.0.0.1, crawled, stored, then `show`n."""
    site, b = crawl_env.site, crawl_env.site.base_url
    pages = {  # path: (feed pubDate or None, <head>, byline)
        "/h1/rfc-ngay.html": ("Fri, 04 Dec 2026", "", ""),
        "/h1/so-ngay.html": ("04/12/2026", "", ""),
        "/h1/meta-ngay.html": (None, "<meta property='article:published_time' content='2026-12-04'>", ""),
        "/h1/dong-ngay.html": (None, "", "<p class='ngay'>Thứ sáu, 4/12/2026</p>"),
        "/h1/co-gio.html": ("Fri, 04 Dec 2026 08:15:00 +0700", "", ""),
    }
    for n, (path, (_, head, byline)) in enumerate(pages.items()):
        scam = _SCAMS[n % len(_SCAMS)].format(n=n + 2)
        site.set(path, _page(f"Cảnh báo số {n}: {scam[:40]}", scam, head, byline))
    items = "".join(f"<item><title>Tin {p}</title><link>{b}{p}</link>"
                    + (f"<pubDate>{d}</pubDate>" if d else "") + "</item>" for p, (d, _, _) in pages.items())
    site.set("/h1/rss.xml", '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin</title>'
             f"{items}</channel></rss>", "application/rss+xml")
    # every item in the queue, whatever the model makes of these texts: each is `show`n below
    cfg = crawl_env.configure("\n[classifier.thresholds]\nscam = 0.01\n"
                              f'\n[[sources]]\nname = "ngay-khong-gio"\nkind = "rss"\nurls = ["{b}/h1/rss.xml"]\n',
                              demo=False)
    out = crawl_env.run("ngay-khong-gio", score=True)
    assert out.ok and out.items_new == len(pages), out
    with crawl_env.store.session() as s:
        stored = {i.url.removeprefix(b): i.published_at for i in s.scalars(select(Item))}
        entries = {url.removeprefix(b): entry_id for url, entry_id in
                   s.execute(select(Item.url, ReviewEntry.id).join(ReviewEntry, ReviewEntry.item_id == Item.id))}
    assert stored == {"/h1/rfc-ngay.html": VN_DAY, "/h1/so-ngay.html": VN_DAY, "/h1/meta-ngay.html": VN_DAY,
                      "/h1/dong-ngay.html": VN_DAY, "/h1/co-gio.html": VN_0815}, stored
    assert set(entries) == set(pages), entries
    capsys.readouterr()
    for path, entry_id in entries.items():
        assert main(["--config", str(cfg), "show", str(entry_id)]) == 0
        shown = capsys.readouterr().out
        [line] = [ln for ln in shown.splitlines() if ln.startswith("Thu thập:")]
        posted = line.split("; đăng: ")[1].split(";")[0]
        if path == "/h1/co-gio.html":  # a written time: as before ("08:15" today, "04/12 08:15" this year ...)
            assert posted.endswith("08:15"), line
        else:
            assert posted == "04/12/2026", line
        assert "07:00" not in line, line


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00", "0001-01-01", "01/01/0001", "01/01/0001 00:00:00",
                                   "Mon, 01 Jan 0001 00:00:00 GMT", "9999-12-31T23:59:59-05:00"])
def test_a_date_off_the_calendar_is_none(value: str) -> None:
    """.NET's "no date" (DateTime.MinValue) is before year 1 once in UTC: no date, not an OverflowError, and not
    the year 2001 email.utils reads "0001" as."""
    assert parse_date(value) is None


def test_a_feed_entry_dated_0001_loses_neither_the_feed_nor_the_entry(crawl_env) -> None:  # type: ignore[no-untyped-def]
    site, b = crawl_env.site, crawl_env.site.base_url
    dates = {"/h1/net/mot.html": "0001-01-01T00:00:00", "/h1/net/hai.html": "2026-12-04T08:15:00+07:00",
             "/h1/net/ba.html": "0001-01-01"}
    for n, path in enumerate(dates):
        topic = ["lễ hội đền Cuông", "giải chạy vì hòa bình", "ngày sách và văn hóa đọc"][n]
        site.set(path, _page(f"Tin về {topic}", f"Bài viết về {topic} của phóng viên tỉnh. "))
    site.set("/h1/net/atom.xml", '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
             "<title>Tin</title>" + "".join(f'<entry><id>{b}{p}</id><link href="{b}{p}"/><title>Tin {p}</title>'
                                            f"<updated>{d}</updated></entry>" for p, d in dates.items())
             + "</feed>", "application/atom+xml")
    crawl_env.configure(f'\n[[sources]]\nname = "dotnet"\nkind = "rss"\nurls = ["{b}/h1/net/atom.xml"]\n', demo=False)
    out = crawl_env.run("dotnet")
    assert out.ok and out.items_new == 3 and out.errors == 0, out
    with crawl_env.store.session() as s:
        stored = {i.url.removeprefix(b): i.published_at for i in s.scalars(select(Item))}
    assert stored == {"/h1/net/mot.html": None, "/h1/net/hai.html": VN_0815, "/h1/net/ba.html": None}, stored
