"""A message pasted whole with its link inside it and no address given (`canhgac report --text "xem link nay lua
dao http://…/bai.html nhe"`) is filed by its words; the officer is shown the link(s) and the command that files the
report about that page (`canhgac report LINK --text …`, which meets the entry of the page the link leads to): a
message often cites a page it is not about. The link finding itself on its own; then a real HTTP server on
127.0.0.1, the real CLI, a real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import func, select

from crawler.cli import main
from crawler.report_text_links import link_of_pasted_text, links_in_text
from review.models import Item
from tests.crawler.test_report_pasted_shortlink import LANDING


@pytest.mark.parametrize(("text", "links"), [
    ("xem link nay lua dao http://tin.vn/bai.html nhe", ["http://tin.vn/bai.html"]),
    ("Xem ngay: https://tin.vn/bai.html. Chia sẻ cho mọi người!", ["https://tin.vn/bai.html"]),
    ("(nguồn https://tin.vn/bai.html)…", ["https://tin.vn/bai.html"]),
    ("wiki https://vi.wikipedia.org/wiki/Lừa_đảo_(định_hướng), đọc đi", ["https://vi.wikipedia.org/wiki/Lừa_đảo_(định_hướng)"]),
    ("Bấm vào bit.ly/qua-tri-an để nhận quà", ["https://bit.ly/qua-tri-an"]),
    ("kết bạn zalo.me/0987654321; nhận quà", ["https://zalo.me/0987654321"]),
    ("hai lần https://bit.ly/abc và https://bit.ly/abc", ["https://bit.ly/abc"]),
    ("nội dung không có liên kết nào, chỉ số 0987.654.321", []),
    ("email lan@bit.ly/abc không phải liên kết", []),
])
def test_links_in_a_pasted_text(text: str, links: list[str]) -> None:
    assert links_in_text(text) == links
    assert links_in_text(unicodedata.normalize("NFD", text)) == [unicodedata.normalize("NFD", u) for u in links]


def test_links_are_shown_never_taken_silently() -> None:
    """A message often cites a page it is not about (a bank's real site as cover, "Nguồn: …"): the officer is shown
    the link(s) and the command that files the report about one; the text is filed as pasted."""
    assert link_of_pasted_text("tin nhắn không có liên kết") == (None, None)
    link, said = link_of_pasted_text("xem http://tin.vn/bai.html nhé")
    assert link is None and said is not None
    assert "http://tin.vn/bai.html" in said and "canhgac report http://tin.vn/bai.html --text" in said
    link, said = link_of_pasted_text("hai trang http://a.vn/1 và https://b.vn/2")
    assert link is None and said is not None
    assert "http://a.vn/1" in said and "https://b.vn/2" in said and "canhgac report LIÊN_KẾT --text" in said


@pytest.mark.parametrize("text", [
    "Cảnh báo: các đối tượng gửi link dạng http://[tên-ngân-hàng]-hotro.com để lừa đảo",
    "trang http://a.vn:99999/x giả mạo", "trang http://a.vn:443x/x giả mạo",
])
def test_a_malformed_link_in_a_warning_is_no_link_and_no_crash(text: str) -> None:
    assert link_of_pasted_text(text) == (None, None)


def test_invisible_marks_and_brackets_around_a_link() -> None:
    assert links_in_text("xem https://tin.vn/bai.html\u200b nhé") == ["https://tin.vn/bai.html"]
    assert links_in_text("\u2066https://tin.vn/a\u2069 và") == ["https://tin.vn/a"]
    assert links_in_text("(xem https://a.vn/x?q=[1])") == ["https://a.vn/x?q=[1]"]
    assert links_in_text("[https://a.vn/x]") == ["https://a.vn/x"]


def _count(crawl_env, table) -> int:  # type: ignore[no-untyped-def]
    with crawl_env.store.session() as s:
        return s.scalar(select(func.count()).select_from(table)) or 0


def test_a_link_inside_the_pasted_message_is_shown_with_the_command(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure())
    crawl_env.site.set("/bai.html", LANDING)
    page = crawl_env.site.base_url + "/bai.html"
    assert main(["--config", cfg, "--as", "lan", "report", page, "--reporter", "Anh Nam"]) == 0
    capsys.readouterr()
    assert main(["--config", cfg, "--as", "lan", "report", "--text", f"xem link nay lua dao {page}, nhe",
                 "--reporter", "Chị Hoa"]) == 0
    out = capsys.readouterr().out
    assert f"Nội dung có 1 liên kết: {page}." in out and f"canhgac report {page} --text" in out, out
    with crawl_env.store.session() as s:  # filed by its words, not swallowed into the page's entry
        assert s.scalar(select(func.count()).select_from(Item).where(Item.canonical_url.like("report:text/%"))) == 1
    assert main(["--config", cfg, "--as", "lan", "report", page, "--text", f"xem link nay lua dao {page}, nhe",
                 "--reporter", "Chị Hoa"]) == 0  # the officer chose the page: it meets the page's entry
    out = capsys.readouterr().out
    assert "gộp" in out, out


def test_several_links_are_shown_and_the_text_filed_without_one(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure())
    crawl_env.site.set("/bai.html", LANDING)
    page = crawl_env.site.base_url + "/bai.html"
    assert main(["--config", cfg, "--as", "lan", "report", page]) == 0
    capsys.readouterr()
    other = crawl_env.site.base_url + "/khac.html"
    assert main(["--config", cfg, "--as", "lan", "report", "--text", f"xem {page} hoặc {other} nhé"]) == 0
    out = capsys.readouterr().out
    assert "Nội dung có 2 liên kết" in out and page in out and other in out, out
    assert "canhgac report LIÊN_KẾT --text" in out, out
    with crawl_env.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Item).where(Item.canonical_url.like("report:text/%"))) == 1
