"""An article reached at its AMP address (/amp/..., ?amp=1, amp.domain) is filed under the address its
`<link rel="canonical">` names on the same site, so that its AMP and normal copies are one item, crawled in one run
or in two, in either order; a canonical naming another site (or the home page) is not followed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crawler.extract import extract_article
from crawler.items import CollectedItem
from crawler.pipelines.dedupe import AmpCopies
from crawler.urls import is_amp_url, same_site_canonical
from review.models import Item
from tests.crawler import vn_sites

BODY = ("Lễ hội đền Cuông năm nay thu hút hàng vạn lượt du khách thập phương về dâng hương tưởng nhớ An Dương Vương, "
        "với nhiều trò chơi dân gian hấp dẫn như kéo co, đấu vật, đánh cờ người và thi gói bánh chưng.")


def _amp(canonical: str) -> str:
    return vn_sites._paper("Lễ hội đền Cuông thu hút du khách", BODY,
                           head=f'<link rel="canonical" href="{canonical}">', amp=True)


def _normal(amphtml: str) -> str:
    return vn_sites._paper("Lễ hội đền Cuông thu hút du khách", BODY, head=f'<link rel="amphtml" href="{amphtml}">')


@pytest.mark.parametrize(("url", "amp"), [
    ("https://baotinh.vn/amp/van-hoa/le-hoi.html", True),
    ("https://baotinh.vn/van-hoa/le-hoi.html?amp=1", True),
    ("https://baotinh.vn/van-hoa/le-hoi.html?amp", True),
    ("https://amp.baotinh.vn/van-hoa/le-hoi.html", True),
    ("https://baotinh.vn/van-hoa/le-hoi.amp", True),
    ("https://baotinh.vn/van-hoa/le-hoi-amp.html", True),
    ("https://baotinh.vn/van-hoa/le-hoi.html", False),
    ("https://baotinh.vn/camp/trai-he.html", False),
    ("https://baotinh.vn/van-hoa/ampli-co.html", False),
])
def test_amp_addresses(url: str, amp: bool) -> None:
    assert is_amp_url(url) is amp


@pytest.mark.parametrize(("fetched", "href", "canonical"), [
    ("https://baotinh.vn/amp/a.html", "/a.html", "https://baotinh.vn/a.html"),
    ("https://amp.baotinh.vn/a.html", "https://baotinh.vn/a.html", "https://baotinh.vn/a.html"),
    ("https://www.baotinh.vn/amp/a.html", "https://baotinh.vn/a.html", "https://baotinh.vn/a.html"),
    ("https://baotinh.vn/amp/a.html", "https://baokhac.vn/a.html", None),  # another site: a spoofing vector
    ("https://baotinh.vn/amp/a.html", "https://baotinh.vn.evil.example/a.html", None),
    ("https://tinh.baotinh.vn/amp/a.html", "https://huyen.baotinh.vn/a.html", None),  # another host
    ("http://127.0.0.1:8001/amp/a.html", "http://127.0.0.1:8002/a.html", None),  # another port
    ("https://baotinh.vn/amp/a.html", "/", None),  # the home page as every page's canonical
    ("https://baotinh.vn/amp/a.html", "/amp/a.html", None),  # itself
    ("https://baotinh.vn/amp/a.html", "javascript:alert(1)", None),
    ("https://baotinh.vn/amp/a.html", "http://[x", None),
])
def test_a_canonical_is_followed_only_on_the_same_site(fetched: str, href: str, canonical: str | None) -> None:
    assert same_site_canonical(fetched, href) == canonical


def test_only_an_amp_pages_canonical_is_read() -> None:
    url = "https://baotinh.vn/amp/van-hoa/le-hoi.html"
    assert extract_article(_amp("/van-hoa/le-hoi.html"), url).canonical == "https://baotinh.vn/van-hoa/le-hoi.html"
    assert extract_article(_amp("https://baokhac.vn/le-hoi.html"), url).canonical is None
    # a normal page's canonical (CMSs name the home page or the listing's first page) is not followed
    page = vn_sites._paper("Lễ hội", BODY, head='<link rel="canonical" href="/van-hoa/khac.html">')
    assert extract_article(page, "https://baotinh.vn/van-hoa/le-hoi.html").canonical is None
    # `<html amp>` makes it AMP whatever its address
    assert extract_article(_amp("/van-hoa/le-hoi.html"), "https://baotinh.vn/m/le-hoi.html").canonical == \
        "https://baotinh.vn/van-hoa/le-hoi.html"


def _feed(base: str, paths: list[str]) -> str:
    entries = "".join(f'<entry><title>Lễ hội đền Cuông</title><link rel="alternate" href="{base}{p}"/><id>{base}{p}</id>'
                      f"<updated>2025-12-02T10:15:00+07:00</updated></entry>" for p in paths)
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Báo Tỉnh</title>'
            f"<id>{base}/bao/</id><updated>2025-12-02T12:00:00+07:00</updated>{entries}</feed>")


NORMAL, AMP, OTHER = "/bao/van-hoa/le-hoi.html", "/bao/amp/van-hoa/le-hoi.html", "/bao/amp/van-hoa/gia-mao.html"


def _serve(crawl_env) -> None:  # type: ignore[no-untyped-def]
    b = crawl_env.site.base_url
    crawl_env.site.set(NORMAL, _normal(AMP))
    crawl_env.site.set(AMP, _amp(NORMAL))
    crawl_env.configure(f'\n[[sources]]\nname = "bao"\nkind = "rss"\nurls = ["{b}/bao/atom.xml"]\n', demo=False)


def _items(crawl_env) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    b = crawl_env.site.base_url
    with crawl_env.store.session() as s:
        return sorted((i.url.removeprefix(b), i.canonical_url.removeprefix(b)) for i in s.scalars(select(Item)))


def test_both_copies_in_one_run_are_one_item(crawl_env) -> None:  # type: ignore[no-untyped-def]
    _serve(crawl_env)
    b = crawl_env.site.base_url
    crawl_env.site.set("/bao/atom.xml", _feed(b, [AMP, NORMAL]), "application/atom+xml")
    out = crawl_env.run("bao")
    assert out.ok and out.items_new == 1, out
    [(url, canonical)] = _items(crawl_env)
    assert canonical == NORMAL and url in (AMP, NORMAL)
    assert crawl_env.run("bao").items_new == 0  # and nothing the next run


@pytest.mark.parametrize("order", [[AMP, NORMAL], [NORMAL, AMP]])
def test_both_copies_across_runs_are_one_item(crawl_env, order: list[str]) -> None:  # type: ignore[no-untyped-def]
    _serve(crawl_env)
    b = crawl_env.site.base_url
    for path in order:
        crawl_env.site.set("/bao/atom.xml", _feed(b, [path]), "application/atom+xml")
        assert crawl_env.run("bao").ok
    assert _items(crawl_env) == [(order[0], NORMAL)]


def test_a_canonical_to_another_site_keeps_the_amp_address(crawl_env) -> None:  # type: ignore[no-untyped-def]
    _serve(crawl_env)
    b = crawl_env.site.base_url
    crawl_env.site.set(OTHER, _amp("http://baokhac.example.vn/bai-that.html"))
    crawl_env.site.set("/bao/atom.xml", _feed(b, [OTHER]), "application/atom+xml")
    assert crawl_env.run("bao").items_new == 1
    assert _items(crawl_env) == [(OTHER, OTHER)]


def test_the_amp_copy_edited_later_is_a_revision_of_its_item(crawl_env) -> None:  # type: ignore[no-untyped-def]
    """The copy that owns the address still makes revisions: only the other copy is dropped."""
    _serve(crawl_env)
    b = crawl_env.site.base_url
    crawl_env.site.set("/bao/atom.xml", _feed(b, [AMP]), "application/atom+xml")
    assert crawl_env.run("bao").items_new == 1
    crawl_env.site.set(AMP, _amp(NORMAL).replace("thi gói bánh chưng", "thi gói bánh chưng, bánh giầy"))
    crawl_env.site.set("/bao/atom.xml", _feed(b, [AMP]).replace("10:15", "11:15"), "application/atom+xml")
    assert crawl_env.run("bao").ok
    assert _items(crawl_env) == [(AMP, NORMAL), (AMP, NORMAL)]


def _item(url: str, canonical: str) -> CollectedItem:
    return CollectedItem(url=url, canonical_url=canonical)


def test_only_an_amp_copy_makes_another_copy() -> None:
    a, n = "https://baotinh.vn/amp/a.html", "https://baotinh.vn/a.html"
    copies = AmpCopies()
    assert copies.other_copy(_item(a, n)) is None  # the first copy owns the address
    assert copies.other_copy(_item(n, n)) == a
    assert copies.other_copy(_item(a, n)) is None  # its own later fetch
    assert AmpCopies().other_copy(_item(a, n), (n, False)) == n  # the normal copy was stored first
    assert AmpCopies().other_copy(_item(n, n), (a, True)) == a  # the AMP copy was
    # a page stored when its address was spelled otherwise (an older canonical rule) is no other copy of itself
    assert AmpCopies().other_copy(_item(n, n), ("https://baotinh.vn/a.html?from=rss", False)) is None
