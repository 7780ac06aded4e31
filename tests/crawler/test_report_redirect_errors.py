"""A reported link that redirects and then fails is told with both addresses: the one the officer gave (what they
recognise) and where the redirects ended (the page that is dead, too big, a PDF …): "URL (chuyển tới FINAL): …".
A link that fails without a redirect names its address once, as before. A redirect to a file:// address is told
as refused, not as "too many redirects". A real HTTP server on 127.0.0.1, the real CLI, a real database (SQLite,
and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import socket

import pytest

from crawler.cli import main
from crawler.report_fetch import fetched_where
from tests.crawler.badsite import _redirect
from tests.crawler.test_report_pages import NO_MODEL, _one_line_error, _reports


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _report_fails(crawl_env, capsys, path: str) -> str:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure(NO_MODEL))
    capsys.readouterr()
    assert main(["--config", cfg, "report", crawl_env.site.base_url + path]) == 1
    err = _one_line_error(capsys)
    assert _reports(crawl_env) == 0
    return err


@pytest.mark.parametrize(("target", "sign"), [
    ("/da-go.html", "trang không còn hoặc đã bị gỡ (máy chủ trả về HTTP 404)"),
    ("/tep.pdf", "địa chỉ này trả về tệp PDF (application/pdf)"),
    ("/qua-lon", "trang lớn hơn giới hạn tải về (2 MB, [crawler] download_maxsize_mb)"),
    ("/trong", "không trích được nội dung nào từ trang"),
], ids=["dead", "pdf", "too-big", "empty"])
def test_a_failure_after_a_redirect_names_both_addresses(crawl_env, capsys, target: str,  # type: ignore[no-untyped-def]
                                                         sign: str) -> None:
    site, base = crawl_env.site, crawl_env.site.base_url
    site.set("/tep.pdf", b"%PDF-1.4\n1 0 obj\n", "application/pdf")
    site.set("/qua-lon", "<html><body><p>" + "lừa đảo " * 400_000 + "</p></body></html>")
    site.set("/trong", "<html><head></head><body></body></html>")
    site.set_handler("/s/1", _redirect(base + "/s/2"))  # a shortener's two hops
    site.set_handler("/s/2", _redirect(base + target))
    err = _report_fails(crawl_env, capsys, "/s/1")
    assert f"{base}/s/1 (chuyển tới {base}{target}): {sign}" in err, err


def test_a_refused_connection_after_a_redirect_names_both_addresses(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    base, gone = crawl_env.site.base_url, f"http://127.0.0.1:{_closed_port()}/bai"
    crawl_env.site.set_handler("/s/3", _redirect(gone))
    err = _report_fails(crawl_env, capsys, "/s/3")
    assert f"{base}/s/3 (chuyển tới {gone}): không tải được trang: máy chủ từ chối kết nối" in err, err


def test_a_redirect_to_a_file_address_is_refused_as_such(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    base = crawl_env.site.base_url
    crawl_env.site.set_handler("/s/4", _redirect("file:///etc/passwd"))
    err = _report_fails(crawl_env, capsys, "/s/4")
    assert f"{base}/s/4: từ chối chuyển hướng tới địa chỉ không phải http(s): file:///etc/passwd" in err, err
    assert "quá số lần" not in err, err


def test_a_failure_without_a_redirect_names_its_address_once(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    base = crawl_env.site.base_url
    err = _report_fails(crawl_env, capsys, "/khong-co-trang-nay.html")
    assert f"{base}/khong-co-trang-nay.html: trang không còn" in err and "chuyển tới" not in err, err


def test_fetched_where_ignores_what_only_the_request_changes() -> None:
    assert fetched_where("https://vi.vn/tin tức.html", "https://vi.vn/tin%20t%E1%BB%A9c.html") \
        == "https://vi.vn/tin tức.html"
    assert fetched_where("https://vi.vn/a#binh-luan", "https://vi.vn/a") == "https://vi.vn/a#binh-luan"
    assert fetched_where("https://bit.ly/x", None) == "https://bit.ly/x"
    assert fetched_where("https://bit.ly/x", "https://qua.top/") == "https://bit.ly/x (chuyển tới https://qua.top/)"
