"""A redirect loop's error names the address the source configured (or a feed or listing linked to), not the loop's
last address, which the officer never wrote."""

from __future__ import annotations

from tests.crawler import vn_sites


def test_a_redirect_loop_names_the_configured_address(crawl_env) -> None:  # type: ignore[no-untyped-def]
    site = crawl_env.site
    vn_sites.install(site)
    crawl_env.configure(vn_sites.sources_toml(site.base_url), demo=False)
    out = crawl_env.run("vong-lap")
    assert not out.ok
    log = (crawl_env.tmp / "crawl-vong-lap.log").read_text(encoding="utf-8")
    loop = [line for line in log.splitlines() if "chuyển hướng quá số lần" in line]
    assert loop, log
    # max_redirects = 3: a -> b -> a -> b, and b's redirect is one too many
    assert all(f"{site.base_url}/vong-lap/a: chuyển hướng" in line for line in loop), loop
    assert not any(f"{site.base_url}/vong-lap/b:" in line for line in loop), loop


def test_a_linked_article_that_loops_names_the_link(crawl_env) -> None:  # type: ignore[no-untyped-def]
    site, b = crawl_env.site, crawl_env.site.base_url
    vn_sites.install(site)
    site.set("/ds/", '<html><body><div class="item"><a href="/vong-lap/b">Tin</a></div></body></html>')
    crawl_env.configure(f'\n[[sources]]\nname = "ds"\nkind = "html"\nurls = ["{b}/ds/"]\n'
                        'selectors = { link = "div.item a::attr(href)" }\n', demo=False)
    crawl_env.run("ds")
    log = (crawl_env.tmp / "crawl-ds.log").read_text(encoding="utf-8")
    loop = [line for line in log.splitlines() if "chuyển hướng quá số lần" in line]
    assert loop and all(f"{b}/vong-lap/b: chuyển hướng" in line for line in loop), log
