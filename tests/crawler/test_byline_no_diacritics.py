"""Pages typed without diacritics ("Tac gia: ...", "Theo bao ...", "Ngay dang: ...") are read like the others: the
author comes without its label, the outlet from its credit, the dateline is cut from the text and gives the date;
and the same patterns still keep apart what they kept apart with diacritics."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.byline import credit_line, labelled_author, without_heading
from crawler.extract import extract_article
from tests.crawler.vn_sites import vn

URL = "https://xayenlac.example.gov.vn/tin-tuc/12.html"
PARAS = [
    "Toi 4/12, tai nha van hoa xa Yen Lac, hoi thi van nghe quan chung nam 2025 da dien ra voi su tham gia cua 12 doi "
    "van nghe den tu cac thon, thu hut dong dao ba con nhan dan den co vu.",
    "Ban to chuc da trao giai nhat cho doi van nghe thon Dong, giai nhi cho thon Trung va hai giai khuyen khich.",
]


def _page(date_line: str, tail: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAS)
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Hoi thi van nghe</title></head><body>
<main><article><h1>Hoi thi van nghe xa Yen Lac</h1><div class="date">{date_line}</div>
<div class="content">{body}{tail}</div></article></main></body></html>"""


@pytest.mark.parametrize(("tail", "author"), [
    ("<p>Tac gia: Nguyen Thi Hoa</p>", "Nguyen Thi Hoa"),
    ("<p><b>Bai, anh:</b> Tran Van Binh</p>", "Tran Van Binh"),
    ('<div class="tac-gia">Nguoi viet: Le Thu - Phong VH&amp;TT</div>', "Le Thu"),
    ("<p>Tác giả: Nguyễn Thị Hoa</p>", "Nguyễn Thị Hoa"),  # with diacritics, the same line
    ("<p>Theo bao Nghe An</p>", "Bao Nghe An"),
    ("<p>(Nguon: VnExpress)</p>", "VnExpress"),
    ("<p>Nguon: Internet</p>", None),
    ('<div class="tac-gia">Nhom PV</div>', None),
])
def test_the_author_of_a_page_without_diacritics(tail: str, author: str | None) -> None:
    ex = extract_article(_page("Ngay dang: 05/12/2025 09:10", tail), URL)
    assert ex.author == author
    assert "12 doi van nghe" in ex.text


def test_the_dateline_without_diacritics_is_cut_and_dates_the_page() -> None:
    ex = extract_article(_page("Ngay dang: 05/12/2025 09:10", ""), URL)
    assert ex.published_at == vn(2025, 12, 5, 9, 10)
    assert "Ngay dang" not in ex.text


@pytest.mark.parametrize("dateline", ["Ngay dang: 05/12/2025 09:10", "Thu sau, 05/12/2025 - 09:10",
                                      "Cap nhat luc 09:10 ngay 05/12/2025", "cach day 2 gio"])
def test_datelines_without_diacritics_are_cut(dateline: str) -> None:
    text = "Hoi thi van nghe dien ra soi noi.\nBan to chuc trao giai."
    assert without_heading(f"{dateline}\n{text}", "Hoi thi", date(2025, 12, 5)) == text


@pytest.mark.parametrize(("line", "outlet"), [
    ("Theo bao Nghe An", "Bao Nghe An"),
    ("Theo Bao Dan tri", "Bao Dan tri"),
    ("Theo bao Da Nang", "Bao Da Nang"),  # "da" is "đã" only with its marks
    ("Theo báo Nghệ An", "Báo Nghệ An"),
    ("Theo Báo Cao Bằng", "Báo Cao Bằng"),  # a newspaper, though "bao cao" is "báo cáo" without marks
    ("Theo bao cao cua UBND huyen", None),
    ("Theo ke hoach, le hoi keo dai ba ngay", None),
    ("Theo doi chung toi tren Facebook", None),
    ("Nguon: Suu tam", None),
    ("Theo bao chi", None),
])
def test_a_credit_without_diacritics(line: str, outlet: str | None) -> None:
    assert credit_line(f"Doan van cua bai.\n{line}") == outlet


@pytest.mark.parametrize("line", [
    "Thanh Ha: da trao giai cho doi thon Dong",  # a sentence, not a label ("anh" inside "Thanh")
    "Tin: hoi thi se tiep tuc vao nam sau",  # "Tin:" labels news, not its writer
])
def test_a_line_that_only_looks_labelled_names_nobody(line: str) -> None:
    assert labelled_author(f"Doan van cua bai.\n{line}") is None
