"""What a reported link returns, by its type: a plain-text page is read as it is (its first line the title; the
HTML extractor finds nothing in it), while an SVG image (XML, but a picture) and a PDF sent without a
Content-Type are refused in one Vietnamese line like any other file that is not a page. A real HTTP server on
127.0.0.1, the real CLI, a real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

import pytest
from sqlalchemy import select

from crawler.cli import main
from review.models import Item

NO_MODEL = '\n[classifier]\nmodel = "no-model-here.skops"\n'
PLAIN = ("\n  Tuyển cộng tác viên việc nhẹ lương cao  \nChỉ cần điện thoại, liên hệ Zalo 0912345678 để nhận 500k "
         "mỗi ngày.\nChuyển khoản phí giữ chỗ 200k trước.\n")
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"


def _reports(crawl_env) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with crawl_env.store.session() as s:
        return [(r.title, r.text) for r in s.execute(select(Item.title, Item.text).where(Item.kind == "report"))]


def test_a_plain_text_page_is_reported_with_its_text(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure(NO_MODEL))
    crawl_env.site.set("/tin.txt", PLAIN.encode("utf-8"), "text/plain; charset=utf-8")
    assert main(["--config", cfg, "report", crawl_env.site.base_url + "/tin.txt"]) == 0, capsys.readouterr().err
    [(title, text)] = _reports(crawl_env)
    assert title == "Tuyển cộng tác viên việc nhẹ lương cao", title
    assert "Liên hệ Zalo 0912345678".lower() in text.lower() and "phí giữ chỗ 200k" in text, text


def _no_content_type(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Length", str(len(PDF)))
    handler.end_headers()
    handler.wfile.write(PDF)


@pytest.mark.parametrize(("path", "what"), [("/logo.svg", "ảnh"), ("/tep", "tệp PDF")])
def test_an_svg_image_or_an_untyped_pdf_is_not_a_page(crawl_env, capsys, path: str, what: str) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure(NO_MODEL))
    crawl_env.site.set("/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'><text>Trúng thưởng 500 triệu đồng, "
                       "nhận quà ngay hôm nay</text></svg>", "image/svg+xml")
    crawl_env.site.set_handler("/tep", _no_content_type)
    assert main(["--config", cfg, "report", crawl_env.site.base_url + path]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and what in err and "không phải trang web" in err and "--text" in err, err
    assert _reports(crawl_env) == []
