"""A page's relative date ("2 giờ trước") is read only between its title and its text's first line: a sidebar's
or a "Tin mới" list's above the article, and comments' or related articles' below it, are other pages' times; a
first paragraph opening with a bold phrase or holding an HTML entity still ends the window."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.dates import VN_TZ
from crawler.extract import extract_article

FETCHED = datetime(2026, 12, 5, 3, 20, 42, tzinfo=UTC)  # 05/12/2026 10:20:42 in Vietnam
FIRST = ("Sáng 5/12, tại Nhà văn hóa tỉnh, Sở Văn hóa, Thể thao và Du lịch tổ chức hội nghị tổng kết công tác bảo "
         "tồn di sản năm 2026 với sự tham dự của hơn 200 đại biểu đến từ các huyện, thị xã và thành phố.")
REST = ["Hội nghị đánh giá những kết quả đạt được trong việc bảo tồn và phát huy giá trị di sản văn hóa phi vật thể "
        "trên địa bàn tỉnh, đặc biệt là nghệ thuật hát ví giặm được UNESCO ghi danh.",
        "Phát biểu tại hội nghị, đại diện lãnh đạo tỉnh đề nghị các địa phương tiếp tục quan tâm đầu tư cho công "
        "tác sưu tầm, phục dựng các lễ hội truyền thống và đào tạo lớp nghệ nhân kế cận."]
COMMENTS = "<div class='comments'><b>Minh</b><span>3 giờ trước</span><p>Bài viết rất hay, cảm ơn tác giả.</p></div>"
SIDEBAR = ("<aside class='tin-moi'><h3>Tin mới</h3><ul><li><a href='/bao-so-9.html'>Bão số 9 gây mưa lớn</a>"
           "<span>2 giờ trước</span></li></ul></aside>")


def _page(first: str, dateline: str = "", *, before: str = "", after: str = "") -> str:
    body = f"<p>{first}</p>" + "".join(f"<p>{p}</p>" for p in REST)
    return (f"<html><head><title>Hội nghị tổng kết di sản</title></head><body>{before}<article>"
            f"<h1>Hội nghị tổng kết di sản</h1><div class='meta'>{dateline}</div>{body}</article>{after}</body></html>")


@pytest.mark.parametrize("first", [
    FIRST,
    "<strong>Sáng 5/12</strong>, " + FIRST.removeprefix("Sáng 5/12, "),  # the lead opens in bold
    FIRST.replace("Nhà văn hóa tỉnh", "&quot;Nhà văn hóa tỉnh&quot;"),  # an entity the text shows decoded
    FIRST.replace("Sáng", "S&#225;ng"),
    FIRST.replace("tại", "<a href='/nvh.html'>tại</a>"),
])
def test_a_comments_relative_time_does_not_date_the_page(first: str) -> None:
    assert extract_article(_page(first, after=COMMENTS), "http://x.vn/a.html", fetched_at=FETCHED).published_at is None


def test_a_sidebars_relative_time_above_the_article_does_not_date_it() -> None:
    assert extract_article(_page(FIRST, before=SIDEBAR), "http://x.vn/a.html", fetched_at=FETCHED).published_at is None


@pytest.mark.parametrize("first", [FIRST, "<strong>Sáng 5/12</strong>, " + FIRST.removeprefix("Sáng 5/12, ")])
def test_the_dateline_between_title_and_text_still_dates_it(first: str) -> None:
    html = _page(first, "<span>Cập nhật:</span> <span>4 gi&#7901; tr&#432;&#7899;c</span>", before=SIDEBAR,
                 after=COMMENTS)
    ex = extract_article(html, "http://x.vn/a.html", fetched_at=FETCHED)
    assert ex.published_at == datetime(2026, 12, 5, 6, 20, tzinfo=VN_TZ).astimezone(UTC)


def test_a_title_with_the_sites_name_still_finds_the_dateline() -> None:
    """trafilatura's title is the og:title, "… | Báo Tỉnh"; the page's heading is the title alone."""
    html = _page(FIRST, "4 giờ trước", before=SIDEBAR, after=COMMENTS).replace(
        "<title>Hội nghị tổng kết di sản</title>",
        "<title>Báo Tỉnh</title><meta property='og:title' content='Hội nghị tổng kết di sản | Báo Tỉnh'>")
    ex = extract_article(html, "http://x.vn/a.html", fetched_at=FETCHED)
    assert ex.title == "Hội nghị tổng kết di sản | Báo Tỉnh"
    assert ex.published_at == datetime(2026, 12, 5, 6, 20, tzinfo=VN_TZ).astimezone(UTC)
