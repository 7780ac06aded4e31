"""A redirect within one organisation's site (apex -> its portal/mobile/e-paper subdomain) is no shortener's link,
and even a real short link reported again joins the first report's entry only when the page it leads to now is a
near copy of that entry's: a rotating shortener's next, unrelated page is stored, scored and shown as an entry of
its own, never hidden behind the first report. When a short link's report joins, the entry names both the link the
citizen sent and the page it led to. A real HTTP server on 127.0.0.1 (served as "localhost" too: another site), the
real CLI, the bundled model, a real database."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

import pytest
from sqlalchemy import func, select

from crawler.cli import main
from crawler.report import reported_link
from review.models import Item, ReviewEntry


@pytest.mark.parametrize(("sent", "final"), [
    ("https://bacninh.gov.vn/", "https://portal.bacninh.gov.vn/tin-noi-bat/bai-1"),
    ("https://vnexpress.net/tin-moi-nhat", "https://e.vnexpress.net/news/latest-1"),
    ("https://baomoi.com/tin-moi.epi", "https://m.baomoi.com/bai-1.epi"),
    ("https://www.vietcombank.com.vn/khuyen-mai", "https://portal.vietcombank.com.vn/khuyen-mai/1"),
])
def test_a_redirect_to_the_same_sites_subdomain_is_not_a_short_link(sent: str, final: str) -> None:
    kept = reported_link(sent, final)
    assert "short_link" not in kept and kept["reported_url"] == sent, kept


@pytest.mark.parametrize(("sent", "final"), [
    ("https://bit.ly/qua-tang", "https://qua-tang.top/nhan"),
    ("https://bacninh.gov.vn/", "https://haiphong.gov.vn/"),  # two provinces' sites under one .gov.vn
    ("https://vcb-online.com.vn/a", "https://vietcombank.com.vn/a"),
])
def test_a_redirect_to_another_site_is_a_short_link(sent: str, final: str) -> None:
    assert reported_link(sent, final)["short_link"] == sent


BENIGN = ("<html><head><title>Lễ hội văn hoá {n}</title></head><body><article><h1>Lễ hội văn hoá {n}</h1>"
          "<p>{body}</p></article></body></html>")
SCAM = ("Chúc mừng quý khách trúng thưởng 50 triệu đồng, chuyển phí hồ sơ 500 nghìn đồng qua số tài khoản "
        "012345678{n} để nhận quà ngay.")


def _latest(base: str):  # type: ignore[no-untyped-def]
    served = [0]

    def handle(handler: BaseHTTPRequestHandler) -> None:  # another page each time: /bai-1, /bai-2, ...
        served[0] += 1
        handler.send_response(302)
        handler.send_header("Location", f"{base}/bai-{served[0]}")
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return handle


def _report_twice(crawl_env, capsys) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure())
    site = crawl_env.site
    site.set_handler("/tin-moi-nhat", _latest(site.base_url))
    sent = site.base_url.replace("127.0.0.1", "localhost") + "/tin-moi-nhat"
    outs = []
    for who in ("Chị Hoa", "Anh Nam"):
        capsys.readouterr()
        assert main(["--config", cfg, "--as", "lan", "report", sent, "--reporter", who]) == 0
        outs.append(capsys.readouterr().out)
    return cfg, outs[1]


def test_another_page_behind_the_same_short_link_is_an_entry_of_its_own(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    site = crawl_env.site
    site.set("/bai-1", BENIGN.format(n=1, body="Phường tổ chức lễ hội văn hoá dân gian với nhiều hoạt động "
                                               "thể thao, văn nghệ cho thiếu nhi và người cao tuổi."))
    site.set("/bai-2", BENIGN.format(n=2, body=SCAM.format(n=2)))
    _, second = _report_twice(crawl_env, capsys)
    assert "đã có trong hàng chờ" not in second and "gộp vào mục" not in second, second
    with crawl_env.store.session() as s:
        texts = list(s.scalars(select(Item.text)))
        entries = s.scalar(select(func.count()).select_from(ReviewEntry))
    assert any("trúng thưởng" in t for t in texts) and entries == 2, (entries, texts)


def test_a_near_copy_behind_the_same_short_link_joins_and_names_where_it_led(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    # a scam short link rotating to a copy of its page on a new address: one entry, and the new landing address
    # (what the office would act on) is kept with the second reporter, not only the short link
    for n in (1, 2):
        crawl_env.site.set(f"/bai-{n}", BENIGN.format(n=n, body=SCAM.format(n=n)))
    _, second = _report_twice(crawl_env, capsys)
    assert "gộp vào mục" in second, second
    reporters = crawl_env.store.entry_detail(1).reporters
    assert [r.reporter for r in reporters] == ["Chị Hoa", "Anh Nam"], reporters
    assert all(r.url and "localhost" in r.url for r in reporters), reporters
    assert reporters[0].page and reporters[0].page.endswith("/bai-1"), reporters
    assert reporters[1].page and reporters[1].page.endswith("/bai-2"), reporters
