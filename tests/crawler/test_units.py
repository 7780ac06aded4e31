"""Canonical URLs, decoding, extraction and feed parsing: no network, no subprocess."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import feedparser
import pytest

from crawler.extract import VN_TZ, decode_body, extract_article, guess_language
from crawler.urls import canonical_url
from tests.crawler.badsite import BOMB, CP1258_TEXT, encode_cp1258


@pytest.mark.parametrize(("url", "canonical"), [
    ("https://www.baonghean.vn/tin-tuc/a.html?utm_source=fb&utm_medium=post", "https://baonghean.vn/tin-tuc/a.html"),
    ("HTTPS://BaoNgheAn.VN:443/a.html#binh-luan", "https://baonghean.vn/a.html"),
    ("http://example.vn/bai?id=3&fbclid=XYZ&page=2", "http://example.vn/bai?id=3&page=2"),
    ("http://example.vn/bai?page=2&id=3", "http://example.vn/bai?id=3&page=2"),
    ("http://example.vn", "http://example.vn/"),
    ("http://example.vn:8080/a", "http://example.vn:8080/a"),
    ("http://example.vn/tin/đường-phố", "http://example.vn/tin/%C4%91%C6%B0%E1%BB%9Dng-ph%E1%BB%91"),
    ("  http://example.vn/a%2Fb?gclid=1 ", "http://example.vn/a/b"),
])
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_windows_1258_without_charset_is_decoded() -> None:
    assert decode_body(encode_cp1258(CP1258_TEXT), "text/html") == CP1258_TEXT


def test_declared_charset_wins_and_nfd_becomes_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Phường Hưng Dũng")
    assert decode_body(nfd.encode("utf-8"), "text/html; charset=utf-8") == "Phường Hưng Dũng"


def test_extract_article_with_selectors_override() -> None:
    html = ("<html><head><title>Sai tiêu đề</title></head><body><div class='menu'>Trang chủ</div>"
            "<h2 class='t'>Khai mạc hội chợ</h2><span class='d'>05/04/2026</span>"
            "<div class='nd'><p>Hội chợ thương mại tỉnh khai mạc sáng nay với 200 gian hàng.</p></div></body></html>")
    from review.config import Selectors

    ex = extract_article(html, "http://x.vn/a", Selectors(title="h2.t", text="div.nd", date="span.d"))
    assert ex.title == "Khai mạc hội chợ"
    assert ex.text == "Hội chợ thương mại tỉnh khai mạc sáng nay với 200 gian hàng."
    local = ex.published_at.astimezone(VN_TZ) if ex.published_at else None
    assert local is not None and (local.day, local.month) == (5, 4)
    assert ex.language == "vi"


def test_extensive_date_search_only_without_a_known_date(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    from review.config import Selectors

    html = ("<html><head><title>Hội chợ</title><meta property='article:published_time' content='2026-04-05'>"
            "</head><body><span class='d'>06/04/2026</span><article><p>Hội chợ thương mại tỉnh khai mạc sáng nay "
            "với 200 gian hàng, thu hút hàng nghìn lượt khách tham quan.</p></article></body></html>")
    seen: list[bool] = []
    real = trafilatura.bare_extraction

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        params = kwargs.get("date_extraction_params")
        seen.append(True if params is None else params["extensive_search"])
        return real(*args, **kwargs)

    monkeypatch.setattr(trafilatura, "bare_extraction", spy)
    full = extract_article(html, "http://x.vn/a")
    known = extract_article(html, "http://x.vn/a", date_known=True)
    by_selector = extract_article(html, "http://x.vn/a", Selectors(date="span.d"))
    no_match = extract_article(html, "http://x.vn/a", Selectors(date="span.none"))
    assert seen == [True, False, False, True]  # None: trafilatura's default, the extensive search
    assert full == known  # the caller overrides the date anyway; everything else is unchanged
    assert full.published_at is not None and full.published_at.astimezone(VN_TZ).day == 5
    assert by_selector.published_at is not None and by_selector.published_at.astimezone(VN_TZ).day == 6
    assert no_match == full


def test_empty_page_extracts_nothing() -> None:
    ex = extract_article("", "http://x.vn/a")
    assert (ex.title, ex.text, ex.language) == ("", "", None)
    assert guess_language("The council met today to discuss the new park and the budget for it.") == "en"


@pytest.mark.shared_data
def test_vnexpress_snapshots_parse(shared_data: Path) -> None:
    feeds = sorted((shared_data / "rss").glob("*.xml"))
    assert feeds
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert len(parsed.entries) == 25, path.name
        links = [canonical_url((e.get("link") or e.get("id") or "").strip()) for e in parsed.entries]
        assert sum(1 for link in links if link.startswith(("http://", "https://"))) >= 20, path.name
        for link in links:
            assert " " not in link and "\n" not in link
        assert sum(1 for e in parsed.entries if e.get("title", "").strip()) >= 20  # real feeds have blank items


def test_billion_laughs_feed_is_not_expanded() -> None:
    body = (BOMB + "<rss version='2.0'><channel><title>&lol9;</title><item><title>&lol9;</title>"
            "<link>http://x.vn/a</link></item></channel></rss>").encode()
    parsed = feedparser.parse(body)
    assert all(len(e.get("title", "")) < 1000 for e in parsed.entries)
    assert len(parsed.feed.get("title", "")) < 1000


def test_news_sitemap_publication_dates() -> None:
    from crawler.demo_site.server import ROOT
    from crawler.spiders.sitemap import _publication_dates

    body = (ROOT / "tin-tuc" / "sitemap-news.xml").read_bytes()
    dates = _publication_dates(body)
    assert dates["{base}/tin-tuc/cong-nhan-di-tich-cap-tinh.html"] == "2026-04-20T09:00:00+07:00"
    bomb = BOMB.split("]>")[0] + "]><urlset><url><loc>x</loc><publication_date>&lol9;</publication_date></url></urlset>"
    assert len(str(_publication_dates(bomb.encode()))) < 100  # the entity is not expanded


def test_crawls_that_fill_the_cores_run_without_their_own_workers() -> None:
    from crawler.runner import shared_cores_settings

    cores = os.cpu_count() or 1
    assert shared_cores_settings(cores) == {"CANHGAC_WORKERS": "0"}
    assert shared_cores_settings(cores + 3) == {"CANHGAC_WORKERS": "0"}
    if cores > 1:
        assert shared_cores_settings(1) == {}  # alone: the worker processes use the idle cores


def test_daemon_crawls_count_themselves_and_always_uncount(tmp_path: Path) -> None:
    from crawler import jobs
    from review.config import parse_config

    cfg = parse_config('[[sources]]\nname = "a"\nkind = "rss"\nurls = ["https://a.example.vn/rss"]\n')
    # an unknown source (removed from the file since the daemon read it) is refused inside the crawl: logged, and
    # the count must not leak
    assert jobs.crawl_source(cfg, None, "khong-co") is None  # type: ignore[arg-type]
    assert jobs._running["crawls"] == 0
