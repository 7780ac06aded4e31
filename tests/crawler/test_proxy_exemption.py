"""The proxy configured in the environment may be on a private address: it is exempt from the refusal of
private addresses, on its own host *and port* only. A page on the proxy's host but another port (the proxy at
localhost:P1, a page linking to http://localhost:P2/admin) is still refused. Real parts: the demo site on
127.0.0.1 as the proxy (it serves the absolute-URI requests a proxy receives), a second local server as the
private page, the environment's proxy variables, real crawls in subprocesses, real urllib fetches.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.demo_site.server import DemoSite, serve
from crawler.netguard import is_allowed, proxy_hosts
from crawler.report import fetch
from crawler.runner import run_source
from review.config import CrawlerConfig
from review.errors import UsageError
from review.models import Item
from tests.crawler.conftest import CRAWL_LIMIT_S

STRICT = CrawlerConfig(download_timeout_s=30, max_redirects=3)  # allow_private_hosts = false, the default
PUBLIC = "http://ban-tin.invalid"  # a page the proxy fetches (the name resolves nowhere but at the proxy)
ARTICLE = "/tin-tuc/bao-ton-dan-ca-vi-giam.html"


@pytest.fixture
def admin() -> Iterator[DemoSite]:
    """Another server on 127.0.0.1: what a page on the proxy's host but another port must not reach."""
    s = serve()
    s.set("/admin", "<html><body><h1>Quản trị</h1><p>Trang quản trị nội bộ.</p></body></html>")
    yield s
    s.close()


def _port(site: DemoSite) -> int:
    return int(site.base_url.rpartition(":")[2])


def _proxy_env(monkeypatch: pytest.MonkeyPatch, proxy: str, no_proxy: str = "") -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                 "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", proxy)
    if no_proxy:  # the page is reached directly, so the connection itself is what must refuse it
        monkeypatch.setenv("no_proxy", no_proxy)


# ----------------------------------------------------------------------------------------- endpoints
@pytest.mark.parametrize(("env", "expected"), [
    ({"http_proxy": "http://127.0.0.1:3128"}, {"127.0.0.1:3128"}),
    ({"http_proxy": "http://Proxy.Local"}, {"proxy.local:80"}),  # Scrapy and urllib: port 80
    ({"http_proxy": "https://proxy.local"}, {"proxy.local:443"}),
    ({"http_proxy": "proxy.local"}, {"proxy.local:80"}),  # no scheme: the request's
    ({"http_proxy": "http://user:mk@proxy.local:8080"}, {"proxy.local:8080"}),
    # urllib tunnels https through a port-less proxy on 443 (HTTPSConnection's default), Scrapy on 80
    ({"https_proxy": "http://proxy.local"}, {"proxy.local:80", "proxy.local:443"}),
    ({"https_proxy": "http://[fd00::1]:3128", "no_proxy": "localhost"}, {"[fd00::1]:3128"}),
    ({"http_proxy": "http://proxy.local:99999"}, set()),  # a port out of range: no proxy urllib could use
])
def test_proxy_endpoints_from_the_environment(monkeypatch: pytest.MonkeyPatch, env: dict[str, str],
                                              expected: set[str]) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                 "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert proxy_hosts() == expected


def test_only_the_proxy_port_is_exempt() -> None:
    allowed = frozenset({"127.0.0.1:3128", "[fd00::1]:3128", "proxy.local:80"})
    assert is_allowed(allowed, "127.0.0.1", 3128) and not is_allowed(allowed, "127.0.0.1", 8080)
    assert is_allowed(allowed, "Proxy.Local", 80) and not is_allowed(allowed, "proxy.local", 443)
    assert is_allowed(allowed, "fd00::1", 3128) and is_allowed(allowed, "[fd00::1]", 3128)
    assert not is_allowed(allowed, "fd00::1", 80)
    assert is_allowed(frozenset({"127.0.0.1"}), "127.0.0.1", 8080)  # a bare host, as a caller may name it


# ----------------------------------------------------------------------------------- citizen reports
def test_report_through_a_private_proxy_works(site: DemoSite, monkeypatch: pytest.MonkeyPatch) -> None:
    site.set(PUBLIC + "/bai.html", "<html><body><h1>Trúng thưởng xe SH</h1></body></html>")
    _proxy_env(monkeypatch, site.base_url)
    body, _, final = fetch(PUBLIC + "/bai.html", STRICT)
    assert "Trúng thưởng".encode() in body and final == PUBLIC + "/bai.html"
    assert [r.path for r in site.requests] == [PUBLIC + "/bai.html"]  # the proxy got it, as a proxy does


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_report_of_another_port_of_the_proxy_host_is_refused(site: DemoSite, admin: DemoSite, host: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _proxy_env(monkeypatch, f"http://{host}:{_port(site)}", no_proxy=host)
    with pytest.raises(UsageError, match=f"{host}.* nội bộ .*allow_private_hosts"):
        fetch(f"http://{host}:{_port(admin)}/admin", STRICT)
    assert admin.requests == [] and site.requests == []


# ------------------------------------------------------------------------------------------- crawls
def test_crawl_through_a_private_proxy_refuses_another_port_of_its_host(crawl_env, admin: DemoSite,  # type: ignore[no-untyped-def]
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    site = crawl_env.site
    article = site.lookup(ARTICLE)
    assert article is not None
    site.set(PUBLIC + ARTICLE, article.body)
    admin_url = f"http://localhost:{_port(admin)}/admin"
    site.set(PUBLIC + "/sitemap.xml", "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
             f"<url><loc>{PUBLIC}{ARTICLE}</loc></url><url><loc>{admin_url}</loc></url></urlset>", "application/xml")
    # the proxy is localhost:P1; localhost is not proxied (no_proxy), so localhost:P2 is connected to directly
    _proxy_env(monkeypatch, f"http://localhost:{_port(site)}", no_proxy="localhost")
    path: Path = crawl_env.configure(demo=False)
    body = path.read_text(encoding="utf-8").replace("allow_private_hosts = true", "")
    path.write_text(body + f'\n[[sources]]\nname = "px"\nkind = "sitemap"\nurls = ["{PUBLIC}/sitemap.xml"]\n',
                    encoding="utf-8")
    out = run_source(str(path), "px", CRAWL_LIMIT_S, log_path=crawl_env.tmp / "crawl.log",
                     settings={"CANHGAC_SCORE_ENABLED": "0"})
    log = (crawl_env.tmp / "crawl.log").read_text(encoding="utf-8")

    # the proxy itself is allowed: the sitemap and the article came through it
    assert out.ok and out.items_new == 1, (out, log[-3000:])
    with crawl_env.store.session() as s:
        assert [i.url for i in s.scalars(select(Item))] == [PUBLIC + ARTICLE]
    # its host on another port is not: neither robots.txt nor the page was requested
    assert admin.requests == [], [r.path for r in admin.requests]
    assert "localhost trỏ tới địa chỉ nội bộ 127.0.0.1" in log, log[-3000:]
