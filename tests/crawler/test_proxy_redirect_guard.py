"""The request guard decides by the request as it will really be sent, not by the environment.

Scrapy keeps a request's proxy on a redirect to the same scheme (`RedirectMiddleware`), whatever `no_proxy` says
of the new host: a public page behind the proxy that redirects to a `no_proxy` host sends that request to the
proxy, which resolves and fetches it. Before the fix the guard asked the environment ("localhost is in no_proxy:
direct, the resolver checks it"), so the private page was fetched through the proxy unchecked. The other way
round, a request that connects directly to the proxy's own host and port (a page "on" the proxy, reached through
`no_proxy`: Squid's cache manager answers there) passed the resolver, which exempts the proxy's endpoint.

Real parts: the demo site on 127.0.0.1 as the proxy (it serves the absolute-URI requests a proxy receives and
forwards the private page's, as a real proxy would), a second local server as the private page, the
environment's proxy variables, real crawls in subprocesses.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from scrapy import Request

from crawler.demo_site.server import DemoSite, serve
from crawler.runner import RunOutcome, run_source
from tests.crawler.badsite import _redirect
from tests.crawler.conftest import CRAWL_LIMIT_S

PUBLIC = "http://ban-tin.invalid"  # a page only the proxy can fetch (the name resolves nowhere else)
PAGE = "<html><body><h1>Quản trị</h1><p>Trang quản trị nội bộ, chỉ dành cho cán bộ.</p></body></html>"


@pytest.fixture
def admin() -> Iterator[DemoSite]:
    """A private page on 127.0.0.1: what no crawl may reach without allow_private_hosts."""
    s = serve()
    s.set("/admin", PAGE)
    yield s
    s.close()


def _port(site: DemoSite) -> int:
    return int(site.base_url.rpartition(":")[2])


def _forward(to: str):  # type: ignore[no-untyped-def]
    """What a proxy does with an absolute-URI request: fetch it (directly) and hand the answer back."""
    def handle(handler: BaseHTTPRequestHandler) -> None:
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(to, timeout=30) as r:
            body = r.read()
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    return handle


def _proxy_env(monkeypatch: pytest.MonkeyPatch, proxy: str, no_proxy: str) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                 "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", proxy)
    monkeypatch.setenv("no_proxy", no_proxy)


def _crawl(crawl_env, locs: list[str], *, allow_private: bool = False) -> tuple[RunOutcome, str]:  # type: ignore[no-untyped-def]
    """A sitemap source behind the proxy listing `locs`, crawled with allow_private_hosts as given."""
    crawl_env.site.set(PUBLIC + "/sitemap.xml", "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                       + "".join(f"<url><loc>{u}</loc></url>" for u in locs) + "</urlset>", "application/xml")
    path: Path = crawl_env.configure(demo=False)
    body = path.read_text(encoding="utf-8")
    if not allow_private:
        body = body.replace("allow_private_hosts = true", "")
    path.write_text(body + f'\n[[sources]]\nname = "px"\nkind = "sitemap"\nurls = ["{PUBLIC}/sitemap.xml"]\n',
                    encoding="utf-8")
    out = run_source(str(path), "px", CRAWL_LIMIT_S, log_path=crawl_env.tmp / "crawl.log",
                     settings={"CANHGAC_SCORE_ENABLED": "0"})
    return out, (crawl_env.tmp / "crawl.log").read_text(encoding="utf-8")


def test_a_redirect_to_a_no_proxy_host_that_keeps_the_proxy_is_checked(crawl_env, admin: DemoSite,  # type: ignore[no-untyped-def]
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    site = crawl_env.site
    target = f"http://localhost:{_port(admin)}/admin"
    site.set_handler(PUBLIC + "/chuyen", _redirect(target))  # the public page redirects to the no_proxy host
    site.set_handler(target, _forward(target))  # the proxy fetches whatever it is asked for
    _proxy_env(monkeypatch, site.base_url, no_proxy="localhost")
    out, log = _crawl(crawl_env, [PUBLIC + "/chuyen"])

    assert admin.requests == [], [r.path for r in admin.requests]
    assert site.requests_for(target) == []  # not even asked of the proxy
    assert out.items_new == 0, (out, log[-3000:])
    assert "localhost trỏ tới địa chỉ nội bộ 127.0.0.1" in log, log[-3000:]


def test_a_redirect_kept_on_the_proxy_is_allowed_with_allow_private_hosts(crawl_env, admin: DemoSite,  # type: ignore[no-untyped-def]
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    site = crawl_env.site
    target = f"http://localhost:{_port(admin)}/admin"
    site.set_handler(PUBLIC + "/chuyen", _redirect(target))
    site.set_handler(target, _forward(target))
    _proxy_env(monkeypatch, site.base_url, no_proxy="localhost")
    out, log = _crawl(crawl_env, [PUBLIC + "/chuyen"], allow_private=True)

    assert out.ok and out.items_new == 1, (out, log[-3000:])
    assert [r.path for r in admin.requests if r.path == "/admin"] == ["/admin"]


def test_a_direct_request_to_the_proxys_own_endpoint_is_checked(crawl_env,  # type: ignore[no-untyped-def]
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    site = crawl_env.site
    site.set("/squid-internal-mgr/info", PAGE)  # a proxy's own pages, answered to a direct request
    # the proxy is localhost:P; localhost is not proxied, so http://localhost:P/... is connected to directly,
    # on the proxy's very endpoint, which the resolver lets through (it cannot tell this from a proxied request)
    _proxy_env(monkeypatch, f"http://localhost:{_port(site)}", no_proxy="localhost")
    out, log = _crawl(crawl_env, [f"http://localhost:{_port(site)}/squid-internal-mgr/info"])

    assert site.requests_for("/squid-internal-mgr/info") == [], [r.path for r in site.requests]
    assert site.requests_for("/robots.txt") == []
    assert out.items_new == 0, (out, log[-3000:])
    assert "localhost trỏ tới địa chỉ nội bộ 127.0.0.1" in log, log[-3000:]


# --------------------------------------------------------------------------- the guard on single requests
def _sent(url: str, proxy: str | None, *, allow_private: bool = False,
          proxies: frozenset[str] = frozenset()) -> None:
    from crawler.middlewares import SentRequestGuard  # noqa: PLC0415 - (imported here: ran before it existed)

    request = Request(url, meta={"proxy": proxy})
    SentRequestGuard(allow_private, proxies).process_request(request)


def test_the_guard_reads_the_request_s_proxy_not_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from scrapy.exceptions import IgnoreRequest

    _proxy_env(monkeypatch, "http://127.0.0.1:3128", no_proxy="localhost")  # the environment says "direct"
    with pytest.raises(IgnoreRequest, match="localhost trỏ tới địa chỉ nội bộ 127.0.0.1"):
        _sent("http://localhost:8080/admin", "http://127.0.0.1:3128")  # the request says "through the proxy"
    _sent("http://localhost:8080/admin", "http://127.0.0.1:3128", allow_private=True)
    _sent("http://localhost:8080/admin", None)  # direct: the resolver checks it where it connects
    with pytest.raises(IgnoreRequest, match="localhost trỏ tới địa chỉ nội bộ 127.0.0.1"):  # but not the proxy's
        _sent("http://localhost:3128/", None, proxies=frozenset({"localhost:3128"}))
    _sent("http://localhost:3128/", None, allow_private=True, proxies=frozenset({"localhost:3128"}))


# ----------------------------------------------------------------------------------- citizen reports
def test_a_report_connecting_directly_to_the_proxys_endpoint_is_checked(site: DemoSite,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from crawler.report import fetch  # noqa: PLC0415
    from review.config import CrawlerConfig  # noqa: PLC0415
    from review.errors import UsageError  # noqa: PLC0415

    site.set("/squid-internal-mgr/info", PAGE)
    _proxy_env(monkeypatch, f"http://localhost:{_port(site)}", no_proxy="localhost")
    with pytest.raises(UsageError, match="localhost.* nội bộ .*allow_private_hosts"):
        fetch(f"http://localhost:{_port(site)}/squid-internal-mgr/info", CrawlerConfig(download_timeout_s=30))
    assert site.requests == []


# ------------------------------------------------------------- names the proxy resolves: spelled, looked up
@pytest.mark.parametrize("url", ["http://localhost./admin", "http://127.0.0.1./admin", "http://admin.localhost/",
                                 "http://LOCALHOST/", "http://x.localhost./", "http://127.1/admin",
                                 "http://[::1]/admin"])
def test_loopback_in_any_spelling_is_refused_before_the_proxy(url: str) -> None:
    from scrapy.exceptions import IgnoreRequest

    with pytest.raises(IgnoreRequest, match="nội bộ"):
        _sent(url, "http://10.0.0.8:3128")
    _sent(url, "http://10.0.0.8:3128", allow_private=True)


def test_a_link_local_literal_is_refused_even_with_allow_private_hosts() -> None:
    from scrapy.exceptions import IgnoreRequest

    for url in ["http://169.254.169.254./latest/meta-data/", "http://2852039166/", "http://[fe80::1]/"]:
        with pytest.raises(IgnoreRequest, match="169.254.169.254|fe80::1"):
            _sent(url, "http://10.0.0.8:3128", allow_private=True)


class _Resolver:
    """socket.getaddrinfo as the guard sees it: records the names asked, answers from a table."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table, self.asked = table, []  # type: list[str]

    def __call__(self, host: str, port: object, *args: object, **kwargs: object) -> list[tuple[object, ...]]:
        import socket  # noqa: PLC0415

        self.asked.append(host)
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (self.table[host], port or 0))]


