"""Fixture pages modelled on real Vietnamese sites, served by the demo site's server (`DemoSite.set`).

A provincial portal (RSS 2.0, article pages in the styles of Cổng TTĐT tỉnh), a newspaper (Atom feed, AMP
pages, JSON-LD NewsArticle), a sitemap index with nested sitemaps and Google News extensions, a district
listing with pagination, a classified-ads board, and broken sources. `EXPECTED` holds what each article
should yield: title, a phrase of its text, a phrase that must not be in it, author, UTC date.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler

from crawler.dates import VN_TZ
from crawler.demo_site.server import DemoSite
from tests.crawler.badsite import encode_cp1258

STORY = (
    "Chiều ngày 30/11, Ủy ban nhân dân tỉnh tổ chức hội nghị tổng kết công tác bảo tồn di sản văn hóa phi vật "
    "thể năm 2025. Theo báo cáo, toàn tỉnh đã phục dựng 14 lễ hội truyền thống, mở 52 lớp truyền dạy dân ca ví, "
    "giặm cho hơn 1.800 học viên và số hóa 320 hiện vật tại bảo tàng tỉnh. Phát biểu tại hội nghị, Phó Chủ tịch "
    "UBND tỉnh đề nghị các địa phương tiếp tục bố trí kinh phí cho nghệ nhân, gắn bảo tồn di sản với phát triển du "
    "lịch cộng đồng và tăng cường tuyên truyền trên môi trường số."
)


@dataclass(frozen=True)
class Expected:
    title: str
    text_has: str
    author: str | None
    published_at: datetime | None
    text_lacks: str = ""


def vn(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """A Vietnam wall-clock time as UTC."""
    return datetime(y, mo, d, h, mi, tzinfo=VN_TZ).astimezone(UTC)


def _portal(title: str, date_line: str, body: str, tail: str = "", head: str = "") -> str:
    """A Cổng thông tin điện tử tỉnh article page (Portal/SharePoint style)."""
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n"))
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title} - Cổng TTĐT tỉnh</title>{head}
</head><body><header><nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/so/tin-tuc">Tin tức - Sự kiện</a></li>
<li><a href="/so/van-ban">Văn bản</a></li></ul></nav></header>
<main><div class="breadcrumb"><a href="/">Trang chủ</a> / <a href="/so/tin-tuc">Tin tức</a></div>
<article class="news-detail"><h1 class="title">{title}</h1><div class="date-time">{date_line}</div>
<div class="detail-content">{paras}</div>{tail}</article></main>
<aside><h3>Tin mới</h3><ul><li><a href="/so/tin/9.html">Khai mạc Tuần lễ văn hóa du lịch</a></li></ul></aside>
<footer>© 2025 Cổng thông tin điện tử tỉnh. Ghi rõ nguồn khi phát hành lại thông tin từ cổng này.</footer>
</body></html>"""


ARTICLES: dict[str, tuple[str, Expected]] = {}


def _add(path: str, html: str, expected: Expected) -> None:
    ARTICLES[path] = (html, expected)


