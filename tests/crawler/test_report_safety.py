"""Citizen reports cannot be used to reach private hosts or to store non-http(s) URLs, and the id
`report` prints is the one `show` takes. A real demo site on 127.0.0.1, a real database."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crawler.cli import main
from crawler.demo_site.server import DemoSite
from crawler.report import FetchError, RedirectGuard
from crawler.report_fetch import fetch
from review.config_sections import CrawlerConfig
from review.errors import UsageError
from review.models import Item, ReviewEntry
from review.store import Store
from tests.crawler.badsite import _redirect
from tests.review.factory import add_item

ARTICLE = "/dien-dan/bai/trung-thuong-xe-sh.html"
NO_MODEL = '\n[classifier]\nmodel = "no-model-here.skops"\n'


def _items(db_url: str) -> int:
    store = Store.open(db_url)
    try:
        with store.session() as s:
            return s.scalar(select(func.count()).select_from(Item)) or 0
    finally:
        store.close()


def test_report_of_a_private_host_is_refused_by_default(site: DemoSite, db_url: str, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    Store.open(db_url, create=True).close()
    cfg = tmp_path / "canhgac.toml"
    cfg.write_text(f'[database]\nurl = "{db_url}"\n{NO_MODEL}', encoding="utf-8")  # allow_private_hosts unset
    assert main(["--config", str(cfg), "report", site.base_url + ARTICLE]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "127.0.0.1 là địa chỉ nội bộ" in err and "allow_private_hosts" in err
    assert site.requests_for(ARTICLE) == [] and _items(db_url) == 0


def test_report_follows_a_redirect_when_private_hosts_are_allowed(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure(NO_MODEL))  # FAST_CRAWLER: allow_private_hosts = true
    crawl_env.site.set_handler("/chuyen", _redirect(crawl_env.site.base_url + ARTICLE))
    assert main(["--config", cfg, "report", crawl_env.site.base_url + "/chuyen"]) == 0, capsys.readouterr().err
    with crawl_env.store.session() as s:
        item = s.scalars(select(Item).where(Item.kind == "report")).one()
    assert item.url.endswith(ARTICLE) and item.title.startswith("Chúc mừng bạn đã trúng thưởng xe SH")


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/", "/khac"])
def test_redirect_guard_refuses_a_redirect_to_a_private_host(site: DemoSite, target: str) -> None:
    # The first hop is 127.0.0.1 (the only server a test can run); `fetch` refuses that itself, so the
    # opener is built with the guard alone to prove the *redirect* check: a public page bouncing to a
    # private address is refused before the second request is made.
    site.set_handler("/chuyen", _redirect(target if target.startswith("http") else site.base_url + target))
    opener = urllib.request.build_opener(RedirectGuard(5, allow_private_hosts=False))
    with pytest.raises(FetchError, match=r"từ chối chuyển hướng tới (169\.254\.169\.254 là địa chỉ link-local|địa chỉ nội bộ 127\.0\.0\.1)"):
        opener.open(site.base_url + "/chuyen", timeout=30)
    assert site.requests_for("/khac") == []


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "http://"])
def test_report_with_text_still_refuses_a_non_http_url(crawl_env, capsys, url: str,  # type: ignore[no-untyped-def]
                                                       tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # the text is kept there (`crawler.report_kept`)
    cfg = str(crawl_env.configure(NO_MODEL))
    assert main(["--config", cfg, "report", url, "--text", "Tin nhắn: bạn trúng thưởng 50 triệu"]) == 2
    assert "chỉ nhận phản ánh địa chỉ http:// hoặc https://" in capsys.readouterr().err
    with crawl_env.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Item)) == 0


def test_report_prints_the_id_show_takes(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    # the bundled model scores the report, which puts it in the review queue
    cfg = str(crawl_env.configure())
    for n in range(3):  # items without a review entry first, so item ids and entry ids differ
        add_item(crawl_env.store, f"Thông báo lịch cắt điện số {n}")
    capsys.readouterr()
    assert main(["--config", cfg, "report", crawl_env.site.base_url + ARTICLE]) == 0
    out = capsys.readouterr().out
    m = re.search(r"Phản ánh đã lưu — mục #(\d+),", out)
    assert m, out
    [entry_id] = m.groups()
    with crawl_env.store.session() as s:
        item_id = s.scalar(select(ReviewEntry.item_id).where(ReviewEntry.id == int(entry_id)))
    assert item_id is not None and str(item_id) != entry_id
    assert f"#{item_id}" not in out and "mã tin" not in out, out  # no second number to take for the entry's
    assert main(["--config", cfg, "show", entry_id]) == 0
    shown = capsys.readouterr().out
    assert f"Mục #{entry_id} " in shown and "NGƯỜI DÂN PHẢN ÁNH" in shown and ARTICLE in shown, shown


def test_crawl_with_the_default_config_does_not_fetch_a_private_host(crawl_env) -> None:  # type: ignore[no-untyped-def]
    # the same crawl config the other tests use, minus `allow_private_hosts = true`
    path = crawl_env.configure()
    path.write_text(path.read_text(encoding="utf-8").replace("allow_private_hosts = true", ""), encoding="utf-8")
    out = crawl_env.run("so-vhttdl-rss")
    assert out.items_new == 0
    assert crawl_env.site.requests == []  # not even robots.txt


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/", "http://2852039166/latest/",
                                    "http://[fe80::1]/"])
def test_a_report_never_reaches_a_link_local_address_even_with_private_hosts_allowed(
        site: DemoSite, target: str) -> None:
    """`allow_private_hosts = true` (the demo; an office's intranet) opens private addresses to a report's fetch,
    never the cloud metadata service or anything link-local: not as the reported address, not after a redirect
    (a citizen supplies the URL: the easiest fetch for an attacker to steer)."""
    cfg = CrawlerConfig(allow_private_hosts=True, download_timeout_s=30)
    with pytest.raises(UsageError, match="link-local"):
        fetch(target, cfg)
    site.set_handler("/chuyen", _redirect(target))
    with pytest.raises(FetchError, match="link-local"):
        fetch(site.base_url + "/chuyen", cfg)
    assert site.requests_for("/chuyen")  # the private host was fetched: allowed

