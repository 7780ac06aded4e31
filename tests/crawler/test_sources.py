"""Sitemap, HTML listing and ad board crawls of the demo site; reposts cluster; citizen reports."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from crawler.cli import main
from review.models import Cluster, Item, Source

SOURCES = ["so-vhttdl-sitemap", "phuong-hung-dung", "rao-vat-xu-nghe", "dien-dan-pho-phuong"]


def test_sitemap_listing_and_ads_sources(crawl_env) -> None:  # type: ignore[no-untyped-def]
    with ThreadPoolExecutor(max_workers=len(SOURCES)) as pool:
        out = dict(zip(SOURCES, pool.map(crawl_env.run, SOURCES), strict=True))
    assert all(o.ok for o in out.values()), {n: o.message for n, o in out.items()}
    assert out["so-vhttdl-sitemap"].items_new == 12  # sitemap index → news sitemap + page sitemap
    assert out["phuong-hung-dung"].items_new == 8  # 3 listing pages (max_pages = 3)
    assert out["rao-vat-xu-nghe"].items_new == 10
    assert out["dien-dan-pho-phuong"].items_new == 7
    with crawl_env.store.session() as s:
        ads = {i.title: i for i in s.scalars(select(Item).where(Item.kind == "ad"))}
        posts = list(s.scalars(select(Item).join(Source).where(Source.name == "phuong-hung-dung")))
        reposts = list(s.scalars(select(Item).where(Item.url.like("%dien-dan/bai/%phi%"))))
        clusters = {c.id: c for c in s.scalars(select(Cluster))}
        private = s.scalar(select(Item).where(Item.url.like("%rieng-tu%")))
    loan = next(a for t, a in ads.items() if t.startswith("Cho vay tiền nhanh"))
    assert loan.extra == {"price": "Lãi 3.000 đ/triệu/ngày", "contact": "0933 456 789 (anh Tuấn)"}
    assert "không thế chấp" in loan.title and "Nợ xấu vẫn vay được" in loan.text
    boc_phot = next(p for p in posts if p.title.startswith("BÓC PHỐT"))
    assert boc_phot.kind == "post" and boc_phot.published_at is not None and "con gián" in boc_phot.text
    assert "Bình luận" not in boc_phot.text  # selectors keep only the post body
    assert private is None  # robots.txt: Disallow: /rieng-tu/

    # one story reposted on three pages is one cluster with a spread of 3
    assert len(reposts) == 3
    assert len({r.cluster_id for r in reposts}) == 1
    assert clusters[reposts[0].cluster_id].size == 3

    # a second run fetches no known article again
    before = len(crawl_env.site.requests)
    again = crawl_env.run("phuong-hung-dung")
    assert again.ok and again.items_new == 0
    assert not [r for r in crawl_env.site.requests[before:] if "/phuong/bai/" in r.path]


def test_report_url_and_text(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    # scoring is the classifier's part (loading its model takes seconds); here the report is stored unscored
    cfg = str(crawl_env.configure('\n[classifier]\nmodel = "no-model-here.skops"\n'))
    url = crawl_env.site.base_url + "/dien-dan/bai/trung-thuong-xe-sh.html?utm_source=zalo"
    assert main(["--config", cfg, "report", url, "--note", "Nhận được qua Zalo", "--reporter", "Bà Lan, tổ 5"]) == 0
    assert main(["--config", cfg, "report", "--text", "Tin nhắn: bạn trúng thưởng 50 triệu, bấm link để nhận",
                 "--reporter", "Anh Minh"]) == 0
    assert main(["--config", cfg, "report", url, "--note", "Nhận được qua Zalo", "--reporter", "Bà Lan, tổ 5"]) == 0
    assert main(["--config", cfg, "report", "ftp://x.vn/a"]) == 2
    printed = capsys.readouterr().out
    assert "đã có từ trước" in printed
    with crawl_env.store.session() as s:
        reports = list(s.scalars(select(Item).where(Item.kind == "report").order_by(Item.id)))
    assert len(reports) == 2
    page, pasted = reports
    assert page.title.startswith("Chúc mừng bạn đã trúng thưởng xe SH") and "utm_" not in page.canonical_url
    assert page.extra["note"] == "Nhận được qua Zalo" and page.extra["reporter"] == "Bà Lan, tổ 5"
    assert pasted.text.startswith("Tin nhắn: bạn trúng thưởng") and pasted.extra["reporter"] == "Anh Minh"
