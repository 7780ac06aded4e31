"""Bad input never stops a crawl nor loses items; each problem is recorded on the source's health."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from review.models import Item, Source
from tests.crawler.badsite import CP1258_TEXT, NFD_TEXT, install

BAD = ["bad-articles", "bad-truncated", "bad-bomb", "bad-sitemap-bomb", "bad-dns", "bad-500"]


def test_each_bad_input_is_recorded_and_the_crawl_goes_on(crawl_env) -> None:  # type: ignore[no-untyped-def]
    crawl_env.configure(install(crawl_env.site))
    with ThreadPoolExecutor(max_workers=len(BAD)) as pool:
        out = dict(zip(BAD, pool.map(crawl_env.run, BAD), strict=True))
    with crawl_env.store.session() as s:
        health = {src.name: src for src in s.scalars(select(Source))}
        items = {i.url.rsplit("/", 1)[-1]: i for i in s.scalars(select(Item))}

    # an article list full of broken links: the good pages are stored, each broken one counted
    art = out["bad-articles"]
    assert art.ok, art.message
    assert art.errors >= 8, art.message  # empty, 404, 500, timeout, redirect loop, DNS, 50 MB, gzip bomb
    log = (crawl_env.tmp / "crawl-bad-articles.log").read_text(encoding="utf-8")
    for sign in ("máy chủ trả về HTTP 404", "máy chủ trả về HTTP 500", "quá thời gian chờ", "TimeoutError",
                 "không tìm thấy tên miền (DNS)", "DNS lookup failed", "trang trống",
                 "chuyển hướng quá số lần cho phép ([crawler] max_redirects)", "max redirections",
                 "trang lớn hơn giới hạn tải về (2 MB, [crawler] download_maxsize_mb)", "download max size",
                 "DOWNLOAD_MAXSIZE"):
        assert sign in log, sign
    assert "gzip-bomb.html: trang lớn hơn giới hạn tải về (2 MB, [crawler] download_maxsize_mb)" in log
    assert CP1258_TEXT in items["cp1258.html"].text  # Windows-1258 without a declared charset
    assert NFD_TEXT in items["nfd.html"].text  # NFD in, NFC stored
    assert "bao-ton-dan-ca-vi-giam.html" in items
    assert health["bad-articles"].last_error and health["bad-articles"].consecutive_failures == 0

    # a truncated feed: the entries before the cut are kept, the damage is on the source's health
    assert out["bad-truncated"].ok and out["bad-truncated"].items_new == 2
    assert "kênh RSS/Atom sai cấu trúc" in (health["bad-truncated"].last_error or "")

    # XML bombs: entities are never expanded (no "lollol" text anywhere), the crawl finishes with a run of its own
    # (how long it takes is the benchmark's business, not a test's: a loaded machine takes longer)
    for name in ("bad-bomb", "bad-sitemap-bomb"):
        bomb = out[name]
        # the run ends on its own (no timeout) having read the entry and fetched the page it links to
        assert bomb.ok and not bomb.internal_error and bomb.pages >= 2, bomb
        assert health[name].consecutive_failures == 0 and "lol" not in (health[name].last_error or ""), name
    # the parser refused the entities instead of expanding them
    assert "undefined entity" in out["bad-bomb"].message
    # the sitemap's one entry is linked from nowhere else: it was stored from the bomb, its date left unread
    read = items["ngay-sach-va-van-hoa-doc.html"]
    assert read.source_id == health["bad-sitemap-bomb"].id and "lol" not in read.title + read.text
    assert all("lollollol" not in (i.title + i.text + (i.author or "")) for i in items.values())

    # dead sources: the run fails and the failure streak grows
    for name, sign in (("bad-dns", "DNS"), ("bad-500", "HTTP 500")):
        assert not out[name].ok, name
        assert health[name].consecutive_failures == 1
        assert sign in (health[name].last_error or ""), health[name].last_error
