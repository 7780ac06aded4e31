"""Real Vietnamese article pages around `crawler.byline`: an article never loses its text to the paywall rule
(a scam's lure least of all), authors come without their labels and never from "Nguồn: Internet" or a sentence
that opens like a credit, an outlet's credit does not replace the feed's author, and an event's time opening the
text is not cut as the page's dateline."""

from __future__ import annotations

import types
from datetime import date

import pytest

from crawler.byline import credit_line, paywall_only, without_heading
from crawler.extract import extract_article
from crawler.items import CollectedItem
from crawler.pipelines.extract import ExtractStage

URL = "https://congan.example.gov.vn/tin-tuc/1.html"


def _page(title: str, date_line: str, paras: list[str], tail: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paras)
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head><body>
<header><nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/tin-tuc">Tin tức</a></li></ul></nav></header>
<main><article class="news-detail"><h1 class="title">{title}</h1><div class="date-time">{date_line}</div>
<div class="detail-content">{body}</div>{tail}</article></main>
<footer>© 2025 Cổng thông tin điện tử tỉnh</footer></body></html>"""


SCAM_WARNING = [
    "Công an tỉnh vừa phát đi cảnh báo về thủ đoạn giả danh cơ quan thuế gửi tin nhắn đến người dân.",
    "Theo đó, đối tượng gửi tin nhắn thông báo nợ thuế, yêu cầu người dân đăng nhập vào đường link giả mạo để xem "
    "nội dung thông báo và nộp tiền trong ngày.",
    "Khi người dân đăng nhập bằng tài khoản ngân hàng, đối tượng chiếm quyền tài khoản và chuyển toàn bộ số tiền đi.",
    "Chỉ trong tháng 11, trên địa bàn tỉnh đã có 7 người bị lừa, thiệt hại hơn 1,2 tỷ đồng sau khi đăng nhập theo "
    "hướng dẫn của đối tượng.",
    "Công an tỉnh khuyến cáo người dân tuyệt đối không đăng nhập vào các đường link lạ; cơ quan thuế không yêu cầu "
    "nộp tiền qua tin nhắn.",
]


def test_a_scam_warning_that_mentions_logging_in_keeps_its_text() -> None:
    """A police warning quoting the scam ("đăng nhập ... để xem nội dung") is an article, not a login wall."""
    ex = extract_article(
        _page("Cảnh báo tin nhắn giả danh cơ quan thuế", "Thứ hai, 01/12/2025 - 08:30", SCAM_WARNING), URL
    )
    assert not ex.paywalled
    assert "thiệt hại hơn 1,2 tỷ đồng" in ex.text


def test_a_pay_tv_brief_keeps_its_text() -> None:
    paras = [
        "Từ ngày 1/1/2026, các nhà cung cấp truyền hình trả tiền trên địa bàn điều chỉnh giá dịch vụ.",
        "Khách hàng mua gói cước cơ bản trả thêm 10.000 đồng mỗi tháng; các kênh thể thao là nội dung trả phí, "
        "phải mua gói cước riêng.",
    ]
    ex = extract_article(_page("Giá truyền hình trả tiền tăng từ năm 2026", "05/12/2025", paras), URL)
    assert "10.000 đồng" in ex.text


def test_a_phishing_post_keeps_its_text_for_the_classifier() -> None:
    """The very content the office monitors: a short lure behind 'đăng nhập để xem toàn bộ'."""
    paras = [
        "CHÚC MỪNG 50 khách hàng may mắn trúng xe SH trong chương trình tri ân, nhận quà ngay trong hôm nay!",
        "Đăng nhập tài khoản ngân hàng để xem toàn bộ danh sách trúng thưởng và làm thủ tục nhận xe: quatang-sh.com",
    ]
    ex = extract_article(
        _page("Danh sách trúng thưởng xe SH tháng 12", "Hôm nay", paras),
        "https://diendan.example.vn/bai/1.html",
    )
    assert "trúng xe SH" in ex.text


def test_internet_is_not_an_author() -> None:
    ex = extract_article(
        _page(
            "Ý nghĩa ngày Tết Đoan Ngọ",
            "05/12/2025",
            [
                "Tết Đoan Ngọ là dịp người Việt diệt sâu bọ, cầu mong mùa màng bội thu, cả nhà "
                "mạnh khỏe; mỗi vùng có những món ăn và phong tục riêng trong ngày này.",
                "Nguồn: Internet",
            ],
        ),
        URL,
    )
    assert ex.author is None


def test_an_author_block_label_is_not_part_of_the_name() -> None:
    paras = [
        "Sáng 5/12, Câu lạc bộ dân ca ví, giặm xã tổ chức buổi sinh hoạt định kỳ với hơn 60 hội viên tham gia."
    ]
    ex = extract_article(
        _page(
            "CLB dân ca sinh hoạt định kỳ",
            "05/12/2025",
            paras,
            tail='<p class="tac-gia"><strong>Bài, ảnh:</strong> Thu Hà</p>',
        ),
        URL,
    )
    assert ex.author == "Thu Hà"


def _stage(errors: list[str]) -> ExtractStage:
    ctx = types.SimpleNamespace(source=None, config=types.SimpleNamespace(sources=[]), error=errors.append)
    return ExtractStage(ctx)  # type: ignore[arg-type]


def test_the_feed_authors_name_is_not_replaced_by_the_outlet_credit() -> None:
    """The feed's dc:creator is a person; a closing 'Theo Báo Nghệ An' names the outlet."""
    paras = [
        "Sáng 5/12, tại Nhà văn hóa xã, Câu lạc bộ dân ca ví, giặm tổ chức buổi sinh hoạt định kỳ với sự tham "
        "gia của hơn 60 hội viên và người dân địa phương.",
        "Theo Báo Nghệ An",
    ]
    item = CollectedItem(
        url=URL,
        source_name="x",
        official=True,
        html=_page("CLB dân ca", "05/12/2025", paras),
        title="CLB dân ca",
        text="tóm tắt",
        author="Thu Hà",
    )
    assert _stage([]).process_item(item).author == "Thu Hà"


