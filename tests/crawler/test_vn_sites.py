"""An office's sources as the docs configure them, crawled from pages modelled on real Vietnamese sites
(`tests.crawler.vn_sites`): every article's title, text, author and date as stored."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC

import pytest
from sqlalchemy import select

from crawler.byline import credit_line, paywall_only, without_heading
from crawler.extract import extract_article
from review.models import Item
from tests.crawler import vn_sites

_PAGE_SOURCES = ("cong-tinh", "bao-tinh", "cong-huyen")


def _html(path: str) -> str:
    return vn_sites.ARTICLES[path][0]


@pytest.mark.parametrize("path", ["/so/tin/1.html", "/so/tin/3.html", "/huyen/tin/101", "/huyen/tin/103"])
def test_the_text_does_not_repeat_the_title_and_dateline(path: str) -> None:
    ex = extract_article(_html(path), "http://cong.example.vn" + path)
    first = ex.text.splitlines()[0]
    assert first != ex.title
    assert not any(s in first for s in ("Ngày đăng", "cách đây", "01/12/2025"))
    assert vn_sites.ARTICLES[path][1].text_has in ex.text


@pytest.mark.parametrize("path", ["/so/tin/3.html", "/huyen/tin/101", "/huyen/tin/102"])
def test_the_author_vietnamese_pages_name(path: str) -> None:
    """A "Theo Báo ..." credit line, a `.tac-gia` block ("Đinh Văn Tâm - Phòng VH&TT") without a selector."""
    ex = extract_article(_html(path), "http://cong.example.vn" + path)
    assert ex.author == vn_sites.ARTICLES[path][1].author


def test_a_paywall_notice_is_not_the_article() -> None:
    path = next(iter(vn_sites.PAYWALLED))
    ex = extract_article(_html(path), "http://bao.example.vn" + path)
    assert ex.paywalled
    assert "đăng nhập" not in ex.text


def test_the_fixture_sites_are_stored_right(crawl_env) -> None:  # type: ignore[no-untyped-def]
    site = crawl_env.site
    vn_sites.install(site)
    crawl_env.configure(vn_sites.sources_toml(site.base_url), demo=False)
    with ThreadPoolExecutor(2) as pool:
        outcomes = dict(zip(_PAGE_SOURCES, pool.map(crawl_env.run, _PAGE_SOURCES), strict=True))
    assert all(o.ok for o in outcomes.values()), outcomes
    with crawl_env.store.session() as s:
        items = {i.url.removeprefix(site.base_url): i for i in s.scalars(select(Item))}
        wrong = []
        for path, (_, want) in vn_sites.ARTICLES.items():
            got = items[path]
            published = got.published_at.replace(tzinfo=UTC) if got.published_at else None
            fields = {
                "title": got.title == want.title,
                "author": got.author == want.author,
                "date": published == want.published_at,
                "text": want.text_has in got.text and not (want.text_lacks and want.text_lacks in got.text),
            }
            wrong += [
                f"{path} {k}: {getattr(got, k if k != 'date' else 'published_at')!r}"
                for k, ok in fields.items()
                if not ok
            ]
        assert wrong == []
        paywalled = [items[p] for p in vn_sites.PAYWALLED]
        assert paywalled[0].cluster_id != paywalled[1].cluster_id  # one notice, two stories
        # the same story on the portal and in the paper is one cluster
        assert items["/so/tin/1.html"].cluster_id == items["/bao/van-hoa/di-san-2025-123.html"].cluster_id
    log = (crawl_env.tmp / "crawl-bao-tinh.log").read_text(encoding="utf-8")
    for path in vn_sites.PAYWALLED:  # the officer learns why only the feed's summary was kept
        assert f"{path}: trang chỉ hiện thông báo" in log
    # an empty page (HTTP 200, no body) is told too, although the feed's title and summary stand in for it
    assert "trong-rong.html: trang trống" in log


@pytest.mark.parametrize(
    ("line", "outlet"),
    [
        ("Theo Báo Nghệ An", "Báo Nghệ An"),
        ("(Nguồn: VnExpress)", "VnExpress"),
        ("Nguồn: Cổng TTĐT Chính phủ", "Cổng TTĐT Chính phủ"),
        ("Theo baochinhphu.vn", "baochinhphu.vn"),
        ("Theo kế hoạch, lễ hội kéo dài", None),  # sentences that start the same way
        ("Theo Kế hoạch số 12/KH-UBND", None),
    ],
)
def test_a_credit_line_names_the_outlet(line: str, outlet: str | None) -> None:
    assert credit_line(f"Đoạn văn của bài.\n{line}") == outlet


def test_a_short_first_sentence_with_a_date_is_text_not_a_dateline() -> None:
    text = "Ngày 01/12/2025, tỉnh khai mạc lễ hội.\nHàng nghìn người dân tham dự."
    assert without_heading(f"Lễ hội mở màn\nThứ hai, 01/12/2025 - 08:30\n{text}", "Lễ hội mở màn") == text


def test_a_page_with_an_article_and_a_login_prompt_keeps_the_article() -> None:
    text = vn_sites.STORY + "\nĐăng nhập để bình luận."
    assert paywall_only(text) == text
