"""RSS/Atom crawl against the demo portal: items stored once, conditional GET, revisions."""

from __future__ import annotations

from sqlalchemy import select

from review.models import Item, SourceRun


def test_rss_atom_once_then_conditional_get_then_revision(crawl_env) -> None:  # type: ignore[no-untyped-def]
    out = crawl_env.run("so-vhttdl-rss")
    assert out.ok, out.message
    assert out.items_new == 12
    with crawl_env.store.session() as s:
        items = list(s.scalars(select(Item)))
    assert len(items) == 12
    assert len({i.canonical_url for i in items}) == 12
    assert all("utm_" not in i.canonical_url for i in items)
    hoi_nghi = next(i for i in items if "hoi-nghi-tong-ket" in i.url)
    assert hoi_nghi.title.startswith("Hội nghị tổng kết công tác văn hóa")
    assert hoi_nghi.author == "Nguyễn Thị Hoa"
    assert hoi_nghi.published_at is not None and hoi_nghi.published_at.hour == 1  # 08:30 +07:00
    assert "Toàn dân đoàn kết" in hoi_nghi.text and "Tin liên quan" not in hoi_nghi.text
    assert hoi_nghi.language == "vi" and hoi_nghi.official and hoi_nghi.kind == "article"
    assert hoi_nghi.raw_hash and len(hoi_nghi.raw_hash) == 64

    # second run: validators sent, 304, nothing fetched or stored
    pages_before = len(crawl_env.site.requests)
    out = crawl_env.run("so-vhttdl-rss")
    assert out.ok and out.items_new == 0
    second = crawl_env.site.requests[pages_before:]
    feed_requests = [r for r in second if r.path == "/tin-tuc/rss.xml"]
    assert feed_requests and feed_requests[0].headers.get("if-none-match", "").startswith('"')
    assert not [r for r in second if r.path.endswith(".html")]  # 304: no article fetched again
    assert crawl_env.store.item_count() == 12

    # third run: the feed entry and the article changed → revision 2 of the same URL, same cluster
    path = "/tin-tuc/le-hoi-den-cuong-2026.html"
    original = crawl_env.site.lookup(path).body.decode()
    crawl_env.site.set(path, original.replace("trong 3 ngày", "trong 5 ngày, kéo dài thêm hai ngày"))
    feed = crawl_env.site.lookup("/tin-tuc/rss.xml").body.decode()
    crawl_env.site.set("/tin-tuc/rss.xml", feed.replace("Tối 9/2, tại Khu di tích", "Tối 9/2 (cập nhật), tại Khu di tích"),
                       "application/rss+xml")
    out = crawl_env.run("so-vhttdl-rss")
    assert out.ok and out.items_new == 1
    with crawl_env.store.session() as s:
        rows = list(s.scalars(select(Item).where(Item.url.like("%le-hoi-den-cuong%")).order_by(Item.revision)))
        runs = list(s.scalars(select(SourceRun)))
    assert [r.revision for r in rows] == [1, 2]
    assert rows[1].supersedes_id == rows[0].id and "5 ngày" in rows[1].text
    assert rows[0].cluster_id == rows[1].cluster_id
    assert crawl_env.store.item_count() == 13 and len(runs) == 3


def test_rss_and_sitemap_of_one_site_keep_separate_seen_markers(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """Both demo sources list the same articles: the sitemap's lastmod dates must not overwrite the feed's
    entry fingerprints (and back), or every run of one source re-fetches every article the other listed."""
    assert crawl_env.run("so-vhttdl-rss").ok
    assert crawl_env.run("so-vhttdl-sitemap").ok
    # the feed changed (so no 304), but only one of its entries did
    feed = crawl_env.site.lookup("/tin-tuc/rss.xml").body.decode()
    crawl_env.site.set("/tin-tuc/rss.xml", feed.replace("Tối 9/2, tại Khu di tích", "Tối 9/2 (cập nhật), tại Khu di tích"),
                       "application/rss+xml")
    before = len(crawl_env.site.requests)
    assert crawl_env.run("so-vhttdl-rss").ok
    articles = {r.path for r in crawl_env.site.requests[before:] if r.path.endswith(".html")}
    assert articles == {"/tin-tuc/le-hoi-den-cuong-2026.html"}, sorted(articles)
    # and the sitemap, run again, fetches nothing it already saw
    before = len(crawl_env.site.requests)
    assert crawl_env.run("so-vhttdl-sitemap").ok
    assert not [r for r in crawl_env.site.requests[before:] if r.path.endswith(".html")]