def test_the_outlet_credit_stands_in_when_the_feed_names_nobody() -> None:
    paras = [
        "Sáng 5/12, tại Nhà văn hóa xã, Câu lạc bộ dân ca ví, giặm tổ chức buổi sinh hoạt định kỳ với sự tham "
        "gia của hơn 60 hội viên và người dân địa phương.",
        "Theo Báo Nghệ An",
    ]
    item = CollectedItem(
        url=URL,
        source_name="x",
        official=True,
        html=_page("CLB dân ca", "05/12/2025", paras),
        title="CLB dân ca",
        text="tóm tắt",
    )
    assert _stage([]).process_item(item).author == "Báo Nghệ An"


def test_the_pages_own_author_wins_over_the_feeds() -> None:
    paras = [
        "Sáng 5/12, Câu lạc bộ dân ca ví, giặm xã tổ chức buổi sinh hoạt định kỳ với hơn 60 hội viên tham gia."
    ]
    html = _page("CLB dân ca", "05/12/2025", paras, tail='<p class="tac-gia">Tác giả: Nguyễn Văn An</p>')
    item = CollectedItem(
        url=URL, source_name="x", official=True, html=html, title="CLB dân ca", author="Ban biên tập"
    )
    assert _stage([]).process_item(item).author == "Nguyễn Văn An"


@pytest.mark.parametrize(
    ("text", "kept"), [("tóm tắt của bài", "lưu tiêu đề và tóm tắt"), ("", "chỉ lưu tiêu đề")]
)
def test_an_empty_page_note_says_what_was_kept(text: str, kept: str) -> None:
    """A feed entry has a summary; a sitemap entry has none."""
    errors: list[str] = []
    item = CollectedItem(url=URL, source_name="x", official=True, html="", title="Bài viết trống", text=text)
    _stage(errors).process_item(item)
    assert errors == [f"{URL}: trang trống (máy chủ trả về trang không có nội dung): {kept} của nguồn tin"]


def test_an_event_time_opening_the_text_is_kept() -> None:
    """An invitation's first paragraph is the event's time, not the page's dateline (published 05/12)."""
    paras = [
        "19h30, thứ bảy, ngày 13/12/2025",
        "Nhà văn hóa phường tổ chức đêm nghệ thuật chào mừng Ngày Di sản "
        "văn hóa Việt Nam, kính mời nhân dân đến dự.",
    ]
    ex = extract_article(_page("Đêm nghệ thuật chào mừng Ngày Di sản", "Ngày đăng: 05/12/2025", paras), URL)
    assert "13/12/2025" in ex.text


@pytest.mark.parametrize(
    "text",
    [
        "Nội dung này chỉ dành cho bạn đọc đăng ký gói Báo Tỉnh Premium.\nVui lòng đăng nhập hoặc đăng ký để đọc tiếp.",
        "Vui lòng đăng nhập để đọc tiếp bài viết.",
        "Đăng ký gói Báo Tỉnh Plus để đọc toàn bộ bài viết\nĐăng nhập\nĐăng ký",
        "Nội dung dành cho thành viên trả phí",
    ],
)
def test_a_page_that_is_only_a_paywall_notice_is_not_the_article(text: str) -> None:
    assert paywall_only(text) == ""