def test_one_lookup_per_name_and_run_and_with_allow_private_hosts_only_never_fetched_addresses_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import socket  # noqa: PLC0415

    from scrapy.exceptions import IgnoreRequest

    from crawler.middlewares import SentRequestGuard  # noqa: PLC0415

    resolver = _Resolver({"bao.example": "93.184.216.34", "noibo.example": "10.1.2.3",
                          "meta.attacker.example": "169.254.169.254"})
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    open_guard = SentRequestGuard(True, frozenset())
    for n in range(3):
        assert open_guard.process_request(Request(f"http://bao.example/{n}", meta={"proxy": "http://p:3128"})) is None
        assert open_guard.process_request(Request(f"http://noibo.example/{n}", meta={"proxy": "http://p:3128"})) is None
        # allow_private_hosts does not open the cloud metadata service (docs/crawling.md), by name either
        with pytest.raises(IgnoreRequest, match="169.254.169.254"):
            open_guard.process_request(Request(f"http://meta.attacker.example/{n}", meta={"proxy": "http://p:3128"}))
    assert sorted(resolver.asked) == ["bao.example", "meta.attacker.example", "noibo.example"], resolver.asked

    resolver.asked.clear()
    guard = SentRequestGuard(False, frozenset())
    for n in range(3):
        assert guard.process_request(Request(f"http://bao.example/{n}", meta={"proxy": "http://p:3128"})) is None
        with pytest.raises(IgnoreRequest, match="noibo.example trỏ tới địa chỉ nội bộ 10.1.2.3"):
            guard.process_request(Request(f"http://noibo.example/{n}", meta={"proxy": "http://p:3128"}))
    assert sorted(resolver.asked) == ["bao.example", "noibo.example"], resolver.asked