# --- provincial portal (RSS 2.0)
_add(
    "/so/tin/1.html",
    _portal(
        "Tổng kết công tác bảo tồn di sản văn hóa năm 2025",
        "Thứ hai, 01/12/2025 - 08:30",
        STORY + "\nMột số nghệ nhân ưu tú đã được khen thưởng vì những đóng góp bền bỉ cho di sản quê hương.",
        tail='<p class="author"><strong>Nguyễn Văn An</strong></p>'
        '<div id="comments" class="comments"><h3>Ý kiến bạn đọc</h3><div class="comment"><b>Minh</b>'
        "<p>Bình luận: bài viết quá hay, cảm ơn tác giả đã chia sẻ thông tin bổ ích này</p></div></div>",
    ),
    Expected(
        "Tổng kết công tác bảo tồn di sản văn hóa năm 2025",
        "phục dựng 14 lễ hội",
        "Nguyễn Văn An",
        vn(2025, 12, 1, 8, 30),
        text_lacks="cảm ơn tác giả",
    ),
)
_add(
    "/so/tin/2.html",
    _portal(
        "Khai mạc Tuần lễ văn hóa du lịch biển",
        "01-12-2025 08:30 GMT+7",
        "Tối 30/11, tại quảng trường trung tâm thành phố, Sở Văn hóa, Thể thao và Du lịch khai mạc Tuần lễ văn hóa du "
        "lịch biển với nhiều hoạt động nghệ thuật đặc sắc, hội chợ ẩm thực và trình diễn trang phục truyền thống.\n"
        "Tuần lễ kéo dài đến hết ngày 7/12, dự kiến đón hơn 50.000 lượt khách trong và ngoài tỉnh tham quan.",
        head='<meta name="author" content="Trần Thị Bình">',
    ),
    Expected(
        "Khai mạc Tuần lễ văn hóa du lịch biển", "hội chợ ẩm thực", "Trần Thị Bình", vn(2025, 12, 1, 8, 30)
    ),
)
_add(
    "/so/tin/3.html",
    _portal(
        "Phát động cuộc thi ảnh đẹp quê hương",
        "cách đây 2 giờ",
        "Sở Văn hóa, Thể thao và Du lịch phát động cuộc thi ảnh nghệ thuật với chủ đề vẻ đẹp quê hương, con người xứ "
        "Nghệ. Cuộc thi dành cho mọi công dân Việt Nam, mỗi tác giả gửi tối đa mười tác phẩm đến hết tháng Hai năm sau.\n"
        "Giải đặc biệt trị giá 20 triệu đồng cùng nhiều giải khuyến khích dành cho tác giả trẻ.",
        tail='<p class="source" style="text-align:right"><em>Theo Báo Nghệ An</em></p>',
    ),
    # the feed gives the date; the page's author line names the newspaper it was taken from
    Expected("Phát động cuộc thi ảnh đẹp quê hương", "Giải đặc biệt", "Báo Nghệ An", vn(2025, 12, 2, 9, 0)),
)
_CP1258_TITLE = "Hội thi văn nghệ quần chúng các xã miền núi"
_CP1258_BODY = (
    "Sáng nay, tại Nhà văn hóa trung tâm huyện, Hội thi văn nghệ quần chúng các xã miền núi đã khai mạc với "
    "sự tham gia của 18 đội văn nghệ. Các tiết mục hát then, đàn tính, múa xòe được đông đảo bà con đón "
    "nhận nhiệt tình. Ban tổ chức trao giải nhất cho đội văn nghệ xã Châu Phong."
)
_add("/so/tin/4.html", "", Expected(_CP1258_TITLE, "múa xòe", "Lê Văn Cường", vn(2025, 12, 3, 14, 0)))
_NFD_TITLE = "Trao học bổng cho học sinh nghèo vượt khó"
_NFD_BODY = (
    "Hội Khuyến học tỉnh phối hợp với doanh nghiệp trao 200 suất học bổng, mỗi suất trị giá hai triệu đồng, cho "
    "học sinh có hoàn cảnh khó khăn vươn lên trong học tập. Đây là năm thứ mười chương trình được tổ chức, "
    "với tổng kinh phí hơn bốn tỷ đồng."
)
_add(
    "/so/tin/5.html",
    unicodedata.normalize(
        "NFD",
        _portal(
            _NFD_TITLE, "Thứ tư, 03/12/2025 - 16:45", _NFD_BODY, tail='<p class="author">Phạm Thu Hà</p>'
        ),
    ),
    Expected(_NFD_TITLE, "hai triệu đồng", "Phạm Thu Hà", vn(2025, 12, 3, 16, 45)),
)

# --- newspaper (Atom), JSON-LD and AMP
_JSONLD = """<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle",
"headline":"{title}","datePublished":"2025-12-02T10:15:00+07:00","dateModified":"2025-12-02T11:00:00+07:00",
"author":{{"@type":"Person","name":"Hoàng Minh Đức"}},"publisher":{{"@type":"Organization","name":"Báo Tỉnh"}}}}</script>"""