def test_a_locked_pages_breadcrumb_title_and_dateline_do_not_make_it_an_article() -> None:
    """trafilatura keeps them when the page holds nothing else."""
    html = _page("Cảnh báo", "Thứ hai, 01/12/2025 - 08:30", ["Vui lòng đăng nhập để đọc tiếp bài viết."])
    ex = extract_article(html.replace("<main>", '<main><p class="breadcrumb">Trang chủ</p>'), URL)
    assert ex.paywalled and ex.text == ""


@pytest.mark.parametrize(
    "text",
    [
        "Sinh hoạt chỉ dành cho hội viên đã đăng ký với Ban chủ nhiệm câu lạc bộ.",  # a club notice
        "Nội dung này chỉ dành cho bạn đọc đăng ký gói Premium.\nCâu lạc bộ thơ phường họp mặt cuối năm.",
        "Vui lòng đăng nhập để đọc tiếp: http://tb-thue.example.xyz",  # the notice as a lure: a link
        "Vui lòng đăng nhập để đọc tiếp.\nHotline 0912 345 678",
        "[QC] Mua gói cước hay, nhận quà tiền triệu! Mua gói cước trên ứng dụng My Viettel.",
    ],
)
def test_a_text_with_anything_besides_the_notice_is_kept(text: str) -> None:
    assert paywall_only(text) == text


@pytest.mark.parametrize(
    ("block", "author"),
    [
        ("<strong>Tác giả:</strong> Nguyễn Văn An", "Nguyễn Văn An"),
        ("Người viết: Lê Thị Lan", "Lê Thị Lan"),
        ("<b>Tin, ảnh:</b> Minh Châu", "Minh Châu"),
        ("Bài và ảnh: Thu Hà", "Thu Hà"),
        ("Nhóm PV", None),
        ("Sưu tầm", None),
    ],
)
def test_an_author_blocks_label_is_stripped(block: str, author: str | None) -> None:
    paras = [
        "Sáng 5/12, Câu lạc bộ dân ca ví, giặm xã tổ chức buổi sinh hoạt định kỳ với hơn 60 hội viên tham gia."
    ]
    ex = extract_article(
        _page(
            "CLB dân ca sinh hoạt định kỳ", "05/12/2025", paras, tail=f'<div class="tac-gia">{block}</div>'
        ),
        URL,
    )
    assert ex.author == author


@pytest.mark.parametrize(
    ("line", "outlet"),
    [
        ("Nguồn: Internet", None),
        ("(Nguồn: Facebook)", None),
        ("Nguồn: ST", None),
        ("Nguồn: Sưu tầm", None),
        ("Theo Báo Cáo Của UBND Huyện", None),
        ("THEO DÕI CHÚNG TÔI TRÊN FACEBOOK", None),
        ("Theo Kế Hoạch", None),
        ("Theo Tôi", None),
        ("Theo Quyết định số 12/QĐ-UBND", None),
        ("Theo Báo Nghệ An, lễ hội kéo dài ba ngày", None),
        ("Nguồn: Bộ Văn hóa, Thể thao và Du lịch", "Bộ Văn hóa, Thể thao và Du lịch"),
        ("Theo Nhân Dân", "Nhân Dân"),
        ("Theo TTXVN", "TTXVN"),
        ("Theo: Tuổi Trẻ", "Tuổi Trẻ"),
    ],
)
def test_a_credit_line_is_an_outlet_not_where_it_was_found_nor_a_sentence(
    line: str, outlet: str | None
) -> None:
    assert credit_line(f"Đoạn văn của bài.\n{line}") == outlet


@pytest.mark.parametrize("first", ["Lúc 8h00", "2-1", "19h30 ngày 06/12/2025", "Từ 8:00 - 17:00"])
def test_a_time_or_a_score_opening_the_text_is_kept(first: str) -> None:
    text = f"{first}\nĐội bóng xã giành chiến thắng trong trận chung kết giải bóng đá thanh niên."
    assert without_heading(text, "Chung kết giải bóng đá", date(2025, 12, 5)) == text


@pytest.mark.parametrize(
    ("dateline", "day"),
    [
        ("Thứ sáu, 05/12/2025 - 08:30 (GMT+7)", date(2025, 12, 5)),
        ("Ngày đăng: 05/12/2025", None),
        ("05/12/2025 07:45", date(2025, 12, 5)),
        ("cách đây 2 giờ", None),
        ("Cập nhật: 08:30", None),
    ],
)
def test_the_pages_own_dateline_is_cut(dateline: str, day: date | None) -> None:
    text = "Đội bóng xã giành chiến thắng trong trận chung kết giải bóng đá thanh niên."
    assert without_heading(f"{dateline}\n{text}", "Chung kết", day) == text
