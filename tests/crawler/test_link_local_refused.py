"""Link-local addresses and the cloud metadata services are never fetched, even with `allow_private_hosts = true`
(the demo's setting, and an office's that crawls its intranet): no news source lives there, and a redirect there
is an attack on the server's credentials (169.254.169.254). Real parts: the demo site on 127.0.0.1 redirecting
there, real crawls in subprocesses; the config check on a real TOML text.
"""

from __future__ import annotations

import pytest

from crawler.demo_site.server import DemoSite
from crawler.runner import RunOutcome, run_source
from review.config import parse_config
from review.errors import ConfigError
from review.link_local import host_address, is_never_fetched
from tests.crawler.badsite import _redirect
from tests.crawler.conftest import CRAWL_LIMIT_S

# 169.254.169.254 spelled as the C library's resolver reads it
METADATA_SPELLINGS = ["169.254.169.254", "2852039166", "0xA9FEA9FE", "0251.254.169.254", "169.254.43518"]


def _crawl_redirecting_to(crawl_env, target: str, settings: dict[str, str]) -> RunOutcome:  # type: ignore[no-untyped-def]
    """Crawl an RSS source whose feed, on the demo site, redirects to `target`; private hosts allowed."""
    site: DemoSite = crawl_env.site
    site.set_handler("/chuyen.xml", _redirect(target))
    crawl_env.configure(f'\n[[sources]]\nname = "chuyen"\nkind = "rss"\nurls = ["{site.base_url}/chuyen.xml"]\n',
                        demo=False)
    return run_source(str(crawl_env.tmp / "canhgac.toml"), "chuyen", CRAWL_LIMIT_S, log_path=crawl_env.tmp / "crawl.log",
                      settings={"CANHGAC_SCORE_ENABLED": "0", **settings})


@pytest.mark.parametrize("host", METADATA_SPELLINGS)
def test_a_redirect_to_the_metadata_service_is_refused_and_said(crawl_env, host: str) -> None:  # type: ignore[no-untyped-def]
    out = _crawl_redirecting_to(crawl_env, f"http://{host}/latest/meta-data/", {})
    assert not out.ok and out.items_new == 0
    log = (crawl_env.tmp / "crawl.log").read_text(encoding="utf-8")
    said = [line for line in log.splitlines() if "link-local" in line]
    assert said and all(f"{crawl_env.site.base_url}/chuyen.xml" in line for line in said if "canhgac" in line), log
    assert f"{host.lower()} " in said[0] and "allow_private_hosts = true" in said[0], said
    assert "link-local" in out.message, out.message
    assert [r.path for r in crawl_env.site.requests if r.path != "/robots.txt"] == ["/chuyen.xml"]


@pytest.mark.parametrize("host", ["169.254.169.254", "2852039166"])
def test_the_connection_itself_is_refused_without_the_request_check(crawl_env, host: str) -> None:  # type: ignore[no-untyped-def]
    # DOWNLOADER_MIDDLEWARES={} drops RequestGuard: the resolver, where the connection is made, must refuse
    out = _crawl_redirecting_to(crawl_env, f"http://{host}/latest/meta-data/", {"DOWNLOADER_MIDDLEWARES": "{}"})
    assert not out.ok and "no results for hostname lookup" in out.message, out.message  # not a connect timeout
    log = (crawl_env.tmp / "crawl.log").read_text(encoding="utf-8")
    assert any("not connecting:" in line and f"{host} " in line and "link-local" in line for line in log.splitlines()), log


def test_private_hosts_still_work_when_allowed(crawl_env) -> None:  # type: ignore[no-untyped-def]
    out = _crawl_redirecting_to(crawl_env, crawl_env.site.base_url + "/tin-tuc/rss.xml", {})
    assert out.ok and out.items_new > 0, out.message


# ------------------------------------------------------------------------------------------ addresses
@pytest.mark.parametrize("host", [*METADATA_SPELLINGS, "169.254.0.1", "[fe80::1]", "fe80::1%eth0", "[fd00:ec2::254]",
                                  "100.100.100.200", "[::ffff:169.254.169.254]"])
def test_never_fetched(host: str) -> None:
    address = host_address(host)
    assert address is not None and is_never_fetched(address)


@pytest.mark.parametrize("host", ["127.0.0.1", "10.0.0.5", "192.168.1.1", "100.64.0.1", "[::1]", "203.162.4.190",
                                  "baochinhphu.vn", "cafe", "169.254.vn"])
def test_other_hosts_are_left_to_the_private_address_check(host: str) -> None:
    address = host_address(host)
    assert address is None or not is_never_fetched(address)


# --------------------------------------------------------------------------------------------- config
@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://2852039166/",
                                 "http://0xA9FEA9FE/", "https://[fe80::1]/tin", "http://[fd00:ec2::254]/",
                                 "http://100.100.100.200/latest/meta-data/"])
def test_a_link_local_source_url_is_a_config_error(url: str) -> None:
    body = ('[crawler]\nallow_private_hosts = true\n\n[[sources]]\nname = "noi-bo"\nkind = "rss"\n'
            f'urls = [\n  "http://10.0.0.5/rss.xml",\n  "{url}",\n]\n')
    with pytest.raises(ConfigError) as info:
        parse_config(body, "canhgac.toml")
    said = str(info.value)
    assert info.value.line == 9 and "canhgac.toml:9" in said and "urls" in said, said
    assert url in said and "link-local" in said, said