def test_in_the_crawl_s_event_loop_the_lookup_is_made_off_its_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio  # noqa: PLC0415
    import inspect  # noqa: PLC0415
    import socket  # noqa: PLC0415
    import threading  # noqa: PLC0415

    from scrapy.exceptions import IgnoreRequest

    from crawler.middlewares import SentRequestGuard  # noqa: PLC0415

    resolver = _Resolver({"bao.example": "93.184.216.34", "noibo.example": "10.1.2.3"})
    threads: list[str] = []

    def recorded(*args: object, **kwargs: object) -> list[tuple[object, ...]]:
        threads.append(threading.current_thread().name)
        return resolver(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", recorded)
    guard = SentRequestGuard(False, frozenset())

    async def crawl() -> None:
        result = guard.process_request(Request("http://bao.example/", meta={"proxy": "http://p:3128"}))
        assert inspect.isawaitable(result)  # Scrapy awaits it: the loop goes on with other downloads meanwhile
        assert await result is None
        refused = guard.process_request(Request("http://noibo.example/", meta={"proxy": "http://p:3128"}))
        with pytest.raises(IgnoreRequest, match="noibo.example trỏ tới địa chỉ nội bộ 10.1.2.3"):
            await refused  # type: ignore[misc]
        assert guard.process_request(Request("http://bao.example/2", meta={"proxy": "http://p:3128"})) is None
        refused = open_guard.process_request(Request("http://meta.attacker.example/", meta={"proxy": "http://p:3128"}))
        with pytest.raises(IgnoreRequest, match="169.254.169.254"):
            await refused  # type: ignore[misc]

    open_guard = SentRequestGuard(True, frozenset())
    resolver.table["meta.attacker.example"] = "169.254.169.254"
    asyncio.run(crawl())
    assert resolver.asked == ["bao.example", "noibo.example", "meta.attacker.example"]
    assert threading.main_thread().name not in threads, threads


# ------------------------------------------------- a real crawl: the lookup off the loop's thread refuses
_HOSTS_TABLE = '''\
import socket

_real = socket.getaddrinfo


def _table(host, port, *args, **kwargs):  # the crawl's names, answered here (no DNS, no /etc/hosts entry)
    if isinstance(host, str) and host.lower().rstrip(".") == "noibo.canhgac.test":
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port or 0))]
    return _real(host, port, *args, **kwargs)


socket.getaddrinfo = _table
'''


def test_a_redirect_to_a_name_resolving_private_is_refused_off_the_loop_s_thread(crawl_env, admin: DemoSite,  # type: ignore[no-untyped-def]
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A redirect behind the proxy to a NAME (not `localhost`, which is refused by name before any lookup) that
    resolves to 127.0.0.1: SentRequestGuard looks it up off the event loop's thread and the IgnoreRequest comes
    out of the coroutine Scrapy awaits. The crawl process answers that name from a table (its sitecustomize)."""
    hook = crawl_env.tmp / "hosts_table"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(_HOSTS_TABLE, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(hook))
    site = crawl_env.site
    target = f"http://noibo.canhgac.test:{_port(admin)}/admin"
    site.set_handler(PUBLIC + "/chuyen", _redirect(target))
    site.set_handler(target, _forward(f"http://127.0.0.1:{_port(admin)}/admin"))  # what the proxy would fetch
    _proxy_env(monkeypatch, site.base_url, no_proxy="noibo.canhgac.test")
    out, log = _crawl(crawl_env, [PUBLIC + "/chuyen"])

    assert admin.requests == [], [r.path for r in admin.requests]
    assert site.requests_for(target) == []  # not even asked of the proxy
    assert out.items_new == 0, (out, log[-3000:])
    assert "noibo.canhgac.test trỏ tới địa chỉ nội bộ 127.0.0.1" in log, log[-3000:]