def _paper(title: str, body: str, head: str = "", amp: bool = False) -> str:
    lazy = (
        '<figure><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/img/hoi-nghi.jpg" class="lazy">'
        "<figcaption>Quang cảnh hội nghị. Ảnh: BT</figcaption></figure>"
    )
    img = '<amp-img src="/img/hoi-nghi.jpg" width="600" height="400"></amp-img>' if amp else lazy
    return f"""<!doctype html><html {"amp" if amp else ""} lang="vi"><head><meta charset="utf-8">
<title>{title} | Báo Tỉnh</title>{head}</head><body>
<div class="header"><a href="/">Báo Tỉnh điện tử</a> <a href="/thoi-su">Thời sự</a> <a href="/van-hoa">Văn hóa</a></div>
<div class="article"><h1 class="article__title">{title}</h1>
<div class="article__meta"><span class="time">Thứ ba, 02/12/2025 10:15 (GMT+7)</span></div>
<div class="article__sapo"><strong>(BT) - Nhiều kết quả nổi bật trong công tác di sản được ghi nhận.</strong></div>
<div class="article__body">{img}{"".join(f"<p>{p}</p>" for p in body.split(chr(10)))}</div>
<div class="article__tags">Từ khóa: <a href="/tag/di-san">di sản</a></div></div>
<div class="box-ads"><a href="/qc">Vay tiền nhanh 24h</a></div>
<footer>Báo Tỉnh - Cơ quan của Đảng bộ tỉnh. Giấy phép số 123/GP-BTTTT</footer></body></html>"""


_add(
    "/bao/van-hoa/di-san-2025-123.html",
    _paper(
        "Tỉnh phục dựng 14 lễ hội truyền thống trong năm 2025",
        STORY,
        head=_JSONLD.format(title="Tỉnh phục dựng 14 lễ hội truyền thống trong năm 2025")
        + '<link rel="amphtml" href="/bao/amp/van-hoa/di-san-2025-123.html">',
    ),
    Expected(
        "Tỉnh phục dựng 14 lễ hội truyền thống trong năm 2025",
        "số hóa 320 hiện vật",
        "Hoàng Minh Đức",
        vn(2025, 12, 2, 10, 15),
    ),
)
_add(
    "/bao/amp/van-hoa/le-hoi-456.html",
    _paper(
        "Lễ hội đền Cuông thu hút du khách",
        "Lễ hội đền Cuông năm nay thu hút hàng vạn lượt du khách thập phương về dâng "
        "hương tưởng nhớ An Dương Vương, với nhiều trò chơi dân gian hấp dẫn như kéo "
        "co, đấu vật, đánh cờ người và thi gói bánh chưng.",
        head='<link rel="canonical" href="/bao/van-hoa/le-hoi-456.html">',
        amp=True,
    ),
    Expected("Lễ hội đền Cuông thu hút du khách", "đánh cờ người", None, vn(2025, 12, 2, 10, 15)),
)
PAYWALL = "Nội dung này chỉ dành cho bạn đọc đăng ký gói Báo Tỉnh Premium.\nVui lòng đăng nhập hoặc đăng ký để đọc tiếp."
PAYWALLED = {  # two articles behind the same notice: not copies of one story
    "/bao/van-hoa/tra-phi-789.html": (
        "Bí quyết làm giàu từ nghề truyền thống",
        "Nghệ nhân làng mộc kể chuyện đưa sản phẩm truyền thống ra thị trường quốc tế.",
    ),
    "/bao/kinh-te/tra-phi-790.html": (
        "Giá lúa tăng mạnh cuối vụ",
        "Thương lái thu mua lúa tại ruộng với giá cao hơn vụ trước, nông dân phấn khởi.",
    ),
}
for _path, (_title, _summary) in PAYWALLED.items():
    _add(
        _path,
        _paper(_title, PAYWALL),
        Expected(_title, _summary[:30], None, vn(2025, 12, 2, 10, 15), text_lacks="Vui lòng đăng nhập"),
    )
_add("/bao/van-hoa/trong-rong.html", "", Expected("Bài viết trống", "", None, vn(2025, 12, 2, 12, 0)))


