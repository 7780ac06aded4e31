"""DNS rebinding: a name that resolves to a public address when it is checked and to a private one when
the connection is made. The only check that holds is the one made on the address actually connected to,
so these tests take the early checks out of the way (what a rebinding name does to them) and expect the
connection itself to be refused. Real parts: the demo site on 127.0.0.1, `localhost` resolved by the
system's resolver (/etc/hosts), real crawls in subprocesses, real urllib fetches.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest

from crawler.demo_site.server import DemoSite, demo_sources_toml
from crawler.report import fetch
from crawler.runner import RunOutcome, run_source
from review.config import CrawlerConfig
from review.errors import CanhgacError, UsageError
from tests.crawler.badsite import _redirect
from tests.crawler.conftest import CRAWL_LIMIT_S

ARTICLE = "/dien-dan/bai/trung-thuong-xe-sh.html"
STRICT = CrawlerConfig(download_timeout_s=30, max_redirects=3)  # allow_private_hosts = false, the default


def _on(site: DemoSite, host: str) -> str:
    """The demo site's base URL spelled with `host` (a name or address of 127.0.0.1)."""
    return site.base_url.replace("127.0.0.1", host)


def _strict_crawl(crawl_env, host: str, settings: dict[str, str]) -> RunOutcome:  # type: ignore[no-untyped-def]
    """Crawl the demo RSS source served as http://<host>:port with `allow_private_hosts` unset."""
    path: Path = crawl_env.configure(demo=False)
    body = path.read_text(encoding="utf-8").replace("allow_private_hosts = true", "")
    path.write_text(body + demo_sources_toml(_on(crawl_env.site, host)), encoding="utf-8")
    return run_source(str(path), "so-vhttdl-rss", CRAWL_LIMIT_S, log_path=crawl_env.tmp / "crawl.log",
                      settings={"CANHGAC_SCORE_ENABLED": "0", **settings})


# ------------------------------------------------------------------------------------------- crawls
@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_crawl_connects_to_no_private_address_even_without_the_request_check(crawl_env, host: str) -> None:  # type: ignore[no-untyped-def]
    # DOWNLOADER_MIDDLEWARES={} drops RequestGuard: whatever a check made before the download concluded
    # (a rebinding name's first, public answer), the connection must still not reach 127.0.0.1
    out = _strict_crawl(crawl_env, host, {"DOWNLOADER_MIDDLEWARES": "{}"})
    assert crawl_env.site.requests == []  # not even robots.txt
    assert not out.ok and out.items_new == 0


def test_crawl_says_why_a_name_was_refused(crawl_env) -> None:  # type: ignore[no-untyped-def]
    out = _strict_crawl(crawl_env, "localhost", {})
    assert crawl_env.site.requests == []
    assert not out.ok
    assert "localhost trỏ tới địa chỉ nội bộ 127.0.0.1" in out.message and "allow_private_hosts" in out.message, \
        out.message


# ----------------------------------------------------------------------------------- citizen reports
def test_report_connects_to_no_private_address_even_when_the_name_looked_public(
        site: DemoSite, monkeypatch: pytest.MonkeyPatch) -> None:
    # The check made before connecting answers "public" for every name, as it would for a rebinding
    # name's first answer (`raising=False`: a fetch that checks only where it connects has no such check).
    monkeypatch.setattr("crawler.report._private_host", lambda url: None, raising=False)
    with pytest.raises(UsageError, match=r"localhost trỏ tới địa chỉ nội bộ 127\.0\.0\.1 .*allow_private_hosts"):
        fetch(_on(site, "localhost") + ARTICLE, STRICT)
    assert site.requests == []


def test_report_refuses_a_redirect_to_a_name_of_a_private_address(site: DemoSite) -> None:
    # 127.0.0.1 stands for a public page (its host:port allowed explicitly, as a configured proxy is); it redirects to
    # `localhost`, which must be refused where the second connection is made
    site.set_handler("/chuyen", _redirect(_on(site, "localhost") + "/khac"))
    with pytest.raises(CanhgacError, match=r"từ chối chuyển hướng tới địa chỉ nội bộ localhost \(127\.0\.0\.1\)"):
        fetch(site.base_url + "/chuyen", STRICT, allowed_hosts=frozenset({site.base_url.removeprefix("http://")}))
    assert [r.path for r in site.requests] == ["/chuyen"]


@pytest.mark.parametrize("host", ["localhost", "vm", "127.0.0.1", "127.1", "2130706433", "[::ffff:127.0.0.1]"])
def test_report_refuses_every_spelling_of_a_private_address(site: DemoSite, host: str) -> None:
    url = _on(site, host) + ARTICLE
    with pytest.raises(UsageError, match="địa chỉ nội bộ"):
        fetch(url, STRICT)
    assert site.requests == []


def test_report_of_a_private_address_works_when_allowed(site: DemoSite) -> None:
    body, _, final = fetch(_on(site, "localhost") + ARTICLE,
                           CrawlerConfig(download_timeout_s=30, allow_private_hosts=True))
    assert "trúng thưởng" in body.decode("utf-8").lower() and urllib.parse.urlsplit(final).hostname == "localhost"
