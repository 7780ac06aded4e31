"""A pasted report's link is followed to tell where it leads (`crawler.report_fetch.resolve`); when it leads through
a redirect to a page that answers with an error (a taken-down scam's landing, a site's common "not found" page), no
place is told: two citizens' unrelated messages whose short links both end on one dead page are not one report. A
real HTTP server on 127.0.0.1 (the short links served as "localhost"), the real CLI, a real database (SQLite, and
PostgreSQL when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

from sqlalchemy import func, select

from crawler.report_fetch import resolve
from review.config import CrawlerConfig
from review.models import Item, ReviewEntry
from tests.crawler.test_report_pasted_shortlink import UNRELATED, _redirect, _report, _short

MESSAGE = "Ngân hàng tri ân khách hàng, bấm vào link để nhận quà 50 triệu ngay hôm nay, số lượng có hạn"


def _gone(handler: BaseHTTPRequestHandler) -> None:
    body = "<html><body><h1>Không tìm thấy trang</h1></body></html>".encode()
    handler.send_response(404)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def test_two_links_ending_on_one_dead_page_do_not_join(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure())
    site = crawl_env.site
    site.set_handler("/khong-tim-thay", _gone)
    site.set_handler("/s/qua", _redirect(f"{site.base_url}/khong-tim-thay"))
    site.set_handler("/s/phong", _redirect(f"{site.base_url}/khong-tim-thay"))
    _report(cfg, capsys, _short(crawl_env, "/s/qua"), "--text", MESSAGE, "--reporter", "Chị Hoa")
    out = _report(cfg, capsys, _short(crawl_env, "/s/phong"), "--text", UNRELATED, "--reporter", "Anh Nam")
    assert "gộp vào mục" not in out, out
    with crawl_env.store.session() as s:
        assert s.scalar(select(func.count()).select_from(ReviewEntry)) == 2
        # each stored under its own link, with no place it led to
        assert sorted(u.rsplit("/", 1)[1] for u in s.scalars(select(Item.url))) == ["phong", "qua"]


def test_a_link_answering_with_an_error_itself_is_no_other_place(crawl_env) -> None:  # type: ignore[no-untyped-def]
    site = crawl_env.site
    site.set_handler("/het-han", _gone)
    cfg = CrawlerConfig(allow_private_hosts=True)
    assert resolve(site.base_url + "/het-han", cfg) is None
    site.set_handler("/s/het-han", _redirect(f"{site.base_url}/het-han"))
    assert resolve(site.base_url + "/s/het-han", cfg) is None


def test_a_report_joined_by_place_alone_keeps_its_text(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    # joined by where its link leads, a report's text was never compared with the entry's: the page another
    # citizen's short link led to, or another citizen's own message, is kept in the audit row, not dropped
    from review.models import AuditLog
    from tests.crawler.test_report_pasted_shortlink import _setup

    cfg, short = _setup(crawl_env)
    _report(cfg, capsys, short, "--text", MESSAGE, "--reporter", "Chị Hoa")
    _report(cfg, capsys, short, "--reporter", "Anh Nam")  # the page itself, fetched
    other = "Nhóm Zalo gửi link này, nói là quà của ngân hàng, mọi người đừng bấm"
    _report(cfg, capsys, short, "--text", other, "--reporter", "Bà Tư")
    with crawl_env.store.session() as s:
        rows = [d for d in s.scalars(select(AuditLog.details).where(AuditLog.action == "report"))]
    assert [d["match"] for d in rows] == ["same_place", "same_place"], rows
    assert "Kết bạn Zalo 0987654321" in rows[0]["text"] and rows[0]["title"] == "Nhận quà tri ân khách hàng", rows[0]
    assert rows[1]["text"] == other, rows[1]