# --- district listing (HTML, pagination)
def _district(title: str, date: str, body: str, author: str) -> str:
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{title}</title></head>
<body><div id="menu"><a href="/huyen/">Trang chủ</a> <a href="/huyen/tin-tuc">Tin tức</a></div>
<div class="content"><h2 class="tieu-de">{title}</h2><div class="ngay">Ngày đăng: {date}</div>
<div class="noi-dung">{"".join(f"<p>{p}</p>" for p in body.split(chr(10)))}</div>
<div class="tac-gia" style="text-align:right"><b>{author}</b> - Phòng VH&amp;TT</div></div>
<div class="lien-quan"><h4>Tin liên quan</h4><a href="/huyen/tin/1">Tin 1</a></div></body></html>"""


_add(
    "/huyen/tin/101",
    _district(
        "Huyện ra quân dọn vệ sinh môi trường",
        "05/12/2025 07:45",
        "Hưởng ứng phong trào ngày Chủ nhật xanh, hơn 3.000 đoàn viên thanh niên và người dân các xã trong huyện đã ra "
        "quân thu gom rác thải, phát quang bụi rậm, khơi thông cống rãnh dọc các tuyến đường liên xã.",
        "Đinh Văn Tâm",
    ),
    Expected(
        "Huyện ra quân dọn vệ sinh môi trường", "khơi thông cống rãnh", "Đinh Văn Tâm", vn(2025, 12, 5, 7, 45)
    ),
)
_add(
    "/huyen/tin/102",
    _district(
        "Tổ chức giải bóng đá thiếu niên",
        "Thứ sáu, 5/12/2025",
        "Giải bóng đá thiếu niên huyện năm 2025 quy tụ 16 đội bóng đến từ các trường trung học cơ sở, thi đấu theo thể "
        "thức vòng tròn tính điểm tại sân vận động trung tâm huyện trong hai tuần.",
        "Ngô Thị Lan",
    ),
    Expected("Tổ chức giải bóng đá thiếu niên", "vòng tròn tính điểm", "Ngô Thị Lan", vn(2025, 12, 5)),
)
_add(
    "/huyen/tin/103",
    _district(
        "Nghiệm thu công trình nhà văn hóa thôn",
        "cách đây 2 giờ",
        "Công trình nhà văn hóa thôn Yên Lạc với tổng kinh phí 1,2 tỷ đồng do ngân sách và nhân dân cùng đóng góp đã "
        "được nghiệm thu, đưa vào sử dụng phục vụ sinh hoạt cộng đồng của 250 hộ dân.",
        "Vũ Quang Huy",
    ),
    # "2 giờ trước" as the server's clock read it: `install` serves the page with a Date header and sets the date
    Expected("Nghiệm thu công trình nhà văn hóa thôn", "250 hộ dân", "Vũ Quang Huy", None),
)
# a page typed without diacritics: the dateline's label, the author's label and the credit are read all the same
_add(
    "/huyen/tin/104",
    _district(
        "Hoi thi van nghe quan chung xa Yen Lac",
        "05/12/2025 09:10",
        "Toi 4/12, tai nha van hoa xa Yen Lac, hoi thi van nghe quan chung nam 2025 da dien ra voi su tham gia cua "
        "12 doi van nghe den tu cac thon, thu hut dong dao ba con nhan dan den co vu.",
        "Tac gia: Nguyen Thi Hoa",
    ).replace("Ngày đăng:", "Ngay dang:"),
    Expected(
        "Hoi thi van nghe quan chung xa Yen Lac", "12 doi van nghe", "Nguyen Thi Hoa", vn(2025, 12, 5, 9, 10),
        text_lacks="Ngay dang",
    ),
)

_LISTING = """<html><head><meta charset="utf-8"><title>Tin tức - Cổng TTĐT huyện</title></head><body>
<div class="list-news">{items}</div><div class="paging">{paging}</div></body></html>"""


def _listing(links: list[str], page: int, last: bool) -> str:
    items = "".join(
        f'<div class="item"><h3><a class="title" href="{u}">Tin {u}</a></h3><p>Tóm tắt...</p></div>'
        for u in links
    )
    paging = f"<span>{page}</span>" + (
        "" if last else f' <a class="next" href="/huyen/tin-tuc/trang-{page + 1}">Trang sau »</a>'
    )
    return _LISTING.format(items=items, paging=paging)


ADS = """<html><head><meta charset="utf-8"><title>Rao vặt - Dịch vụ</title></head><body>
<div class="tin-rao"><h3><a href="/raovat/tin/1">Cho vay tiền nhanh không thế chấp, lãi suất thấp</a></h3>
<p class="mo-ta">Giải ngân trong 30 phút, chỉ cần CCCD, không thẩm định, nhận nợ xấu.</p>
<span class="gia">Lãi 3.000đ/triệu/ngày</span><span class="lien-he">0912 345 678</span></div>
<div class="tin-rao"><h3><a href="/raovat/tin/2">Bán đất nền sổ đỏ chính chủ</a></h3>
<p class="mo-ta">Đất nền 120m2 mặt đường tỉnh lộ, sổ đỏ chính chủ, giá tốt cho người thiện chí.</p>
<span class="gia">1,2 tỷ</span><span class="lien-he">0987 654 321</span></div>
<div class="tin-rao"><h3><a href="/raovat/tin/3">Thuốc gia truyền chữa khỏi ung thư</a></h3>
<p class="mo-ta">Bài thuốc nam gia truyền chữa khỏi hoàn toàn ung thư, tiểu đường sau 1 liệu trình.</p>
<span class="gia">Liên hệ</span><span class="lien-he">Zalo 0901 111 222</span></div></body></html>"""


def rss(base: str) -> str:
    items = [
        ("1", "Tổng kết công tác bảo tồn di sản văn hóa năm 2025", "Mon, 01 Dec 2025 08:30:00 +0700"),
        ("2", "Khai mạc Tuần lễ văn hóa du lịch biển", "Mon, 01 Dec 2025 08:30:00 +0700"),
        ("3", "Phát động cuộc thi ảnh đẹp quê hương", "Tue, 02 Dec 2025 09:00:00 +0700"),
        ("4", _CP1258_TITLE, "Wed, 03 Dec 2025 14:00:00 +0700"),
        ("5", _NFD_TITLE, ""),
    ]
    body = "".join(
        f"<item><title>{t}</title><link>{base}/so/tin/{n}.html</link><description><![CDATA[<p>{t}.</p>]]>"
        f"</description>{f'<pubDate>{d}</pubDate>' if d else ''}<guid isPermaLink='false'>so-{n}</guid></item>"
        for n, t, d in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin tức - Sự kiện</title>'
        f"<link>{base}/so/</link><description>Cổng TTĐT tỉnh</description><language>vi</language>{body}"
        "</channel></rss>"
    )


def atom(base: str) -> str:
    entries = [
        (
            "/bao/van-hoa/di-san-2025-123.html",
            "Tỉnh phục dựng 14 lễ hội truyền thống trong năm 2025",
            "2025-12-02T10:15:00+07:00",
        ),
        (
            "/bao/amp/van-hoa/le-hoi-456.html",
            "Lễ hội đền Cuông thu hút du khách",
            "2025-12-02T10:15:00+07:00",
        ),
        *((p, t, "2025-12-02T03:15:00Z") for p, (t, _) in PAYWALLED.items()),
        ("/bao/van-hoa/trong-rong.html", "Bài viết trống", "2025-12-02T12:00:00+07:00"),
    ]
    body = "".join(
        f'<entry><title>{t}</title><link rel="alternate" href="{base}{p}"/><id>{base}{p}</id>'
        f"<updated>{d}</updated><published>{d}</published>"
        f"<summary>{PAYWALLED.get(p, (t, t))[1]}</summary></entry>"
        for p, t, d in entries
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Báo Tỉnh</title>'
        f"<id>{base}/bao/</id><updated>2025-12-02T12:00:00+07:00</updated>{body}</feed>"
    )


def sitemap_index(base: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{base}/sitemaps/news.xml</loc><lastmod>2025-12-05T08:00:00+07:00</lastmod></sitemap>"
        f"<sitemap><loc>{base}/sitemaps/2025-12.xml</loc></sitemap></sitemapindex>"
    )


def news_sitemap(base: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" '
        f'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">'
        f"<url><loc>{base}/bao/van-hoa/di-san-2025-123.html</loc><news:news><news:publication>"
        f"<news:name>Báo Tỉnh</news:name><news:language>vi</news:language></news:publication>"
        f"<news:publication_date>2025-12-02T10:15:00+07:00</news:publication_date>"
        f"<news:title>Tỉnh phục dựng 14 lễ hội truyền thống trong năm 2025</news:title></news:news>"
        f"<image:image><image:loc>{base}/img/hoi-nghi.jpg</image:loc></image:image></url></urlset>"
    )


def month_sitemap(base: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{base}/so/tin/2.html</loc><lastmod>2025-12-01</lastmod></url>"
        f"<url><loc>{base}/so/tin/5.html</loc><lastmod>2025-12-03T16:45:00+07:00</lastmod></url></urlset>"
    )


def served_at(html: str, sent: datetime) -> Callable[[BaseHTTPRequestHandler], None]:
    """A handler serving `html` with the Date header `sent` (http.server's own would be the time of the request)."""
    body = html.encode("utf-8")

    def handler(h: BaseHTTPRequestHandler) -> None:
        h.send_response_only(200)
        h.send_header("Date", format_datetime(sent, usegmt=True))
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
    return handler


def _loop(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(301)
    handler.send_header("Location", "/vong-lap/b" if handler.path.endswith("/a") else "/vong-lap/a")
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def install(site: DemoSite) -> None:
    """Put every fixture page on `site`."""
    base = site.base_url
    for path, (html, _) in ARTICLES.items():
        if html:
            site.set(path, html)
    cp = _portal(
        _CP1258_TITLE, "Thứ tư, 03/12/2025 - 14:00", _CP1258_BODY, tail='<p class="author">Lê Văn Cường</p>'
    )
    site.set(
        "/so/tin/4.html",
        encode_cp1258(cp.replace('charset="utf-8"', 'charset="windows-1258"')),
        "text/html; charset=windows-1258",
    )
    site.set("/bao/van-hoa/trong-rong.html", b"", "text/html; charset=utf-8")
    site.set("/so/rss.xml", rss(base), "application/rss+xml; charset=utf-8")
    site.set("/bao/atom.xml", atom(base), "application/atom+xml; charset=utf-8")
    site.set("/sitemap_index.xml", sitemap_index(base), "application/xml")
    site.set("/sitemaps/news.xml", news_sitemap(base), "application/xml")
    site.set("/sitemaps/2025-12.xml", month_sitemap(base), "application/xml")
    site.set("/huyen/tin-tuc", _listing(["/huyen/tin/101", "tin/102"], 1, False))
    site.set("/huyen/tin-tuc/trang-2", _listing(["/huyen/tin/103", "/huyen/tin/104"], 2, True))
    sent = datetime.now(UTC).replace(microsecond=0)
    site.set_handler("/huyen/tin/103", served_at(ARTICLES["/huyen/tin/103"][0], sent))
    local = sent.astimezone(VN_TZ).replace(second=0) - timedelta(hours=2)  # "cách đây 2 giờ"
    html, want = ARTICLES["/huyen/tin/103"]
    ARTICLES["/huyen/tin/103"] = (html, replace(want, published_at=local.astimezone(UTC)))
    site.set("/raovat/dich-vu", ADS)
    site.set_handler("/vong-lap/a", _loop)
    site.set_handler("/vong-lap/b", _loop)


def sources_toml(base: str) -> str:
    return f'''
[[sources]]
name = "cong-tinh"
kind = "rss"
urls = ["{base}/so/rss.xml"]
official = true
locality = "Nghệ An"

[[sources]]
name = "bao-tinh"
kind = "rss"
urls = ["{base}/bao/atom.xml"]
official = true

[[sources]]
name = "bao-tinh-sitemap"
kind = "sitemap"
urls = ["{base}/sitemap_index.xml"]
official = true

[[sources]]
name = "cong-huyen"
kind = "html"
urls = ["{base}/huyen/tin-tuc"]
max_pages = 3
selectors = {{ link = "div.item h3 a::attr(href)", next_page = "a.next::attr(href)" }}

[[sources]]
name = "rao-vat"
kind = "ads"
urls = ["{base}/raovat/dich-vu"]
selectors = {{ item = "div.tin-rao", title = "h3", text = ".mo-ta", price = ".gia::text", contact = ".lien-he::text", link = "h3 a::attr(href)" }}

[[sources]]
name = "nguon-chet"
kind = "rss"
urls = ["http://127.0.0.1:9/rss.xml"]

[[sources]]
name = "vong-lap"
kind = "html"
urls = ["{base}/vong-lap/a"]
selectors = {{ link = "a" }}
'''
